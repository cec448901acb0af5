package memory_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/memory"
	"github.com/regionpay/payments/status"
)

var rub = payments.Money{Minor: 1000, Currency: "RUB"}

func TestAddFailsLoudly(t *testing.T) {
	p := memory.New(nil)
	ref := p.Add(memory.Payment{ID: "p-1", Amount: rub})
	assert.Equal(t, payments.Ref{ID: "p-1"}, ref)
	cases := []struct {
		pay  memory.Payment
		want string
	}{
		{memory.Payment{ID: "p-1", Amount: rub}, `memory: payment "p-1" is already stored`},
		{memory.Payment{Amount: payments.Money{Minor: 0, Currency: "RUB"}}, "memory: amount must be positive, got 0 minor units"},
		{memory.Payment{Status: status.Status(99), Amount: rub}, "memory: status Status(99) is not defined"},
	}
	for _, c := range cases {
		_, err := p.TryAdd(c.pay)
		require.EqualError(t, err, c.want)
		assert.PanicsWithValue(t, "Add: "+c.want, func() { p.Add(c.pay) })
	}
	pay, err := p.Status(context.Background(), ref)
	require.NoError(t, err)
	assert.Equal(t, status.Authorized, pay.Status, "an unset status seeds Authorized")
	assert.Equal(t, "AUTHORIZED", pay.RawStatus)
}

func TestInjectFaultFailsLoudly(t *testing.T) {
	p := memory.New(nil)
	f := fault.Fault{Kind: fault.ServerError, Action: "captur"}
	err := p.TryInjectFault(f)
	require.EqualError(t, err, `memory: fault action "captur" is not one of capture, void, rollback, refund, status`)
	assert.PanicsWithValue(t, "InjectFault: "+err.Error(), func() { p.InjectFault(f) })
}

func TestWithAPIKeySharesThePaymentsButNotTheKey(t *testing.T) {
	const good, bad = payments.Secret("good-key-000001"), payments.Secret("bad-key-0000002")
	p := memory.New(&memory.Options{APIKey: good})
	ref := p.Add(memory.Payment{Amount: rub})
	_, err := p.WithAPIKey(bad).Capture(context.Background(), ref, nil)
	assert.Equal(t, payments.CodeUnauthenticated, payments.CodeOf(err))
	assert.NotContains(t, err.Error(), bad.Reveal())
	_, err = p.WithAPIKey(good).Capture(context.Background(), ref, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, p.Count(ref.ID, payments.OpCapture))
}

func TestPartialCaptureThenRefunds(t *testing.T) {
	ctx := context.Background()
	p := memory.New(nil)
	ref := p.Add(memory.Payment{Amount: rub})
	part := payments.Money{Minor: 600, Currency: "RUB"}
	_, err := p.Capture(ctx, ref, &payments.CaptureOptions{Amount: &part})
	require.NoError(t, err)
	tooMuch := payments.Money{Minor: 700, Currency: "RUB"}
	_, err = payments.Refund(ctx, p, ref, &payments.RefundOptions{Amount: &tooMuch})
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err), "a refund above what was charged")
	usd := payments.Money{Minor: 100, Currency: "USD"}
	_, err = payments.Refund(ctx, p, ref, &payments.RefundOptions{Amount: &usd})
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err), "a refund in another currency")
	some := payments.Money{Minor: 200, Currency: "RUB"}
	res, err := payments.Refund(ctx, p, ref, &payments.RefundOptions{Amount: &some})
	require.NoError(t, err)
	assert.Equal(t, status.PartiallyRefunded, res.Status)
	res, err = p.Rollback(ctx, ref, nil)
	require.NoError(t, err)
	assert.Equal(t, status.Refunded, res.Status)
	pay, err := p.Status(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, payments.Money{Minor: 0, Currency: "RUB"}, pay.Amount)
	assert.Equal(t, "REFUNDED", pay.RawStatus)
	assert.Equal(t, 2, p.Count(ref.ID, payments.OpRefund)+p.Count(ref.ID, payments.OpRollback))
}
