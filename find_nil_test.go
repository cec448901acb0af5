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

// nilStartingProvider starts nothing and says nothing, as a buggy
// third-party Starter might.
type nilStartingProvider struct{ bareProvider }

func (nilStartingProvider) Start(context.Context, *payments.StartRequest) (*payments.StartResult, error) {
	return nil, nil
}

// TestStartRefusesANilResult: Start never hands the caller a nil result
// without an error.
func TestStartRefusesANilResult(t *testing.T) {
	res, err := payments.Start(context.Background(), nilStartingProvider{}, &payments.StartRequest{OrderID: "o"})
	if res != nil || payments.CodeOf(err) != payments.CodeUnknown {
		t.Fatalf("Start = %v, %v; want no result and an Unknown error", res, err)
	}
}
