package driver_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
)

func TestKeysClaim(t *testing.T) {
	a := payments.Ref{ID: "order-a"}
	b := payments.Ref{ID: "order-b"}
	thirty := &payments.Money{Minor: 3000, Currency: "RUB"}
	fifty := &payments.Money{Minor: 5000, Currency: "RUB"}
	cases := []struct {
		name  string
		op    payments.Operation
		p     driver.WriteParams
		wants []string // "" in wants[0]: allowed
	}{
		{"SameWrite", payments.OpRefund, driver.WriteParams{Ref: a, Amount: &payments.Money{Minor: 3000, Currency: "RUB"}}, nil},
		{"OtherAmount", payments.OpRefund, driver.WriteParams{Ref: a, Amount: fifty}, []string{"amount 30.00 RUB", "50.00 RUB"}},
		{"AllInsteadOfAmount", payments.OpRefund, driver.WriteParams{Ref: a}, []string{"amount 30.00 RUB, this call asks for all"}},
		{"OtherOrder", payments.OpRefund, driver.WriteParams{Ref: b, Amount: thirty}, []string{"order-a", "order-b"}},
		{"OtherAction", payments.OpCapture, driver.WriteParams{Ref: a, Amount: thirty}, []string{"a refund, this call is a capture"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var keys driver.Keys
			if err := keys.Claim(driver.NewWrite("p", payments.OpRefund, "K"), driver.WriteParams{Ref: a, Amount: thirty}); err != nil {
				t.Fatalf("first claim: %v", err)
			}
			err := keys.Claim(driver.NewWrite("p", c.op, "K"), c.p)
			if len(c.wants) == 0 {
				if err != nil {
					t.Fatalf("a repeat of the same write was refused: %v", err)
				}
				return
			}
			if payments.CodeOf(err) != payments.CodeInvalidArgument {
				t.Fatalf("err = %v; want InvalidArgument", err)
			}
			for _, w := range c.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
		})
	}
}

func TestKeysForgetOldest(t *testing.T) {
	keys := driver.Keys{Limit: 2}
	claim := func(key, order string) error {
		return keys.Claim(driver.NewWrite("p", payments.OpCapture, key), driver.WriteParams{Ref: payments.Ref{ID: order}})
	}
	for _, k := range []string{"k1", "k2", "k3"} {
		if err := claim(k, "a"); err != nil {
			t.Fatal(err)
		}
	}
	if err := claim("k1", "b"); err != nil {
		t.Errorf("k1 should have been forgotten: %v", err)
	}
	if err := claim("k3", "b"); err == nil {
		t.Error("k3 was forgotten too early")
	}
}

// An adapter claims a write's key before sending it; the same key for
// another payment is refused, naming the difference.
func ExampleKeys_Claim() {
	var keys driver.Keys
	first := driver.NewWrite("rustore", payments.OpCapture, "order-7-capture")
	fmt.Println(keys.Claim(first, driver.WriteParams{Ref: payments.Ref{ID: "p-1"}}))
	again := driver.NewWrite("rustore", payments.OpCapture, "order-7-capture")
	err := keys.Claim(again, driver.WriteParams{Ref: payments.Ref{ID: "p-2"}})
	fmt.Println(payments.CodeOf(err))
	// Output:
	// <nil>
	// InvalidArgument
}
