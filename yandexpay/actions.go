package yandexpay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/transport"
	"github.com/regionpay/payments/status"
)

// Capture charges an AUTHORIZED order (POST /v1/orders/{id}/capture), or
// submits a CONFIRMED Split order (POST /v1/orders/{id}/submit). The order
// is read first: its paymentStatus picks the endpoint, and its currency is
// checked against opts.Amount and opts.Cart, since the wire amount carries
// none. With opts.Amount it captures that much and releases the rest;
// Yandex Pay's capture page then requires the final cart, so opts.Amount
// without opts.Cart is refused before any request. opts.Cart alone (a nil
// opts.Amount captures everything) must total the order's amount: Yandex
// Pay would capture the cart's total and release the rest, so a smaller
// cart is refused, before the capture is sent, rather than taken as a
// partial capture the caller did not ask for.
func (c *Client) Capture(ctx context.Context, ref payments.Ref, opts *payments.CaptureOptions) (res *payments.Result, err error) {
	o := driver.Options(opts)
	opts = &o
	t := driver.NewWrite(Name, payments.OpCapture, opts.IdempotencyKey)
	defer func() { res, err = t.Finish(res, err) }()
	if err := c.checkRef(ctx, payments.OpCapture, ref); err != nil {
		return nil, err
	}
	w, err := newWrite(t, ref, "capture", opTypeCapture, opTypeSubmit)
	if err != nil {
		return nil, err
	}
	if err := c.keys.Claim(t, driver.WriteParams{Ref: ref, Amount: opts.Amount}); err != nil {
		return nil, err
	}
	body := captureBody{ExternalOperationID: w.key}
	w.body = &body
	if err := captureAmount(&body, opts); err != nil {
		return nil, err
	}
	if opts.Cart != nil {
		w.amount = &opts.Cart.Total
	}
	pay, err := c.orderState(ctx, payments.OpCapture, ref)
	if err != nil {
		return nil, err
	}
	if opts.Amount != nil {
		if err := sameCurrency(payments.OpCapture, opts.Amount, pay); err != nil {
			return nil, err
		}
	}
	if opts.Cart != nil {
		if err := cartCurrency(payments.OpCapture, opts.Cart, pay); err != nil {
			return nil, err
		}
		if err := wholeCart(opts, pay); err != nil {
			return nil, err
		}
	}
	w.from = capturable
	if strings.EqualFold(pay.RawStatus, rawConfirmed) {
		// A Split order confirmed for payment on delivery is completed by
		// /submit (Yandex Pay's submit page), with the same key.
		w.path = orderPath("v1", ref.ID, "submit")
	}
	return c.write(ctx, w)
}

// captureAmount checks opts.Amount and opts.Cart and puts them into body.
func captureAmount(body *captureBody, opts *payments.CaptureOptions) error {
	if opts.Amount != nil {
		if err := driver.CheckAmount(Name, payments.OpCapture, "opts.Amount", opts.Amount); err != nil {
			return err
		}
		if opts.Cart == nil {
			return driver.InvalidArgument(Name, payments.OpCapture, "opts.Cart is missing: Yandex Pay's capture page requires the final cart (what is actually charged) with a capture amount; pass opts.Cart, or leave opts.Amount nil to capture everything")
		}
	}
	if opts.Cart == nil {
		return nil
	}
	if err := checkCart(payments.OpCapture, "opts.Cart", opts.Cart); err != nil {
		return err
	}
	if opts.Amount != nil && *opts.Amount != opts.Cart.Total {
		return driver.InvalidArgument(Name, payments.OpCapture, "opts.Amount %s differs from opts.Cart's total %s: the final cart is what is charged", opts.Amount, opts.Cart.Total)
	}
	body.OrderAmount = opts.Cart.Total.Decimal()
	body.Cart = toWireCart(opts.Cart)
	return nil
}

