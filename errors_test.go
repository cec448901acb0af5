package payments_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/stretchr/testify/assert"
)

func TestCodeNamesAndStability(t *testing.T) {
	want := []string{"Unknown", "InvalidArgument", "NotFound", "FailedPrecondition", "Unauthenticated",
		"PermissionDenied", "ResourceExhausted", "Conflict", "Unavailable", "Unimplemented",
		"OutcomeUnknown", "Canceled", "DeadlineExceeded"}
	codes := payments.Codes()
	assert.Len(t, codes, len(want))
	for i, c := range codes {
		assert.Equal(t, i, int(c))
		assert.Equal(t, want[i], c.String())
	}
	assert.Equal(t, "Code(99)", payments.Code(99).String())
}

func TestErrorIsMatchesSentinelsByCode(t *testing.T) {
	sentinels := map[payments.Code]error{
		payments.CodeUnknown: payments.ErrUnknown, payments.CodeInvalidArgument: payments.ErrInvalidArgument,
		payments.CodeNotFound: payments.ErrNotFound, payments.CodeFailedPrecondition: payments.ErrFailedPrecondition,
		payments.CodeUnauthenticated: payments.ErrUnauthenticated, payments.CodePermissionDenied: payments.ErrPermissionDenied,
		payments.CodeResourceExhausted: payments.ErrResourceExhausted, payments.CodeConflict: payments.ErrConflict,
		payments.CodeUnavailable: payments.ErrUnavailable, payments.CodeUnimplemented: payments.ErrUnimplemented,
		payments.CodeOutcomeUnknown: payments.ErrOutcomeUnknown, payments.CodeCanceled: payments.ErrCanceled,
		payments.CodeDeadlineExceeded: payments.ErrDeadlineExceeded,
	}
	assert.Len(t, sentinels, len(payments.Codes()), "every code has a sentinel")
	for code := range sentinels {
		err := fmt.Errorf("wrapped: %w", &payments.Error{Code: code, Provider: "rustore", Op: "capture", Message: "m"})
		for other, s := range sentinels {
			assert.Equal(t, code == other, errors.Is(err, s), "%s vs %s", code, other)
		}
		assert.Equal(t, code, payments.CodeOf(err))
	}
	// Two real errors with one code are different errors.
	a := &payments.Error{Code: payments.CodeNotFound, Message: "a"}
	b := &payments.Error{Code: payments.CodeNotFound, Message: "b"}
	assert.False(t, errors.Is(a, b))
}

func TestCodeOf(t *testing.T) {
	deadline, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	cases := []struct {
		name string
		err  error
		want payments.Code
	}{
		{"nil", nil, payments.CodeUnknown},
		{"plain", errors.New("boom"), payments.CodeUnknown},
		{"canceled", context.Canceled, payments.CodeCanceled},
		{"wrapped deadline", fmt.Errorf("x: %w", deadline.Err()), payments.CodeDeadlineExceeded},
		{"error", &payments.Error{Code: payments.CodeConflict}, payments.CodeConflict},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, payments.CodeOf(c.err), c.name)
	}
}

func TestErrorText(t *testing.T) {
	err := &payments.Error{
		Code: payments.CodeResourceExhausted, Provider: "rustore", Op: "capture", HTTPStatus: 400,
		ProviderCode: "ERROR", Message: "You can confirm purchase only once every 15 minutes. Try again later",
		RequestID: "req-1", RetryAfter: 15 * time.Minute,
	}
	assert.Equal(t, "rustore capture: ResourceExhausted: You can confirm purchase only once every 15 minutes. "+
		"Try again later (http 400, provider code ERROR, request id req-1, retry after 15m0s)", err.Error())
	assert.Equal(t, 15*time.Minute, payments.RetryAfterOf(fmt.Errorf("w: %w", err)))
	assert.Zero(t, payments.RetryAfterOf(errors.New("plain")))

	field := &payments.Error{Code: payments.CodeInvalidArgument, Provider: "rustore", Op: payments.OpNew, Field: "KeyID", Message: "contains control characters"}
	assert.Equal(t, "rustore new: InvalidArgument: KeyID: contains control characters", field.Error())

	wrapped := &payments.Error{Code: payments.CodeUnavailable, Err: errors.New("connection refused")}
	assert.Equal(t, "Unavailable: connection refused", wrapped.Error())
	assert.EqualError(t, errors.Unwrap(wrapped), "connection refused")
}

func TestOutcomeUnknownCausedByTheContextMatchesBoth(t *testing.T) {
	// A write sent just before the deadline: the code says money may have
	// moved, and the deadline stays visible to errors.Is.
	err := fmt.Errorf("wrapped: %w", &payments.Error{Code: payments.CodeOutcomeUnknown, Message: "m",
		Err: fmt.Errorf("attempt: %w", context.DeadlineExceeded)})
	assert.Equal(t, payments.CodeOutcomeUnknown, payments.CodeOf(err))
	assert.ErrorIs(t, err, payments.ErrOutcomeUnknown)
	assert.ErrorIs(t, err, payments.ErrDeadlineExceeded)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, payments.ErrCanceled)
	assert.NotErrorIs(t, err, payments.ErrUnavailable)

	// Without a context cause, the context sentinels do not match.
	plain := &payments.Error{Code: payments.CodeOutcomeUnknown, Message: "m", Err: errors.New("reset")}
	assert.NotErrorIs(t, plain, payments.ErrDeadlineExceeded)
	assert.NotErrorIs(t, plain, payments.ErrCanceled)
}
