package yandexpaytest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// TestHandlerMounted serves the emulator from another server under a
// prefix, as payctl emulate does: escaped ids, state and faults are the
// same as on the emulator's own URL.
func TestHandlerMounted(t *testing.T) {
	s := yandexpaytest.NewServer(nil)
	defer s.Close()
	mount := http.NewServeMux()
	mount.Handle("/yandexpay/", http.StripPrefix("/yandexpay", s.Handler()))
	outer := httptest.NewServer(mount)
	defer outer.Close()

	capture := func(id string) (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		u := outer.URL + "/yandexpay/api/merchant/v1/orders/" + url.PathEscape(id) + "/capture"
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(`{}`))
		if err != nil {
			return 0, err
		}
		req.Close = true
		req.Header.Set("Authorization", "Api-Key "+s.APIKey())
		req.Header.Set("X-Request-Id", "mounted-"+id)
		resp, err := outer.Client().Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		return resp.StatusCode, err
	}

	s.AddOrder(yandexpaytest.Order{OrderID: "a/b"})
	s.AddOrder(yandexpaytest.Order{OrderID: "a"})
	code, err := capture("a/b")
	if err != nil || code != http.StatusOK {
		t.Fatalf("capture through the mount: %d %v", code, err)
	}
	reqs := s.Requests()
	if got, want := reqs[len(reqs)-1].Path, "/api/merchant/v1/orders/a%2Fb/capture"; got != want {
		t.Fatalf("the emulator saw %q, want %q", got, want)
	}
	if s.Count("a/b", yandexpaytest.ActionCapture) != 1 || s.Count("a", yandexpaytest.ActionCapture) != 0 {
		t.Fatal("the escaped id did not reach exactly its own order")
	}

	s.AddOrder(yandexpaytest.Order{OrderID: "t"})
	if err := s.TryInjectFault(fault.Fault{Kind: fault.TruncatedBody, Action: yandexpaytest.ActionCapture}); err != nil {
		t.Fatal(err)
	}
	if _, err := capture("t"); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("want the truncated body to reach the client, got %v", err)
	}
	if n := s.Count("t", yandexpaytest.ActionCapture); n != 1 {
		t.Fatalf("applied %d times, want 1", n)
	}
}

func TestFaultValidate(t *testing.T) {
	cases := []struct {
		f   fault.Fault
		err string // "" when valid
	}{
		{fault.Fault{Kind: fault.ServerError, Action: yandexpaytest.ActionSubmit}, ""},
		{fault.Fault{Kind: fault.UnknownStatus}, ""},
		{fault.Fault{Kind: fault.UnknownStatus, Action: yandexpaytest.ActionOrder}, ""},
		{fault.Fault{}, "yandexpaytest: fault kind 0 is not defined"},
		{fault.Fault{Kind: fault.ServerError, Action: "confirm"}, `yandexpaytest: fault action "confirm" is not one of create, capture, cancel, refund, refund_v1, rollback, submit, order, operation`},
		{fault.Fault{Kind: fault.UnknownStatus, Action: yandexpaytest.ActionOperation}, `yandexpaytest: fault.UnknownStatus applies to order reads only, not "operation"`},
		{fault.Fault{Kind: fault.ServerError, Times: -1}, "yandexpaytest: fault times -1 is negative"},
	}
	s := yandexpaytest.NewServer(nil)
	defer s.Close()
	for _, c := range cases {
		got := ""
		if err := s.TryInjectFault(c.f); err != nil {
			got = err.Error()
		}
		if got != c.err {
			t.Errorf("TryInjectFault(%+v) = %q, want %q", c.f, got, c.err)
		}
		if c.err != "" {
			wantPanic(t, "InjectFault: "+c.err, func() { s.InjectFault(c.f) })
		}
	}
}

// TestAddOrderFailsLoudly checks that seeding cannot go wrong quietly: a
// second order under an id already stored, a bad id or negative amounts are
// refused by TryAddOrder and panic in AddOrder, and the stored order stays.
func TestAddOrderFailsLoudly(t *testing.T) {
	s := yandexpaytest.NewServer(nil)
	defer s.Close()
	first := s.AddOrder(yandexpaytest.Order{OrderID: "o-1", Amount: 700})
	cases := []struct {
		o   yandexpaytest.Order
		err string
	}{
		{yandexpaytest.Order{OrderID: "o-1", Amount: 900}, `yandexpaytest: order "o-1" is already stored; use SetStatus to change it`},
		{yandexpaytest.Order{OrderID: strings.Repeat("x", yandexpaytest.MaxOrderIDLength+1)}, "yandexpaytest: order id must be 1 to 2048 characters"},
		{yandexpaytest.Order{Amount: -1}, "yandexpaytest: amounts must not be negative"},
	}
	for _, c := range cases {
		if _, err := s.TryAddOrder(c.o); err == nil || err.Error() != c.err {
			t.Errorf("TryAddOrder(%.40s) = %v, want %q", c.o.OrderID, err, c.err)
		}
		wantPanic(t, "AddOrder: "+c.err, func() { s.AddOrder(c.o) })
	}
	if got, ok := s.Order("o-1"); !ok || got.Amount != first.Amount {
		t.Errorf("order o-1 = %+v, %v after refused seeds; want it unchanged (amount %d)", got, ok, first.Amount)
	}
}

// wantPanic fails the test unless f panics with want.
func wantPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		if got := recover(); got != want {
			t.Errorf("panic = %v, want %q", got, want)
		}
	}()
	f()
}