// Void releases an AUTHORIZED hold (POST /v1/orders/{id}/cancel). Yandex Pay
// requires a reason; DefaultVoidReason is sent when opts.Reason is empty.
func (c *Client) Void(ctx context.Context, ref payments.Ref, opts *payments.VoidOptions) (res *payments.Result, err error) {
	o := driver.Options(opts)
	opts = &o
	t := driver.NewWrite(Name, payments.OpVoid, opts.IdempotencyKey)
	defer func() { res, err = t.Finish(res, err) }()
	if err := c.checkRef(ctx, payments.OpVoid, ref); err != nil {
		return nil, err
	}
	reason := opts.Reason
	if strings.TrimSpace(reason) == "" {
		reason = DefaultVoidReason
	}
	w, err := voidWrite(t, ref, reason)
	if err != nil {
		return nil, err
	}
	if err := c.keys.Claim(t, driver.WriteParams{Ref: ref}); err != nil {
		return nil, err
	}
	return c.write(ctx, w)
}

// voidWrite is a cancel of an AUTHORIZED hold, for Void and Rollback.
func voidWrite(t *driver.Write, ref payments.Ref, reason string) (write, error) {
	w, err := newWrite(t, ref, "cancel", opTypeVoid)
	if err != nil {
		return write{}, err
	}
	w.body = cancelBody{Reason: reason, ExternalOperationID: w.key}
	w.from = voidable
	return w, nil
}

// Refund returns captured money (POST /v2/orders/{id}/refund): opts.Amount,
// or all that remains of the order when it is nil. The order is read first
// for the remaining amount and its currency. A partial refund needs the cart
// that remains afterwards (Yandex Pay's v2 refund page: targetCart), so
// opts.Amount without opts.Cart is refused before any request, and a cart
// whose total is not what remains after the refund is refused before the
// refund is sent. Yandex Pay runs refunds asynchronously, so the Result is
// usually Pending: settle it with payments.Wait.
func (c *Client) Refund(ctx context.Context, ref payments.Ref, opts *payments.RefundOptions) (res *payments.Result, err error) {
	o := driver.Options(opts)
	opts = &o
	t := driver.NewWrite(Name, payments.OpRefund, opts.IdempotencyKey)
	defer func() { res, err = t.Finish(res, err) }()
	if err := c.checkRef(ctx, payments.OpRefund, ref); err != nil {
		return nil, err
	}
	if err := checkRefundOptions(opts); err != nil {
		return nil, err
	}
	w, err := newWrite(t, ref, "", opTypeRefund)
	if err != nil {
		return nil, err
	}
	if err := c.keys.Claim(t, driver.WriteParams{Ref: ref, Amount: opts.Amount}); err != nil {
		return nil, err
	}
	pay, err := c.orderState(ctx, payments.OpRefund, ref)
	if err != nil {
		return nil, err
	}
	amount := pay.Amount
	if opts.Amount != nil {
		if err := sameCurrency(payments.OpRefund, opts.Amount, pay); err != nil {
			return nil, err
		}
		amount = *opts.Amount
	} else if amount.Minor <= 0 {
		// A replay of the full refund that emptied the order is that refund.
		if res, ok := c.replayed(ctx, w); ok {
			return res, nil
		}
		return nil, &payments.Error{Code: payments.CodeFailedPrecondition, Provider: Name, Op: payments.OpRefund,
			Message: fmt.Sprintf("order has nothing left to refund (status %s)", c.scrub(pay.RawStatus, 32))}
	}
	w.amount = &amount
	body := refundBody{ExternalOperationID: w.key}
	if opts.Cart != nil {
		if err := refundCartFits(opts.Cart, amount, pay); err != nil {
			// A repeat after the refund landed sees less remaining: the
			// key's operation is the answer (its outcome, or a key reused
			// for another refund), not a cart mismatch.
			if w.callerKey {
				if res, read, kerr := c.byKey(ctx, w); read {
					return res, kerr
				}
			}
			return nil, err
		}
		body.TargetCart = targetCart(opts.Cart)
	}
	body.RefundAmount = amount.Decimal()
	w.path = orderPath("v2", ref.ID, "refund")
	w.body = body
	w.from = refundable
	return c.write(ctx, w)
}

