package conformance

import (
	"errors"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/status"
)

// success stands for "no error" in lists of acceptable outcomes; it is not a
// real code, so an error with CodeUnknown is never mistaken for success.
const success payments.Code = -1

// faultCases are the injected failures of a write and what the adapter may
// answer. Whatever it answers, the write is applied at most once, and
// "success" must be true.
var faultCases = []struct {
	name  string
	fault Fault // Op is filled in per write
	// ok lists the acceptable outcomes: success, or an error code.
	ok []payments.Code
	// applied is how many times the emulator must have applied the write; -1
	// means 0 or 1 (an outcome the adapter may legitimately not know).
	applied int
}{
	{"ServerErrorOnce", Fault{Kind: fault.ServerError}, []payments.Code{success}, 1},
	// A 5xx is what a gateway answers whatever the provider behind it did,
	// so a write that only ever got 5xx answers has an unknown outcome.
	{"ServerErrorAlways", Fault{Kind: fault.ServerError, Times: 100}, []payments.Code{payments.CodeOutcomeUnknown}, 0},
	{"TooManyRequests", Fault{Kind: fault.TooManyRequests, RetryAfter: time.Second}, []payments.Code{success, payments.CodeResourceExhausted}, -1},
	{"ResetBeforeApply", Fault{Kind: fault.ResetBeforeApply}, []payments.Code{success}, 1},
	{"ResetAfterApply", Fault{Kind: fault.ResetAfterApply}, []payments.Code{success}, 1},
	{"TruncatedBody", Fault{Kind: fault.TruncatedBody}, []payments.Code{success}, 1},
	{"OversizedBody", Fault{Kind: fault.OversizedBody}, []payments.Code{success}, 1},
}

// faultedWrites are the writes every fault case runs against: a lost or
// broken answer must neither double a charge nor lose a refund. They are
// called as the actions table calls them.
var faultedWrites = []struct {
	op       Op
	from, to status.Status
}{
	{OpCapture, status.Authorized, status.Captured},
	{OpVoid, status.Authorized, status.Voided},
	{OpRefund, status.Captured, status.Refunded},
}

func testFaults(t *testing.T, newHarness NewHarness) {
	for _, w := range faultedWrites {
		a := actionFor(w.op)
		for _, c := range faultCases {
			w, c := w, c
			t.Run(a.name+c.name, func(t *testing.T) {
				h := open(t, newHarness)
				if lacks(h, a.needs) {
					t.Skipf("provider declares no %s capability", a.name)
				}
				testFaultedWrite(t, h, a, w.from, w.to, c.name, c.fault, c.ok, c.applied)
			})
		}
	}
	testStatusFaults(t, newHarness)
}

// testFaultedWrite runs action a from a payment in from under fault f: the
// outcome is one of ok, the write applied as often as applied says (-1: 0
// or 1), the error carries the key, and the payment reads to when applied.
func testFaultedWrite(t *testing.T, h Harness, a actionCase, from, to status.Status, name string, f Fault, ok []payments.Code, applied int) {
	ref := h.Seed(t, from, amount)
	f.Op = a.op
	h.InjectFault(f)
	ctx := ctxFor(t)
	res, err := a.run(ctx, h.Provider(), ref)
	res, err = waitPending(ctx, h.Provider(), res, err)
	code := success
	if err != nil {
		code = payments.CodeOf(err)
	}
	if !oneOfCode(code, ok) {
		t.Fatalf("%s under %s: err = %v (code %s); want one of %v", a.op, name, err, code, codeNames(ok))
	}
	var pe *payments.Error
	if err != nil && (!errors.As(err, &pe) || pe.IdempotencyKey == "") {
		t.Errorf("the error of a write carries no idempotency key to repeat it with: %v", err)
	}
	n := h.Applied(ref, a.op)
	checkFaultApplied(t, a.op, name, applied, n, err)
	if code == payments.CodeResourceExhausted && payments.RetryAfterOf(err) <= 0 {
		t.Errorf("ResourceExhausted without RetryAfter: %v", err)
	}
	if err == nil && res.Status != status.Unknown && res.Status != to {
		t.Errorf("%s under %s: settled Result.Status = %s; want %s", a.op, name, res.Status, to)
	}
	pay := mustStatus(t, ctx, h.Provider(), ref)
	if want := map[bool]status.Status{true: to, false: from}[n == 1]; pay.Status != want {
		t.Errorf("status after %s under %s = %s with %d applied; want %s", a.op, name, pay.Status, n, want)
	}
}

// checkFaultApplied checks how often a faulted write was applied: as the
// case says (want -1: 0 or 1), never twice, and once when it succeeded.
func checkFaultApplied(t *testing.T, op Op, name string, want, n int, err error) {
	t.Helper()
	switch {
	case want >= 0 && n != want:
		t.Errorf("%s under %s applied %d times; want %d", op, name, n, want)
	case n > 1:
		t.Errorf("%s under %s applied %d times: applied twice", op, name, n)
	}
	if err == nil && n != 1 {
		t.Errorf("%s under %s reported success but was applied %d times", op, name, n)
	}
}

// testStatusFaults: a read is safe to retry, and an answer too large to
// read is an error, never a guess.
func testStatusFaults(t *testing.T, newHarness NewHarness) {
	statusFaults := []struct {
		name  string
		fault Fault
	}{
		{"ServerErrorOnce", Fault{Kind: fault.ServerError, Op: OpStatus}},
		{"ResetBeforeApply", Fault{Kind: fault.ResetBeforeApply, Op: OpStatus}},
		{"TruncatedBody", Fault{Kind: fault.TruncatedBody, Op: OpStatus}},
	}
	for _, c := range statusFaults {
		c := c
		t.Run("Status"+c.name+"Retried", func(t *testing.T) {
			h := open(t, newHarness)
			ref := h.Seed(t, status.Captured, amount)
			h.InjectFault(c.fault)
			pay, err := h.Provider().Status(ctxFor(t), ref)
			if err != nil {
				t.Fatalf("a read is safe to retry after %s, got %v", c.name, err)
			}
			if pay.Status != status.Captured {
				t.Errorf("status = %s; want Captured", pay.Status)
			}
		})
	}
	t.Run("StatusOversizedBodyIsAnError", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Captured, amount)
		h.InjectFault(Fault{Kind: fault.OversizedBody, Op: OpStatus, Times: 100})
		_, err := h.Provider().Status(ctxFor(t), ref)
		var pe *payments.Error
		if !errors.As(err, &pe) {
			t.Fatalf("an oversized answer: err = %v; want a *payments.Error", err)
		}
	})
}
