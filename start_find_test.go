package payments_test

import (
	"context"
	"iter"
	"strings"
	"testing"

	"github.com/regionpay/payments"
)

// startingProvider starts payments, and says so only through its interface.
type startingProvider struct {
	bareProvider
	calls int
}

func (s *startingProvider) Start(_ context.Context, req *payments.StartRequest) (*payments.StartResult, error) {
	s.calls++
	return &payments.StartResult{Ref: payments.Ref{ID: req.OrderID}, Provider: "bare", PaymentURL: "https://pay.example/" + req.OrderID}, nil
}

// listingProvider lists a fixed set of payments in pages of two and counts
// the pages it was asked for.
type listingProvider struct {
	bareProvider
	ids   []string
	pages int
}

func (l *listingProvider) Find(_ context.Context, q payments.FindQuery) iter.Seq2[*payments.FoundPayment, error] {
	return func(yield func(*payments.FoundPayment, error) bool) {
		for i := 0; i < len(l.ids); i += 2 {
			l.pages++
			for _, id := range l.ids[i:min(i+2, len(l.ids))] {
				if !yield(&payments.FoundPayment{Ref: payments.Ref{ID: id, InvoiceID: "inv-" + id}, Provider: "bare"}, nil) {
					return
				}
			}
		}
	}
}

func TestStartWithoutStarterIsUnimplemented(t *testing.T) {
	_, err := payments.Start(context.Background(), bareProvider{}, &payments.StartRequest{OrderID: "o-1"})
	if payments.CodeOf(err) != payments.CodeUnimplemented {
		t.Fatalf("Start through a provider that cannot start: got %v, want Unimplemented", err)
	}
	if _, err := payments.Start(context.Background(), nil, &payments.StartRequest{}); payments.CodeOf(err) != payments.CodeInvalidArgument {
		t.Fatalf("Start(nil provider): got %v, want InvalidArgument", err)
	}
}

func TestStartCallsTheStarter(t *testing.T) {
	p := &startingProvider{}
	if !payments.Supports(p, payments.CapStart) {
		t.Fatal("a Starter without Capabilities must be seen as starting")
	}
	res, err := payments.Start(context.Background(), p, &payments.StartRequest{OrderID: "o-1"})
	if err != nil {
		t.Fatal(err)
	}
	if p.calls != 1 || res.Ref.ID != "o-1" {
		t.Fatalf("Start: %d calls, ref %v; want 1 call for o-1", p.calls, res.Ref)
	}
}

func TestFindWithoutFinderYieldsUnimplemented(t *testing.T) {
	n := 0
	for fp, err := range payments.Find(context.Background(), bareProvider{}, payments.FindQuery{AppUserID: "u"}) {
		n++
		if fp != nil || payments.CodeOf(err) != payments.CodeUnimplemented {
			t.Fatalf("got (%v, %v), want one Unimplemented error", fp, err)
		}
	}
	if n != 1 {
		t.Fatalf("yielded %d times, want 1", n)
	}
	_, err := payments.FindRef(context.Background(), nil, payments.FindQuery{AppUserID: "u"}, "x")
	if payments.CodeOf(err) != payments.CodeInvalidArgument {
		t.Fatalf("FindRef(nil provider): got %v, want InvalidArgument", err)
	}
}

func TestFindRefStopsAtTheMatch(t *testing.T) {
	p := &listingProvider{ids: []string{"a", "b", "c", "d", "e", "f"}}
	if !payments.Supports(p, payments.CapFind) {
		t.Fatal("a Finder without Capabilities must be seen as finding")
	}
	ref, err := payments.FindRef(context.Background(), p, payments.FindQuery{AppUserID: "u"}, "c")
	if err != nil {
		t.Fatal(err)
	}
	if ref != (payments.Ref{ID: "c", InvoiceID: "inv-c"}) {
		t.Fatalf("FindRef = %v, want c/inv-c", ref)
	}
	if p.pages != 2 {
		t.Fatalf("FindRef fetched %d pages, want 2 (it must stop at the match)", p.pages)
	}
}

func TestFindRefNotFound(t *testing.T) {
	p := &listingProvider{ids: []string{"a", "b", "c"}}
	_, err := payments.FindRef(context.Background(), p, payments.FindQuery{AppUserID: "u-7"}, "z")
	if payments.CodeOf(err) != payments.CodeNotFound {
		t.Fatalf("got %v, want NotFound", err)
	}
	if p.pages != 2 {
		t.Fatalf("fetched %d pages, want all 2", p.pages)
	}
	if _, err := payments.FindRef(context.Background(), p, payments.FindQuery{AppUserID: "u"}, " "); payments.CodeOf(err) != payments.CodeInvalidArgument {
		t.Fatalf("empty id: got %v, want InvalidArgument", err)
	}
}

func TestFindRefMatchesIDsExactlyExceptUUIDCase(t *testing.T) {
	const id = "3aa0c7bd-964e-4562-b218-fe365adb4ae3"
	p := &listingProvider{ids: []string{"order-a", id}}
	if _, err := payments.FindRef(context.Background(), p, payments.FindQuery{AppUserID: "u"}, "ORDER-A"); payments.CodeOf(err) != payments.CodeNotFound {
		t.Fatalf("an id differing in case matched: %v", err)
	}
	ref, err := payments.FindRef(context.Background(), p, payments.FindQuery{AppUserID: "u"}, strings.ToUpper(id))
	if err != nil || ref.ID != id {
		t.Fatalf("an upper-case UUID: %v, %v; want %s", ref, err, id)
	}
}

// checkingProvider is a listingProvider whose ids all start with "id-".
type checkingProvider struct{ listingProvider }

func (c *checkingProvider) CheckRef(op payments.Operation, ref payments.Ref) error {
	if !strings.HasPrefix(ref.ID, "id-") {
		return &payments.Error{Code: payments.CodeInvalidArgument, Provider: "bare", Op: op, Message: "Ref.ID must start with id-"}
	}
	return nil
}

// TestFindRefRefusesAMalformedIDBeforeListing: an id the provider could
// never have issued is bad input, refused before any page is fetched, not a
// payment searched for and not found.
func TestFindRefRefusesAMalformedIDBeforeListing(t *testing.T) {
	p := &checkingProvider{listingProvider{ids: []string{"id-a", "id-b", "id-c"}}}
	_, err := payments.FindRef(context.Background(), p, payments.FindQuery{AppUserID: "u-7"}, "a")
	if payments.CodeOf(err) != payments.CodeInvalidArgument || !strings.Contains(err.Error(), "must start with id-") {
		t.Fatalf("got %v, want the provider's InvalidArgument", err)
	}
	if p.pages != 0 {
		t.Fatalf("fetched %d pages for a malformed id, want none", p.pages)
	}
	ref, err := payments.FindRef(context.Background(), p, payments.FindQuery{AppUserID: "u-7"}, "id-c")
	if err != nil || ref.InvoiceID != "inv-id-c" {
		t.Fatalf("a well-formed id: %+v, %v", ref, err)
	}
}