// checkRefundOptions refuses, before any request, a bad amount, a bad cart,
// and a refund amount without the cart Yandex Pay requires with it.
func checkRefundOptions(opts *payments.RefundOptions) error {
	if opts.Amount != nil {
		if err := driver.CheckAmount(Name, payments.OpRefund, "opts.Amount", opts.Amount); err != nil {
			return err
		}
		if opts.Cart == nil {
			return driver.InvalidArgument(Name, payments.OpRefund, "opts.Cart is missing: Yandex Pay's v2 refund page requires the cart that remains after a partial refund (targetCart); pass opts.Cart, or leave opts.Amount nil to refund everything")
		}
	}
	if opts.Cart != nil {
		return checkCart(payments.OpRefund, "opts.Cart", opts.Cart)
	}
	return nil
}

// refundCartFits checks that the cart left after refunding amount is what
// the order will hold: its total is the order's remaining amount minus the
// refund, in the order's currency.
func refundCartFits(cart *payments.Cart, amount payments.Money, pay *payments.Payment) error {
	if err := cartCurrency(payments.OpRefund, cart, pay); err != nil {
		return err
	}
	if left := pay.Amount.Minor - amount.Minor; cart.Total.Minor != left {
		return driver.InvalidArgument(Name, payments.OpRefund, "opts.Cart total %s is not what remains after refunding %s of %s (%s): the cart is the order after the refund",
			cart.Total, amount, pay.Amount, payments.Money{Minor: left, Currency: pay.Amount.Currency})
	}
	return nil
}

// rollbackLeg is what Rollback does from one paymentStatus.
type rollbackLeg int

const (
	legRefuse  rollbackLeg = iota // a status this adapter does not know: nothing is sent
	legNothing                    // already uncharged for good
	legStop                       // unpaid: POST /rollback annuls the payment link
	legCancel                     // held: POST /cancel releases it
	legRefund                     // charged: a v2 refund of what remains
)

// rollbackPlan composes Rollback from the actions Yandex Pay documents for
// each status (its rollback page compares /rollback, /refund and /cancel):
// /rollback only to stop an unpaid order, /cancel for a hold, /refund to
// return money. A CONFIRMED Split order (to be paid on delivery) is
// stopped with /rollback, the one action the documentation allows in that
// status; a null paymentStatus is an order no one has paid yet.
var rollbackPlan = map[string]rollbackLeg{
	"":                   legStop,
	"PENDING":            legStop,
	rawConfirmed:         legStop,
	"AUTHORIZED":         legCancel,
	"CAPTURED":           legRefund,
	"PARTIALLY_REFUNDED": legRefund,
	"VOIDED":             legNothing,
	"REFUNDED":           legNothing,
	rawFailed:            legNothing,
}

// rollbackVoidReason is the /cancel reason of a Rollback of a hold.
const rollbackVoidReason = "rolled back by merchant"

// Rollback makes sure the order ends up not charged, each status by the
// action Yandex Pay documents for it (see rollbackPlan): an unpaid or
// CONFIRMED order is stopped (POST /v1/orders/{id}/rollback, FAILED after),
// a hold is cancelled (VOIDED), a charge is refunded in full through v2
// with an externalOperationId (REFUNDED; usually Pending, settle it with
// payments.Wait), and a VOIDED, REFUNDED or FAILED order is left alone
// (Result.NoOp) — /rollback would rewrite those to FAILED.
//
// The cancel and the refund carry opts.IdempotencyKey (or a generated key)
// as their externalOperationId, with the guarantees of Void and Refund; a
// repeat with the same key after they landed returns their outcome. If
// the order moves between the read and the write (a Void or Capture racing
// this call), Yandex Pay refuses the write and the order is read once more
// to choose again, so a race with Void ends VOIDED, never FAILED.
//
// /rollback takes no key; it is retried all the same, because its only
// effect is "the order ends FAILED" and a repeat leaves it FAILED. A lost
// or 5xx answer is settled by reading the order.
func (c *Client) Rollback(ctx context.Context, ref payments.Ref, opts *payments.RollbackOptions) (res *payments.Result, err error) {
	o := driver.Options(opts)
	opts = &o
	t := driver.NewWrite(Name, payments.OpRollback, opts.IdempotencyKey)
	defer func() { res, err = t.Finish(res, err) }()
	if err := c.checkRef(ctx, payments.OpRollback, ref); err != nil {
		return nil, err
	}
	if t.Given() {
		if err := checkSegment(payments.OpRollback, "opts.IdempotencyKey", t.Key()); err != nil {
			return nil, err
		}
	}
	if err := c.keys.Claim(t, driver.WriteParams{Ref: ref}); err != nil {
		return nil, err
	}
	before, err := c.orderState(ctx, payments.OpRollback, ref)
	if err != nil {
		return nil, err
	}
	res, err = c.rollbackFrom(ctx, t, ref, before)
	if err == nil || payments.CodeOf(err) != payments.CodeFailedPrecondition || t.MayHaveActed() {
		return res, err
	}
	// Refused: the order may have moved since it was read (a Void or a
	// Capture raced this call). Read it once more and choose again, only if
	// it did move, so a refusal from an unchanged order is not sent twice.
	now, rerr := c.orderState(ctx, payments.OpRollback, ref)
	if rerr != nil || strings.EqualFold(now.RawStatus, before.RawStatus) {
		return nil, err
	}
	return c.rollbackFrom(ctx, t, ref, now)
}

