// Package conformance is the suite every payments adapter passes, so that
// "works like the others" is checked, not hoped for.
//
// An adapter's test wires its emulator to a [Harness] and calls [Run]:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, func(t *testing.T) conformance.Harness { return newHarness(t) })
//	}
//
// Run then checks every action from every state the provider can be seeded
// in (legal moves reach the expected status, illegal ones fail with
// CodeFailedPrecondition and change nothing), status reads of missing and
// unrecognised payments, idempotent replay, each fault class (retried or
// classified, against capture, void and refund: never applied twice, never a
// success that did not happen), context cancellation and deadlines,
// credential expiry, concurrency, and that no secret reaches an error or a
// log line. A subtest is skipped only where the harness declares the
// provider lacks a capability, and the skip message says which.
//
// The suite imports only payments, status and fault: it knows providers
// through the portable API alone, and names failures in the vocabulary the
// emulators share.
package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/status"
)

// NewHarness builds a fresh harness (a fresh emulator) for one subtest.
type NewHarness func(t *testing.T) Harness

// opTimeout bounds every call the suite makes, so a hung adapter fails a
// subtest instead of the whole run.
const opTimeout = 20 * time.Second

// amount is what the suite seeds payments with: 500.00 RUB.
var amount = payments.Money{Minor: 50000, Currency: "RUB"}

// Run runs the whole suite against the adapter newHarness wires up.
func Run(t *testing.T, newHarness NewHarness) {
	t.Run("Name", func(t *testing.T) { testName(t, newHarness) })
	t.Run("Actions", func(t *testing.T) { testActions(t, newHarness) })
	t.Run("PartialCapture", func(t *testing.T) { testPartialCapture(t, newHarness) })
	t.Run("PartialRefund", func(t *testing.T) { testPartialRefund(t, newHarness) })
	t.Run("Status", func(t *testing.T) { testStatus(t, newHarness) })
	t.Run("InvalidArgument", func(t *testing.T) { testInvalidArgument(t, newHarness) })
	t.Run("Idempotency", func(t *testing.T) { testIdempotency(t, newHarness) })
	t.Run("Faults", func(t *testing.T) { testFaults(t, newHarness) })
	t.Run("Context", func(t *testing.T) { testContext(t, newHarness) })
	t.Run("Credentials", func(t *testing.T) { testCredentials(t, newHarness) })
	t.Run("Concurrency", func(t *testing.T) { testConcurrency(t, newHarness) })
	t.Run("NoSecretLeaks", func(t *testing.T) { testNoSecretLeaks(t, newHarness) })
}

// open builds a harness for one subtest and closes it when the subtest ends.
func open(t *testing.T, newHarness NewHarness) Harness {
	t.Helper()
	h := newHarness(t)
	t.Cleanup(h.Close)
	return h
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	t.Cleanup(cancel)
	return ctx
}

func testName(t *testing.T, newHarness NewHarness) {
	h := open(t, newHarness)
	if name := h.Provider().Name(); name == "" || strings.ToLower(name) != name || strings.ContainsAny(name, " \t") {
		t.Fatalf("Name() = %q; want a non-empty lower-case word", name)
	}
}

// expectation says what an action from a state must do: reach one of the
// listed statuses, or fail with a code.
type expectation struct {
	to   []status.Status // accepted statuses afterwards, when the action succeeds
	code payments.Code   // the error code, when it must fail
	noop bool            // success that must change nothing
}

func reach(s ...status.Status) expectation { return expectation{to: s} }

var refuse = expectation{code: payments.CodeFailedPrecondition}

// onlyFrom expects an action to move a payment from one state to another
// and to be refused from every other state.
func onlyFrom(from, to status.Status) func(status.Status, Capabilities) expectation {
	return func(st status.Status, _ Capabilities) expectation {
		if st == from {
			return reach(to)
		}
		return refuse
	}
}

// rollbackFrom gives Rollback's expectation from a state: afterwards
// nothing may stay charged. A payment already in a final uncharged state is
// left as it is.
func rollbackFrom(st status.Status, caps Capabilities) expectation {
	switch st {
	case status.Pending:
		if caps.RollbackPending {
			return reach(status.Failed)
		}
		return refuse
	case status.Authorized:
		return reach(status.Voided, status.Failed)
	case status.Captured, status.PartiallyRefunded:
		return reach(status.Refunded, status.Failed)
	}
	return expectation{noop: true}
}

