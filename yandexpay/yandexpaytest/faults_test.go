package yandexpaytest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// TestPathIDs shows that an id with path syntax in it reaches only its own
// order when escaped as one segment.
func TestPathIDs(t *testing.T) {
	s, c := newClient(t, nil)
	neighbours := []string{"a", "b", "x", "..", ".", "q", "a%2Fb", "/", "%25", "capture"}
	for _, id := range neighbours {
		s.AddOrder(yandexpaytest.Order{OrderID: id})
	}
	ids := []string{"a/b", "../x", "?q=1", "%", "%2F", "a b#c", "../../v1/orders/a/capture"}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			s.AddOrder(yandexpaytest.Order{OrderID: id})
			op := c.post(id, "capture", `{}`).operation(t)
			if op.OrderID != id || op.Status != "SUCCESS" {
				t.Fatalf("captured %+v", op)
			}
			wo, _ := c.getOrder(id).order(t)
			if wo.OrderID != id || *wo.PaymentStatus != "CAPTURED" {
				t.Fatalf("read back %+v", wo)
			}
			reqs := s.Requests()
			if got, want := reqs[len(reqs)-2].Path, "/api/merchant/v1/orders/"+url.PathEscape(id)+"/capture"; got != want {
				t.Fatalf("raw path %q, want %q", got, want)
			}
		})
	}
	for _, id := range neighbours {
		if o := mustOrder(t, s, id); o.Status != "AUTHORIZED" || s.Count(id, "capture") != 0 {
			t.Fatalf("neighbour %q was touched: %+v", id, o)
		}
	}
	// Unescaped path syntax does not address any order.
	expectFail(t, c.must(req{method: http.MethodPost, path: "/v1/orders/../x/capture", body: "{}"}), http.StatusNotFound, yandexpaytest.ReasonNotFound)
	expectFail(t, c.must(req{method: http.MethodPost, path: "/v1/orders/a/b/capture", body: "{}"}), http.StatusNotFound, yandexpaytest.ReasonNotFound)
	if mustOrder(t, s, "x").Status != "AUTHORIZED" || mustOrder(t, s, "a").Status != "AUTHORIZED" {
		t.Fatal("an unescaped path changed an order")
	}
}

// faultCase is one fault class: what the client sees and whether the state
// changed.
type faultCase struct {
	fault   fault.Fault
	applied int
	check   func(t *testing.T, a answer, err error)
}