// rollbackFrom runs the leg of rollbackPlan for the order as read.
func (c *Client) rollbackFrom(ctx context.Context, t *driver.Write, ref payments.Ref, pay *payments.Payment) (*payments.Result, error) {
	leg, known := rollbackPlan[strings.ToUpper(pay.RawStatus)]
	if !known {
		return nil, &payments.Error{Code: payments.CodeFailedPrecondition, Provider: Name, Op: payments.OpRollback,
			Message: fmt.Sprintf("the order is in status %q, which this adapter does not know: nothing was sent", c.scrub(pay.RawStatus, 32))}
	}
	switch leg {
	case legStop:
		return c.stop(ctx, t, ref)
	case legCancel:
		w, err := voidWrite(t, ref, rollbackVoidReason)
		if err != nil {
			return nil, err
		}
		return c.write(ctx, w)
	case legRefund:
		if pay.Amount.Minor > 0 {
			w, err := newWrite(t, ref, "", opTypeRefund)
			if err != nil {
				return nil, err
			}
			w.path, w.from, w.amount = orderPath("v2", ref.ID, "refund"), refundable, &pay.Amount
			w.body = refundBody{RefundAmount: pay.Amount.Decimal(), ExternalOperationID: w.key}
			return c.write(ctx, w)
		}
	}
	// Nothing is charged. A repeat of this key after its cancel or refund
	// landed is that operation's outcome, not a no-op.
	w, err := newWrite(t, ref, "", opTypeVoid, opTypeRefund)
	if err != nil {
		return nil, err
	}
	if res, ok := c.replayed(ctx, w); ok {
		return res, nil
	}
	return &payments.Result{Ref: ref, Provider: Name, Status: pay.Status, RawStatus: pay.RawStatus,
		IdempotencyKey: t.Key(), NoOp: true}, nil
}

// stop annuls an unpaid order's payment (POST /v1/orders/{id}/rollback) and
// settles an unclear answer by reading the order: FAILED means done.
func (c *Client) stop(ctx context.Context, t *driver.Write, ref payments.Ref) (*payments.Result, error) {
	done := &payments.Result{Ref: ref, Provider: Name, Status: status.Failed, RawStatus: rawFailed, IdempotencyKey: t.Key()}
	ans, err := c.do(ctx, request{op: payments.OpRollback, method: http.MethodPost, path: orderPath("v1", ref.ID, "rollback"), retry: transport.RetrySafe})
	if err == nil {
		return done, nil
	}
	if mayHaveActed(ans, err) {
		t.Reached()
	}
	if !t.MayHaveActed() || ctx.Err() != nil {
		return nil, err
	}
	// The answer was lost, or a gateway failed after the backend may have
	// acted: the order's status says whether the rollback landed.
	pay, rerr := c.orderState(ctx, payments.OpRollback, ref)
	switch {
	case rerr != nil:
		return nil, driver.OutcomeUnknown(Name, payments.OpRollback, err, driver.ReadFailed("the order", rerr))
	case normalize(pay.RawStatus) == status.Failed:
		return done, nil
	}
	return nil, driver.OutcomeUnknown(Name, payments.OpRollback, err, fmt.Sprintf("the order is still %s", c.scrub(pay.RawStatus, 32)))
}

