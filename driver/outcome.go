package driver

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/regionpay/payments"
)

// Write tracks one logical write (capture, void, rollback, refund, start)
// across all its attempts, and decides what its caller is told.
//
// The rule it applies: once Reached has been called, an error that is not
// marked Proven becomes payments.CodeOutcomeUnknown, and every error carries
// the write's idempotency key. A Write is safe for concurrent use.
type Write struct {
	provider string
	op       payments.Operation
	key      string
	given    bool
	seq      uint64 // the made key's number (madeKey); 0 for a caller's key
	reached  atomic.Bool
}

// NewWrite starts tracking a write of op for provider. key is the caller's
// idempotency key; when it is empty a new one is made (a UUID, unique across
// processes: see madeKey), which Key returns and every error and Result
// carries, so the caller can repeat the write safely.
func NewWrite(provider string, op payments.Operation, key string) *Write {
	w := &Write{provider: provider, op: op, key: key, given: key != ""}
	if !w.given {
		w.key, w.seq = madeKey()
	}
	return w
}

// Key is the write's idempotency key.
func (w *Write) Key() string { return w.key }

// Given reports whether the caller chose the key. A caller's key may name an
// operation made by an earlier call; a generated one never does.
func (w *Write) Given() bool { return w.given }

// Op is the operation being written.
func (w *Write) Op() payments.Operation { return w.op }

// Reached records that an attempt may have reached the provider and acted:
// it was sent and no answer proving it did nothing came back (the answer was
// lost or cut, or was a 5xx, which a gateway sends whatever the provider
// behind it did, or a 2xx that could not be read). It cannot be undone: only
// a proven outcome ends the write as anything but success or
// payments.CodeOutcomeUnknown.
func (w *Write) Reached() { w.reached.Store(true) }

// MayHaveActed reports whether Reached was called.
func (w *Write) MayHaveActed() bool { return w.reached.Load() }

// Finish is the write's last step: it returns res with the key filled in on
// success, and otherwise nil and Fail(err).
func (w *Write) Finish(res *payments.Result, err error) (*payments.Result, error) {
	if err != nil {
		return nil, w.Fail(err)
	}
	if res != nil && res.IdempotencyKey == "" {
		res.IdempotencyKey = w.key
	}
	return res, nil
}

// Fail returns the error the caller gets for err, a failure of this write
// (nil stays nil). It is always a *payments.Error carrying the key. When an
// attempt may have acted (Reached) and err is neither marked Proven nor
// already payments.CodeOutcomeUnknown, its code becomes
// payments.CodeOutcomeUnknown: a refusal or an unavailable provider after a
// lost answer does not show that the first attempt did nothing. The answer's
// HTTP status, provider code, request id and Retry-After are kept; its code
// is named in the message but no longer matches errors.Is, so that no caller
// mistakes it for a plain refusal and repeats the write with a new key.
// Context errors stay reachable with errors.Is.
func (w *Write) Fail(err error) error {
	if err == nil {
		return nil
	}
	proven := false
	if p, ok := err.(*provenError); ok {
		err, proven = p.err, true
	}
	var e payments.Error
	if pe, ok := err.(*payments.Error); ok && pe != nil {
		e = *pe
	} else {
		e = payments.Error{Code: payments.CodeOf(err), Provider: w.provider, Op: w.op, Message: err.Error(), Err: err}
	}
	if e.Provider == "" {
		e.Provider = w.provider
	}
	if e.Op == "" {
		e.Op = w.op
	}
	e.IdempotencyKey = w.key
	switch {
	case proven || !w.MayHaveActed():
	case e.Code == payments.CodeOutcomeUnknown:
		e.Err = withoutCodes(e.Err)
	default:
		was := e.Code
		e.Code = payments.CodeOutcomeUnknown
		e.Message = fmt.Sprintf("an earlier attempt may have reached %s and acted, and the last answer (%s: %s) does not show what it did; check Status, and repeat only with the same idempotency key",
			w.provider, was, e.Message)
		e.Err = withoutCodes(e.Err)
	}
	return &e
}

// Proven marks err as a proven outcome of the write: the provider's own
// record of the operation shows it failed, the payment moved somewhere the
// write does not lead, or the key already names another operation, so the
// write did not act and will not. Fail then keeps err's code even after
// Reached. Proven(nil) is nil. Use it only with such proof: when in doubt,
// let Fail decide.
func Proven(err error) error {
	if err == nil {
		return nil
	}
	return &provenError{err: err}
}

// provenError is the mark Proven puts on an error; Fail removes it.
type provenError struct{ err error }

func (p *provenError) Error() string { return p.err.Error() }
func (p *provenError) Unwrap() error { return p.err }

// withoutCodes keeps err's causes but drops every *payments.Error from the
// chain, so that errors.Is(err, payments.ErrResourceExhausted) and the like
// cannot see a refusal through an OutcomeUnknown. The context's errors stay
// reachable.
func withoutCodes(err error) error {
	if err == nil {
		return nil
	}
	if !errors.As(err, new(*payments.Error)) {
		return err
	}
	if multi, ok := err.(interface{ Unwrap() []error }); ok {
		var kept []error
		for _, x := range multi.Unwrap() {
			if k := withoutCodes(x); k != nil {
				kept = append(kept, k)
			}
		}
		return errors.Join(kept...)
	}
	if pe, ok := err.(*payments.Error); ok {
		if pe == nil {
			return nil
		}
		return withoutCodes(pe.Err)
	}
	t := &causeText{msg: err.Error()}
	for _, c := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, c) {
			t.cause = c
		}
	}
	return t
}

// causeText stands for a cause whose chain held a *payments.Error: its text,
// and the context error it held, if any.
type causeText struct {
	msg   string
	cause error
}

func (c *causeText) Error() string { return c.msg }
func (c *causeText) Unwrap() error { return c.cause }
