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
	if got, want := reqs[len(reqs)-1].RawPath, "/api/merchant/v1/orders/a%2Fb/capture"; got != want {
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
		{fault.Fault{Kind: fault.ServerError, Action: "confirm"}, `yandexpaytest: fault action "confirm" is not one of create, capture, cancel, refund, rollback, submit, order, operation`},
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
	}
}
