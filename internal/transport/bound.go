package transport

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
)

// attemptBound is DefaultTimeout; a variable only so that a test can prove
// the bound holds without waiting a minute.
var attemptBound = DefaultTimeout

// keepIdle sends requests through the pool's RoundTripper without exposing
// its CloseIdleConnections.
type keepIdle struct{ rt http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (k keepIdle) RoundTrip(r *http.Request) (*http.Response, error) { return k.rt.RoundTrip(r) }

// bound returns the context attempt a runs under for a caller's context:
// ended by the caller or by a's bound, whichever comes first, from sending
// until the body is read, as http.Client.Timeout would. It is part of the
// request's context from the start, so that no attempt copies its request
// to add it; checkRetry releases it once the answer is read.
func (s *sharedDeadlines) bound(a *attempt, caller context.Context) context.Context {
	if s == nil {
		return caller
	}
	if d, ok := caller.Deadline(); ok && time.Until(d) <= s.timeout {
		// The caller's deadline ends the attempt first: a bound of its own
		// would bound nothing more.
		return caller
	}
	a.end = s.current()
	if caller.Done() == nil {
		// Nothing but the bound can end this attempt (a caller's context
		// without a deadline or cancellation, as context.Background): the
		// attempt's context is the caller's values with the shared end, so
		// it costs neither a timer nor a cancellation of its own.
		a.bounded = boundedContext{Context: a.end, values: caller}
		return &a.bounded
	}
	// The caller can cancel too: the attempt ends at whichever comes first.
	ctx, cancel := context.WithCancelCause(caller)
	a.stop = context.AfterFunc(a.end, func() { cancel(attemptTimeout{s.timeout}) })
	a.cancel = cancel
	return ctx
}

// attemptTimeout is the error of an attempt that ran out of its time.
type attemptTimeout struct{ d time.Duration }

func (e attemptTimeout) Error() string { return fmt.Sprintf("attempt timed out after %s", e.d) }

// Timeout marks it as a net.Error timeout would be.
func (e attemptTimeout) Timeout() bool { return true }

// boundedContext is an attempt's context when only the bound can end it:
// Deadline, Done and Err are those of the shared end, Value the caller's.
type boundedContext struct {
	context.Context                 // the shared end
	values          context.Context // the caller's
}

// Value implements context.Context: the caller's values, and for a key the
// caller has no value for, the shared end's. The end holds no values of its
// own, but the context package finds a cancellable parent through Value:
// without it, every context net/http derives from an attempt's would start
// a goroutine to watch for the end.
func (c *boundedContext) Value(key any) any {
	if v := c.values.Value(key); v != nil {
		return v
	}
	return c.Context.Value(key)
}

// sharedDeadlines bounds attempts by timeout without a timer per attempt:
// every attempt that starts within one grain shares one end, a context done
// timeout plus two grains after the grain began. A grain is closed to new
// attempts by a timer a grain after it began; the second grain of the end
// covers that timer running late. An attempt thus gets at least timeout and
// at most timeout plus two grains, and a busy client runs two timers per
// grain instead of one per call and reads no clock: a timer per call costs
// about as much as the rest of the library's work on a call, because each
// new earliest timer wakes the runtime's network poller.
type sharedDeadlines struct {
	timeout time.Duration
	grain   time.Duration
	cur     atomic.Pointer[deadlineGrain]
}

// deadlineGrain is the end shared by the attempts that start before it
// closes.
type deadlineGrain struct {
	closed atomic.Bool
	end    context.Context
	// cancel is never called: the end's timer releases it.
	cancel context.CancelFunc
}

// newSharedDeadlines returns the bound for timeout; nil for none. The grain
// is a 64th of the timeout, within [1ms, 1s]: a minute's bound is late by
// at most two seconds.
func newSharedDeadlines(timeout time.Duration) *sharedDeadlines {
	if timeout <= 0 {
		return nil
	}
	return &sharedDeadlines{timeout: timeout, grain: min(max(timeout/64, time.Millisecond), time.Second)}
}

// current returns the end of an attempt starting now.
func (s *sharedDeadlines) current() context.Context {
	for {
		g := s.cur.Load()
		if g != nil && !g.closed.Load() {
			return g.end
		}
		ng := &deadlineGrain{}
		ng.end, ng.cancel = context.WithTimeoutCause(context.Background(), s.timeout+2*s.grain, attemptTimeout{s.timeout})
		if s.cur.CompareAndSwap(g, ng) {
			time.AfterFunc(s.grain, func() { ng.closed.Store(true) })
			return ng.end
		}
		// Another attempt started a grain first: share it.
		ng.cancel()
	}
}
