package conformance

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/status"
)

// keyedWrite is one write the compound and key-reuse subtests drive: where
// it starts, and how to call it with an idempotency key ("" lets the
// adapter make one).
type keyedWrite struct {
	name string
	op   Op
	from status.Status
	// needs is the capability the write requires, if any.
	needs payments.Capability
	run   func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error)
}

// keyedWrites are every write of the portable API, each called with a key.
var keyedWrites = []keyedWrite{
	{"Capture", OpCapture, status.Authorized, "",
		func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error) {
			return p.Capture(ctx, ref, &payments.CaptureOptions{IdempotencyKey: key})
		}},
	{"Void", OpVoid, status.Authorized, "",
		func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error) {
			return p.Void(ctx, ref, &payments.VoidOptions{IdempotencyKey: key})
		}},
	{"Refund", OpRefund, status.Captured, payments.CapRefund,
		func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error) {
			return payments.Refund(ctx, p, ref, &payments.RefundOptions{IdempotencyKey: key})
		}},
	{"RollbackAuthorized", OpRollback, status.Authorized, "",
		func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error) {
			return p.Rollback(ctx, ref, &payments.RollbackOptions{IdempotencyKey: key})
		}},
	{"RollbackCaptured", OpRollback, status.Captured, "",
		func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error) {
			return p.Rollback(ctx, ref, &payments.RollbackOptions{IdempotencyKey: key})
		}},
}

// gatewayDelay is how long after a gateway's 5xx the provider applies the
// write in the compound cases: longer than an adapter's retries take in the
// harness, so the first call cannot see the effect.
const gatewayDelay = 400 * time.Millisecond

// compoundCases are the faults where one failure hides another.
var compoundCases = []struct {
	name  string
	fault Fault // Op is filled in per write
	// landing is how long an effect may take to land after the call.
	landing time.Duration
}{
	// The retry of a write whose answer was lost is refused by a check that
	// runs before the provider's idempotency check.
	{"LostThenTooManyRequests", Fault{Kind: fault.ResetThenRefuse, Status: http.StatusTooManyRequests, RetryAfter: time.Minute}, 0},
	{"LostThenConflict", Fault{Kind: fault.ResetThenRefuse, Status: http.StatusConflict}, 0},
	{"LostThenBadRequest", Fault{Kind: fault.ResetThenRefuse, Status: http.StatusBadRequest}, 0},
	{"LostThenUnauthorized", Fault{Kind: fault.ResetThenRefuse, Status: http.StatusUnauthorized}, 0},
	{"LostThenForbidden", Fault{Kind: fault.ResetThenRefuse, Status: http.StatusForbidden}, 0},
	{"LostThenNotFound", Fault{Kind: fault.ResetThenRefuse, Status: http.StatusNotFound}, 0},
	// A gateway answers 5xx with an HTML page while the provider behind it
	// applies the write a moment later: once, or on every attempt.
	{"GatewayErrorOnceAppliedLater", Fault{Kind: fault.GatewayErrorApplyLater, Delay: gatewayDelay}, gatewayDelay},
	{"GatewayErrorAlwaysAppliedLater", Fault{Kind: fault.GatewayErrorApplyLater, Times: 100, Delay: gatewayDelay}, gatewayDelay},
	{"GatewayServiceUnavailableAppliedLater", Fault{Kind: fault.GatewayErrorApplyLater, Status: http.StatusServiceUnavailable, Times: 100, Delay: gatewayDelay}, gatewayDelay},
}

// plainRefusals are the codes an OutcomeUnknown must never also match: a
// caller who checks for them first would repeat the write with a new key.
var plainRefusals = []*payments.Error{
	payments.ErrUnavailable, payments.ErrResourceExhausted, payments.ErrConflict, payments.ErrInvalidArgument,
	payments.ErrUnauthenticated, payments.ErrPermissionDenied, payments.ErrNotFound, payments.ErrFailedPrecondition,
}

// testCompound runs every compound fault against every write and checks
// with the emulator's counters: at most one effect; an effect means success
// or OutcomeUnknown (never a refusal, never Unavailable); no effect means
// no success; and a repeat with the key from the error ends with exactly one
// effect.
func testCompound(t *testing.T, newHarness NewHarness) {
	for _, w := range keyedWrites {
		for _, c := range compoundCases {
			w, c := w, c
			t.Run(w.name+c.name, func(t *testing.T) {
				// Each subtest has its own emulator and mostly waits for a
				// delayed effect to land.
				t.Parallel()
				h := open(t, newHarness)
				if lacks(h, w.needs) {
					t.Skipf("provider declares no %s capability", w.name)
				}
				ref := h.Seed(t, w.from, amount)
				f := c.fault
				f.Op = w.op
				h.InjectFault(f)
				ctx := ctxFor(t)
				res, err := w.run(ctx, h.Provider(), ref, "")
				res, err = waitPending(ctx, h.Provider(), res, err)
				time.Sleep(c.landing + 100*time.Millisecond)
				n := h.Applied(ref, w.op)
				if n > 1 {
					t.Fatalf("%s under %s applied %d times", w.name, c.name, n)
				}
				if err == nil {
					if n != 1 {
						t.Fatalf("%s under %s reported success but was applied %d times", w.name, c.name, n)
					}
					if res.IdempotencyKey == "" {
						t.Errorf("Result.IdempotencyKey is empty")
					}
					return
				}
				key := checkWriteError(t, err, n)
				// The caller repeats as the error advises: the same key.
				res, err = w.run(ctx, h.Provider(), ref, key)
				res, err = waitPending(ctx, h.Provider(), res, err)
				time.Sleep(c.landing + 100*time.Millisecond)
				if n := h.Applied(ref, w.op); n != 1 {
					t.Fatalf("after a repeat with key %q, %s applied %d times; want exactly 1 (repeat: %v)", key, w.name, n, err)
				}
				if err != nil {
					t.Fatalf("the repeat with key %q, once the write had landed, failed: %v", key, err)
				}
				if res.IdempotencyKey != key {
					t.Errorf("the repeat's Result.IdempotencyKey = %q; want %q", res.IdempotencyKey, key)
				}
			})
		}
	}
}

// waitPending settles a pending result, so the counters are read after the
// provider finished.
func waitPending(ctx context.Context, p payments.Provider, res *payments.Result, err error) (*payments.Result, error) {
	if err != nil || res == nil || !res.Pending {
		return res, err
	}
	return payments.Wait(ctx, p, res, &payments.WaitOptions{Interval: 10 * time.Millisecond, MaxInterval: 100 * time.Millisecond})
}

// checkWriteError checks the error of a write that was applied n times and
// returns the key it carries.
func checkWriteError(t *testing.T, err error, n int) string {
	t.Helper()
	var pe *payments.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T); want a *payments.Error", err, err)
	}
	if pe.IdempotencyKey == "" {
		t.Fatalf("the error of a write carries no idempotency key: %v", err)
	}
	code := payments.CodeOf(err)
	if n == 1 && code != payments.CodeOutcomeUnknown {
		t.Fatalf("the write was applied, but the error is %s (%v); want OutcomeUnknown", code, err)
	}
	if code == payments.CodeOutcomeUnknown {
		for _, s := range plainRefusals {
			if errors.Is(err, s) {
				t.Errorf("an OutcomeUnknown error also matches %s: %v", s.Code, err)
			}
		}
	}
	return pe.IdempotencyKey
}
