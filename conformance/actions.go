package conformance

import (
	"context"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

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
func onlyFrom(from, to status.Status) func(status.Status, payments.Provider) expectation {
	return func(st status.Status, _ payments.Provider) expectation {
		if st == from {
			return reach(to)
		}
		return refuse
	}
}

// rollbackFrom gives Rollback's expectation from a state: afterwards
// nothing may stay charged. A payment already in a final uncharged state is
// left as it is.
func rollbackFrom(st status.Status, p payments.Provider) expectation {
	switch st {
	case status.Pending:
		if payments.Supports(p, payments.CapRollbackPending) {
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
	needs  payments.Capability // "" when every provider can
	run    func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error)
	expect func(st status.Status, p payments.Provider) expectation
}

// actions is the table of portable actions every action test reads.
var actions = []actionCase{
	{
		name: "Capture", op: OpCapture,
		run: func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
			return p.Capture(ctx, ref, nil)
		},
		expect: onlyFrom(status.Authorized, status.Captured),
	},
	{
		name: "Void", op: OpVoid,
		run: func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
			return p.Void(ctx, ref, nil)
		},
		expect: onlyFrom(status.Authorized, status.Voided),
	},
	{
		name: "Rollback", op: OpRollback,
		run: func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
			return p.Rollback(ctx, ref, nil)
		},
		expect: rollbackFrom,
	},
	{
		name: "Refund", op: OpRefund,
		needs: payments.CapRefund,
		run: func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
			return payments.Refund(ctx, p, ref, nil)
		},
		expect: func(st status.Status, _ payments.Provider) expectation {
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
	probe := open(t, newHarness)
	facts := probe.Facts()
	if len(facts.States) == 0 {
		t.Fatal("Facts().States is empty: the harness must seed at least Authorized")
	}
	for _, a := range actions {
		a := a
		t.Run(a.name, func(t *testing.T) {
			if lacks(probe, a.needs) {
				t.Skipf("provider declares no %s capability", a.name)
			}
			for _, st := range facts.States {
				st := st
				t.Run("From"+st.String(), func(t *testing.T) { testActionFrom(t, open(t, newHarness), a, st) })
			}
		})
	}
}

// actionRun is one action from one state, as it came out.
type actionRun struct {
	a     actionCase
	from  status.Status
	res   *payments.Result
	err   error
	after *payments.Payment
	n     int // times the harness applied it
}

// testActionFrom runs a from st and checks the outcome against the table.
func testActionFrom(t *testing.T, h Harness, a actionCase, st status.Status) {
	ref := h.Seed(t, st, amount)
	want := a.expect(st, h.Provider())
	ctx := ctxFor(t)
	res, err := a.run(ctx, h.Provider(), ref)
	res = settleAny(t, ctx, h.Provider(), res, err)
	run := actionRun{a: a, from: st, res: res, err: err, after: mustStatus(t, ctx, h.Provider(), ref), n: h.Applied(ref, a.op)}
	checkTransition(t, st, run.after.Status)
	switch {
	case want.code != 0:
		checkRefused(t, run, want.code)
	case want.noop:
		checkNoOp(t, run)
	default:
		checkReached(t, run, want.to, h.Provider().Name())
	}
}

// checkRefused: the action failed with code and changed nothing.
func checkRefused(t *testing.T, r actionRun, code payments.Code) {
	t.Helper()
	wantCode(t, r.err, code)
	if r.after.Status != r.from {
		t.Errorf("refused %s from %s changed the status to %s", r.a.name, r.from, r.after.Status)
	}
	if r.n != 0 {
		t.Errorf("refused %s from %s was applied %d times", r.a.name, r.from, r.n)
	}
}

// checkNoOp: the action succeeded with nothing to do, and nothing is charged.
func checkNoOp(t *testing.T, r actionRun) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("%s from %s: %v; want success with nothing to do", r.a.name, r.from, r.err)
	}
	if r.after.Status != r.from {
		t.Errorf("%s from %s changed the status to %s; want it left alone", r.a.name, r.from, r.after.Status)
	}
	if r.after.Status.IsCharged() {
		t.Errorf("%s left the payment charged (%s)", r.a.name, r.after.Status)
	}
}

// checkReached: the action succeeded once and the payment is in one of to.
func checkReached(t *testing.T, r actionRun, to []status.Status, provider string) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("%s from %s: %v", r.a.name, r.from, r.err)
	}
	if !oneOf(r.after.Status, to) {
		t.Errorf("%s from %s: status afterwards %s (raw %q); want one of %v", r.a.name, r.from, r.after.Status, r.after.RawStatus, to)
	}
	if r.res.Status != status.Unknown && !oneOf(r.res.Status, to) {
		t.Errorf("%s from %s: Result.Status %s; want one of %v", r.a.name, r.from, r.res.Status, to)
	}
	if r.n != 1 {
		t.Errorf("%s from %s applied %d times; want exactly 1", r.a.name, r.from, r.n)
	}
	if r.res.Provider != provider {
		t.Errorf("Result.Provider = %q; want %q", r.res.Provider, provider)
	}
}

func testPartialCapture(t *testing.T, newHarness NewHarness) {
	h := open(t, newHarness)
	ref := h.Seed(t, status.Authorized, amount)
	part := payments.Money{Minor: amount.Minor - 12345, Currency: amount.Currency}
	ctx := ctxFor(t)
	res, err := h.Provider().Capture(ctx, ref, &payments.CaptureOptions{Amount: &part, Cart: cartIfCarts(h.Provider(), part)})
	if !payments.Supports(h.Provider(), payments.CapPartialCapture) {
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
	if lacks(h, payments.CapRefund) {
		t.Skip("provider declares no refund capability")
	}
	ref := h.Seed(t, status.Captured, amount)
	part := payments.Money{Minor: 10000, Currency: amount.Currency}
	ctx := ctxFor(t)
	left := payments.Money{Minor: amount.Minor - part.Minor, Currency: amount.Currency}
	res, err := payments.Refund(ctx, h.Provider(), ref, &payments.RefundOptions{Amount: &part, Cart: cartIfCarts(h.Provider(), left)})
	if !payments.Supports(h.Provider(), payments.CapPartialRefund) {
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
	res, err = payments.Refund(ctx, h.Provider(), ref, nil)
	settle(t, ctx, h.Provider(), res, err)
	if st := mustStatus(t, ctx, h.Provider(), ref).Status; st != status.Refunded {
		t.Errorf("status after refunding the rest = %s; want Refunded", st)
	}
	if n := h.Applied(ref, OpRefund); n != 2 {
		t.Errorf("two refunds applied %d times; want 2", n)
	}
}