// actionCase is one portable action: how to call it, which op the harness
// counts it under, what capability it needs, and what it must do from each
// state.
type actionCase struct {
	name   string
	op     Op
	needs  func(Capabilities) bool
	call   func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error)
	expect func(st status.Status, caps Capabilities) expectation
}

// actions is the table of portable actions every action test reads.
var actions = []actionCase{
	{
		name: "Capture", op: OpCapture,
		call: func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
			return p.Capture(ctx, ref, nil)
		},
		expect: onlyFrom(status.Authorized, status.Captured),
	},
	{
		name: "Void", op: OpVoid,
		call: func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
			return p.Void(ctx, ref, nil)
		},
		expect: onlyFrom(status.Authorized, status.Voided),
	},
	{
		name: "Rollback", op: OpRollback,
		call: func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
			return p.Rollback(ctx, ref, nil)
		},
		expect: rollbackFrom,
	},
	{
		name: "Refund", op: OpRefund,
		needs: func(c Capabilities) bool { return c.Refund },
		call: func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
			return p.(payments.Refunder).Refund(ctx, ref, nil)
		},
		expect: func(st status.Status, _ Capabilities) expectation {
			if st.IsCharged() {
				return reach(status.Refunded)
			}
			return refuse
		},
	},
}

// actionFor returns the entry of the actions table for op.
func actionFor(op Op) actionCase {
	for _, a := range actions {
		if a.op == op {
			return a
		}
	}
	panic("conformance: no action for op " + string(op))
}

// testActions runs every action from every state the harness can seed.
func testActions(t *testing.T, newHarness NewHarness) {
	caps := open(t, newHarness).Capabilities()
	if len(caps.States) == 0 {
		t.Fatal("Capabilities().States is empty: the harness must seed at least Authorized")
	}
	for _, a := range actions {
		a := a
		t.Run(a.name, func(t *testing.T) {
			if a.needs != nil && !a.needs(caps) {
				t.Skipf("provider declares no %s capability", a.name)
			}
			for _, st := range caps.States {
				st := st
				t.Run("From"+st.String(), func(t *testing.T) {
					h := open(t, newHarness)
					ref := h.Seed(t, st, amount)
					want := a.expect(st, caps)
					ctx := ctxFor(t)
					res, err := a.call(ctx, h.Provider(), ref)
					res = settle(t, ctx, h.Provider(), res, err)
					after := mustStatus(t, ctx, h.Provider(), ref)
					checkTransition(t, st, after.Status)
					switch {
					case want.code != 0:
						wantCode(t, err, want.code)
						if after.Status != st {
							t.Errorf("refused %s from %s changed the status to %s", a.name, st, after.Status)
						}
						if n := h.Applied(ref, a.op); n != 0 {
							t.Errorf("refused %s from %s was applied %d times", a.name, st, n)
						}
					case want.noop:
						if err != nil {
							t.Fatalf("%s from %s: %v; want success with nothing to do", a.name, st, err)
						}
						if after.Status != st {
							t.Errorf("%s from %s changed the status to %s; want it left alone", a.name, st, after.Status)
						}
						if after.Status.IsCharged() {
							t.Errorf("%s left the payment charged (%s)", a.name, after.Status)
						}
					default:
						if err != nil {
							t.Fatalf("%s from %s: %v", a.name, st, err)
						}
						if !oneOf(after.Status, want.to) {
							t.Errorf("%s from %s: status afterwards %s (raw %q); want one of %v", a.name, st, after.Status, after.RawStatus, want.to)
						}
						if res.Status != status.Unknown && !oneOf(res.Status, want.to) {
							t.Errorf("%s from %s: Result.Status %s; want one of %v", a.name, st, res.Status, want.to)
						}
						if n := h.Applied(ref, a.op); n != 1 {
							t.Errorf("%s from %s applied %d times; want exactly 1", a.name, st, n)
						}
						if res.Provider != h.Provider().Name() {
							t.Errorf("Result.Provider = %q; want %q", res.Provider, h.Provider().Name())
						}
					}
				})
			}
		})
	}
}

