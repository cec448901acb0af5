package yandexpay_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/status"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// orderJSON is a GET /v1/orders/{id} success answer for canned servers.
func orderJSON(id, paymentStatus, amount string) string {
	return fmt.Sprintf(`{"code":200,"status":"success","data":{"order":{"orderId":%q,"orderAmount":%q,"currencyCode":"RUB","paymentStatus":%q},"operations":[]}}`,
		id, amount, paymentStatus)
}

// cartOf is a one-line cart of total minor units in RUB.
func cartOf(total int64) *payments.Cart {
	m := payments.Money{Minor: total, Currency: "RUB"}
	return &payments.Cart{Items: []payments.CartItem{{ID: "sku-1", Title: "Item", Quantity: 1, Total: m}}, Total: m}
}

// wordings are the two emulator wordings of what Yandex Pay's documentation
// leaves open; the adapter must behave the same against both.
var wordings = map[string]yandexpaytest.Wording{
	"Default":   yandexpaytest.DefaultWording(),
	"Alternate": yandexpaytest.AlternateWording(),
}

// TestWrongStatusIsReadFromTheOrder: whatever reasonCode and HTTP status a
// refusal carries, a write the order's paymentStatus does not allow is
// FailedPrecondition naming that status, learnt from the order itself.
func TestWrongStatusIsReadFromTheOrder(t *testing.T) {
	cases := []struct {
		name string
		raw  string
		call func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) error
	}{
		{"CaptureVoided", "VOIDED", func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) error {
			_, err := c.Capture(ctx, ref, nil)
			return err
		}},
		{"VoidCaptured", "CAPTURED", func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) error {
			_, err := c.Void(ctx, ref, nil)
			return err
		}},
		{"RefundAuthorized", "AUTHORIZED", func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) error {
			_, err := c.Refund(ctx, ref, nil)
			return err
		}},
		{"VoidPending", "PENDING", func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) error {
			_, err := c.Void(ctx, ref, nil)
			return err
		}},
	}
	for wname, w := range wordings {
		for _, tc := range cases {
			t.Run(wname+"/"+tc.name, func(t *testing.T) {
				e := newEnv(t, &yandexpaytest.Options{Wording: &w})
				o := e.srv.AddOrder(yandexpaytest.Order{Status: tc.raw, Amount: 50000})
				err := tc.call(ctxT(t), e.c, payments.Ref{ID: o.OrderID})
				pe := wantCode(t, err, payments.CodeFailedPrecondition)
				if !strings.Contains(pe.Message, "status "+tc.raw) {
					t.Errorf("Message %q does not name the order's status %s", pe.Message, tc.raw)
				}
				if pe.ProviderCode != w.WrongStatus.ReasonCode || pe.HTTPStatus != w.WrongStatus.HTTP {
					t.Errorf("ProviderCode %q HTTP %d; want the provider's own %q %d kept", pe.ProviderCode, pe.HTTPStatus, w.WrongStatus.ReasonCode, w.WrongStatus.HTTP)
				}
				if got, _ := e.srv.Order(o.OrderID); got.Status != tc.raw {
					t.Errorf("order moved to %s", got.Status)
				}
			})
		}
	}
}

// TestSplitCaptureRoutedByStatus: a CONFIRMED (Split) order is submitted,
// with and without an amount, in any wording, without first trying
// /capture and reading its refusal.
func TestSplitCaptureRoutedByStatus(t *testing.T) {
	for wname, w := range wordings {
		for _, partial := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/partial=%t", wname, partial), func(t *testing.T) {
				e := newEnv(t, &yandexpaytest.Options{Wording: &w})
				o := e.srv.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusConfirmed, Amount: 50000})
				opts := &payments.CaptureOptions{}
				if partial {
					opts.Amount, opts.Cart = rub(30000), cartOf(30000)
				}
				res, err := e.c.Capture(ctxT(t), payments.Ref{ID: o.OrderID}, opts)
				if err != nil {
					t.Fatal(err)
				}
				if res.Status != status.Captured || len(posts(e.srv, "/capture")) != 0 || len(posts(e.srv, "/submit")) != 1 {
					t.Errorf("Result %s, %d /capture, %d /submit; want Captured through one /submit only",
						res.Status, len(posts(e.srv, "/capture")), len(posts(e.srv, "/submit")))
				}
			})
		}
	}
}

