package payments_test

import (
	"context"
	"iter"
	"testing"

	"github.com/regionpay/payments"
)

// nilListingProvider lists one nil payment without an error, as a buggy
// third-party Finder might.
type nilListingProvider struct{ bareProvider }

func (nilListingProvider) Find(context.Context, payments.FindQuery) iter.Seq2[*payments.FoundPayment, error] {
	return func(yield func(*payments.FoundPayment, error) bool) { yield(nil, nil) }
}

// TestFindRefRefusesANilListing: FindRef reads each listed payment's id, so
// a nil one without an error must be an error, not a panic.
func TestFindRefRefusesANilListing(t *testing.T) {
	defer func() {
		if v := recover(); v != nil {
			t.Fatalf("FindRef panicked: %v", v)
		}
	}()
	_, err := payments.FindRef(context.Background(), nilListingProvider{}, payments.FindQuery{AppUserID: "u"}, "a")
	if got := payments.CodeOf(err); got != payments.CodeUnknown {
		t.Fatalf("FindRef over a nil listing: code %s (err %v), want Unknown", got, err)
	}
}
