package transport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/regionpay/payments"
)

// silentServer accepts connections and never answers; it closes them when
// the test ends.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}

// shortenAttemptBound sets the attempt bound to 300 ms for the test, so
// that a bounded call to a silent server ends quickly.
func shortenAttemptBound(t *testing.T) {
	saved := attemptBound
	attemptBound = 300 * time.Millisecond
	t.Cleanup(func() { attemptBound = saved })
}

// doSilent sends req with ctx, once, through hc (nil: the transport's own
// pool) to a server that never answers, and returns Do's error; it fails the
// test when the call is not bounded.
func doSilent(t *testing.T, hc *http.Client, ctx context.Context, req *Request) error {
	t.Helper()
	c := newTestClient(t, Config{Provider: "p", BaseURL: silentServer(t), HTTPClient: hc, MaxRetries: -1})
	done := make(chan error, 1)
	go func() {
		_, err := c.Do(ctx, req)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("a call to a silent server was not bounded")
		return nil
	}
}

// TestAttemptBoundWithCallerDeadline: the transport skips its own attempt
// timer when the caller's deadline comes first, so that deadline must still
// end a silent attempt (a sent write as OutcomeUnknown), and a caller's
// deadline later than the bound must not lift the bound.
func TestAttemptBoundWithCallerDeadline(t *testing.T) {
	shortenAttemptBound(t)
	run := func(ctx context.Context, req *Request) error { return doSilent(t, nil, ctx, req) }

	t.Run("caller deadline first ends a sent write as unknown", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		err := run(ctx, &Request{Op: payments.OpCapture, Method: http.MethodPost, Path: "/c", Body: []byte(`{}`), Retry: RetryUnsent})
		if payments.CodeOf(err) != payments.CodeOutcomeUnknown || !Ambiguous(err) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v; want OutcomeUnknown, ambiguous, wrapping the caller's deadline", err)
		}
	})
	t.Run("bound first despite a later caller deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		err := run(ctx, &Request{Op: payments.OpStatus, Method: http.MethodGet, Path: "/s", Retry: RetrySafe})
		if payments.CodeOf(err) != payments.CodeUnavailable {
			t.Errorf("err = %v; want Unavailable after the attempt's bound", err)
		}
	})
}

// TestAttemptBoundThenRetry: an attempt ended by the bound is retried like
// any timeout, and the retry gets a bound of its own, whatever kind of
// context the caller gave.
func TestAttemptBoundThenRetry(t *testing.T) {
	shortenAttemptBound(t)
	contexts := map[string]func() (context.Context, context.CancelFunc){
		"background": func() (context.Context, context.CancelFunc) { return context.Background(), func() {} },
		"cancelable": func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
		"later deadline": func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), time.Hour)
		},
	}
	for name, newCtx := range contexts {
		t.Run(name, func(t *testing.T) {
			srv := newScriptServer(t, step{hold: true}, step{status: http.StatusOK, body: `{}`})
			c := newTestClient(t, testConfig(srv.URL))
			ctx, cancel := newCtx()
			defer cancel()
			start := time.Now()
			resp, err := c.Do(ctx, &Request{Op: payments.OpStatus, Method: http.MethodGet, Path: "/s", Retry: RetrySafe})
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if resp.Attempts != 2 || len(srv.Hits()) != 2 {
				t.Errorf("attempts = %d, hits = %d; want the held attempt and one retry", resp.Attempts, len(srv.Hits()))
			}
			if took := time.Since(start); took < attemptBound {
				t.Errorf("took %s; the first attempt ended before its bound of %s", took, attemptBound)
			}
		})
	}
}
