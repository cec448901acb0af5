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

// TestKeysForgetOldest: keys are forgotten a generation of Limit at a time,
// oldest first.
func TestKeysForgetOldest(t *testing.T) {
	keys := driver.Keys{Limit: 2}
	claim := func(key, order string) error {
		return keys.Claim(driver.NewWrite("p", payments.OpCapture, key), driver.WriteParams{Ref: payments.Ref{ID: order}})
	}
	for _, k := range []string{"k1", "k2", "k3", "k4", "k5"} {
		if err := claim(k, "a"); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"k3", "k4", "k5"} {
		if err := claim(k, "b"); err == nil {
			t.Errorf("%s was forgotten too early", k)
		}
	}
	for _, k := range []string{"k1", "k2"} {
		if err := claim(k, "b"); err != nil {
			t.Errorf("%s should have been forgotten: %v", k, err)
		}
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

// TestKeysGenerationsWrap: after any number of keys, the newest Limit are
// always remembered and any older than the newest 2×Limit always
// forgotten, round after round; a repeat of a remembered write takes no
// room.
func TestKeysGenerationsWrap(t *testing.T) {
	const limit = 3
	for n := 1; n <= 5*limit; n++ {
		keys := driver.Keys{Limit: limit}
		claim := func(i int, order string) error {
			return keys.Claim(driver.NewWrite("p", payments.OpCapture, fmt.Sprintf("k%d", i)), driver.WriteParams{Ref: payments.Ref{ID: order}})
		}
		for i := 1; i <= n; i++ {
			if err := claim(i, "a"); err != nil {
				t.Fatal(err)
			}
			if err := claim(i, "a"); err != nil {
				t.Fatalf("repeat of k%d: %v", i, err)
			}
		}
		// Refusals change nothing, so every newest key can be probed.
		for i := max(1, n-limit+1); i <= n; i++ {
			if err := claim(i, "b"); payments.CodeOf(err) != payments.CodeInvalidArgument {
				t.Errorf("after %d keys, k%d with another order: err = %v; want it refused, the key is among the newest %d", n, i, err, limit)
			}
		}
		if old := n - 2*limit; old >= 1 {
			if err := claim(old, "b"); err != nil {
				t.Errorf("after %d keys, k%d should have been forgotten: %v", n, old, err)
			}
		}
	}
}

// TestKeysRefuseAfterDetailForgotten: a key reused after many other writes,
// when its first write is no longer held in full, is still refused, naming
// this call's write.
func TestKeysRefuseAfterDetailForgotten(t *testing.T) {
	var keys driver.Keys
	claim := func(op payments.Operation, key string, p driver.WriteParams) error {
		return keys.Claim(driver.NewWrite("p", op, key), p)
	}
	thirty := &payments.Money{Minor: 3000, Currency: "RUB"}
	if err := claim(payments.OpRefund, "K", driver.WriteParams{Ref: payments.Ref{ID: "order-a"}, Amount: thirty}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 1000; i++ {
		if err := claim(payments.OpCapture, fmt.Sprintf("other-%d", i), driver.WriteParams{Ref: payments.Ref{ID: "order-x"}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := claim(payments.OpRefund, "K", driver.WriteParams{Ref: payments.Ref{ID: "order-a"}, Amount: &payments.Money{Minor: 3000, Currency: "RUB"}}); err != nil {
		t.Errorf("a repeat of the same write was refused: %v", err)
	}
	err := claim(payments.OpCapture, "K", driver.WriteParams{Ref: payments.Ref{ID: "order-b"}})
	if payments.CodeOf(err) != payments.CodeInvalidArgument {
		t.Fatalf("err = %v; want InvalidArgument", err)
	}
	for _, w := range []string{"action, payment or amount differ", "a capture of order-b for all"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q does not say %q", err, w)
		}
	}
}

// TestKeysGeneratedKeyReused: a key the adapter made for one write, reused
// by the caller for another, is refused too.
func TestKeysGeneratedKeyReused(t *testing.T) {
	var keys driver.Keys
	first := driver.NewWrite("p", payments.OpCapture, "")
	if err := keys.Claim(first, driver.WriteParams{Ref: payments.Ref{ID: "order-a"}}); err != nil {
		t.Fatal(err)
	}
	if err := keys.Claim(driver.NewWrite("p", payments.OpCapture, first.Key()), driver.WriteParams{Ref: payments.Ref{ID: "order-a"}}); err != nil {
		t.Errorf("the same write again under its generated key was refused: %v", err)
	}
	err := keys.Claim(driver.NewWrite("p", payments.OpCapture, first.Key()), driver.WriteParams{Ref: payments.Ref{ID: "order-b"}})
	if payments.CodeOf(err) != payments.CodeInvalidArgument || !strings.Contains(err.Error(), "a capture of order-b") {
		t.Errorf("err = %v; want InvalidArgument naming this call's write", err)
	}
}

// TestKeysMadeKeyForgottenAfterLimit: a key NewWrite made is remembered, so
// the caller may repeat its write with it but not reuse it for another,
// until the process has made Limit more keys.
func TestKeysMadeKeyForgottenAfterLimit(t *testing.T) {
	const limit = 4
	keys := driver.Keys{Limit: limit}
	a := driver.WriteParams{Ref: payments.Ref{ID: "order-a"}}
	b := driver.WriteParams{Ref: payments.Ref{ID: "order-b"}}
	first := driver.NewWrite("p", payments.OpCapture, "")
	if err := keys.Claim(first, a); err != nil {
		t.Fatal(err)
	}
	reuse := func(p driver.WriteParams) error {
		return keys.Claim(driver.NewWrite("p", payments.OpCapture, first.Key()), p)
	}
	for i := 1; i < limit; i++ {
		if err := keys.Claim(driver.NewWrite("p", payments.OpCapture, ""), a); err != nil {
			t.Fatal(err)
		}
		if err := reuse(b); payments.CodeOf(err) != payments.CodeInvalidArgument {
			t.Fatalf("after %d more made keys, the first reused for another write: err = %v; want it refused", i, err)
		}
		if err := reuse(a); err != nil {
			t.Fatalf("after %d more made keys, the first write repeated under its key was refused: %v", i, err)
		}
	}
	if err := keys.Claim(driver.NewWrite("p", payments.OpCapture, ""), a); err != nil {
		t.Fatal(err)
	}
	if err := reuse(b); err != nil {
		t.Errorf("after %d more made keys the first should be forgotten: %v", limit, err)
	}
}