func testPartialCapture(t *testing.T, newHarness NewHarness) {
	h := open(t, newHarness)
	ref := h.Seed(t, status.Authorized, amount)
	part := payments.Money{Minor: amount.Minor - 12345, Currency: amount.Currency}
	ctx := ctxFor(t)
	res, err := h.Provider().Capture(ctx, ref, &payments.CaptureOptions{Amount: &part})
	if !h.Capabilities().PartialCapture {
		wantCode(t, err, payments.CodeUnimplemented)
		if n := h.Applied(ref, OpCapture); n != 0 {
			t.Errorf("an unsupported partial capture was applied %d times", n)
		}
		if st := mustStatus(t, ctx, h.Provider(), ref).Status; st != status.Authorized {
			t.Errorf("an unsupported partial capture moved the payment to %s", st)
		}
		return
	}
	settle(t, ctx, h.Provider(), res, err)
	pay := mustStatus(t, ctx, h.Provider(), ref)
	if pay.Status != status.Captured {
		t.Errorf("status after partial capture = %s; want Captured", pay.Status)
	}
	if pay.Amount != part {
		t.Errorf("amount after partial capture = %s; want %s", pay.Amount, part)
	}
	if n := h.Applied(ref, OpCapture); n != 1 {
		t.Errorf("partial capture applied %d times; want 1", n)
	}
}

func testPartialRefund(t *testing.T, newHarness NewHarness) {
	h := open(t, newHarness)
	caps := h.Capabilities()
	if !caps.Refund {
		t.Skip("provider declares no Refund capability")
	}
	ref := h.Seed(t, status.Captured, amount)
	part := payments.Money{Minor: 10000, Currency: amount.Currency}
	ctx := ctxFor(t)
	res, err := h.Provider().(payments.Refunder).Refund(ctx, ref, &payments.RefundOptions{Amount: &part})
	if !caps.PartialRefund {
		wantCode(t, err, payments.CodeUnimplemented)
		if st := mustStatus(t, ctx, h.Provider(), ref).Status; st != status.Captured {
			t.Errorf("an unsupported partial refund moved the payment to %s", st)
		}
		return
	}
	settle(t, ctx, h.Provider(), res, err)
	if st := mustStatus(t, ctx, h.Provider(), ref).Status; st != status.PartiallyRefunded {
		t.Fatalf("status after refunding %s of %s = %s; want PartiallyRefunded", part, amount, st)
	}
	// The rest, refunded without an amount, completes the refund.
	res, err = h.Provider().(payments.Refunder).Refund(ctx, ref, nil)
	settle(t, ctx, h.Provider(), res, err)
	if st := mustStatus(t, ctx, h.Provider(), ref).Status; st != status.Refunded {
		t.Errorf("status after refunding the rest = %s; want Refunded", st)
	}
	if n := h.Applied(ref, OpRefund); n != 2 {
		t.Errorf("two refunds applied %d times; want 2", n)
	}
}

func testStatus(t *testing.T, newHarness NewHarness) {
	t.Run("Seeded", func(t *testing.T) {
		h := open(t, newHarness)
		ctx := ctxFor(t)
		for _, st := range h.Capabilities().States {
			ref := h.Seed(t, st, amount)
			pay := mustStatus(t, ctx, h.Provider(), ref)
			if pay.Status != st {
				t.Errorf("seeded %s, Status reports %s (raw %q)", st, pay.Status, pay.RawStatus)
			}
			if pay.RawStatus == "" {
				t.Errorf("seeded %s: RawStatus is empty; the provider's value must be kept", st)
			}
			if pay.Provider != h.Provider().Name() {
				t.Errorf("Payment.Provider = %q; want %q", pay.Provider, h.Provider().Name())
			}
			if pay.Ref.ID != ref.ID {
				t.Errorf("Payment.Ref.ID = %q; want %q", pay.Ref.ID, ref.ID)
			}
			if (st == status.Authorized || st == status.Captured) && pay.Amount != amount {
				t.Errorf("seeded %s with %s, Status reports %s", st, amount, pay.Amount)
			}
		}
	})
	t.Run("Missing", func(t *testing.T) {
		h := open(t, newHarness)
		_, err := h.Provider().Status(ctxFor(t), h.MissingRef())
		wantCode(t, err, payments.CodeNotFound)
		if !errors.Is(err, payments.ErrNotFound) {
			t.Errorf("errors.Is(err, ErrNotFound) = false for %v", err)
		}
	})
	t.Run("UnknownRaw", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		h.InjectFault(Fault{Kind: fault.UnknownStatus, Op: OpStatus})
		pay, err := h.Provider().Status(ctxFor(t), ref)
		if err != nil {
			t.Fatalf("an unknown raw status must not be an error: %v", err)
		}
		if pay.Status != status.Unknown || pay.RawStatus == "" {
			t.Errorf("got Status %s, RawStatus %q; want Unknown with the raw value kept", pay.Status, pay.RawStatus)
		}
	})
}

