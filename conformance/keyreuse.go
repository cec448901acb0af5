package conformance

import (
	"strings"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

// testKeyReuse: an idempotency key names one write. The same key with
// another order, action or amount is refused with CodeInvalidArgument, the
// message naming the key, and nothing moves; it is never reported as the
// first write's success.
func testKeyReuse(t *testing.T, newHarness NewHarness) {
	t.Run("OtherOrder", func(t *testing.T) {
		h := open(t, newHarness)
		a, b := h.Seed(t, status.Authorized, amount), h.Seed(t, status.Authorized, amount)
		ctx := ctxFor(t)
		const key = "conformance-reuse-order"
		res, err := h.Provider().Capture(ctx, a, &payments.CaptureOptions{IdempotencyKey: key})
		settle(t, ctx, h.Provider(), res, err)
		_, err = h.Provider().Capture(ctx, b, &payments.CaptureOptions{IdempotencyKey: key})
		wantReuseRefused(t, err, key, b.ID)
		if n := h.Applied(b, OpCapture); n != 0 {
			t.Errorf("the second order was captured %d times under a reused key", n)
		}
		if st := mustStatus(t, ctx, h.Provider(), b).Status; st != status.Authorized {
			t.Errorf("the second order is %s; want it left Authorized", st)
		}
	})
	t.Run("OtherAction", func(t *testing.T) {
		h := open(t, newHarness)
		a := h.Seed(t, status.Authorized, amount)
		ctx := ctxFor(t)
		const key = "conformance-reuse-action"
		res, err := h.Provider().Capture(ctx, a, &payments.CaptureOptions{IdempotencyKey: key})
		settle(t, ctx, h.Provider(), res, err)
		_, err = h.Provider().Void(ctx, a, &payments.VoidOptions{IdempotencyKey: key})
		wantReuseRefused(t, err, key, string(payments.OpVoid))
		if n := h.Applied(a, OpVoid); n != 0 {
			t.Errorf("a void under the capture's key was applied %d times", n)
		}
		if st := mustStatus(t, ctx, h.Provider(), a).Status; st != status.Captured {
			t.Errorf("status = %s; want Captured", st)
		}
	})
	t.Run("OtherAmount", func(t *testing.T) {
		h := open(t, newHarness)
		if lacks(h, payments.CapRefund) {
			t.Skip("provider declares no refund capability")
		}
		partial := payments.Supports(h.Provider(), payments.CapPartialRefund)
		ref := h.Seed(t, status.Captured, amount)
		ctx := ctxFor(t)
		const key = "conformance-reuse-amount"
		// Without partial refunds the first refund is of everything and
		// the second names an amount: still another write under one key.
		var first *payments.Money
		if partial {
			first = &payments.Money{Minor: 3000, Currency: amount.Currency}
		}
		second := &payments.Money{Minor: 5000, Currency: amount.Currency}
		// A partial refund names the cart left afterwards where the
		// provider takes carts.
		var firstCart *payments.Cart
		left := amount
		if first != nil {
			left.Minor -= first.Minor
			firstCart = cartIfCarts(h.Provider(), left)
		}
		res, err := payments.Refund(ctx, h.Provider(), ref, &payments.RefundOptions{Amount: first, Cart: firstCart, IdempotencyKey: key})
		settle(t, ctx, h.Provider(), res, err)
		left.Minor -= second.Minor
		_, err = payments.Refund(ctx, h.Provider(), ref, &payments.RefundOptions{Amount: second, Cart: cartIfCarts(h.Provider(), left), IdempotencyKey: key})
		if partial {
			wantReuseRefused(t, err, key, second.Decimal())
		} else if err == nil {
			t.Fatal("a refund of another amount under a used key succeeded")
		}
		if n := h.Applied(ref, OpRefund); n != 1 {
			t.Errorf("refunds applied %d times; want 1", n)
		}
		pay := mustStatus(t, ctx, h.Provider(), ref)
		if partial {
			if want := amount.Minor - first.Minor; pay.Amount.Minor != want {
				t.Errorf("amount left %s; want %d minor units: only the first refund may move money", pay.Amount, want)
			}
		}
	})
}

// wantReuseRefused checks the refusal of a reused key: InvalidArgument,
// carrying the key, and naming what differs from the write the key names
// (this call's order, action or amount), so the caller knows which
// parameter made it another write.
func wantReuseRefused(t *testing.T, err error, key, differs string) {
	t.Helper()
	wantCode(t, err, payments.CodeInvalidArgument)
	if !strings.Contains(err.Error(), key) {
		t.Errorf("the refusal does not name the reused key %q: %v", key, err)
	}
	if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(differs)) {
		t.Errorf("the refusal does not name what differs (%s): %v", differs, err)
	}
}
