package transport

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/regionpay/payments"
)

// TestSharedDeadlinesBoundEachAttempt: an attempt's end comes no sooner than
// the timeout after it starts and no later than two grains after that, and
// attempts that start within one grain share it.
func TestSharedDeadlinesBoundEachAttempt(t *testing.T) {
	const timeout = 640 * time.Millisecond
	s := newSharedDeadlines(timeout)
	if s.grain != 10*time.Millisecond {
		t.Fatalf("grain = %s; want a 64th of the timeout", s.grain)
	}
	start := time.Now()
	end := s.current()
	if s.current() != end {
		t.Error("two attempts started together got different ends")
	}
	d, ok := end.Deadline()
	if !ok {
		t.Fatal("the end has no deadline")
	}
	if got := d.Sub(start); got < timeout || got > timeout+2*s.grain+5*time.Millisecond {
		t.Errorf("end %s after start; want within [%s, %s]", got, timeout, timeout+2*s.grain)
	}
	time.Sleep(3 * s.grain)
	if s.current() == end {
		t.Error("an attempt two grains later shares the earlier end")
	}
	if newSharedDeadlines(0) != nil || newSharedDeadlines(-time.Second) != nil {
		t.Error("no timeout must mean no bound")
	}
	if g := newSharedDeadlines(time.Hour).grain; g != time.Second {
		t.Errorf("grain of an hour = %s; want at most a second", g)
	}
}

// TestAttemptBoundWithCancelableContext: a caller's context that can be
// canceled but has no deadline (a server request's) still gets the bound,
// and its cancellation still ends the attempt as the caller's.
func TestAttemptBoundWithCancelableContext(t *testing.T) {
	shortenAttemptBound(t)
	do := func(ctx context.Context, req *Request) error { return doSilent(t, nil, ctx, req) }
	t.Run("bound ends a read", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		err := do(ctx, &Request{Op: payments.OpStatus, Method: http.MethodGet, Path: "/s", Retry: RetrySafe})
		if payments.CodeOf(err) != payments.CodeUnavailable || errors.Is(err, context.Canceled) {
			t.Errorf("err = %v; want Unavailable after the attempt's bound", err)
		}
		var timedOut attemptTimeout
		if !errors.As(err, &timedOut) {
			t.Errorf("err = %v; want it to say the attempt timed out", err)
		}
	})
	t.Run("caller's cancel ends a sent write as unknown", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		err := do(ctx, &Request{Op: payments.OpCapture, Method: http.MethodPost, Path: "/c", Body: []byte(`{}`), Retry: RetryUnsent})
		if payments.CodeOf(err) != payments.CodeOutcomeUnknown || !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v; want OutcomeUnknown wrapping the caller's cancel", err)
		}
	})
}