func TestFaults(t *testing.T) {
	cases := map[string]faultCase{
		"ServerError": {fault.Fault{Kind: fault.ServerError}, 0, func(t *testing.T, a answer, err error) {
			if err != nil {
				t.Fatal(err)
			}
			expectFail(t, a, http.StatusServiceUnavailable, yandexpaytest.ReasonServiceUnavailable)
		}},
		"TooManyRequests": {fault.Fault{Kind: fault.TooManyRequests, RetryAfter: 1500 * time.Millisecond}, 0, func(t *testing.T, a answer, err error) {
			if err != nil {
				t.Fatal(err)
			}
			expectFail(t, a, http.StatusTooManyRequests, yandexpaytest.ReasonTooManyRequests)
			if ra := a.Header.Get("Retry-After"); ra != "2" {
				t.Fatalf("Retry-After %q, want 2", ra)
			}
		}},
		"ResetBeforeApply": {fault.Fault{Kind: fault.ResetBeforeApply}, 0, expectTransportError},
		"ResetAfterApply":  {fault.Fault{Kind: fault.ResetAfterApply}, 1, expectTransportError},
		"Slow": {fault.Fault{Kind: fault.Slow, Delay: 20 * time.Millisecond}, 1, func(t *testing.T, a answer, err error) {
			if err != nil {
				t.Fatal(err)
			}
			expectOK(t, a)
		}},
		"TruncatedBody": {fault.Fault{Kind: fault.TruncatedBody}, 1, func(t *testing.T, a answer, err error) {
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("want an unexpected EOF reading the body, got %v (HTTP %d)", err, a.HTTP)
			}
		}},
		"OversizedBody": {fault.Fault{Kind: fault.OversizedBody}, 1, func(t *testing.T, a answer, err error) {
			if err != nil {
				t.Fatal(err)
			}
			expectOK(t, a)
			if len(a.Raw) < 4<<20 || a.operation(t).Status != "SUCCESS" {
				t.Fatalf("oversized answer: %d bytes", len(a.Raw))
			}
		}},
	}
	for name, fc := range cases {
		t.Run(name, func(t *testing.T) {
			s, c := newClient(t, nil)
			o := s.AddOrder(yandexpaytest.Order{})
			bystander := s.AddOrder(yandexpaytest.Order{Status: "CAPTURED"})
			fc.fault.Action = "capture"
			s.InjectFault(fc.fault)
			// A request of another action does not use the fault up.
			if op := c.post(bystander.OrderID, "refund", `{"refundAmount":"10.00","targetCart":{"items":[{"productId":"item-1","price":"90.00"}]}}`).operation(t); op.Status != "PENDING" {
				t.Fatalf("bystander refund: %+v", op)
			}
			a, err := c.send(req{method: http.MethodPost, path: orderPath(o.OrderID, "capture"), body: `{"externalOperationId":"cap-1"}`})
			fc.check(t, a, err)
			if n := s.Count(o.OrderID, "capture"); n != fc.applied {
				t.Fatalf("applied %d, want %d", n, fc.applied)
			}
			// The fault is used up: the retry with the same key is answered
			// normally, and never captures twice.
			retry := c.post(o.OrderID, "capture", `{"externalOperationId":"cap-1"}`)
			if fc.applied == 1 {
				expectFail(t, retry, http.StatusConflict, yandexpaytest.ReasonDuplicateExternalOperationID)
			} else {
				expectOK(t, retry)
			}
			if n := s.Count(o.OrderID, "capture"); n != 1 {
				t.Fatalf("captured %d times", n)
			}
		})
	}
}

func expectTransportError(t *testing.T, a answer, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("want a connection error, got HTTP %d", a.HTTP)
	}
}

func TestFaultUnknownStatus(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{})
	s.InjectFault(fault.Fault{Kind: fault.UnknownStatus}) // empty Action: order reads only
	expectOK(t, c.post(o.OrderID, "capture", `{}`))
	wo, _ := c.getOrder(o.OrderID).order(t)
	if *wo.PaymentStatus != yandexpaytest.UnknownStatus {
		t.Fatalf("status %q, want the unknown one", *wo.PaymentStatus)
	}
	if wo, _ := c.getOrder(o.OrderID).order(t); *wo.PaymentStatus != "CAPTURED" {
		t.Fatalf("the fault outlived Times: %q", *wo.PaymentStatus)
	}
}

func TestFaultTimesAndOrder(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{})
	s.InjectFault(fault.Fault{Kind: fault.ServerError, Action: "order", Times: 2})
	s.InjectFault(fault.Fault{Kind: fault.TooManyRequests, Action: "order"})
	want := []int{503, 503, 429, 200}
	for i, w := range want {
		if a := c.getOrder(o.OrderID); a.HTTP != w {
			t.Fatalf("read %d: HTTP %d, want %d", i, a.HTTP, w)
		}
	}
	s.InjectFault(fault.Fault{Kind: fault.ServerError, Action: "operation"})
	c.post(o.OrderID, "cancel", `{"reason":"r","externalOperationId":"v1"}`)
	expectFail(t, c.getOperation("v1"), http.StatusServiceUnavailable, yandexpaytest.ReasonServiceUnavailable)
	expectOK(t, c.getOperation("v1"))
	// An unauthenticated request does not use a fault up.
	s.InjectFault(fault.Fault{Kind: fault.ServerError})
	c.key = "bad"
	expectFail(t, c.getOrder(o.OrderID), http.StatusUnauthorized, yandexpaytest.ReasonAuthentication)
	c.key = s.APIKey()
	expectFail(t, c.getOrder(o.OrderID), http.StatusServiceUnavailable, yandexpaytest.ReasonServiceUnavailable)
}