// TestRollbackRacingVoidEndsVoided: a Void that lands between Rollback's
// read (AUTHORIZED) and its write must leave the order VOIDED: Rollback's
// /cancel is refused, the order is read again, and nothing more is sent —
// never a /rollback that would rewrite VOIDED to FAILED.
func TestRollbackRacingVoidEndsVoided(t *testing.T) {
	for wname, w := range wordings {
		t.Run(wname, func(t *testing.T) {
			srv := yandexpaytest.NewServer(&yandexpaytest.Options{APIKey: "race-key-0123456789", Wording: &w})
			t.Cleanup(srv.Close)
			o := srv.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusAuthorized})
			other := mustClient(t, testConfig(srv, srv.APIKey(), nil))
			h := srv.Handler()
			var reads atomic.Int32
			front := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				h.ServeHTTP(rw, r)
				if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/orders/") && reads.Add(1) == 1 {
					// Another worker voids the order right after Rollback read it.
					if _, err := other.Void(context.Background(), payments.Ref{ID: o.OrderID}, nil); err != nil {
						t.Errorf("racing Void: %v", err)
					}
				}
			}))
			t.Cleanup(front.Close)
			cfg := testConfig(srv, srv.APIKey(), nil)
			cfg.BaseURL = front.URL + "/api/merchant"
			c := mustClient(t, cfg)
			res, err := c.Rollback(ctxT(t), payments.Ref{ID: o.OrderID}, nil)
			if err != nil {
				t.Fatalf("Rollback racing a Void: %v; want success, the order being uncharged", err)
			}
			got, _ := srv.Order(o.OrderID)
			if got.Status != yandexpaytest.StatusVoided || res.Status != status.Voided {
				t.Errorf("order %s, Result %s; want VOIDED: a race with Void must never end FAILED", got.Status, res.Status)
			}
			if n := len(posts(srv, "/rollback")); n != 0 {
				t.Errorf("%d POSTs to /rollback; want none", n)
			}
			if n := srv.Count(o.OrderID, yandexpaytest.ActionCancel); n != 1 {
				t.Errorf("cancel applied %d times; want 1", n)
			}
		})
	}
	t.Run("Concurrent", func(t *testing.T) {
		e := newEnv(t, nil)
		for i := 0; i < 20; i++ {
			o := e.srv.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusAuthorized})
			ref := payments.Ref{ID: o.OrderID}
			ctx := ctxT(t)
			var wg sync.WaitGroup
			wg.Add(2)
			go func() { defer wg.Done(); _, _ = e.c.Void(ctx, ref, nil) }()
			go func() { defer wg.Done(); _, _ = e.c.Rollback(ctx, ref, nil) }()
			wg.Wait()
			if got, _ := e.srv.Order(o.OrderID); got.Status != yandexpaytest.StatusVoided {
				t.Fatalf("round %d: order %s after a Void raced a Rollback; want VOIDED", i, got.Status)
			}
		}
	})
}

// TestWrongBaseURLIsARoutingError: a base URL without /api/merchant meets a
// web server's bare 404, not Yandex Pay's envelope: the error names the
// base URL instead of claiming the payment does not exist.
func TestWrongBaseURLIsARoutingError(t *testing.T) {
	srv := yandexpaytest.NewServer(nil)
	t.Cleanup(srv.Close)
	o := srv.AddOrder(yandexpaytest.Order{})
	cfg := testConfig(srv, srv.APIKey(), nil)
	cfg.BaseURL = srv.URL // missing /api/merchant
	c := mustClient(t, cfg)
	ctx := ctxT(t)
	_, statusErr := c.Status(ctx, payments.Ref{ID: o.OrderID})
	_, captureErr := c.Capture(ctx, payments.Ref{ID: o.OrderID}, nil)
	for _, err := range []error{statusErr, captureErr} {
		pe := wantCode(t, err, payments.CodeInvalidArgument)
		if errors.Is(err, payments.ErrNotFound) || !strings.Contains(pe.Message, srv.URL) || !strings.Contains(pe.Message, "/api/merchant") {
			t.Errorf("err = %v; want a routing error naming the base URL %s", err, srv.URL)
		}
	}
	if n := srv.Count(o.OrderID, yandexpaytest.ActionCapture); n != 0 {
		t.Errorf("captured %d times through a wrong base URL", n)
	}
	// The API's own 404 (its envelope) still means "no such order".
	_, err := mustClient(t, testConfig(srv, srv.APIKey(), nil)).Status(ctx, payments.Ref{ID: "no-such-order"})
	wantCode(t, err, payments.CodeNotFound)
}

// TestRequestTimeoutRecomputedPerAttempt: a retry announces the time left
// when it is sent, not what was left when the call began.
func TestRequestTimeoutRecomputedPerAttempt(t *testing.T) {
	srv := yandexpaytest.NewServer(nil)
	t.Cleanup(srv.Close)
	o := srv.AddOrder(yandexpaytest.Order{})
	cfg := testConfig(srv, srv.APIKey(), nil)
	cfg.RetryWaitMin, cfg.RetryWaitMax = 400*time.Millisecond, 400*time.Millisecond
	c := mustClient(t, cfg)
	srv.InjectFault(fault.Fault{Kind: fault.ServerError, Action: yandexpaytest.ActionOrder})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.Status(ctx, payments.Ref{ID: o.OrderID}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests; want the failed attempt and its retry", len(reqs))
	}
	var ms [2]int64
	for i, r := range reqs {
		v, err := strconv.ParseInt(r.Header.Get("X-Request-Timeout"), 10, 64)
		if err != nil || v < 1000 || v > 10000 {
			t.Fatalf("attempt %d: X-Request-Timeout %q; want 1000–10000 ms", i, r.Header.Get("X-Request-Timeout"))
		}
		ms[i] = v
	}
	if ms[1] > ms[0]-350 {
		t.Errorf("X-Request-Timeout %d then %d ms; the retry, sent 400 ms later, must announce less time", ms[0], ms[1])
	}
}