// Status reads the order (GET /v1/orders/{id}). Payment.Amount is the
// order's current orderAmount (Yandex Pay lowers it by refunds and partial
// captures); Payment.Raw is the order object as received.
func (c *Client) Status(ctx context.Context, ref payments.Ref) (*payments.Payment, error) {
	if err := c.checkRef(ctx, payments.OpStatus, ref); err != nil {
		return nil, err
	}
	return c.readOrder(ctx, payments.OpStatus, ref)
}

// Operation reads the outcome of an earlier action by its externalOperationId
// (a Result's OperationID): PENDING gives a pending Result, SUCCESS a Result
// with the order's status after it, FAIL a payments.CodeFailedPrecondition
// error with Yandex Pay's reason. payments.Wait calls it.
func (c *Client) Operation(ctx context.Context, ref payments.Ref, operationID string) (*payments.Result, error) {
	if err := c.checkRef(ctx, payments.OpOperation, ref); err != nil {
		return nil, err
	}
	if err := checkSegment(payments.OpOperation, "operationID", operationID); err != nil {
		return nil, err
	}
	o, err := c.readOperation(ctx, payments.OpOperation, operationID)
	if err != nil {
		return nil, err
	}
	if o.OrderID != "" && o.OrderID != ref.ID {
		return nil, driver.InvalidArgument(Name, payments.OpOperation, "operationID %q names an operation of another order", operationID)
	}
	return c.outcome(ctx, payments.OpOperation, ref, operationID, o)
}

// write is one capture, cancel, submit or refund: a POST carrying an
// externalOperationId.
type write struct {
	t         *driver.Write // the logical operation, across every attempt
	op        payments.Operation
	ref       payments.Ref
	path      string
	body      any
	key       string
	callerKey bool            // the caller chose key, so it may name an earlier operation
	types     []string        // operation types this write may create
	amount    *payments.Money // the amount sent, when the write names one
	from      []string        // raw paymentStatus values the action is documented for
}

// newWrite prepares a write to ref's action path under t's key. A caller's
// key must work as a path segment too: it is how the operation is read back.
func newWrite(t *driver.Write, ref payments.Ref, action string, types ...string) (write, error) {
	w := write{t: t, op: t.Op(), ref: ref, key: t.Key(), callerKey: t.Given(), types: types}
	if w.callerKey {
		if err := checkSegment(w.op, "opts.IdempotencyKey", w.key); err != nil {
			return write{}, err
		}
	}
	if action != "" {
		w.path = orderPath("v1", ref.ID, action)
	}
	return w, nil
}

// write sends w and turns the answer into a Result. When Yandex Pay says the
// key was used already, or no readable answer (or only a 5xx) came back, the
// operation is read by its key instead, so an action that succeeded is
// reported as such.
func (c *Client) write(ctx context.Context, w write) (*payments.Result, error) {
	var od operationData
	ans, err := c.do(ctx, request{op: w.op, method: http.MethodPost, path: w.path, body: w.body, retry: transport.RetrySafe, into: &od})
	if mayHaveActed(ans, err) {
		w.t.Reached()
	}
	if err == nil {
		switch {
		case ans.dataErr != nil || od.Operation == nil:
			return c.reconcile(ctx, w, c.lacking(w.op, ans, "no operation"))
		case !w.owns(od.Operation) || !w.matches(od.Operation):
			// Not this write's operation (a confused proxy or cache): it
			// says nothing about what this write did.
			return c.reconcile(ctx, w, c.malformed(w.op, ans.reqID, ans.resp, "the operation of another order, key or action"))
		}
		return c.writeOutcome(ctx, w, od.Operation)
	}
	switch {
	case w.t.MayHaveActed(), strings.EqualFold(providerCode(err), reasonDuplicate):
		// An attempt may have acted, whatever the last one was told: only
		// the operation its key names can say what happened.
		return c.reconcile(ctx, w, err)
	case unexplainedRefusal(err):
		err = c.classifyRefusal(ctx, w, err)
	}
	switch {
	case payments.CodeOf(err) == payments.CodeFailedPrecondition && (w.callerKey || (ans != nil && ans.attempts > 1)):
		// A repeat (the caller's, or a retry whose first attempt acted) may
		// find the order already moved by this very key.
		if res, read, kerr := c.byKey(ctx, w); read {
			return res, kerr
		}
	}
	return nil, err
}

