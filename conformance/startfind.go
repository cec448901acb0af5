package conformance

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

// StartHarness is implemented by harnesses whose provider starts payments
// (payments.CapStart). A provider that declares the capability must have a
// harness that implements it: the Start subtests fail otherwise.
type StartHarness interface {
	Harness
	// StartRequest returns a valid request for a new payment of total,
	// under a fresh order id, with a cart of at least two lines.
	StartRequest(t testing.TB, total payments.Money) *payments.StartRequest
	// Pay pays a started payment as the buyer does on the payment page.
	Pay(t testing.TB, ref payments.Ref)
	// Started counts how many payments the emulator created for ref: a
	// repeated Start must leave it at 1.
	Started(ref payments.Ref) int
}

// FindHarness is implemented by harnesses whose provider finds payments
// (payments.CapFind). A provider that declares the capability must have a
// harness that implements it: the Find subtests fail otherwise.
type FindHarness interface {
	Harness
	// SeedForUser creates n payments of the app user in state st, and
	// returns their full refs, oldest first.
	SeedForUser(t testing.TB, appUserID string, n int, st status.Status) []payments.Ref
}

func testStart(t *testing.T, newHarness NewHarness) {
	runSubtests(t, newHarness, []subtest{
		{"Unsupported", testStartUnsupported},
		{"New", testStartNew},
		{"RepeatIsTheSamePayment", testStartRepeatIsTheSamePayment},
		{"SameOrderOtherCartIsRefused", testStartSameOrderOtherCartIsRefused},
		{"InvalidRequests", testStartInvalidRequests},
		{"PaidThenCaptured", testStartPaidThenCaptured},
		{"PaidIsNotified", testStartPaidIsNotified},
		{"Canceled", testStartCanceled},
	})
}

// without opens the harness's provider for a test of what a provider
// without capability c answers, and skips the test when it has c.
func without(t *testing.T, newHarness NewHarness, c payments.Capability) payments.Provider {
	t.Helper()
	p := open(t, newHarness).Provider()
	if payments.Supports(p, c) {
		t.Skipf("the provider has %s", c)
	}
	return p
}

func testStartUnsupported(t *testing.T, newHarness NewHarness) {
	p := without(t, newHarness, payments.CapStart)
	_, err := payments.Start(ctxFor(t), p, &payments.StartRequest{OrderID: "order-1"})
	wantCode(t, err, payments.CodeUnimplemented)
}

func testStartNew(t *testing.T, newHarness NewHarness) {
	h, sh := startHarness(t, newHarness)
	ctx := ctxFor(t)
	req := sh.StartRequest(t, amount)
	res, err := payments.Start(ctx, h.Provider(), req)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if res.Ref.ID != req.OrderID || res.Status != status.Pending || res.Existing || res.Provider != h.Provider().Name() {
		t.Fatalf("Start = %+v; want a new Pending payment named %q", res, req.OrderID)
	}
	if !strings.HasPrefix(res.PaymentURL, "http://") && !strings.HasPrefix(res.PaymentURL, "https://") {
		t.Fatalf("PaymentURL %q is not a web address", res.PaymentURL)
	}
	if !res.ExpiresAt.IsZero() && !res.ExpiresAt.After(time.Now()) {
		t.Fatalf("ExpiresAt %s is already past", res.ExpiresAt)
	}
	pay := mustStatus(t, ctx, h.Provider(), res.Ref)
	if pay.Status != status.Pending || pay.Amount != amount {
		t.Fatalf("Status of the started payment: %s %s; want Pending %s", pay.Status, pay.Amount, amount)
	}
	if n := sh.Started(res.Ref); n != 1 {
		t.Fatalf("started %d times; want 1", n)
	}
}

func testStartRepeatIsTheSamePayment(t *testing.T, newHarness NewHarness) {
	h, sh := startHarness(t, newHarness)
	ctx := ctxFor(t)
	req := sh.StartRequest(t, amount)
	first, err := payments.Start(ctx, h.Provider(), req)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		again, err := payments.Start(ctx, h.Provider(), req)
		if err != nil {
			t.Fatalf("repeat %d: %v", i+1, err)
		}
		if again.Ref != first.Ref || again.PaymentURL != first.PaymentURL || !again.Existing {
			t.Fatalf("repeat %d = %+v; want the first payment %+v, marked Existing", i+1, again, first)
		}
	}
	if n := sh.Started(first.Ref); n != 1 {
		t.Fatalf("started %d times; want 1", n)
	}
}