func testInvalidArgument(t *testing.T, newHarness NewHarness) {
	negative := payments.Money{Minor: -100, Currency: "RUB"}
	zero := payments.Money{Minor: 0, Currency: "RUB"}
	cases := []struct {
		name string
		call func(ctx context.Context, p payments.Provider, ref payments.Ref) error
		ref  func(payments.Ref) payments.Ref
	}{
		{"CaptureEmptyRef", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Capture(ctx, ref, nil)
			return err
		}, func(payments.Ref) payments.Ref { return payments.Ref{} }},
		{"VoidEmptyRef", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Void(ctx, ref, nil)
			return err
		}, func(payments.Ref) payments.Ref { return payments.Ref{} }},
		{"StatusEmptyRef", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Status(ctx, ref)
			return err
		}, func(payments.Ref) payments.Ref { return payments.Ref{} }},
		{"RollbackEmptyRef", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Rollback(ctx, ref, nil)
			return err
		}, func(payments.Ref) payments.Ref { return payments.Ref{} }},
		{"CaptureNegativeAmount", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Capture(ctx, ref, &payments.CaptureOptions{Amount: &negative})
			return err
		}, nil},
		{"CaptureZeroAmount", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Capture(ctx, ref, &payments.CaptureOptions{Amount: &zero})
			return err
		}, nil},
		{"IDWithPathSeparators", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			// Either refused up front or escaped so that it names no payment:
			// it must never reach another payment.
			_, err := p.Capture(ctx, ref, nil)
			return err
		}, func(r payments.Ref) payments.Ref { return payments.Ref{ID: "../" + r.ID, InvoiceID: r.InvoiceID} }},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			h := open(t, newHarness)
			seeded := h.Seed(t, status.Authorized, amount)
			ref := seeded
			if c.ref != nil {
				ref = c.ref(seeded)
			}
			ctx := ctxFor(t)
			err := c.call(ctx, h.Provider(), ref)
			if c.name == "IDWithPathSeparators" {
				if code := payments.CodeOf(err); err == nil || (code != payments.CodeInvalidArgument && code != payments.CodeNotFound) {
					t.Fatalf("capture of %q: %v (code %s); want InvalidArgument or NotFound", ref.ID, err, code)
				}
			} else {
				wantCode(t, err, payments.CodeInvalidArgument)
				if !errors.Is(err, payments.ErrInvalidArgument) {
					t.Errorf("errors.Is(err, ErrInvalidArgument) = false for %v", err)
				}
			}
			if n := h.Applied(seeded, OpCapture) + h.Applied(seeded, OpVoid) + h.Applied(seeded, OpRollback); n != 0 {
				t.Errorf("bad input changed the seeded payment %d times", n)
			}
			if st := mustStatus(t, ctx, h.Provider(), seeded).Status; st != status.Authorized {
				t.Errorf("bad input moved the seeded payment to %s", st)
			}
		})
	}
}

