package conformance

import (
	"context"
	"errors"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

// cartIfCarts is the one-line cart worth total that a partial action sends
// to a provider that takes carts (payments.CapCarts), and nil for one that
// does not.
func cartIfCarts(p payments.Provider, total payments.Money) *payments.Cart {
	if !payments.Supports(p, payments.CapCarts) {
		return nil
	}
	return &payments.Cart{Items: []payments.CartItem{{ID: "conformance-sku", Title: "Conformance item", Quantity: 1, Total: total}}, Total: total}
}

// testCarts checks the cart rules: a provider that takes carts refuses a
// partial capture or refund without one before moving money, and a
// provider without carts refuses one instead of dropping it silently.
func testCarts(t *testing.T, newHarness NewHarness) {
	part := payments.Money{Minor: 10000, Currency: amount.Currency}
	cases := []struct {
		name  string
		from  status.Status
		op    Op
		needs payments.Capability
		run   func(ctx context.Context, p payments.Provider, ref payments.Ref, cart *payments.Cart) error
	}{
		{"PartialCapture", status.Authorized, OpCapture, payments.CapPartialCapture,
			func(ctx context.Context, p payments.Provider, ref payments.Ref, cart *payments.Cart) error {
				_, err := p.Capture(ctx, ref, &payments.CaptureOptions{Amount: &part, Cart: cart})
				return err
			}},
		{"PartialRefund", status.Captured, OpRefund, payments.CapPartialRefund,
			func(ctx context.Context, p payments.Provider, ref payments.Ref, cart *payments.Cart) error {
				_, err := payments.Refund(ctx, p, ref, &payments.RefundOptions{Amount: &part, Cart: cart})
				return err
			}},
	}
	for _, c := range cases {
		t.Run(c.name+"WithoutCartRefused", func(t *testing.T) {
			h := open(t, newHarness)
			if !payments.Supports(h.Provider(), payments.CapCarts) || !payments.Supports(h.Provider(), c.needs) {
				t.Skipf("provider declares no carts or no %s", c.name)
			}
			ref := h.Seed(t, c.from, amount)
			ctx := ctxFor(t)
			err := c.run(ctx, h.Provider(), ref, nil)
			wantCode(t, err, payments.CodeInvalidArgument)
			if n := h.Applied(ref, c.op); n != 0 {
				t.Errorf("a %s without a cart was applied %d times", c.name, n)
			}
		})
	}
	t.Run("CartRefusedWithoutCarts", func(t *testing.T) {
		h := open(t, newHarness)
		if payments.Supports(h.Provider(), payments.CapCarts) {
			t.Skip("provider takes carts")
		}
		ref := h.Seed(t, status.Authorized, amount)
		ctx := ctxFor(t)
		cart := &payments.Cart{Items: []payments.CartItem{{ID: "sku", Title: "Item", Quantity: 1, Total: amount}}, Total: amount}
		_, err := h.Provider().Capture(ctx, ref, &payments.CaptureOptions{Cart: cart})
		if err == nil {
			t.Fatal("a capture with a cart succeeded on a provider that declares no carts; the cart would be dropped silently")
		}
		var pe *payments.Error
		if !errors.As(err, &pe) || (pe.Code != payments.CodeUnimplemented && pe.Code != payments.CodeInvalidArgument) {
			t.Fatalf("err = %v; want Unimplemented or InvalidArgument", err)
		}
		if n := h.Applied(ref, OpCapture); n != 0 {
			t.Errorf("a refused cart capture was applied %d times", n)
		}
	})
}
