package rustore

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/transport"
	"github.com/regionpay/payments/status"
)

// Status reads the purchase by ref.InvoiceID (required). ref.ID is optional
// (RuStore's answer has no purchaseId) and is copied into the Payment.
func (c *Client) Status(ctx context.Context, ref payments.Ref) (*payments.Payment, error) {
	const op = payments.OpStatus
	if err := c.check(ctx, op, ref, false, true); err != nil {
		return nil, err
	}
	return c.status(ctx, op, ref)
}

func (c *Client) status(ctx context.Context, op payments.Operation, ref payments.Ref) (*payments.Payment, error) {
	var b purchaseBody
	out := c.send(ctx, op, http.MethodGet, c.statusPath(ref.InvoiceID), transport.RetrySafe, &b)
	if out.err != nil {
		return nil, out.err
	}
	p, err := purchaseFrom(ref, &b, out.env.bodyErr, out.env.Body())
	if err != nil {
		e := driver.Malformed(Name, op, out.httpStatus, "", "purchase", c.tr.Redact(err.Error()))
		e.ProviderCode = out.env.Code
		return nil, e
	}
	return p, nil
}

// Capture confirms a PAID purchase (charges the hold). ref.ID is required;
// ref.InvoiceID is optional but lets an unclear answer be settled through
// Status instead of ending in CodeOutcomeUnknown. RuStore has no partial
// capture: opts.Amount fails with CodeUnimplemented.
func (c *Client) Capture(ctx context.Context, ref payments.Ref, opts *payments.CaptureOptions) (res *payments.Result, err error) {
	const op = payments.OpCapture
	o := driver.Options(opts)
	t := driver.NewWrite(Name, op, o.IdempotencyKey)
	defer func() { res, err = t.Finish(res, err) }()
	if err := c.check(ctx, op, ref, true, false); err != nil {
		return nil, err
	}
	if err := refuseAmount(op, o.Amount, "RuStore has no partial capture: leave Amount nil to capture the whole purchase"); err != nil {
		return nil, err
	}
	if err := driver.RefuseCart(Name, op, o.Cart, rustoreNoCarts); err != nil {
		return nil, err
	}
	return c.run(ctx, t, ref, &confirmWrite)
}

// Void cancels a PAID purchase (releases the hold). ref.ID is required;
// ref.InvoiceID is optional, as for Capture. opts.Reason is not sent:
// RuStore takes none.
func (c *Client) Void(ctx context.Context, ref payments.Ref, opts *payments.VoidOptions) (res *payments.Result, err error) {
	const op = payments.OpVoid
	o := driver.Options(opts)
	t := driver.NewWrite(Name, op, o.IdempotencyKey)
	defer func() { res, err = t.Finish(res, err) }()
	if err := c.check(ctx, op, ref, true, false); err != nil {
		return nil, err
	}
	return c.run(ctx, t, ref, &cancelWrite)
}

// Refund returns the whole amount of a CONFIRMED invoice. ref.InvoiceID is
// required, ref.ID optional. RuStore refunds only in full, so any
// opts.Amount fails with CodeUnimplemented: a refund of "the full amount"
// given explicitly would need a status read to prove it is full, and a
// caller who computes amounts should not be surprised by a silent full refund.
//
// RuStore's OK means the refund was accepted, not that the money is back
// (its refund page: up to 10 business days), so the invoice is read back and
// the Result says what it shows: REFUNDED is status.Refunded, REFUNDING is
// status.Captured with RawStatus "REFUNDING", and an unreadable status is
// status.Unknown rather than a claim.
func (c *Client) Refund(ctx context.Context, ref payments.Ref, opts *payments.RefundOptions) (res *payments.Result, err error) {
	const op = payments.OpRefund
	o := driver.Options(opts)
	t := driver.NewWrite(Name, op, o.IdempotencyKey)
	defer func() { res, err = t.Finish(res, err) }()
	if err := c.check(ctx, op, ref, false, true); err != nil {
		return nil, err
	}
	if err := refuseAmount(op, o.Amount, "RuStore refunds only whole invoices: leave Amount nil to refund all of it"); err != nil {
		return nil, err
	}
	if err := driver.RefuseCart(Name, op, o.Cart, rustoreNoCarts); err != nil {
		return nil, err
	}
	return c.run(ctx, t, ref, &refundWrite)
}

// refuseAmount fails an action given an explicit amount, which RuStore cannot
// honour: it acts on whole purchases only. A malformed amount is reported as
// such first, so the caller fixes the input before learning it is not
// supported; why says what to do instead.
func refuseAmount(op payments.Operation, amount *payments.Money, why string) error {
	if amount == nil {
		return nil
	}
	if err := driver.CheckAmount(Name, op, "Amount", amount); err != nil {
		return err
	}
	return &payments.Error{Code: payments.CodeUnimplemented, Provider: Name, Op: op, Message: why}
}