func testIdempotency(t *testing.T, newHarness NewHarness) {
	// Repeating a write with its idempotency key returns its outcome and
	// acts once, for every write that takes a key.
	replays := []struct {
		name string
		from status.Status
		op   Op
		to   status.Status
		call func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error)
	}{
		{"CaptureReplayWithKey", status.Authorized, OpCapture, status.Captured,
			func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error) {
				return p.Capture(ctx, ref, &payments.CaptureOptions{IdempotencyKey: key})
			}},
		{"VoidReplayWithKey", status.Authorized, OpVoid, status.Voided,
			func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error) {
				return p.Void(ctx, ref, &payments.VoidOptions{IdempotencyKey: key})
			}},
		{"RefundReplayWithKey", status.Captured, OpRefund, status.Refunded,
			func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error) {
				r, ok := p.(payments.Refunder)
				if !ok {
					return nil, errors.New("provider declares Refund but is no payments.Refunder")
				}
				return r.Refund(ctx, ref, &payments.RefundOptions{IdempotencyKey: key})
			}},
	}
	for _, c := range replays {
		c := c
		t.Run(c.name, func(t *testing.T) {
			h := open(t, newHarness)
			if c.op == OpRefund && !h.Capabilities().Refund {
				t.Skip("provider declares no Refund capability")
			}
			ref := h.Seed(t, c.from, amount)
			ctx := ctxFor(t)
			key := "conformance-" + string(c.op) + "-1"
			for i := 0; i < 3; i++ {
				res, err := c.call(ctx, h.Provider(), ref, key)
				if err != nil {
					t.Fatalf("call %d with key %q: %v; a repeat must return the first call's outcome", i+1, key, err)
				}
				res = settle(t, ctx, h.Provider(), res, err)
				if res.IdempotencyKey != key {
					t.Errorf("call %d: Result.IdempotencyKey = %q; want %q", i+1, res.IdempotencyKey, key)
				}
			}
			if n := h.Applied(ref, c.op); n != 1 {
				t.Errorf("three calls with one key applied %d times; want 1", n)
			}
			if st := mustStatus(t, ctx, h.Provider(), ref).Status; st != c.to {
				t.Errorf("status = %s; want %s", st, c.to)
			}
		})
	}
	t.Run("RollbackRepeated", func(t *testing.T) {
		// "Must not end up charged" holds after the first call; the second
		// finds nothing to do and moves no money.
		h := open(t, newHarness)
		ref := h.Seed(t, status.Captured, amount)
		ctx := ctxFor(t)
		for i := 0; i < 2; i++ {
			res, err := h.Provider().Rollback(ctx, ref, nil)
			if err != nil {
				t.Fatalf("rollback %d: %v", i+1, err)
			}
			settle(t, ctx, h.Provider(), res, err)
		}
		if n := h.Applied(ref, OpRollback); n != 1 {
			t.Errorf("two rollbacks applied %d times; want 1", n)
		}
		if st := mustStatus(t, ctx, h.Provider(), ref).Status; st.IsCharged() {
			t.Errorf("status after rollback = %s: still charged", st)
		}
	})
	t.Run("GeneratedKeyReported", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		ctx := ctxFor(t)
		res, err := h.Provider().Void(ctx, ref, nil)
		res = settle(t, ctx, h.Provider(), res, err)
		if res.IdempotencyKey == "" {
			t.Error("Result.IdempotencyKey is empty; a generated key must be reported so the caller can replay")
		}
	})
	t.Run("SecondCaptureWithoutKeyRefused", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		ctx := ctxFor(t)
		res, err := h.Provider().Capture(ctx, ref, nil)
		settle(t, ctx, h.Provider(), res, err)
		_, err = h.Provider().Capture(ctx, ref, nil)
		wantCode(t, err, payments.CodeFailedPrecondition)
		if n := h.Applied(ref, OpCapture); n != 1 {
			t.Errorf("capture applied %d times; want 1", n)
		}
	})
}

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
	{"ServerErrorAlways", Fault{Kind: fault.ServerError, Times: 100}, []payments.Code{payments.CodeUnavailable}, 0},
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
				if a.needs != nil && !a.needs(h.Capabilities()) {
					t.Skipf("provider declares no %s capability", a.name)
				}
				ref := h.Seed(t, w.from, amount)
				f := c.fault
				f.Op = w.op
				h.InjectFault(f)
				ctx := ctxFor(t)
				res, err := a.call(ctx, h.Provider(), ref)
				if err == nil && res != nil && res.Pending {
					res, err = payments.Wait(ctx, h.Provider(), res, &payments.WaitOptions{Interval: 10 * time.Millisecond})
				}
				code := success
				if err != nil {
					code = payments.CodeOf(err)
				}
				if !oneOfCode(code, c.ok) {
					t.Fatalf("%s under %s: err = %v (code %s); want one of %v", w.op, c.name, err, code, codeNames(c.ok))
				}
				n := h.Applied(ref, w.op)
				switch {
				case c.applied >= 0 && n != c.applied:
					t.Errorf("%s under %s applied %d times; want %d", w.op, c.name, n, c.applied)
				case n > 1:
					t.Errorf("%s under %s applied %d times: applied twice", w.op, c.name, n)
				}
				if err == nil && n != 1 {
					t.Errorf("%s under %s reported success but was applied %d times", w.op, c.name, n)
				}
				if code == payments.CodeResourceExhausted && payments.RetryAfterOf(err) <= 0 {
					t.Errorf("ResourceExhausted without RetryAfter: %v", err)
				}
				pay := mustStatus(t, ctx, h.Provider(), ref)
				if want := map[bool]status.Status{true: w.to, false: w.from}[n == 1]; pay.Status != want {
					t.Errorf("status after %s under %s = %s with %d applied; want %s", w.op, c.name, pay.Status, n, want)
				}
			})
		}
	}
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