// classifyRefusal decides what a write's 4xx refusal with an undocumented
// reasonCode means by reading the order, since Yandex Pay publishes no
// reasonCode for "not allowed in this status": an order whose status the
// action is not documented for is CodeFailedPrecondition naming that
// status; otherwise, or when the order cannot be read, the refusal keeps
// the class of its HTTP status.
func (c *Client) classifyRefusal(ctx context.Context, w write, refusal error) error {
	var pe *payments.Error
	if !errors.As(refusal, &pe) || len(w.from) == 0 || ctx.Err() != nil {
		return refusal
	}
	pay, err := c.orderState(ctx, w.op, w.ref)
	if err != nil || slices.Contains(w.from, strings.ToUpper(pay.RawStatus)) {
		return refusal
	}
	e := *pe
	e.Code = payments.CodeFailedPrecondition
	e.Message = fmt.Sprintf("the order is in status %s, which does not allow %s (Yandex Pay: %s)",
		statusName(c.scrub(pay.RawStatus, 32)), w.op, pe.Message)
	return &e
}

// statusName shows a raw paymentStatus in a message; null is named so.
func statusName(raw string) string {
	if raw == "" {
		return "null"
	}
	return raw
}

// mayHaveActed reports whether a request that ended with ans and err may have
// reached Yandex Pay and acted: some attempt's answer was lost, cut or a 5xx,
// or a success answer came that could not be read, or the key was already
// used (DUPLICATE_EXTERNAL_OPERATION_ID: an earlier call with it acted).
func mayHaveActed(ans *answer, err error) bool {
	switch {
	case transport.Ambiguous(err), errors.Is(err, driver.ErrMalformed), serverFailed(err):
		return true
	case strings.EqualFold(providerCode(err), reasonDuplicate):
		return true
	case ans == nil || ans.resp == nil:
		return false
	}
	return ans.resp.MayHaveActed || ans.resp.StatusCode/100 == 2
}

// writeOutcome is outcome for a write: an operation Yandex Pay records as
// FAIL is a proven outcome, which no earlier attempt can change.
func (c *Client) writeOutcome(ctx context.Context, w write, o *operation) (*payments.Result, error) {
	res, err := c.outcome(ctx, w.op, w.ref, w.key, o)
	if err != nil && strings.EqualFold(o.Status, opFail) {
		return nil, driver.Proven(err)
	}
	return res, err
}

// keyReused is the error for a caller's key that already names an operation
// with other parameters: diff says what differs.
func (c *Client) keyReused(w write, diff string) error {
	return driver.InvalidArgument(Name, w.op,
		"opts.IdempotencyKey %q already names another operation (%s): nothing was done; use a new key for a new action, or repeat the earlier one exactly",
		w.key, c.scrub(diff, 512))
}

// replayed returns the outcome of the operation w's caller-chosen key
// already names, if there is one for this order and action.
func (c *Client) replayed(ctx context.Context, w write) (*payments.Result, bool) {
	if !w.callerKey {
		return nil, false
	}
	o, err := c.readOperation(ctx, w.op, w.key)
	if err != nil || w.differs(o) != "" {
		return nil, false
	}
	res, err := c.outcome(ctx, w.op, w.ref, w.key, o)
	return res, err == nil
}

// reconcile settles a write whose own answer is unusable by reading the
// operation its key names.
func (c *Client) reconcile(ctx context.Context, w write, cause error) (*payments.Result, error) {
	if ctx.Err() != nil {
		if transport.Ambiguous(cause) {
			return nil, cause
		}
		return nil, driver.OutcomeUnknown(Name, w.op, cause, driver.ReadFailed("operation "+w.key, ctx.Err()))
	}
	c.log.DebugContext(ctx, "yandexpay: settling a write through its operation", "op", w.op, "cause", payments.CodeOf(cause).String())
	o, err := c.readOperation(ctx, w.op, w.key)
	switch {
	case err == nil:
	case payments.CodeOf(err) == payments.CodeNotFound:
		// No operation carries the key yet. That proves nothing: a gateway
		// answers 5xx whatever Yandex Pay behind it did, and may hand the
		// write on later.
		return nil, driver.OutcomeUnknown(Name, w.op, cause, "no operation carries its key yet")
	default:
		return nil, driver.OutcomeUnknown(Name, w.op, cause, driver.ReadFailed("operation "+w.key, err))
	}
	return c.settle(ctx, w, o)
}