// rustoreNoCarts says why RuStore refuses a cart.
const rustoreNoCarts = "RuStore has no carts: its confirm and refund act on the whole purchase and take no line items"

// rollbackAction is what Rollback does from one state.
type rollbackAction int

const (
	rollbackRefuse rollbackAction = iota // nothing RuStore can do; the zero value, so unlisted states refuse
	rollbackNothing
	rollbackCancel
	rollbackRefund
)

// rollbackPlan decides Rollback by the purchase's normalized state.
var rollbackPlan = map[status.Status]rollbackAction{
	status.Authorized: rollbackCancel,
	status.Captured:   rollbackRefund,
	status.Voided:     rollbackNothing,
	status.Refunded:   rollbackNothing,
	status.Failed:     rollbackNothing,
	status.Expired:    rollbackNothing,
}

// Rollback makes sure the purchase ends up not charged: a PAID purchase is
// cancelled, a CONFIRMED one refunded in full, and one already reversed,
// refunded or being refunded, rejected, cancelled or expired is left alone
// (Result.NoOp).
// Both ref.ID and ref.InvoiceID are required: the state is read by invoice
// and a cancel names the purchase. An unpaid purchase cannot be stopped from
// the server: CodeFailedPrecondition.
func (c *Client) Rollback(ctx context.Context, ref payments.Ref, opts *payments.RollbackOptions) (res *payments.Result, err error) {
	const op = payments.OpRollback
	o := driver.Options(opts)
	t := driver.NewWrite(Name, op, o.IdempotencyKey)
	defer func() { res, err = t.Finish(res, err) }()
	if err := c.check(ctx, op, ref, true, true); err != nil {
		return nil, err
	}
	if err := c.keys.Claim(t, driver.WriteParams{Ref: ref}); err != nil {
		return nil, err
	}
	// A second round covers a purchase that changed between the read and
	// the write (captured by another worker just before the cancel). One
	// that reads as before was refused for itself, not for a race: its
	// refusal stands, and the write is not sent again (a CONSUMED purchase
	// whose refund RuStore refuses would otherwise be refunded twice).
	var first *payments.Payment
	var refused error
	for round := 0; ; round++ {
		p, err := c.status(ctx, op, ref)
		if err != nil {
			return nil, err
		}
		if first != nil && strings.EqualFold(strings.TrimSpace(p.RawStatus), strings.TrimSpace(first.RawStatus)) {
			return nil, refused
		}
		first = p
		action := rollbackPlan[p.Status]
		if refundWrite.reached(p) {
			// REFUNDING is Captured, but RuStore already runs the refund
			// and refuses another: the purchase will not stay charged.
			action = rollbackNothing
		}
		var spec *writeSpec
		switch action {
		case rollbackNothing:
			return &payments.Result{Ref: p.Ref, Provider: Name, Status: p.Status, RawStatus: p.RawStatus,
				IdempotencyKey: t.Key(), NoOp: true}, nil
		case rollbackCancel:
			spec = &cancelWrite
		case rollbackRefund:
			spec = &refundWrite
		default:
			return nil, rollbackRefused(op, p)
		}
		res, err := c.write(ctx, t, p.Ref, spec)
		if err == nil || round > 0 || payments.CodeOf(err) != payments.CodeFailedPrecondition {
			return res, err
		}
		refused = err
	}
}

func rollbackRefused(op payments.Operation, p *payments.Payment) error {
	msg := fmt.Sprintf("RuStore reports status %q, which this adapter does not know: nothing was done", p.RawStatus)
	if p.Status == status.Pending {
		msg = fmt.Sprintf("the purchase is unpaid (%s): RuStore cannot stop an unpaid purchase from the server; it expires if the buyer does not pay", p.RawStatus)
	}
	return &payments.Error{Code: payments.CodeFailedPrecondition, Provider: Name, Op: op, Message: msg}
}

// writeSpec describes one of RuStore's state-changing calls by the state it
// starts from and the state it leads to, which is what reconciliation needs.
type writeSpec struct {
	action string // RuStore's name, for messages
	method string
	path   func(c *Client, ref payments.Ref) string
	from   status.Status
	to     status.Status
	// alsoDone lists raw statuses that count as the write having happened:
	// REFUNDING means RuStore accepted the refund and finishes it alone.
	alsoDone []string
	// later lists the states only reached through to: a confirmed purchase
	// may have been refunded since, which still shows the confirm acted.
	later []status.Status
}