func testContext(t *testing.T, newHarness NewHarness) {
	t.Run("CanceledBeforeCapture", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := h.Provider().Capture(ctx, ref, nil)
		wantCode(t, err, payments.CodeCanceled)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("errors.Is(err, context.Canceled) = false for %v", err)
		}
		if n := h.Applied(ref, OpCapture); n != 0 {
			t.Errorf("a canceled capture was applied %d times", n)
		}
	})
	t.Run("DeadlineDuringSlowStatus", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		h.InjectFault(Fault{Kind: fault.Slow, Op: OpStatus, Delay: 10 * time.Second, Times: 100})
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := h.Provider().Status(ctx, ref)
		wantCode(t, err, payments.CodeDeadlineExceeded)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("errors.Is(err, context.DeadlineExceeded) = false for %v", err)
		}
	})
	t.Run("DeadlineDuringSlowCapture", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		h.InjectFault(Fault{Kind: fault.Slow, Op: OpCapture, Delay: 10 * time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := h.Provider().Capture(ctx, ref, nil)
		// The write reached the provider before the deadline: what the caller
		// must learn is that money may have moved, and that the deadline was
		// the cause.
		wantCode(t, err, payments.CodeOutcomeUnknown)
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, payments.ErrDeadlineExceeded) {
			t.Errorf("errors.Is(err, context.DeadlineExceeded / ErrDeadlineExceeded) = false for %v", err)
		}
		if n := h.Applied(ref, OpCapture); n > 1 {
			t.Errorf("capture applied %d times", n)
		}
	})
	t.Run("NilContextRefused", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		var nilCtx context.Context // a caller's bug must be an error, never a panic
		for _, a := range actions {
			if a.needs != nil && !a.needs(h.Capabilities()) {
				continue
			}
			_, err := a.call(nilCtx, h.Provider(), ref)
			wantCode(t, err, payments.CodeInvalidArgument)
		}
		_, err := h.Provider().Status(nilCtx, ref)
		wantCode(t, err, payments.CodeInvalidArgument)
		if n := h.Applied(ref, OpCapture) + h.Applied(ref, OpVoid) + h.Applied(ref, OpRollback) + h.Applied(ref, OpRefund); n != 0 {
			t.Errorf("calls with a nil context changed the payment %d times", n)
		}
	})
	t.Run("WaitHonoursContext", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := payments.Wait(ctx, h.Provider(), &payments.Result{Ref: ref, Pending: true}, nil)
		wantCode(t, err, payments.CodeCanceled)
	})
}

func testCredentials(t *testing.T, newHarness NewHarness) {
	t.Run("Rejected", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		_, err := h.ProviderWithBadCredentials().Capture(ctxFor(t), ref, nil)
		if code := payments.CodeOf(err); code != payments.CodeUnauthenticated && code != payments.CodePermissionDenied {
			t.Fatalf("bad credentials: err = %v (code %s); want Unauthenticated or PermissionDenied", err, code)
		}
		if n := h.Applied(ref, OpCapture); n != 0 {
			t.Errorf("a capture with bad credentials was applied %d times", n)
		}
	})
	t.Run("ExpiredAreRenewed", func(t *testing.T) {
		h := open(t, newHarness)
		if !h.Capabilities().TokenAuth {
			t.Skip("provider declares no TokenAuth capability: its credentials do not expire")
		}
		ref := h.Seed(t, status.Authorized, amount)
		ctx := ctxFor(t)
		mustStatus(t, ctx, h.Provider(), ref)
		h.ExpireCredentials()
		if _, err := h.Provider().Capture(ctx, ref, nil); err != nil {
			t.Fatalf("capture after the token expired: %v; want a silent renewal", err)
		}
		if n := h.Applied(ref, OpCapture); n != 1 {
			t.Errorf("capture applied %d times; want 1", n)
		}
	})
}

