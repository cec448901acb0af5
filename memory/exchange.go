package memory

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/internal/faultinject"
	"github.com/regionpay/payments/internal/transport"
)

// behaviour is what a fault does to one exchange with the imagined remote
// service, in the terms the adapters see on the wire.
type behaviour struct {
	act   bool // the service acts on the request
	later bool // the service acts after f.Delay, whatever the caller hears
	lost  bool // no usable answer comes back: the caller cannot tell
	slow  bool // the answer takes f.Delay
	// answer is the error answer, when one comes back; retried answers are
	// 5xx, which a gateway sends whatever the service did.
	answer  func(f fault.Fault, op payments.Operation) *payments.Error
	retried bool
}

// behaviours maps each fault kind (and no fault, the zero Kind) to what it
// does. An oversized answer is lost too: the adapters refuse to read one.
var behaviours = map[fault.Kind]behaviour{
	0:                            {act: true},
	fault.ServerError:            {answer: answerFor(http.StatusServiceUnavailable), retried: true},
	fault.TooManyRequests:        {answer: tooMany},
	fault.ResetBeforeApply:       {lost: true},
	fault.ResetAfterApply:        {act: true, lost: true},
	fault.Slow:                   {act: true, slow: true},
	fault.TruncatedBody:          {act: true, lost: true},
	fault.OversizedBody:          {act: true, lost: true},
	fault.UnknownStatus:          {act: true},
	fault.Refuse:                 {answer: refusal},
	fault.GatewayErrorApplyLater: {later: true, answer: gateway, retried: true},
}

// answerFor is the error answer of an HTTP status, classified as the
// adapters classify it.
func answerFor(code int) func(fault.Fault, payments.Operation) *payments.Error {
	return func(_ fault.Fault, op payments.Operation) *payments.Error {
		return &payments.Error{Code: transport.CodeForStatus(code), Provider: Name, Op: op, HTTPStatus: code,
			Message: http.StatusText(code)}
	}
}

func tooMany(f fault.Fault, op payments.Operation) *payments.Error {
	e := answerFor(http.StatusTooManyRequests)(f, op)
	e.RetryAfter = f.RetryAfter
	return e
}

func refusal(f fault.Fault, op payments.Operation) *payments.Error {
	if f.Status == http.StatusTooManyRequests {
		return tooMany(f, op)
	}
	return answerFor(f.Status)(f, op)
}

func gateway(f fault.Fault, op payments.Operation) *payments.Error {
	code := f.Status
	if code == 0 {
		code = http.StatusBadGateway
	}
	return answerFor(code)(f, op)
}

// exchange runs one call against the faults armed for op, retrying as the
// adapters' transport does after a lost or 5xx answer. w is the write's
// tracker (nil for a read): it learns when the service may have acted, and
// act runs the call against the stored payments.
func exchange[T any](ctx context.Context, s *store, op payments.Operation, w *driver.Write, act func(fault.Kind) (T, error)) (T, error) {
	var zero T
	var last error
	reached := func() {
		if w != nil {
			w.Reached()
		}
	}
	for try := 0; try <= s.retries; try++ {
		if err := driver.ContextError(ctx, Name, op); err != nil {
			return zero, ended(ctx, op, w, err)
		}
		f, _ := s.faults.Take(string(op))
		b := behaviours[f.Kind]
		if b.slow {
			reached() // the request is with the service while it waits
			if !faultinject.Wait(ctx, nil, f.Delay) {
				return zero, ended(ctx, op, w, ctx.Err())
			}
		}
		if b.later {
			s.later(w, f.Delay, func() { _, _ = act(0) })
		}
		var out T
		var err error
		if b.act {
			out, err = act(f.Kind)
		}
		failed, again := b.failure(f, op)
		if failed == nil {
			return out, err
		}
		if !again {
			return zero, failed
		}
		last = failed
		reached()
	}
	return zero, last
}

// failure is the error an attempt ends in when the service's own answer
// does not reach the caller, and whether the call is tried again: a lost
// answer and a 5xx are, a refusal is not, and an oversized answer to a read
// is an error, never a guess. It is nil when the act's own result stands.
func (b behaviour) failure(f fault.Fault, op payments.Operation) (err error, again bool) {
	switch {
	case b.answer != nil:
		return b.answer(f, op), b.retried
	case b.lost && op == payments.OpStatus && f.Kind == fault.OversizedBody:
		return driver.Malformed(Name, op, http.StatusOK, "", "answer over the size limit", ""), false
	case b.lost:
		return &payments.Error{Code: payments.CodeUnavailable, Provider: Name, Op: op, Message: "the answer was lost"}, true
	}
	return nil, false
}

// ended is the error of a call whose context ended: for a write that may
// already have reached the service, an outcome the caller must settle.
func ended(ctx context.Context, op payments.Operation, w *driver.Write, cause error) error {
	if w != nil && w.MayHaveActed() {
		return driver.CanceledAfterSend(ctx, Name, op, cause)
	}
	return driver.ContextError(ctx, Name, op)
}

// pendingAct is a write the service applies later (fault.GatewayErrorApplyLater).
type pendingAct struct {
	due time.Time
	run func() // runs the act once, however often called
}

// later applies act after d, as a service that answered 5xx may. The write
// is remembered under its key, so that a later read of the key's record
// (settle) sees it applied once d has passed, however late the timer runs.
func (s *store) later(w *driver.Write, d time.Duration, act func()) {
	run := sync.OnceFunc(act)
	time.AfterFunc(d, run)
	if w == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[w.Key()] = append(s.pending[w.Key()], pendingAct{due: time.Now().Add(d), run: run})
}

// runDue applies the writes under key whose time has come.
func (s *store) runDue(key string) {
	now := time.Now()
	s.mu.Lock()
	var due []func()
	for _, a := range s.pending[key] {
		if !now.Before(a.due) {
			due = append(due, a.run)
		}
	}
	s.mu.Unlock()
	for _, run := range due {
		run()
	}
}