func TestFaultSlowGivesUpWhenClientLeaves(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{})
	s.InjectFault(fault.Fault{Kind: fault.Slow, Action: "capture", Delay: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.send(req{method: http.MethodPost, path: orderPath(o.OrderID, "capture"), body: `{}`, ctx: ctx})
		done <- err
	}()
	// Cancel once the server holds the request.
	for len(s.Requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	expectOK(t, c.post(o.OrderID, "capture", `{}`))
	if n := s.Count(o.OrderID, "capture"); n != 1 {
		t.Fatalf("captured %d times; the abandoned slow request must not act", n)
	}
}

func TestFaultKindString(t *testing.T) {
	names := map[fault.Kind]string{
		fault.ServerError: "ServerError", fault.TooManyRequests: "TooManyRequests",
		fault.ResetBeforeApply: "ResetBeforeApply", fault.ResetAfterApply: "ResetAfterApply",
		fault.Slow: "Slow", fault.TruncatedBody: "TruncatedBody",
		fault.OversizedBody: "OversizedBody", fault.UnknownStatus: "UnknownStatus",
		fault.Kind(99): "FaultKind(99)",
	}
	for k, want := range names {
		if k.String() != want {
			t.Errorf("%d: %q, want %q", int(k), k.String(), want)
		}
	}
}

// TestConcurrency races many captures of one order, refunds of others and
// every control method; exactly one capture may win.
func TestConcurrency(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{})
	paid := s.AddOrder(yandexpaytest.Order{Status: "CAPTURED", Amount: 100000})
	const workers = 16
	var wg sync.WaitGroup
	results := make(chan answer, workers)
	errs := make(chan error, 4*workers)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body, _ := json.Marshal(map[string]string{"externalOperationId": "cap-" + strings.Repeat("x", i+1)})
			a, err := c.send(req{method: http.MethodPost, path: orderPath(o.OrderID, "capture"), body: string(body)})
			if err != nil {
				errs <- err
				return
			}
			results <- a
			if _, err := c.send(req{method: http.MethodPost, path: "/v2/orders/" + paid.OrderID + "/refund", body: `{"refundAmount":"10.00","targetCart":{"items":[{"productId":"item-1","price":"90.00"}]}}`}); err != nil {
				errs <- err
			}
			if _, err := c.send(req{method: http.MethodGet, path: orderPath(paid.OrderID, "")}); err != nil {
				errs <- err
			}
			s.Requests()
			s.Operations(paid.OrderID)
			s.Order(o.OrderID)
			s.InjectFault(fault.Fault{Kind: fault.ServerError, Action: "rollback"})
		}(i)
	}
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	wins := 0
	for a := range results {
		switch {
		case a.HTTP == http.StatusOK:
			wins++
		case a.Env.ReasonCode != yandexpaytest.ReasonWrongStatus:
			t.Fatalf("a losing capture got %d %s", a.HTTP, a.Env.ReasonCode)
		}
	}
	if wins != 1 || s.Count(o.OrderID, "capture") != 1 {
		t.Fatalf("%d captures answered success, %d applied", wins, s.Count(o.OrderID, "capture"))
	}
	got := mustOrder(t, s, paid.OrderID)
	var refunded int64
	for _, op := range s.Operations(paid.OrderID) {
		if op.Status == "SUCCESS" {
			refunded += op.Amount
		}
	}
	if got.RefundedAmount != refunded || int64(s.Count(paid.OrderID, "refund"))*1000 != refunded {
		t.Fatalf("refunded %d, operations sum %d, count %d", got.RefundedAmount, refunded, s.Count(paid.OrderID, "refund"))
	}
}