// byKey reads the operation w's key names and settles w by it (see
// settle). read is false, and the read's error dropped, when the operation
// cannot be read: the caller then keeps the error it had.
func (c *Client) byKey(ctx context.Context, w write) (res *payments.Result, read bool, err error) {
	o, rerr := c.readOperation(ctx, w.op, w.key)
	if rerr != nil {
		return nil, false, nil
	}
	res, err = c.settle(ctx, w, o)
	return res, true, err
}

// settle is what the operation o, read by w's key, says about w: a key
// that names an operation with other parameters is a proven refusal (the
// key was reused, nothing of w was done); otherwise o's outcome is w's.
func (c *Client) settle(ctx context.Context, w write, o *operation) (*payments.Result, error) {
	if diff := w.differs(o); diff != "" {
		return nil, driver.Proven(c.keyReused(w, diff))
	}
	return c.writeOutcome(ctx, w, o)
}

// owns reports whether o carries w's key, where the answer names a key.
func (w write) owns(o *operation) bool {
	return o.ExternalOperationID == "" || o.ExternalOperationID == w.key
}

// matches reports whether o could be the operation w created.
func (w write) matches(o *operation) bool { return w.differs(o) == "" }

// differs says how o differs from the operation w would create (its order,
// type and amount, where Yandex Pay's record gives them), or "" when o could
// be it.
func (w write) differs(o *operation) string {
	var diffs []string
	if o.OrderID != "" && o.OrderID != w.ref.ID {
		diffs = append(diffs, fmt.Sprintf("order %q, this call names order %q", o.OrderID, w.ref.ID))
	}
	if o.OperationType != "" && !slices.ContainsFunc(w.types, func(t string) bool { return strings.EqualFold(t, o.OperationType) }) {
		diffs = append(diffs, fmt.Sprintf("a %s, this call is a %s", o.OperationType, w.op))
	}
	if w.amount != nil && o.Amount != "" {
		if got, err := payments.ParseMoney(string(o.Amount), w.amount.Currency); err == nil && got.Minor != w.amount.Minor {
			diffs = append(diffs, fmt.Sprintf("amount %s, this call asks for %s", got, *w.amount))
		}
	}
	return strings.Join(diffs, "; ")
}

// opOutcomes maps an operation's status to what the caller gets.
var opOutcomes = map[string]func(c *Client, ctx context.Context, res *payments.Result, op payments.Operation, o *operation) (*payments.Result, error){
	opPending: func(_ *Client, _ context.Context, res *payments.Result, _ payments.Operation, _ *operation) (*payments.Result, error) {
		res.Pending = true
		return res, nil
	},
	opSuccess: func(c *Client, ctx context.Context, res *payments.Result, op payments.Operation, o *operation) (*payments.Result, error) {
		raw, ok := statusAfter[strings.ToUpper(o.OperationType)]
		if !ok {
			raw = c.statusNow(ctx, op, res.Ref)
		}
		res.RawStatus, res.Status = raw, normalize(raw)
		return res, nil
	},
	opFail: func(c *Client, _ context.Context, _ *payments.Result, op payments.Operation, o *operation) (*payments.Result, error) {
		msg := "the operation failed"
		if o.Reason != "" {
			msg += ": " + c.scrub(o.Reason, 256)
		}
		return nil, &payments.Error{Code: payments.CodeFailedPrecondition, Provider: Name, Op: op, ProviderCode: opFail, Message: msg}
	},
}

// outcome turns an operation into a Result (or the error of a failed one).
func (c *Client) outcome(ctx context.Context, op payments.Operation, ref payments.Ref, key string, o *operation) (*payments.Result, error) {
	res := &payments.Result{Ref: ref, Provider: Name, OperationID: key, IdempotencyKey: key}
	f, ok := opOutcomes[strings.ToUpper(o.Status)]
	if !ok {
		// The operation exists, so the action may yet move money: for a
		// write that is an unknown outcome, not a failure to repeat.
		code := payments.CodeOutcomeUnknown
		if op == payments.OpOperation {
			code = payments.CodeUnknown
		}
		return nil, &payments.Error{Code: code, Provider: Name, Op: op,
			Message: fmt.Sprintf("operation %s has an unknown status %q; check Status, and repeat only with the same IdempotencyKey", key, c.scrub(o.Status, 32))}
	}
	return f(c, ctx, res, op, o)
}

