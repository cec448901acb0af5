package memory

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/status"
)

// Status reads the payment.
func (p *Provider) Status(ctx context.Context, ref payments.Ref) (*payments.Payment, error) {
	if err := p.check(ctx, payments.OpStatus, ref); err != nil {
		return nil, err
	}
	return exchange(ctx, p.store, payments.OpStatus, nil, func(k fault.Kind) (*payments.Payment, error) {
		return p.read(ref, k == fault.UnknownStatus)
	})
}

// read copies the payment out; unknown gives it a raw status no adapter
// knows, as fault.UnknownStatus does in the emulators.
func (p *Provider) read(ref payments.Ref, unknown bool) (*payments.Payment, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pay, ok := p.payments[ref.ID]
	if !ok {
		return nil, &payments.Error{Code: payments.CodeNotFound, Provider: Name, Op: payments.OpStatus,
			Message: fmt.Sprintf("no payment %q", ref.ID)}
	}
	out := &payments.Payment{Ref: pay.ref, Provider: Name, Status: pay.status, RawStatus: rawStatus(pay.status),
		Amount: pay.amount, Created: pay.created, Updated: pay.updated}
	if unknown {
		out.Status, out.RawStatus = status.Unknown, "MYSTERY"
	}
	return out, nil
}

// rawStatus is the provider's own name for a status: "PARTIALLY_REFUNDED".
func rawStatus(st status.Status) string {
	var b strings.Builder
	for i, r := range st.String() {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// Capture charges an authorized payment: all of it, or opts.Amount.
func (p *Provider) Capture(ctx context.Context, ref payments.Ref, opts *payments.CaptureOptions) (*payments.Result, error) {
	o := driver.Options(opts)
	w := driver.NewWrite(Name, payments.OpCapture, o.IdempotencyKey)
	if err := driver.RefuseCart(Name, payments.OpCapture, o.Cart, memoryNoCarts); err != nil {
		return w.Finish(nil, err)
	}
	return p.write(ctx, w, ref, o.Amount, func(pay *payment, amount payments.Money) (status.Status, error) {
		if pay.status != status.Authorized {
			return 0, refused(payments.OpCapture, pay)
		}
		if amount.Minor > pay.amount.Minor {
			return 0, driver.InvalidArgument(Name, payments.OpCapture, "opts.Amount %s is more than the %s held", amount, pay.amount)
		}
		pay.amount = amount
		return status.Captured, nil
	})
}

// memoryNoCarts says why the in-memory provider refuses a cart.
const memoryNoCarts = "the in-memory provider keeps amounts only"

// Void releases an authorized hold.
func (p *Provider) Void(ctx context.Context, ref payments.Ref, opts *payments.VoidOptions) (*payments.Result, error) {
	o := driver.Options(opts)
	return p.write(ctx, driver.NewWrite(Name, payments.OpVoid, o.IdempotencyKey), ref, nil, func(pay *payment, _ payments.Money) (status.Status, error) {
		if pay.status != status.Authorized {
			return 0, refused(payments.OpVoid, pay)
		}
		return status.Voided, nil
	})
}

// Refund returns charged money: all that is left, or opts.Amount.
func (p *Provider) Refund(ctx context.Context, ref payments.Ref, opts *payments.RefundOptions) (*payments.Result, error) {
	o := driver.Options(opts)
	w := driver.NewWrite(Name, payments.OpRefund, o.IdempotencyKey)
	if err := driver.RefuseCart(Name, payments.OpRefund, o.Cart, memoryNoCarts); err != nil {
		return w.Finish(nil, err)
	}
	return p.write(ctx, w, ref, o.Amount, refund)
}

// refund takes amount off a charged payment.
func refund(pay *payment, amount payments.Money) (status.Status, error) {
	if !pay.status.IsCharged() {
		return 0, refused(payments.OpRefund, pay)
	}
	if amount.Minor > pay.amount.Minor {
		return 0, driver.InvalidArgument(Name, payments.OpRefund, "opts.Amount %s is more than the %s left", amount, pay.amount)
	}
	pay.amount.Minor -= amount.Minor
	if pay.amount.Minor == 0 {
		return status.Refunded, nil
	}
	return status.PartiallyRefunded, nil
}

// rollbackTo is where Rollback takes a payment from each state; a state
// missing here is already uncharged for good, and Rollback does nothing.
var rollbackTo = map[status.Status]status.Status{
	status.Pending:           status.Failed,
	status.Authorized:        status.Voided,
	status.Captured:          status.Refunded,
	status.PartiallyRefunded: status.Refunded,
}

// Rollback makes sure the payment ends up not charged: an unpaid one fails,
// a hold is released, a charge refunded; one already uncharged for good is
// left alone (Result.NoOp).
func (p *Provider) Rollback(ctx context.Context, ref payments.Ref, opts *payments.RollbackOptions) (*payments.Result, error) {
	o := driver.Options(opts)
	w := driver.NewWrite(Name, payments.OpRollback, o.IdempotencyKey)
	if err := p.check(ctx, payments.OpRollback, ref); err != nil {
		return w.Finish(nil, err)
	}
	pay, err := p.Status(ctx, ref)
	if err != nil {
		return w.Finish(nil, err)
	}
	if _, ok := rollbackTo[pay.Status]; !ok && pay.Status != status.Unknown {
		return &payments.Result{Ref: pay.Ref, Provider: Name, Status: pay.Status, RawStatus: pay.RawStatus,
			IdempotencyKey: w.Key(), NoOp: true}, nil
	}
	return p.write(ctx, w, ref, nil, func(pay *payment, amount payments.Money) (status.Status, error) {
		to, ok := rollbackTo[pay.status]
		if !ok {
			return 0, refused(payments.OpRollback, pay)
		}
		if pay.status.IsCharged() {
			return refund(pay, pay.amount)
		}
		return to, nil
	})
}

// refused is the error for an action the payment's state does not allow.
func refused(op payments.Operation, pay *payment) error {
	return &payments.Error{Code: payments.CodeFailedPrecondition, Provider: Name, Op: op,
		Message: fmt.Sprintf("the payment is %s", rawStatus(pay.status))}
}

// change moves a payment; amount is what the write names (all of the
// payment's amount when the caller gave none).
type change func(pay *payment, amount payments.Money) (status.Status, error)

// write runs one portable write under an idempotency key: the checks, the
// exchange with its faults, and the outcome rule of driver.Write.
func (p *Provider) write(ctx context.Context, w *driver.Write, ref payments.Ref, amount *payments.Money, ch change) (*payments.Result, error) {
	op := w.Op()
	if err := p.check(ctx, op, ref); err != nil {
		return w.Finish(nil, err)
	}
	if err := driver.CheckAmount(Name, op, "opts.Amount", amount); err != nil {
		return w.Finish(nil, err)
	}
	res, err := exchange(ctx, p.store, op, w, func(fault.Kind) (*payments.Result, error) {
		return p.apply(w, ref, amount, ch)
	})
	if err != nil && w.MayHaveActed() {
		// As the adapters read the operation or the payment back, the
		// key's record settles a write whose answers were all lost.
		p.runDue(w.Key())
		if done, ok := p.recorded(w, ref); ok {
			return w.Finish(done, nil)
		}
	}
	return w.Finish(res, err)
}

// recorded returns the result of the write w's key names, if it was
// applied to ref.
func (p *Provider) recorded(w *driver.Write, ref payments.Ref) (*payments.Result, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k, ok := p.keys[w.Key()]
	if !ok || k.op != w.Op() || k.id != ref.ID {
		return nil, false
	}
	res := k.result
	return &res, true
}

// apply makes the change once per key: a repeat of the same write returns
// what the first returned, another write under the key is refused.
func (p *Provider) apply(w *driver.Write, ref payments.Ref, amount *payments.Money, ch change) (*payments.Result, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pay, ok := p.payments[ref.ID]
	if !ok {
		return nil, &payments.Error{Code: payments.CodeNotFound, Provider: Name, Op: w.Op(), Message: fmt.Sprintf("no payment %q", ref.ID)}
	}
	want := pay.amount
	if amount != nil {
		want = *amount
	}
	if k, ok := p.keys[w.Key()]; ok {
		if k.op != w.Op() || k.id != ref.ID || (amount != nil && k.amount != want) {
			return nil, driver.Proven(driver.InvalidArgument(Name, w.Op(),
				"IdempotencyKey %q already names another write (a %s of %s for %s; this call is a %s of %s for %s); use a new key for a new write",
				w.Key(), k.op, k.id, k.amount, w.Op(), ref.ID, want))
		}
		res := k.result
		return &res, nil
	}
	if want.Currency != pay.amount.Currency {
		return nil, driver.InvalidArgument(Name, w.Op(), "opts.Amount.Currency %s is not the payment's %s", want.Currency, pay.amount.Currency)
	}
	to, err := ch(pay, want)
	if err != nil {
		return nil, err
	}
	pay.status, pay.updated = to, time.Now()
	res := payments.Result{Ref: pay.ref, Provider: Name, Status: to, RawStatus: rawStatus(to), IdempotencyKey: w.Key()}
	p.keys[w.Key()] = &keyed{op: w.Op(), id: ref.ID, amount: want, result: res}
	p.applied.Add(ref.ID, string(w.Op()))
	return &res, nil
}
