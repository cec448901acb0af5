package payments_test

import (
	"context"
	"testing"

	"github.com/regionpay/payments"
)

// bareProvider implements only Provider: no refunds, no capabilities list.
type bareProvider struct{}

func (bareProvider) Name() string { return "bare" }
func (bareProvider) Capture(context.Context, payments.Ref, *payments.CaptureOptions) (*payments.Result, error) {
	return nil, nil
}
func (bareProvider) Void(context.Context, payments.Ref, *payments.VoidOptions) (*payments.Result, error) {
	return nil, nil
}
func (bareProvider) Rollback(context.Context, payments.Ref, *payments.RollbackOptions) (*payments.Result, error) {
	return nil, nil
}
func (bareProvider) Status(context.Context, payments.Ref) (*payments.Payment, error) { return nil, nil }

// refundingProvider refunds, and says so only through its interface.
type refundingProvider struct {
	bareProvider
	calls int
}

func (r *refundingProvider) Refund(context.Context, payments.Ref, *payments.RefundOptions) (*payments.Result, error) {
	r.calls++
	return &payments.Result{Provider: "bare"}, nil
}

func TestRefundWithoutRefunderIsUnimplemented(t *testing.T) {
	_, err := payments.Refund(context.Background(), bareProvider{}, payments.Ref{ID: "x"}, nil)
	if payments.CodeOf(err) != payments.CodeUnimplemented {
		t.Fatalf("Refund through a provider without refunds: got %v, want Unimplemented", err)
	}
	if payments.Supports(bareProvider{}, payments.CapRefund) {
		t.Fatal("Supports(bare, refund) = true")
	}
}

func TestRefundCallsTheRefunder(t *testing.T) {
	p := &refundingProvider{}
	if !payments.Supports(p, payments.CapRefund) {
		t.Fatal("a Refunder without Capabilities must be seen as refunding")
	}
	if _, err := payments.Refund(context.Background(), p, payments.Ref{ID: "x"}, nil); err != nil {
		t.Fatal(err)
	}
	if p.calls != 1 {
		t.Fatalf("Refund called the provider %d times, want 1", p.calls)
	}
}

func TestRefundNilProvider(t *testing.T) {
	_, err := payments.Refund(context.Background(), nil, payments.Ref{ID: "x"}, nil)
	if payments.CodeOf(err) != payments.CodeInvalidArgument {
		t.Fatalf("got %v, want InvalidArgument", err)
	}
}

func TestErrorCarriesIdempotencyKey(t *testing.T) {
	err := &payments.Error{Code: payments.CodeOutcomeUnknown, Provider: "p", Op: payments.OpRefund, IdempotencyKey: "k-42"}
	if got, want := err.Error(), "p refund: OutcomeUnknown (idempotency key k-42)"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}

func TestCartValidate(t *testing.T) {
	rub := func(m int64) payments.Money { return payments.Money{Minor: m, Currency: "RUB"} }
	item := func(id string, q, total int64) payments.CartItem {
		return payments.CartItem{ID: id, Title: "t-" + id, Quantity: q, Total: rub(total)}
	}
	cases := []struct {
		name string
		cart *payments.Cart
		want string // "" means valid
	}{
		{"Valid", &payments.Cart{Items: []payments.CartItem{item("a", 1, 100), item("b", 2, 250)}, Total: rub(350)}, ""},
		{"Nil", nil, "cart is nil"},
		{"Empty", &payments.Cart{Total: rub(100)}, "cart has no items"},
		{"SumDiffers", &payments.Cart{Items: []payments.CartItem{item("a", 1, 100)}, Total: rub(101)}, "cart total 1.01 RUB is not the sum of its items (1.00 RUB)"},
		{"RepeatedID", &payments.Cart{Items: []payments.CartItem{item("a", 1, 100), item("a", 1, 100)}, Total: rub(200)}, `cart item 1 (id "a"): id appears twice`},
		{"ZeroQuantity", &payments.Cart{Items: []payments.CartItem{item("a", 0, 100)}, Total: rub(100)}, `cart item 0 (id "a"): quantity must be at least 1, got 0`},
		{"NegativeLine", &payments.Cart{Items: []payments.CartItem{item("a", 1, -5)}, Total: rub(100)}, `cart item 0 (id "a") total: amount must be positive, got -5 minor units`},
		{"EmptyID", &payments.Cart{Items: []payments.CartItem{item("", 1, 100)}, Total: rub(100)}, "cart item 0: id is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cart.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("valid cart refused: %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Fatalf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}
