package yandexpay_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// TestCaptureCartWithoutAmountMustBeWhole: a nil Amount captures
// everything, so a cart alone that totals less than the order is refused
// before the capture is sent (Yandex Pay would capture the cart's total and
// release the rest), while the whole order's cart captures it all.
func TestCaptureCartWithoutAmountMustBeWhole(t *testing.T) {
	e := newEnv(t, nil)
	ctx := ctxT(t)
	o := e.srv.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusAuthorized, Amount: 50000})
	ref := payments.Ref{ID: o.OrderID}

	_, err := e.c.Capture(ctx, ref, &payments.CaptureOptions{Cart: cartOf(100)})
	require.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err), "err = %v", err)
	require.Contains(t, err.Error(), "opts.Cart totals 1.00 RUB but the order is for 500.00 RUB")
	require.Zero(t, e.srv.Count(o.OrderID, yandexpaytest.ActionCapture), "the refused capture reached Yandex Pay")
	pay, err := e.c.Status(ctx, ref)
	require.NoError(t, err)
	require.Equal(t, status.Authorized, pay.Status)

	// The same cart with its amount is a partial capture the caller asked for.
	res, err := e.c.Capture(ctx, ref, &payments.CaptureOptions{Amount: rub(100), Cart: cartOf(100)})
	require.NoError(t, err)
	require.Equal(t, status.Captured, res.Status)

	// The whole order's cart without an amount captures everything.
	whole := e.srv.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusAuthorized, Amount: 50000})
	_, err = e.c.Capture(ctx, payments.Ref{ID: whole.OrderID}, &payments.CaptureOptions{Cart: cartOf(50000)})
	require.NoError(t, err)
	pay, err = e.c.Status(ctx, payments.Ref{ID: whole.OrderID})
	require.NoError(t, err)
	require.Equal(t, payments.Money{Minor: 50000, Currency: "RUB"}, pay.Amount)
}
