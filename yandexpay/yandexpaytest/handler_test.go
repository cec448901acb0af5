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
	if err := s.TryInjectFault(yandexpaytest.Fault{Kind: yandexpaytest.FaultTruncatedBody, Action: yandexpaytest.ActionCapture}); err != nil {
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
		f   yandexpaytest.Fault
		err string // "" when valid
	}{
		{yandexpaytest.Fault{Kind: yandexpaytest.FaultServerError, Action: yandexpaytest.ActionSubmit}, ""},
		{yandexpaytest.Fault{Kind: yandexpaytest.FaultUnknownStatus}, ""},
		{yandexpaytest.Fault{Kind: yandexpaytest.FaultUnknownStatus, Action: yandexpaytest.ActionOrder}, ""},
		{yandexpaytest.Fault{}, "yandexpaytest: fault kind 0 is not defined"},
		{yandexpaytest.Fault{Kind: yandexpaytest.FaultServerError, Action: "confirm"}, `yandexpaytest: fault action "confirm" is not one of capture, cancel, refund, rollback, submit, order, operation`},
		{yandexpaytest.Fault{Kind: yandexpaytest.FaultUnknownStatus, Action: yandexpaytest.ActionOperation}, `yandexpaytest: FaultUnknownStatus applies to order reads only, not "operation"`},
		{yandexpaytest.Fault{Kind: yandexpaytest.FaultServerError, Times: -1}, "yandexpaytest: fault times -1 is negative"},
	}
	s := yandexpaytest.NewServer(nil)
	defer s.Close()
	for _, c := range cases {
		for name, err := range map[string]error{"Validate": c.f.Validate(), "TryInjectFault": s.TryInjectFault(c.f)} {
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.err {
				t.Errorf("%s(%+v) = %q, want %q", name, c.f, got, c.err)
			}
		}
	}
}