func testStartSameOrderOtherCartIsRefused(t *testing.T, newHarness NewHarness) {
	h, sh := startHarness(t, newHarness)
	ctx := ctxFor(t)
	req := sh.StartRequest(t, amount)
	first, err := payments.Start(ctx, h.Provider(), req)
	if err != nil {
		t.Fatal(err)
	}
	other := sh.StartRequest(t, payments.Money{Minor: amount.Minor * 2, Currency: amount.Currency})
	other.OrderID = req.OrderID
	_, err = payments.Start(ctx, h.Provider(), other)
	wantCode(t, err, payments.CodeInvalidArgument)
	if pay := mustStatus(t, ctx, h.Provider(), first.Ref); pay.Amount != amount || pay.Status != status.Pending {
		t.Fatalf("a refused start changed the payment: %s %s", pay.Status, pay.Amount)
	}
}

func testStartInvalidRequests(t *testing.T, newHarness NewHarness) {
	h, sh := startHarness(t, newHarness)
	cases := map[string]func(r *payments.StartRequest){
		"no order id":       func(r *payments.StartRequest) { r.OrderID = "" },
		"empty cart":        func(r *payments.StartRequest) { r.Cart = payments.Cart{} },
		"total not the sum": func(r *payments.StartRequest) { r.Cart.Total.Minor++ },
		"no success page":   func(r *payments.StartRequest) { r.Redirects.OnSuccess = "" },
		"negative ttl":      func(r *payments.StartRequest) { r.TTL = -time.Minute },
	}
	for name, edit := range cases {
		req := sh.StartRequest(t, amount)
		edit(req)
		_, err := payments.Start(ctxFor(t), h.Provider(), req)
		if payments.CodeOf(err) != payments.CodeInvalidArgument {
			t.Errorf("%s: got %v; want InvalidArgument", name, err)
		}
	}
	if _, err := payments.Start(ctxFor(t), h.Provider(), nil); payments.CodeOf(err) != payments.CodeInvalidArgument {
		t.Errorf("nil request: got %v; want InvalidArgument", err)
	}
}

func testStartPaidThenCaptured(t *testing.T, newHarness NewHarness) {
	h, sh := startHarness(t, newHarness)
	ctx := ctxFor(t)
	res, err := payments.Start(ctx, h.Provider(), sh.StartRequest(t, amount))
	if err != nil {
		t.Fatal(err)
	}
	sh.Pay(t, res.Ref)
	pay := mustStatus(t, ctx, h.Provider(), res.Ref)
	checkTransition(t, status.Pending, pay.Status)
	if pay.Status == status.Authorized {
		res, err := h.Provider().Capture(ctx, res.Ref, nil)
		if err != nil {
			t.Fatalf("Capture of the paid payment: %v", err)
		}
		captured := settle(t, ctx, h.Provider(), res, nil)
		if captured == nil || captured.Status != status.Captured {
			t.Fatalf("Capture of the paid payment: %+v", captured)
		}
	} else if pay.Status != status.Captured {
		t.Fatalf("after paying: %s; want Authorized or Captured", pay.Status)
	}
	if n := h.Applied(res.Ref, OpCapture); pay.Status == status.Authorized && n != 1 {
		t.Fatalf("captured %d times; want 1", n)
	}
}

func testStartCanceled(t *testing.T, newHarness NewHarness) {
	h, sh := startHarness(t, newHarness)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := sh.StartRequest(t, amount)
	_, err := payments.Start(ctx, h.Provider(), req)
	wantCode(t, err, payments.CodeCanceled)
	if n := sh.Started(payments.Ref{ID: req.OrderID}); n != 0 {
		t.Fatalf("a start with a canceled context created %d payments", n)
	}
}

// startHarness opens a harness for a Start subtest: skipped for a provider
// without CapStart, failed for one whose harness cannot drive it.
func startHarness(t *testing.T, newHarness NewHarness) (Harness, StartHarness) {
	t.Helper()
	h := open(t, newHarness)
	if !payments.Supports(h.Provider(), payments.CapStart) {
		t.Skip("the provider declares no start capability")
	}
	sh, ok := h.(StartHarness)
	if !ok {
		t.Fatal("the provider declares payments.CapStart but its harness does not implement conformance.StartHarness")
	}
	return h, sh
}

