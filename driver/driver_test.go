package driver_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
)

func TestContextError(t *testing.T) {
	live := context.Background()
	assert.NoError(t, driver.ContextError(live, "rustore", payments.OpCapture))

	var nilCtx context.Context
	err := driver.ContextError(nilCtx, "rustore", payments.OpCapture)
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err))
	assert.EqualError(t, err, "rustore capture: InvalidArgument: nil context: pass context.Background() or a context with a deadline")

	canceled, cancel := context.WithCancel(live)
	cancel()
	err = driver.ContextError(canceled, "rustore", payments.OpCapture)
	assert.Equal(t, payments.CodeCanceled, payments.CodeOf(err))
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, payments.ErrCanceled)

	expired, cancel2 := context.WithTimeout(live, -time.Second)
	defer cancel2()
	err = driver.ContextError(expired, "yandexpay", payments.OpStatus)
	assert.Equal(t, payments.CodeDeadlineExceeded, payments.CodeOf(err))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestCheckRefusesAClientNotMadeByNewBeforeTheContext(t *testing.T) {
	var nilCtx context.Context
	err := driver.Check(nilCtx, "memory", payments.OpVoid, false)
	var pe *payments.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, payments.CodeFailedPrecondition, pe.Code)
	assert.Equal(t, "the memory.Client was not created by memory.New", pe.Message)
	assert.NoError(t, driver.Check(context.Background(), "memory", payments.OpVoid, true))
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(driver.Check(nilCtx, "memory", payments.OpVoid, true)))
}

func TestOptionsDefaultsNil(t *testing.T) {
	assert.Equal(t, payments.CaptureOptions{}, driver.Options[payments.CaptureOptions](nil))
	given := &payments.RefundOptions{IdempotencyKey: "k"}
	got := driver.Options(given)
	got.IdempotencyKey = "changed"
	assert.Equal(t, "k", given.IdempotencyKey, "Options must copy, so an action never writes to its caller's options")
}

func TestCheckAmount(t *testing.T) {
	assert.NoError(t, driver.CheckAmount("p", payments.OpRefund, "opts.Amount", nil))
	assert.NoError(t, driver.CheckAmount("p", payments.OpRefund, "opts.Amount", &payments.Money{Minor: 1, Currency: "RUB"}))
	for _, m := range []payments.Money{{Minor: 0, Currency: "RUB"}, {Minor: -1, Currency: "RUB"}, {Minor: 5}} {
		err := driver.CheckAmount("p", payments.OpRefund, "opts.Amount", &m)
		assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err), "%v", m)
		assert.Contains(t, err.Error(), "opts.Amount: ")
	}
}

func TestOutcomeUnknownKeepsTheAnswersDetails(t *testing.T) {
	cause := &payments.Error{Code: payments.CodeUnavailable, HTTPStatus: 502, ProviderCode: "BAD_GATEWAY", RequestID: "r-1",
		RetryAfter: time.Second, IdempotencyKey: "k-1"}
	e := driver.OutcomeUnknown("yandexpay", payments.OpCapture, cause, "the order is still AUTHORIZED")
	assert.Equal(t, payments.CodeOutcomeUnknown, e.Code)
	assert.Equal(t, []any{502, "BAD_GATEWAY", "r-1", time.Second, "k-1"}, []any{e.HTTPStatus, e.ProviderCode, e.RequestID, e.RetryAfter, e.IdempotencyKey})
	assert.Equal(t, "the capture may have reached yandexpay and acted, and the order is still AUTHORIZED: check Status, and repeat only with the same IdempotencyKey", e.Message)
}

func TestCanceledAfterSendIsOutcomeUnknownAndStillCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sent := &payments.Error{Code: payments.CodeCanceled, HTTPStatus: 0, Err: context.Canceled}
	err := driver.CanceledAfterSend(ctx, "rustore", payments.OpRefund, sent)
	assert.Equal(t, payments.CodeOutcomeUnknown, err.Code)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, payments.ErrCanceled)
}

func TestMalformedIsMarked(t *testing.T) {
	e := driver.Malformed("yandexpay", payments.OpStatus, 200, "req-9", "no order", `{"status":"success"}`)
	assert.ErrorIs(t, fmt.Errorf("w: %w", e), driver.ErrMalformed)
	assert.Equal(t, payments.CodeUnknown, e.Code)
	assert.Equal(t, `malformed answer (no order): {"status":"success"}`, e.Message)
	assert.Equal(t, "req-9", e.RequestID)
}

func TestMessage(t *testing.T) {
	assert.Equal(t, "m", driver.Message(fmt.Errorf("w: %w", &payments.Error{Code: payments.CodeConflict, Message: "m"})))
	assert.Equal(t, "plain", driver.Message(errors.New("plain")))
}

func TestParseTime(t *testing.T) {
	assert.Equal(t, time.Date(2025, 1, 2, 3, 4, 5, 600_000_000, time.UTC), driver.ParseTime(" 2025-01-02T03:04:05.6Z ").UTC())
	assert.True(t, driver.ParseTime("yesterday").IsZero())
}

func TestConfigErrorNamesTheField(t *testing.T) {
	e := driver.ConfigError("rustore", "KeyID", "contains %s", "control characters")
	assert.Equal(t, "rustore new: InvalidArgument: KeyID: contains control characters", e.Error())
}

func TestFirstErrorKeepsFieldOrder(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	assert.NoError(t, driver.FirstError(nil, nil))
	assert.Equal(t, a, driver.FirstError(nil, a, b))
	assert.Equal(t, b, driver.FirstError(b, a))
}