func (w writeSpec) reached(p *payments.Payment) bool {
	if p.Status == w.to || slices.Contains(w.later, p.Status) {
		return true
	}
	for _, raw := range w.alsoDone {
		if strings.EqualFold(raw, strings.TrimSpace(p.RawStatus)) {
			return true
		}
	}
	return false
}

var (
	confirmWrite = writeSpec{action: "confirm", method: http.MethodPut, from: status.Authorized, to: status.Captured,
		later: []status.Status{status.PartiallyRefunded, status.Refunded},
		path:  func(c *Client, ref payments.Ref) string { return c.purchasePath(ref.ID, "confirm") }}
	cancelWrite = writeSpec{action: "cancel", method: http.MethodPut, from: status.Authorized, to: status.Voided,
		path: func(c *Client, ref payments.Ref) string { return c.purchasePath(ref.ID, "cancel") }}
	refundWrite = writeSpec{action: "refund", method: http.MethodPatch, from: status.Captured, to: status.Refunded,
		alsoDone: []string{"refunding"},
		path:     func(c *Client, ref payments.Ref) string { return c.invoicePath(ref.InvoiceID) }}
)

// run is the common entry of Capture, Void and Refund. RuStore takes no
// idempotency key: t's key names the logical operation for the caller, and
// repeating it is safe because RuStore confirms, cancels and refunds only
// from one state, which a repeat reads before it acts again.
func (c *Client) run(ctx context.Context, t *driver.Write, ref payments.Ref, spec *writeSpec) (*payments.Result, error) {
	// RuStore has no key on the wire, so what this client remembers is the
	// only proof that a key is being reused for another write.
	if err := c.keys.Claim(t, driver.WriteParams{Ref: ref}); err != nil {
		return nil, err
	}
	return c.write(ctx, t, ref, spec)
}

// maxWrites bounds how often one write is sent: once, and once more only
// after a status read proved the first did not act.
const maxWrites = 2

// write sends a state change and settles unclear answers through Status.
// RuStore confirms, cancels and refunds only from one state, so repeating a
// write that a status read shows did not happen cannot act twice.
func (c *Client) write(ctx context.Context, t *driver.Write, ref payments.Ref, spec *writeSpec) (*payments.Result, error) {
	op := t.Op()
	done := doneWrite{spec: spec, ref: ref, key: t.Key()}
	for sent := 1; ; sent++ {
		out := c.send(ctx, op, spec.method, spec.path(c, ref), transport.RetryUnsent, nil)
		if out.unclear {
			t.Reached()
		}
		switch {
		case out.err == nil:
			return c.accepted(ctx, op, ref, spec, done), nil
		case !out.unclear && sent > 1:
			return c.settleRefusedRepeat(ctx, op, ref, spec, out.err, done)
		case !out.unclear:
			return c.refused(ctx, t, ref, spec, out.err)
		}
		p, err := c.readAfterUnclear(ctx, op, ref, spec, out.err)
		if err != nil {
			return nil, err
		}
		if spec.reached(p) {
			return done.result(p), nil
		}
		if p.Status != spec.from || sent >= maxWrites {
			return nil, notReached(op, spec, p, out.err)
		}
	}
}

// refused decides a first send RuStore clearly refused. A refusal can mean
// the work is already done by the caller's earlier call with the same key:
// the purchase is read to tell.
func (c *Client) refused(ctx context.Context, t *driver.Write, ref payments.Ref, spec *writeSpec, refusal error) (*payments.Result, error) {
	if t.Given() && ref.InvoiceID != "" && replayable(refusal) {
		if p, err := c.status(ctx, t.Op(), ref); err == nil && spec.reached(p) {
			return spec.result(ref, t.Key(), p), nil
		}
	}
	return nil, refusal
}

// doneWrite makes the Result of one write that acted; a value, not a
// closure, so that a call does not allocate one.
type doneWrite struct {
	spec *writeSpec
	ref  payments.Ref
	key  string
}

func (d doneWrite) result(p *payments.Payment) *payments.Result {
	return d.spec.result(d.ref, d.key, p)
}

// result is the Result of the write done to ref under key; p is the
// purchase as read afterwards, or nil when it was not read.
func (w writeSpec) result(ref payments.Ref, key string, p *payments.Payment) *payments.Result {
	res := &payments.Result{Ref: ref, Provider: Name, Status: w.to, IdempotencyKey: key}
	if p != nil {
		res.Ref, res.RawStatus = p.Ref, p.RawStatus
		if p.Status != status.Unknown {
			res.Status = p.Status
		}
	}
	return res
}