// statusNow reads the order's raw status after an operation that succeeded.
// A failed read must not turn that success into an error, so it gives ""
// (status.Unknown) and a warning.
func (c *Client) statusNow(ctx context.Context, op payments.Operation, ref payments.Ref) string {
	pay, err := c.orderState(ctx, op, ref)
	if err != nil {
		c.log.WarnContext(ctx, "yandexpay: operation succeeded but the order could not be read back", "op", op, "code", payments.CodeOf(err).String())
		return ""
	}
	return pay.RawStatus
}

// readOperation reads GET /v1/operations/{key}.
func (c *Client) readOperation(ctx context.Context, op payments.Operation, key string) (*operation, error) {
	var od operationData
	ans, err := c.do(ctx, request{op: op, method: http.MethodGet, path: operationPath(key), retry: transport.RetrySafe, into: &od})
	if err != nil {
		return nil, err
	}
	if ans.dataErr != nil || od.Operation == nil {
		return nil, c.lacking(op, ans, "no operation")
	}
	if id := od.Operation.ExternalOperationID; id != "" && id != key {
		return nil, c.malformed(op, ans.reqID, ans.resp, "the operation of another key")
	}
	return od.Operation, nil
}

// readOrder reads GET /v1/orders/{id} into a Payment, Raw included: the
// read a caller gets.
func (c *Client) readOrder(ctx context.Context, op payments.Operation, ref payments.Ref) (*payments.Payment, error) {
	return c.readOrderRaw(ctx, op, ref, true)
}

// orderState reads the order for the adapter's own decisions (is it
// capturable, what amount is left): a Payment without Raw, which nothing
// inside the adapter reads and finding it would cost a scan of the answer.
func (c *Client) orderState(ctx context.Context, op payments.Operation, ref payments.Ref) (*payments.Payment, error) {
	return c.readOrderRaw(ctx, op, ref, false)
}

// readOrderRaw is readOrder, with Raw only when keepRaw.
func (c *Client) readOrderRaw(ctx context.Context, op payments.Operation, ref payments.Ref, keepRaw bool) (*payments.Payment, error) {
	var od orderData
	ans, err := c.do(ctx, request{op: op, method: http.MethodGet, path: orderPath("v1", ref.ID, ""), retry: transport.RetrySafe, into: &od})
	if err != nil {
		return nil, err
	}
	if ans.dataErr != nil {
		return nil, c.malformed(op, ans.reqID, ans.resp, "order fields")
	}
	if od.Order == nil {
		return nil, c.lacking(op, ans, "no order")
	}
	o := od.Order
	amount, err := payments.ParseMoney(string(o.OrderAmount), o.CurrencyCode)
	if err != nil {
		return nil, c.malformed(op, ans.reqID, ans.resp, "orderAmount: "+err.Error())
	}
	raw := ""
	if o.PaymentStatus != nil {
		raw = *o.PaymentStatus
	}
	p := &payments.Payment{
		Ref:       ref,
		Provider:  Name,
		Status:    normalize(raw),
		RawStatus: raw,
		Amount:    amount,
		Created:   driver.ParseTime(o.Created),
		Updated:   driver.ParseTime(o.Updated),
	}
	if keepRaw {
		// The order's bytes as received: a slice of the answer, found
		// without decoding it a second time.
		p.Raw = transport.Member(ans.resp.Body, "data", "order")
	}
	return p, nil
}

// sameCurrency refuses an amount in another currency than the order's.
func sameCurrency(op payments.Operation, m *payments.Money, pay *payments.Payment) error {
	if pay.Amount.Currency != "" && !strings.EqualFold(m.Currency, pay.Amount.Currency) {
		return driver.InvalidArgument(Name, op, "opts.Amount.Currency %s does not match the order's currency %s", m.Currency, pay.Amount.Currency)
	}
	return nil
}
