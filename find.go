package payments

import (
	"context"
	"encoding/json"
	"iter"
	"strings"

	"github.com/google/uuid"

	"github.com/regionpay/payments/status"
)

// FindQuery selects the payments [Find] lists.
type FindQuery struct {
	// AppUserID is the buyer as the app knows them: the id the app passed to
	// the provider's SDK when the purchase started (RuStore appUserId).
	// Required.
	AppUserID string
	// RawStatus keeps only payments in this status, in the provider's own
	// words (RuStore: "CONFIRMED", "PAID", ...); empty lists all.
	RawStatus string
	// PageSize is how many payments one request fetches; zero means the
	// adapter's default. Iteration fetches the next page only when the
	// caller has consumed the previous one.
	PageSize int
}

// FoundPayment is one payment in a [Find] listing.
type FoundPayment struct {
	// Ref carries every id the provider listed (RuStore: purchaseId and
	// invoiceId), ready for Status, Capture and Refund.
	Ref Ref `json:"ref"`
	// Provider is the adapter name.
	Provider string `json:"provider"`
	// ProductID is the product bought, as the app's catalog names it.
	ProductID string `json:"product_id,omitempty"`
	// ProductType is the provider's kind of product (RuStore:
	// "CONSUMABLE", "SUBSCRIPTION", ...), where listed.
	ProductType string `json:"product_type,omitempty"`
	// OrderID is the app's own order id given when the purchase started.
	OrderID string `json:"order_id,omitempty"`
	// Status is the normalized state; Unknown when the listing carries no
	// status the adapter knows (read Status for the authoritative one).
	Status status.Status `json:"status"`
	// RawStatus is the provider's status exactly as listed, if any.
	RawStatus string `json:"raw_status,omitempty"`
	// Test is true for a test (sandbox) purchase.
	Test bool `json:"test"`
	// Raw is the listing's item as received.
	Raw json.RawMessage `json:"raw,omitempty"`
}

// Finder is implemented by providers that list a buyer's payments (RuStore:
// the purchases of one app user). Prefer [Find], which checks for it.
type Finder interface {
	// Find lists the payments q selects, page by page as the caller
	// iterates. An error ends the sequence: it is yielded once, with a nil
	// payment, after the payments read before it.
	Find(ctx context.Context, q FindQuery) iter.Seq2[*FoundPayment, error]
}

// RefChecker is implemented by providers whose payment ids have a form of
// their own (RuStore's purchaseId is a UUID, its invoiceId digits).
// CheckRef reports, without sending anything, an id in ref that the
// provider could never have issued, as a CodeInvalidArgument error for op.
// [FindRef] asks it first, so that a mistyped id is refused as bad input
// rather than searched for page by page and reported as not found.
type RefChecker interface {
	// CheckRef returns a CodeInvalidArgument error for op when ref holds an
	// id the provider could never have issued, and nil otherwise.
	CheckRef(op Operation, ref Ref) error
}

// Find lists payments through p, as [Finder.Find] does; when p cannot find
// payments the sequence yields one CodeUnimplemented error and nothing is
// sent.
func Find(ctx context.Context, p Provider, q FindQuery) iter.Seq2[*FoundPayment, error] {
	if p == nil {
		return failed(invalidArgument("", OpFind, "nil provider"))
	}
	f, ok := p.(Finder)
	if !ok || !Supports(p, CapFind) {
		return failed(&Error{Code: CodeUnimplemented, Provider: p.Name(), Op: OpFind,
			Message: "this provider cannot list payments"})
	}
	return f.Find(ctx, q)
}

// FindRef finds the payment whose Ref.ID is id (exactly; a UUID in any
// letter case) among those q selects and
// returns its full Ref: for RuStore, the invoiceId that Status and Refund
// need, from the purchaseId the app or a support ticket gave. It stops
// fetching pages once the payment is found, and fails with CodeNotFound when
// the listing does not contain it.
func FindRef(ctx context.Context, p Provider, q FindQuery, id string) (Ref, error) {
	name := ""
	if p != nil {
		name = p.Name()
	}
	want := strings.TrimSpace(id)
	if want == "" {
		return Ref{}, invalidArgument(name, OpFind, "payment id is empty")
	}
	if rc, ok := p.(RefChecker); ok {
		if err := rc.CheckRef(OpFind, Ref{ID: want}); err != nil {
			return Ref{}, err
		}
	}
	for fp, err := range Find(ctx, p, q) {
		if err != nil {
			return Ref{}, err
		}
		if fp == nil {
			// A third-party Finder's bug; never a panic here.
			return Ref{}, &Error{Code: CodeUnknown, Provider: name, Op: OpFind,
				Message: "the provider listed neither a payment nor an error"}
		}
		if sameID(fp.Ref.ID, want) {
			return fp.Ref, nil
		}
	}
	return Ref{}, &Error{Code: CodeNotFound, Provider: name, Op: OpFind,
		Message: "no payment " + want + " among the payments of app user " + q.AppUserID}
}

// sameID compares payment ids exactly, except that two UUIDs (RuStore's
// purchaseId) match whatever their letter case, as RFC 4122 reads them: a
// support ticket may carry one in upper case. Other ids may be
// case-sensitive, and a near match must never pick another payment.
func sameID(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) != 36 || len(b) != 36 || !strings.EqualFold(a, b) {
		return false
	}
	_, errA := uuid.Parse(a)
	_, errB := uuid.Parse(b)
	return errA == nil && errB == nil
}

// failed is a sequence of one error.
func failed(err error) iter.Seq2[*FoundPayment, error] {
	return func(yield func(*FoundPayment, error) bool) { yield(nil, err) }
}