// readAfterUnclear reads the purchase after a send that got no clear
// answer; the error is the write's when the read cannot be made.
func (c *Client) readAfterUnclear(ctx context.Context, op payments.Operation, ref payments.Ref, spec *writeSpec, cause error) (*payments.Payment, error) {
	if ctx.Err() != nil {
		return nil, driver.CanceledAfterSend(ctx, Name, op, cause)
	}
	if ref.InvoiceID == "" {
		return nil, outcomeUnknown(op, spec, cause, "without Ref.InvoiceID its status cannot be read")
	}
	p, err := c.status(ctx, op, ref)
	switch {
	case err == nil:
		return p, nil
	case ctx.Err() != nil:
		return nil, driver.CanceledAfterSend(ctx, Name, op, cause)
	}
	return nil, outcomeUnknown(op, spec, cause, driver.ReadFailed("its status", err))
}

// notReached is the error of a write whose send got no clear answer and
// whose purchase then reads p, not the write's target.
func notReached(op payments.Operation, spec *writeSpec, p *payments.Payment, cause error) error {
	switch p.Status {
	case spec.from:
		// Still the start state twice over proves nothing: RuStore may
		// take half a minute to apply a confirm, and a gateway's 5xx
		// says nothing of what RuStore behind it did.
		return outcomeUnknown(op, spec, cause, fmt.Sprintf("the purchase still reads %q after two sends; RuStore may still apply it", p.RawStatus))
	case status.Pending, status.Unknown:
		return outcomeUnknown(op, spec, cause, fmt.Sprintf("it now reports status %q", p.RawStatus))
	}
	// A state the write does not lead to: it was changed elsewhere, and
	// this write can no longer act.
	return driver.Proven(&payments.Error{Code: payments.CodeFailedPrecondition, Provider: Name, Op: op,
		Message: fmt.Sprintf("RuStore gave no clear answer to %s and the purchase is now %s (%s), not %s: it was changed elsewhere",
			spec.action, p.RawStatus, p.Status, spec.to),
		Err: cause})
}

// settleRefusedRepeat decides a write whose first send got no clear answer
// and whose second send, made because a status read still showed the start
// state, was refused. The first send may have acted since (RuStore can take
// ~30 s to confirm), so the refusal alone proves nothing: the status is read
// once more. Only a purchase that reached the target is a success, and only
// one that moved somewhere the write does not lead keeps the refusal;
// anything else may have moved money and is CodeOutcomeUnknown.
func (c *Client) settleRefusedRepeat(ctx context.Context, op payments.Operation, ref payments.Ref, spec *writeSpec,
	refusal error, done doneWrite) (*payments.Result, error) {
	p, err := c.status(ctx, op, ref)
	var why string
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, driver.CanceledAfterSend(ctx, Name, op, refusal)
	case err != nil:
		why = fmt.Sprintf("RuStore refused to repeat it (%s) and reading its status failed (%s)",
			driver.Message(refusal), payments.CodeOf(err))
	case spec.reached(p):
		return done.result(p), nil
	case p.Status == spec.from || p.Status == status.Pending || p.Status == status.Unknown:
		why = fmt.Sprintf("RuStore refused to repeat it (%s) while the purchase reads %q", driver.Message(refusal), p.RawStatus)
	default:
		return nil, driver.Proven(refusal)
	}
	return nil, outcomeUnknown(op, spec, refusal, why)
}

// replayable lists the refusals a repeated write gets when its first copy
// already acted: a state error, or the confirm frequency limit.
func replayable(err error) bool {
	switch payments.CodeOf(err) {
	case payments.CodeFailedPrecondition, payments.CodeResourceExhausted:
		return true
	}
	return false
}

// check refuses a Client not made by New and an unusable ctx, then
// validates ref.
func (c *Client) check(ctx context.Context, op payments.Operation, ref payments.Ref, needID, needInvoice bool) error {
	if err := driver.Check(ctx, Name, op, c != nil && c.tr != nil); err != nil {
		return err
	}
	return checkRef(op, ref, needID, needInvoice)
}

// outcomeUnknown is driver.OutcomeUnknown naming RuStore's action.
func outcomeUnknown(op payments.Operation, spec *writeSpec, cause error, why string) error {
	return driver.OutcomeUnknown(Name, op, cause, fmt.Sprintf("no clear answer to %s came back, and %s", spec.action, why))
}

// accepted is the Result of a write RuStore answered OK. A refund is only
// accepted then: RuStore may show it as REFUNDING for days before the money
// reaches the buyer, so the invoice is read back and the Result says what it
// shows. Where that read fails the status is left Unknown rather than
// claimed.
func (c *Client) accepted(ctx context.Context, op payments.Operation, ref payments.Ref, spec *writeSpec,
	done doneWrite) *payments.Result {
	if spec.action != refundWrite.action {
		return done.result(nil)
	}
	p, err := c.status(ctx, op, ref)
	if err != nil {
		res := done.result(nil)
		res.Status = status.Unknown
		return res
	}
	return done.result(p)
}
