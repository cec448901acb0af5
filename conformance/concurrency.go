package conformance

import (
	"sync"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

func testConcurrency(t *testing.T, newHarness NewHarness) {
	runSubtests(t, newHarness, []subtest{
		{"CompetingCaptures", testConcurrencyCompetingCaptures},
		{"ManyPayments", testConcurrencyManyPayments},
	})
}

func testConcurrencyCompetingCaptures(t *testing.T, newHarness NewHarness) {
	h := open(t, newHarness)
	ref := h.Seed(t, status.Authorized, amount)
	ctx := ctxFor(t)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res, err := h.Provider().Capture(ctx, ref, nil)
			if err == nil && res.Pending {
				_, err = payments.Wait(ctx, h.Provider(), res, &payments.WaitOptions{Interval: 10 * time.Millisecond})
			}
			errs[i] = err
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch code := payments.CodeOf(err); {
		case err == nil:
			ok++
		case code == payments.CodeFailedPrecondition, code == payments.CodeConflict, code == payments.CodeResourceExhausted:
		default:
			t.Errorf("a competing capture failed with %v (code %s)", err, code)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d competing captures succeeded; want exactly 1", ok, n)
	}
	if got := h.Applied(ref, OpCapture); got != 1 {
		t.Errorf("competing captures applied %d times; want 1", got)
	}
}

func testConcurrencyManyPayments(t *testing.T, newHarness NewHarness) {
	h := open(t, newHarness)
	const n = 16
	refs := make([]payments.Ref, n)
	for i := range refs {
		refs[i] = h.Seed(t, status.Authorized, amount)
	}
	ctx := ctxFor(t)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i, ref := range refs {
		wg.Add(1)
		go func(i int, ref payments.Ref) {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, err = h.Provider().Capture(ctx, ref, nil)
			} else {
				_, err = h.Provider().Void(ctx, ref, nil)
			}
			if err == nil {
				_, err = h.Provider().Status(ctx, ref)
			}
			errs[i] = err
		}(i, ref)
	}
	wg.Wait()
	for i, ref := range refs {
		if errs[i] != nil {
			t.Errorf("payment %d: %v", i, errs[i])
			continue
		}
		want := map[bool]status.Status{true: status.Captured, false: status.Voided}[i%2 == 0]
		if st := mustStatus(t, ctx, h.Provider(), ref).Status; st != want {
			t.Errorf("payment %d: status %s; want %s", i, st, want)
		}
	}
}