// TestPartialActionsNeedACart: Yandex Pay requires the final cart with a
// partial capture and a partial refund, so one without it is refused
// before any request, saying what is missing; with it, the cart is sent.
func TestPartialActionsNeedACart(t *testing.T) {
	e := newEnv(t, nil)
	ctx := ctxT(t)
	held := e.srv.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusAuthorized, Amount: 50000})
	paid := e.srv.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusCaptured, Amount: 50000})
	_, capErr := e.c.Capture(ctx, payments.Ref{ID: held.OrderID}, &payments.CaptureOptions{Amount: rub(20000)})
	_, refErr := e.c.Refund(ctx, payments.Ref{ID: paid.OrderID}, &payments.RefundOptions{Amount: rub(20000)})
	for _, err := range []error{capErr, refErr} {
		pe := wantCode(t, err, payments.CodeInvalidArgument)
		if !strings.Contains(pe.Message, "opts.Cart is missing") {
			t.Errorf("Message %q does not say the cart is missing", pe.Message)
		}
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for refused partial actions; want none", n)
	}

	t.Run("CartTotalMustBeWhatRemains", func(t *testing.T) {
		_, err := e.c.Refund(ctx, payments.Ref{ID: paid.OrderID}, &payments.RefundOptions{Amount: rub(20000), Cart: cartOf(20000)})
		pe := wantCode(t, err, payments.CodeInvalidArgument)
		if !strings.Contains(pe.Message, "300.00 RUB") || len(posts(e.srv, "/refund")) != 0 {
			t.Errorf("err %v after %d refunds sent; want a refusal naming the 300.00 RUB that remains, nothing sent", err, len(posts(e.srv, "/refund")))
		}
	})
	t.Run("UnitPriceWithMoreThanTwoDecimals", func(t *testing.T) {
		m := payments.Money{Minor: 1000, Currency: "RUB"}
		cart := &payments.Cart{Items: []payments.CartItem{{ID: "a", Title: "A", Quantity: 3, Total: m}}, Total: m}
		_, err := e.c.Capture(ctx, payments.Ref{ID: held.OrderID}, &payments.CaptureOptions{Amount: &m, Cart: cart})
		pe := wantCode(t, err, payments.CodeInvalidArgument)
		if !strings.Contains(pe.Message, "quantity 3") {
			t.Errorf("Message %q does not name the line's quantity", pe.Message)
		}
	})
	t.Run("RefundSendsTargetCart", func(t *testing.T) {
		res, err := e.c.Refund(ctx, payments.Ref{ID: paid.OrderID}, &payments.RefundOptions{Amount: rub(20000), Cart: cartOf(30000)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := payments.Wait(ctx, e.c, res, &payments.WaitOptions{Interval: 5 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		reqs := posts(e.srv, "/refund")
		var body struct {
			TargetCart struct {
				Items []map[string]string `json:"items"`
			} `json:"targetCart"`
		}
		if len(reqs) != 1 || json.Unmarshal(reqs[0].Body, &body) != nil {
			t.Fatalf("refund requests %v", reqs)
		}
		want := []map[string]string{{"productId": "sku-1", "quantityCount": "1", "price": "300.00"}}
		if !reflect.DeepEqual(body.TargetCart.Items, want) {
			t.Errorf("targetCart items %v; want %v", body.TargetCart.Items, want)
		}
	})
}

// TestRollbackOfUnknownAndNullStatus: a paymentStatus the adapter does not
// know sends nothing (FailedPrecondition naming it); a null one (nobody has
// paid) is stopped with /rollback.
func TestRollbackOfUnknownAndNullStatus(t *testing.T) {
	e := newEnv(t, nil)
	ctx := ctxT(t)
	odd := e.srv.AddOrder(yandexpaytest.Order{})
	if err := e.srv.SetStatus(odd.OrderID, "SOMETHING_NEW"); err != nil {
		t.Fatal(err)
	}
	_, err := e.c.Rollback(ctx, payments.Ref{ID: odd.OrderID}, nil)
	pe := wantCode(t, err, payments.CodeFailedPrecondition)
	if !strings.Contains(pe.Message, "SOMETHING_NEW") || len(posts(e.srv, "")) != 0 {
		t.Errorf("err %v after %d POSTs; want the status named and nothing sent", err, len(posts(e.srv, "")))
	}
	null := e.srv.AddOrder(yandexpaytest.Order{})
	if err := e.srv.SetStatus(null.OrderID, ""); err != nil {
		t.Fatal(err)
	}
	res, err := e.c.Rollback(ctx, payments.Ref{ID: null.OrderID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != status.Failed || len(posts(e.srv, "/rollback")) != 1 {
		t.Errorf("Result %s after %d /rollback; want Failed through one /rollback", res.Status, len(posts(e.srv, "/rollback")))
	}
}