func testConcurrency(t *testing.T, newHarness NewHarness) {
	t.Run("CompetingCaptures", func(t *testing.T) {
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
	})
	t.Run("ManyPayments", func(t *testing.T) {
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
	})
}

// testNoSecretLeaks drives failing calls of every kind and searches every
// error text and the provider's log for the harness's secrets.
func testNoSecretLeaks(t *testing.T, newHarness NewHarness) {
	h := open(t, newHarness)
	ctx := ctxFor(t)
	ref := h.Seed(t, status.Authorized, amount)
	var errs []error
	collect := func(_ any, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	collect(h.ProviderWithBadCredentials().Capture(ctx, ref, nil))
	collect(h.ProviderWithBadCredentials().Status(ctx, ref))
	collect(h.Provider().Status(ctx, h.MissingRef()))
	h.ExpireCredentials()
	h.InjectFault(Fault{Kind: fault.ServerError, Op: OpCapture, Times: 100})
	collect(h.Provider().Capture(ctx, ref, nil))
	h.InjectFault(Fault{Kind: fault.OversizedBody, Op: OpStatus, Times: 100})
	collect(h.Provider().Status(ctx, ref))
	collect(h.Provider().Void(ctx, payments.Ref{ID: "not a valid id"}, nil))
	if len(errs) < 4 {
		t.Fatalf("only %d of the failing calls failed: %v", len(errs), errs)
	}
	secrets := h.Secrets()
	if len(secrets) == 0 {
		t.Fatal("the harness lists no secrets to look for")
	}
	var texts []string
	for _, err := range errs {
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	}
	texts = append(texts, h.Logs(), fmt.Sprintf("%+v", h.Provider()), fmt.Sprintf("%#v", h.Provider()))
	for _, secret := range secrets {
		if len(secret) < 8 {
			continue // too short to search for without false alarms
		}
		for _, text := range texts {
			if strings.Contains(text, secret) {
				t.Errorf("a secret (%d chars, starting %q) leaked into: %.200s", len(secret), secret[:4], text)
			}
		}
	}
}

// settle waits out a pending result and fails the test on error; it returns
// the final result (nil when err was not nil and the caller checks codes).
func settle(t *testing.T, ctx context.Context, p payments.Provider, res *payments.Result, err error) *payments.Result {
	t.Helper()
	if err != nil {
		return nil
	}
	if res == nil {
		t.Fatal("nil Result with nil error")
	}
	if !res.Pending {
		return res
	}
	final, err := payments.Wait(ctx, p, res, &payments.WaitOptions{Interval: 10 * time.Millisecond, MaxInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("waiting for a pending result: %v", err)
	}
	return final
}

func mustStatus(t *testing.T, ctx context.Context, p payments.Provider, ref payments.Ref) *payments.Payment {
	t.Helper()
	pay, err := p.Status(ctx, ref)
	if err != nil {
		t.Fatalf("Status(%s): %v", ref, err)
	}
	return pay
}

func checkTransition(t *testing.T, from, to status.Status) {
	t.Helper()
	if !status.CanTransition(from, to) {
		t.Errorf("illegal transition %s → %s", from, to)
	}
}

func wantCode(t *testing.T, err error, want payments.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success; want an error with code %s", want)
	}
	var pe *payments.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T); want a *payments.Error", err, err)
	}
	if got := payments.CodeOf(err); got != want {
		t.Fatalf("code = %s; want %s (err: %v)", got, want, err)
	}
	if pe.Message == "" {
		t.Errorf("error with code %s has no message: %v", want, err)
	}
}

func oneOf(s status.Status, set []status.Status) bool {
	for _, x := range set {
		if x == s {
			return true
		}
	}
	return false
}

func oneOfCode(c payments.Code, set []payments.Code) bool {
	for _, x := range set {
		if x == c {
			return true
		}
	}
	return false
}

func codeNames(codes []payments.Code) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		if c == success {
			out[i] = "success"
		} else {
			out[i] = c.String()
		}
	}
	return out
}