// findHarness is startHarness for the Find subtests.
func findHarness(t *testing.T, newHarness NewHarness) (Harness, FindHarness) {
	t.Helper()
	h := open(t, newHarness)
	if !payments.Supports(h.Provider(), payments.CapFind) {
		t.Skip("the provider declares no find capability")
	}
	fh, ok := h.(FindHarness)
	if !ok {
		t.Fatal("the provider declares payments.CapFind but its harness does not implement conformance.FindHarness")
	}
	return h, fh
}

func testFind(t *testing.T, newHarness NewHarness) {
	runSubtests(t, newHarness, []subtest{
		{"Unsupported", testFindUnsupported},
		{"OneUsersPayments", testFindOneUsersPayments},
		{"BreakStops", testFindBreakStops},
		{"Canceled", testFindCanceled},
		{"FindRef", testFindFindRef},
		{"NoUser", testFindNoUser},
	})
}

func testFindUnsupported(t *testing.T, newHarness NewHarness) {
	p := without(t, newHarness, payments.CapFind)
	wantOneFindError(t, payments.Find(ctxFor(t), p, payments.FindQuery{AppUserID: "user-1"}), payments.CodeUnimplemented)
}

// wantOneFindError fails the test unless found yields exactly one pair: no
// payment and an error of code.
func wantOneFindError(t *testing.T, found iter.Seq2[*payments.FoundPayment, error], code payments.Code) {
	t.Helper()
	n := 0
	for fp, err := range found {
		n++
		if fp != nil || payments.CodeOf(err) != code {
			t.Fatalf("got (%v, %v); want one %s error", fp, err, code)
		}
	}
	if n != 1 {
		t.Fatalf("yielded %d times; want one %s error", n, code)
	}
}

func testFindOneUsersPayments(t *testing.T, newHarness NewHarness) {
	h, fh := findHarness(t, newHarness)
	ctx := ctxFor(t)
	want := fh.SeedForUser(t, "user-a", 5, status.Captured)
	fh.SeedForUser(t, "user-b", 2, status.Captured)
	var got []payments.Ref
	for fp, err := range payments.Find(ctx, h.Provider(), payments.FindQuery{AppUserID: "user-a", PageSize: 2}) {
		if err != nil {
			t.Fatalf("after %d payments: %v", len(got), err)
		}
		if fp.Provider != h.Provider().Name() || (fp.RawStatus != "" && fp.Status != status.Captured) {
			t.Fatalf("listed %+v; want a Captured payment of %s", fp, h.Provider().Name())
		}
		got = append(got, fp.Ref)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("listed %v; want %v", got, want)
	}
	// Every listed ref is complete: Status reads it.
	if pay := mustStatus(t, ctx, h.Provider(), got[0]); pay.Status != status.Captured {
		t.Fatalf("Status of a listed payment: %s; want Captured", pay.Status)
	}
}

func testFindBreakStops(t *testing.T, newHarness NewHarness) {
	h, fh := findHarness(t, newHarness)
	fh.SeedForUser(t, "user-a", 5, status.Captured)
	n := 0
	for _, err := range payments.Find(ctxFor(t), h.Provider(), payments.FindQuery{AppUserID: "user-a", PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	if n != 3 {
		t.Fatalf("iterated %d times after breaking at 3", n)
	}
}

func testFindCanceled(t *testing.T, newHarness NewHarness) {
	h, fh := findHarness(t, newHarness)
	fh.SeedForUser(t, "user-a", 2, status.Captured)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	wantOneFindError(t, payments.Find(ctx, h.Provider(), payments.FindQuery{AppUserID: "user-a"}), payments.CodeCanceled)
}

func testFindFindRef(t *testing.T, newHarness NewHarness) {
	h, fh := findHarness(t, newHarness)
	ctx := ctxFor(t)
	refs := fh.SeedForUser(t, "user-a", 4, status.Captured)
	ref, err := payments.FindRef(ctx, h.Provider(), payments.FindQuery{AppUserID: "user-a", PageSize: 1}, refs[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	if ref != refs[2] {
		t.Fatalf("FindRef = %v; want %v", ref, refs[2])
	}
	_, err = payments.FindRef(ctx, h.Provider(), payments.FindQuery{AppUserID: "user-a"}, h.MissingRef().ID)
	wantCode(t, err, payments.CodeNotFound)
}

func testFindNoUser(t *testing.T, newHarness NewHarness) {
	h, _ := findHarness(t, newHarness)
	wantOneFindError(t, payments.Find(ctxFor(t), h.Provider(), payments.FindQuery{}), payments.CodeInvalidArgument)
}
