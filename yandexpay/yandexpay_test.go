package yandexpay_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/internal/testlog"
	"github.com/regionpay/payments/status"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// env is one emulator and an adapter pointed at it.
type env struct {
	srv  *yandexpaytest.Server
	c    *yandexpay.Client
	logs *testlog.Buffer
}

func newEnv(t *testing.T, opts *yandexpaytest.Options) *env {
	t.Helper()
	if opts == nil {
		opts = &yandexpaytest.Options{}
	}
	if opts.APIKey == "" {
		opts.APIKey = "test-api-key-0123456789"
	}
	srv := yandexpaytest.NewServer(opts)
	t.Cleanup(srv.Close)
	logger, logs := testlog.New(slog.LevelDebug)
	return &env{srv: srv, c: mustClient(t, testConfig(srv, srv.APIKey(), logger)), logs: logs}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func rub(minor int64) *payments.Money { return &payments.Money{Minor: minor, Currency: "RUB"} }

// posts returns the POST requests whose raw path ends with suffix.
func posts(srv *yandexpaytest.Server, suffix string) []yandexpaytest.Request {
	var out []yandexpaytest.Request
	for _, r := range srv.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

// bodyField reads one string field of a recorded JSON body.
func bodyField(t *testing.T, r yandexpaytest.Request, field string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("request body %q is not JSON: %v", r.Body, err)
	}
	s, _ := m[field].(string)
	return s
}

func wantCode(t *testing.T, err error, want payments.Code) *payments.Error {
	t.Helper()
	var pe *payments.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T); want a *payments.Error with code %s", err, err, want)
	}
	if pe.Code != want {
		t.Fatalf("code = %s; want %s (err: %v)", pe.Code, want, err)
	}
	return pe
}

func TestCaptureRetriedAfter503KeepsIdentity(t *testing.T) {
	e := newEnv(t, nil)
	o := e.srv.AddOrder(yandexpaytest.Order{Amount: 50000})
	e.srv.InjectFault(fault.Fault{Kind: fault.ServerError, Action: yandexpaytest.ActionCapture})

	res, err := e.c.Capture(ctxT(t), payments.Ref{ID: o.OrderID}, &payments.CaptureOptions{IdempotencyKey: "cap-503"})
	if err != nil {
		t.Fatalf("Capture: %v", err)
	}
	if res.Status != status.Captured || res.Pending || res.IdempotencyKey != "cap-503" || res.OperationID != "cap-503" {
		t.Errorf("Result = %+v; want Captured, not pending, key and operation id cap-503", res)
	}
	reqs := posts(e.srv, "/capture")
	if len(reqs) != 2 {
		t.Fatalf("%d capture requests; want 2 (503, then success)", len(reqs))
	}
	for i, r := range reqs {
		if got := r.Header.Get("X-Request-Attempt"); got != strconv.Itoa(i) {
			t.Errorf("attempt %d: X-Request-Attempt = %q; want %d", i, got, i)
		}
		if got := bodyField(t, r, "externalOperationId"); got != "cap-503" {
			t.Errorf("attempt %d: externalOperationId = %q; want cap-503", i, got)
		}
		if got := r.Header.Get("Authorization"); got != "Api-Key "+e.srv.APIKey() {
			t.Errorf("attempt %d: Authorization header is not the Api-Key scheme", i)
		}
	}
	id0, id1 := reqs[0].Header.Get("X-Request-Id"), reqs[1].Header.Get("X-Request-Id")
	if id0 == "" || id0 != id1 {
		t.Errorf("X-Request-Id %q then %q; want one non-empty id on every attempt", id0, id1)
	}
	if n := e.srv.Count(o.OrderID, yandexpaytest.ActionCapture); n != 1 {
		t.Errorf("captured %d times; want 1", n)
	}
}

func TestWritesGetDistinctRequestIDs(t *testing.T) {
	e := newEnv(t, nil)
	a := e.srv.AddOrder(yandexpaytest.Order{})
	b := e.srv.AddOrder(yandexpaytest.Order{})
	ctx := ctxT(t)
	if _, err := e.c.Capture(ctx, payments.Ref{ID: a.OrderID}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Capture(ctx, payments.Ref{ID: b.OrderID}, nil); err != nil {
		t.Fatal(err)
	}
	reqs := posts(e.srv, "/capture")
	if len(reqs) != 2 {
		t.Fatalf("%d capture requests; want 2", len(reqs))
	}
	if reqs[0].Header.Get("X-Request-Id") == reqs[1].Header.Get("X-Request-Id") {
		t.Error("two logical captures shared an X-Request-Id")
	}
	k0, k1 := bodyField(t, reqs[0], "externalOperationId"), bodyField(t, reqs[1], "externalOperationId")
	if k0 == "" || k0 == k1 {
		t.Errorf("generated externalOperationIds %q and %q; want two distinct non-empty keys", k0, k1)
	}
}

func TestDuplicateExternalOperationID(t *testing.T) {
	t.Run("SucceededIsSuccess", func(t *testing.T) {
		e := newEnv(t, nil)
		o := e.srv.AddOrder(yandexpaytest.Order{})
		ref := payments.Ref{ID: o.OrderID}
		ctx := ctxT(t)
		opts := &payments.CaptureOptions{IdempotencyKey: "dup-1"}
		if _, err := e.c.Capture(ctx, ref, opts); err != nil {
			t.Fatal(err)
		}
		res, err := e.c.Capture(ctx, ref, opts)
		if err != nil {
			t.Fatalf("repeated capture with the same key: %v; want the first one's success", err)
		}
		if res.Status != status.Captured || res.Pending || res.IdempotencyKey != "dup-1" {
			t.Errorf("Result = %+v; want Captured with key dup-1", res)
		}
		if n := e.srv.Count(o.OrderID, yandexpaytest.ActionCapture); n != 1 {
			t.Errorf("captured %d times; want 1", n)
		}
		if !readOperation(e.srv, "dup-1") {
			t.Error("the repeat was not settled through GET /v1/operations/dup-1")
		}
	})
	t.Run("FailedIsFailure", func(t *testing.T) {
		e := newEnv(t, &yandexpaytest.Options{Async: true})
		o := e.srv.AddOrder(yandexpaytest.Order{})
		ref := payments.Ref{ID: o.OrderID}
		ctx := ctxT(t)
		opts := &payments.CaptureOptions{IdempotencyKey: "dup-2"}
		res, err := e.c.Capture(ctx, ref, opts)
		if err != nil || !res.Pending {
			t.Fatalf("async capture: %+v, %v; want pending", res, err)
		}
		if err := e.srv.CompleteOperation("dup-2", false); err != nil {
			t.Fatal(err)
		}
		_, err = e.c.Capture(ctx, ref, opts)
		pe := wantCode(t, err, payments.CodeFailedPrecondition)
		if !strings.Contains(pe.Message, "failed") {
			t.Errorf("message %q does not say the operation failed", pe.Message)
		}
	})
	t.Run("KeyOfAnotherOrder", func(t *testing.T) {
		e := newEnv(t, nil)
		a := e.srv.AddOrder(yandexpaytest.Order{})
		b := e.srv.AddOrder(yandexpaytest.Order{})
		ctx := ctxT(t)
		opts := &payments.CaptureOptions{IdempotencyKey: "dup-3"}
		if _, err := e.c.Capture(ctx, payments.Ref{ID: a.OrderID}, opts); err != nil {
			t.Fatal(err)
		}
		_, err := e.c.Capture(ctx, payments.Ref{ID: b.OrderID}, opts)
		pe := wantCode(t, err, payments.CodeInvalidArgument)
		if !strings.Contains(pe.Message, "IdempotencyKey") {
			t.Errorf("message %q does not name the key", pe.Message)
		}
		if n := e.srv.Count(b.OrderID, yandexpaytest.ActionCapture); n != 0 {
			t.Errorf("the second order was captured %d times", n)
		}
	})
}

// readOperation reports whether the adapter read the operation named key.
func readOperation(srv *yandexpaytest.Server, key string) bool {
	for _, r := range srv.Requests() {
		if r.Method == "GET" && r.Path == "/api/merchant/v1/operations/"+url.PathEscape(key) {
			return true
		}
	}
	return false
}

func TestPendingSettledByWait(t *testing.T) {
	for _, tc := range []struct {
		name    string
		success bool
		want    payments.Code
	}{
		{"Success", true, 0},
		{"Fail", false, payments.CodeFailedPrecondition},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, &yandexpaytest.Options{Async: true})
			o := e.srv.AddOrder(yandexpaytest.Order{})
			ref := payments.Ref{ID: o.OrderID}
			ctx := ctxT(t)
			res, err := e.c.Capture(ctx, ref, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Pending || res.OperationID == "" || res.OperationID != res.IdempotencyKey {
				t.Fatalf("Result = %+v; want pending with the externalOperationId as OperationID", res)
			}
			completed := make(chan error, 1)
			go func() { completed <- e.srv.CompleteOperation(res.OperationID, tc.success) }()
			final, err := payments.Wait(ctx, e.c, res, &payments.WaitOptions{Interval: 5 * time.Millisecond, MaxInterval: 50 * time.Millisecond})
			if cerr := <-completed; cerr != nil {
				t.Fatalf("CompleteOperation: %v", cerr)
			}
			if tc.want != 0 {
				wantCode(t, err, tc.want)
				if n := e.srv.Count(o.OrderID, yandexpaytest.ActionCapture); n != 0 {
					t.Errorf("a failed capture was applied %d times", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Wait: %v", err)
			}
			if final.Pending || final.Status != status.Captured || final.RawStatus != "CAPTURED" {
				t.Errorf("settled Result = %+v; want Captured", final)
			}
		})
	}
}

func TestPartialCapture(t *testing.T) {
	e := newEnv(t, nil)
	o := e.srv.AddOrder(yandexpaytest.Order{Amount: 50000})
	ref := payments.Ref{ID: o.OrderID}
	ctx := ctxT(t)
	res, err := e.c.Capture(ctx, ref, &payments.CaptureOptions{Amount: rub(37655), Cart: cartOf(37655)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != status.Captured {
		t.Errorf("Result.Status = %s; want Captured", res.Status)
	}
	reqs := posts(e.srv, "/capture")
	if len(reqs) != 1 || bodyField(t, reqs[0], "orderAmount") != "376.55" {
		t.Fatalf("capture requests %v; want one with orderAmount \"376.55\"", reqs)
	}
	var sent struct {
		Cart struct {
			Items []struct {
				ProductID string `json:"productId"`
				Quantity  struct {
					Count string `json:"count"`
				} `json:"quantity"`
				Total string `json:"total"`
			} `json:"items"`
			Total struct {
				Amount string `json:"amount"`
			} `json:"total"`
		} `json:"cart"`
	}
	if err := json.Unmarshal(reqs[0].Body, &sent); err != nil {
		t.Fatal(err)
	}
	if c := sent.Cart; len(c.Items) != 1 || c.Items[0].ProductID != "sku-1" || c.Items[0].Quantity.Count != "1" || c.Items[0].Total != "376.55" || c.Total.Amount != "376.55" {
		t.Errorf("capture sent cart %+v; want the final cart of one sku-1 line of 376.55", c)
	}
	pay, err := e.c.Status(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	if pay.Amount != *rub(37655) || pay.Status != status.Captured {
		t.Errorf("after partial capture: %s %s; want Captured 376.55 RUB", pay.Status, pay.Amount)
	}

	t.Run("CurrencyMismatch", func(t *testing.T) {
		o := e.srv.AddOrder(yandexpaytest.Order{Amount: 50000})
		usd := payments.Money{Minor: 100, Currency: "USD"}
		cart := &payments.Cart{Items: []payments.CartItem{{ID: "a", Title: "A", Quantity: 1, Total: usd}}, Total: usd}
		_, err := e.c.Capture(ctx, payments.Ref{ID: o.OrderID}, &payments.CaptureOptions{Amount: &usd, Cart: cart})
		pe := wantCode(t, err, payments.CodeInvalidArgument)
		if !strings.Contains(pe.Message, "Currency") {
			t.Errorf("message %q does not name the currency", pe.Message)
		}
		if n := e.srv.Count(o.OrderID, yandexpaytest.ActionCapture); n != 0 {
			t.Errorf("a capture in the wrong currency was applied %d times", n)
		}
	})
	t.Run("AboveHold", func(t *testing.T) {
		o := e.srv.AddOrder(yandexpaytest.Order{Amount: 50000})
		_, err := e.c.Capture(ctx, payments.Ref{ID: o.OrderID}, &payments.CaptureOptions{Amount: rub(50001), Cart: cartOf(50001)})
		pe := wantCode(t, err, payments.CodeInvalidArgument)
		if pe.ProviderCode != yandexpaytest.ReasonInvalidAmount || pe.HTTPStatus != 400 {
			t.Errorf("error %v; want the provider's INVALID_AMOUNT with http 400", err)
		}
	})
}

func TestConfirmedSplitOrderIsSubmitted(t *testing.T) {
	for _, tc := range []struct {
		name   string
		amount *payments.Money
		tries  int // POSTs to /capture before /submit
	}{
		// Both routed by the order's paymentStatus, read before the write.
		{"Full", nil, 0},
		{"Partial", rub(30000), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			o := e.srv.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusConfirmed, Amount: 50000})
			ref := payments.Ref{ID: o.OrderID}
			ctx := ctxT(t)
			opts := &payments.CaptureOptions{Amount: tc.amount, IdempotencyKey: "split-1"}
			if tc.amount != nil {
				opts.Cart = cartOf(tc.amount.Minor)
			}
			res, err := e.c.Capture(ctx, ref, opts)
			if err != nil {
				t.Fatalf("Capture of a CONFIRMED order: %v", err)
			}
			if res.Status != status.Captured {
				t.Errorf("Result.Status = %s; want Captured", res.Status)
			}
			if n := len(posts(e.srv, "/capture")); n != tc.tries {
				t.Errorf("%d POSTs to /capture; want %d", n, tc.tries)
			}
			sub := posts(e.srv, "/submit")
			if len(sub) != 1 || bodyField(t, sub[0], "externalOperationId") != "split-1" {
				t.Fatalf("submit requests %v; want one carrying the capture's key", sub)
			}
			if n := e.srv.Count(o.OrderID, yandexpaytest.ActionSubmit); n != 1 {
				t.Errorf("submitted %d times; want 1", n)
			}
			got, _ := e.srv.Order(o.OrderID)
			if got.Status != yandexpaytest.StatusCaptured {
				t.Errorf("order status %s; want CAPTURED", got.Status)
			}
		})
	}
}

func TestRefund(t *testing.T) {
	type step struct {
		amount *payments.Money // nil: refund the rest
		code   payments.Code   // 0: success
		reason string          // expected ProviderCode on failure, if any
	}
	cases := []struct {
		name   string
		order  yandexpaytest.Order
		async  bool
		steps  []step
		status string // raw order status at the end
	}{
		{"FullIsTheRemainder", yandexpaytest.Order{Status: "PARTIALLY_REFUNDED", Amount: 50000, RefundedAmount: 10000},
			false, []step{{nil, 0, ""}}, "REFUNDED"},
		{"PartialThenRest", yandexpaytest.Order{Status: "CAPTURED", Amount: 50000},
			false, []step{{rub(10000), 0, ""}, {nil, 0, ""}}, "REFUNDED"},
		{"BelowOneRuble", yandexpaytest.Order{Status: "CAPTURED", Amount: 50000},
			false, []step{{rub(99), payments.CodeInvalidArgument, yandexpaytest.ReasonInvalidAmount}}, "CAPTURED"},
		{"RemainderBelowOneRuble", yandexpaytest.Order{Status: "CAPTURED", Amount: 50000},
			false, []step{{rub(49950), payments.CodeInvalidArgument, yandexpaytest.ReasonInvalidAmount}}, "CAPTURED"},
		{"MoreThanRemains", yandexpaytest.Order{Status: "CAPTURED", Amount: 50000},
			false, []step{{rub(50001), payments.CodeInvalidArgument, ""}}, "CAPTURED"}, // no cart can remain: refused locally
		{"OneAtATime", yandexpaytest.Order{Status: "CAPTURED", Amount: 50000},
			true, []step{{rub(10000), 0, ""}, {rub(10000), payments.CodeConflict, yandexpaytest.ReasonAnotherOperationInProgress}}, "CAPTURED"},
		{"NotCaptured", yandexpaytest.Order{Status: "AUTHORIZED", Amount: 50000},
			false, []step{{nil, payments.CodeFailedPrecondition, yandexpaytest.ReasonWrongStatus}}, "AUTHORIZED"},
		{"NothingLeft", yandexpaytest.Order{Status: "REFUNDED", Amount: 50000, RefundedAmount: 50000},
			false, []step{{nil, payments.CodeFailedPrecondition, ""}}, "REFUNDED"},
		{"WrongCurrency", yandexpaytest.Order{Status: "CAPTURED", Amount: 50000},
			false, []step{{&payments.Money{Minor: 1000, Currency: "EUR"}, payments.CodeInvalidArgument, ""}}, "CAPTURED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, &yandexpaytest.Options{Async: tc.async})
			o := e.srv.AddOrder(tc.order)
			ref := payments.Ref{ID: o.OrderID}
			ctx := ctxT(t)
			for i, s := range tc.steps {
				opts := &payments.RefundOptions{Amount: s.amount}
				if s.amount != nil {
					// The cart that remains after the refund.
					now, _ := e.srv.Order(o.OrderID)
					opts.Cart = cartOf(now.Amount - now.RefundedAmount - s.amount.Minor)
					opts.Cart.Total.Currency, opts.Cart.Items[0].Total.Currency = s.amount.Currency, s.amount.Currency
				}
				res, err := e.c.Refund(ctx, ref, opts)
				if s.code != 0 {
					pe := wantCode(t, err, s.code)
					if s.reason != "" && pe.ProviderCode != s.reason {
						t.Errorf("step %d: ProviderCode %q; want %q", i, pe.ProviderCode, s.reason)
					}
					continue
				}
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if tc.async {
					continue // left pending on purpose
				}
				if !res.Pending {
					t.Errorf("step %d: a v2 refund answered not pending: %+v", i, res)
				}
				if _, err := payments.Wait(ctx, e.c, res, &payments.WaitOptions{Interval: 5 * time.Millisecond}); err != nil {
					t.Fatalf("step %d: Wait: %v", i, err)
				}
			}
			got, _ := e.srv.Order(o.OrderID)
			if got.Status != tc.status {
				t.Errorf("order status %s; want %s", got.Status, tc.status)
			}
		})
	}
}

func TestRefundSendsRemainder(t *testing.T) {
	e := newEnv(t, nil)
	o := e.srv.AddOrder(yandexpaytest.Order{Status: "PARTIALLY_REFUNDED", Amount: 50000, RefundedAmount: 12345})
	res, err := e.c.Refund(ctxT(t), payments.Ref{ID: o.OrderID}, nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs := posts(e.srv, "/refund")
	if len(reqs) != 1 || !strings.HasPrefix(reqs[0].Path, "/api/merchant/v2/orders/") {
		t.Fatalf("refund requests %v; want one POST /v2/orders/{id}/refund", reqs)
	}
	if got := bodyField(t, reqs[0], "refundAmount"); got != "376.55" {
		t.Errorf("refundAmount = %q; want the remaining \"376.55\"", got)
	}
	final, err := payments.Wait(ctxT(t), e.c, res, &payments.WaitOptions{Interval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != status.Refunded {
		t.Errorf("settled refund: %s; want Refunded", final.Status)
	}
}

func TestRefundReplayAfterFullRefund(t *testing.T) {
	e := newEnv(t, nil)
	o := e.srv.AddOrder(yandexpaytest.Order{Status: "CAPTURED", Amount: 50000})
	ref := payments.Ref{ID: o.OrderID}
	ctx := ctxT(t)
	opts := &payments.RefundOptions{IdempotencyKey: "refund-all"}
	for i := 0; i < 2; i++ {
		res, err := e.c.Refund(ctx, ref, opts)
		if err != nil {
			t.Fatalf("refund %d: %v", i, err)
		}
		res, err = payments.Wait(ctx, e.c, res, &payments.WaitOptions{Interval: 5 * time.Millisecond})
		if err != nil {
			t.Fatalf("refund %d: Wait: %v", i, err)
		}
		if res.Status != status.Refunded || res.IdempotencyKey != "refund-all" {
			t.Errorf("refund %d: %+v; want Refunded under the same key", i, res)
		}
	}
	if n := e.srv.Count(o.OrderID, yandexpaytest.ActionRefund); n != 1 {
		t.Errorf("refunded %d times; want 1", n)
	}
}

// TestRollback: Rollback is composed from the action Yandex Pay documents
// for each status, never /rollback on a paid or held order.
func TestRollback(t *testing.T) {
	cases := []struct {
		raw      string
		wantNoOp bool
		want     status.Status
		endpoint string // the one POST sent, "" for none
		counted  string // the emulator action applied once
	}{
		{"PENDING", false, status.Failed, "/rollback", yandexpaytest.ActionRollback},
		{"CONFIRMED", false, status.Failed, "/rollback", yandexpaytest.ActionRollback},
		{"AUTHORIZED", false, status.Voided, "/cancel", yandexpaytest.ActionCancel},
		{"CAPTURED", false, status.Refunded, "/refund", yandexpaytest.ActionRefund},
		{"PARTIALLY_REFUNDED", false, status.Refunded, "/refund", yandexpaytest.ActionRefund},
		{"VOIDED", true, status.Voided, "", ""},
		{"REFUNDED", true, status.Refunded, "", ""},
		{"FAILED", true, status.Failed, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			e := newEnv(t, nil)
			o := yandexpaytest.Order{Status: tc.raw, Amount: 50000}
			if tc.raw == "PARTIALLY_REFUNDED" {
				o.RefundedAmount = 10000
			}
			if tc.raw == "REFUNDED" {
				o.RefundedAmount = 50000
			}
			o = e.srv.AddOrder(o)
			ctx := ctxT(t)
			res, err := e.c.Rollback(ctx, payments.Ref{ID: o.OrderID}, &payments.RollbackOptions{IdempotencyKey: "rb"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Pending {
				if res, err = payments.Wait(ctx, e.c, res, &payments.WaitOptions{Interval: 5 * time.Millisecond}); err != nil {
					t.Fatalf("Wait: %v", err)
				}
			}
			if res.NoOp != tc.wantNoOp || res.Status != tc.want || res.IdempotencyKey != "rb" {
				t.Errorf("Result = %+v; want NoOp %t, status %s, key echoed", res, tc.wantNoOp, tc.want)
			}
			var sent []string
			for _, r := range e.srv.Requests() {
				if r.Method == "POST" {
					sent = append(sent, r.Path[strings.LastIndex(r.Path, "/"):])
				}
			}
			if want := []string{tc.endpoint}; (tc.endpoint == "" && len(sent) != 0) || (tc.endpoint != "" && !slices.Equal(sent, want)) {
				t.Errorf("POSTs %v; want %v", sent, want)
			}
			for _, r := range posts(e.srv, "") {
				if !strings.HasSuffix(r.Path, "/rollback") && bodyField(t, r, "externalOperationId") != "rb" {
					t.Errorf("%s carries externalOperationId %q; want the rollback's key", r.Path, bodyField(t, r, "externalOperationId"))
				}
			}
			if tc.counted != "" {
				if n := e.srv.Count(o.OrderID, tc.counted); n != 1 {
					t.Errorf("%s applied %d times; want 1", tc.counted, n)
				}
			}
			// A repeat with the same key reports the same outcome and sends nothing new.
			before := len(posts(e.srv, ""))
			again, err := e.c.Rollback(ctx, payments.Ref{ID: o.OrderID}, &payments.RollbackOptions{IdempotencyKey: "rb"})
			if err != nil {
				t.Fatalf("repeat: %v", err)
			}
			if again.Status != tc.want || len(posts(e.srv, "")) != before {
				t.Errorf("repeat: %+v after %d more POSTs; want status %s and none", again, len(posts(e.srv, ""))-before, tc.want)
			}
		})
	}
	t.Run("LostAnswerSettledByStatus", func(t *testing.T) {
		e := newEnv(t, nil)
		o := e.srv.AddOrder(yandexpaytest.Order{Status: "PENDING"})
		e.srv.InjectFault(fault.Fault{Kind: fault.OversizedBody, Action: yandexpaytest.ActionRollback})
		res, err := e.c.Rollback(ctxT(t), payments.Ref{ID: o.OrderID}, nil)
		if err != nil {
			t.Fatalf("rollback whose answer was oversized: %v; want success read from the order", err)
		}
		if res.Status != status.Failed {
			t.Errorf("Result.Status = %s; want Failed", res.Status)
		}
		if n := e.srv.Count(o.OrderID, yandexpaytest.ActionRollback); n != 1 {
			t.Errorf("rolled back %d times; want 1", n)
		}
	})
}

func TestAmbiguousWrites(t *testing.T) {
	t.Run("AppliedIsSuccess", func(t *testing.T) {
		e := newEnv(t, nil)
		o := e.srv.AddOrder(yandexpaytest.Order{})
		// Every attempt acts (the first) or is a duplicate, and every answer is lost.
		e.srv.InjectFault(fault.Fault{Kind: fault.ResetAfterApply, Action: yandexpaytest.ActionCapture, Times: 100})
		res, err := e.c.Capture(ctxT(t), payments.Ref{ID: o.OrderID}, nil)
		if err != nil {
			t.Fatalf("capture whose answers were all lost: %v; want success read from the operation", err)
		}
		if res.Status != status.Captured {
			t.Errorf("Result.Status = %s; want Captured", res.Status)
		}
		if n := e.srv.Count(o.OrderID, yandexpaytest.ActionCapture); n != 1 {
			t.Errorf("captured %d times; want 1", n)
		}
	})
	t.Run("UnsettledIsOutcomeUnknown", func(t *testing.T) {
		e := newEnv(t, nil)
		o := e.srv.AddOrder(yandexpaytest.Order{})
		e.srv.InjectFault(fault.Fault{Kind: fault.ResetBeforeApply, Action: yandexpaytest.ActionCapture, Times: 100})
		e.srv.InjectFault(fault.Fault{Kind: fault.ServerError, Action: yandexpaytest.ActionOperation, Times: 100})
		_, err := e.c.Capture(ctxT(t), payments.Ref{ID: o.OrderID}, &payments.CaptureOptions{IdempotencyKey: "amb-1"})
		pe := wantCode(t, err, payments.CodeOutcomeUnknown)
		if !strings.Contains(pe.Message, "IdempotencyKey") {
			t.Errorf("message %q does not tell how to repeat safely", pe.Message)
		}
		if !errors.Is(err, payments.ErrOutcomeUnknown) {
			t.Error("errors.Is(err, ErrOutcomeUnknown) = false")
		}
	})
	t.Run("NeverSentIsNotFoundOperation", func(t *testing.T) {
		e := newEnv(t, nil)
		o := e.srv.AddOrder(yandexpaytest.Order{})
		e.srv.InjectFault(fault.Fault{Kind: fault.ResetBeforeApply, Action: yandexpaytest.ActionCapture, Times: 100})
		_, err := e.c.Capture(ctxT(t), payments.Ref{ID: o.OrderID}, nil)
		// The operation is unknown to the provider, but a request may still be
		// in flight: only OutcomeUnknown is honest.
		wantCode(t, err, payments.CodeOutcomeUnknown)
		if n := e.srv.Count(o.OrderID, yandexpaytest.ActionCapture); n != 0 {
			t.Errorf("captured %d times; want 0", n)
		}
	})
}

func TestOperation(t *testing.T) {
	e := newEnv(t, nil)
	a := e.srv.AddOrder(yandexpaytest.Order{})
	b := e.srv.AddOrder(yandexpaytest.Order{})
	ctx := ctxT(t)
	res, err := e.c.Void(ctx, payments.Ref{ID: a.OrderID}, &payments.VoidOptions{IdempotencyKey: "void-1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != status.Voided {
		t.Errorf("Void: %s; want Voided", res.Status)
	}
	cancel := posts(e.srv, "/cancel")
	if len(cancel) != 1 || bodyField(t, cancel[0], "reason") != yandexpay.DefaultVoidReason {
		t.Errorf("cancel requests %v; want one with the default reason", cancel)
	}
	cases := []struct {
		name string
		ref  payments.Ref
		id   string
		code payments.Code
		want status.Status
	}{
		{"Own", payments.Ref{ID: a.OrderID}, "void-1", 0, status.Voided},
		{"OtherOrder", payments.Ref{ID: b.OrderID}, "void-1", payments.CodeInvalidArgument, 0},
		{"Unknown", payments.Ref{ID: a.OrderID}, "no-such-operation", payments.CodeNotFound, 0},
		{"EmptyID", payments.Ref{ID: a.OrderID}, "", payments.CodeInvalidArgument, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.c.Operation(ctx, tc.ref, tc.id)
			if tc.code != 0 {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.want || res.OperationID != tc.id {
				t.Errorf("Operation = %+v; want %s", res, tc.want)
			}
		})
	}
}

func TestPathSafety(t *testing.T) {
	e := newEnv(t, nil)
	ctx := ctxT(t)
	// Decoys: what a mis-escaped id would reach instead.
	decoys := []string{"x", "a", "b", "q", "100", "victim"}
	for _, id := range decoys {
		e.srv.AddOrder(yandexpaytest.Order{OrderID: id})
	}
	ids := []string{"../x", "a/b", "q?x=1", "100%", "%2Fvictim", "../../v1/orders/victim", "a b#c", "заказ/1"}
	for _, id := range ids {
		e.srv.AddOrder(yandexpaytest.Order{OrderID: id})
		if _, err := e.c.Capture(ctx, payments.Ref{ID: id}, nil); err != nil {
			t.Fatalf("Capture(%q): %v", id, err)
		}
		if n := e.srv.Count(id, yandexpaytest.ActionCapture); n != 1 {
			t.Errorf("order %q captured %d times; want 1", id, n)
		}
		want := "/api/merchant/v1/orders/" + url.PathEscape(id) + "/capture"
		reqs := posts(e.srv, "/capture")
		if got := reqs[len(reqs)-1].Path; got != want {
			t.Errorf("id %q went to %q; want %q", id, got, want)
		}
	}
	for _, id := range decoys {
		if o, _ := e.srv.Order(id); o.Status != yandexpaytest.StatusAuthorized {
			t.Errorf("decoy order %q was changed to %s", id, o.Status)
		}
	}
}

func TestValidationBeforeAnyRequest(t *testing.T) {
	e := newEnv(t, nil)
	o := e.srv.AddOrder(yandexpaytest.Order{})
	ok := payments.Ref{ID: o.OrderID}
	long := strings.Repeat("z", yandexpay.MaxOrderIDLength+1)
	ctx := ctxT(t)
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"CaptureEmptyID", func() error { _, err := e.c.Capture(ctx, payments.Ref{}, nil); return err }, "ref.ID"},
		{"VoidTooLongID", func() error { _, err := e.c.Void(ctx, payments.Ref{ID: long}, nil); return err }, "ref.ID"},
		{"StatusDotDot", func() error { _, err := e.c.Status(ctx, payments.Ref{ID: ".."}); return err }, "ref.ID"},
		{"StatusControlCharacter", func() error { _, err := e.c.Status(ctx, payments.Ref{ID: "a\tb"}); return err }, "ref.ID"},
		{"KeyControlCharacter", func() error {
			_, err := e.c.Capture(ctx, ok, &payments.CaptureOptions{IdempotencyKey: "k\r\n"})
			return err
		}, "opts.IdempotencyKey"},
		{"RollbackDot", func() error { _, err := e.c.Rollback(ctx, payments.Ref{ID: "."}, nil); return err }, "ref.ID"},
		{"RefundEmptyID", func() error { _, err := e.c.Refund(ctx, payments.Ref{}, nil); return err }, "ref.ID"},
		{"CaptureZero", func() error {
			_, err := e.c.Capture(ctx, ok, &payments.CaptureOptions{Amount: rub(0)})
			return err
		}, "opts.Amount"},
		{"RefundNegative", func() error {
			_, err := e.c.Refund(ctx, ok, &payments.RefundOptions{Amount: rub(-1)})
			return err
		}, "opts.Amount"},
		{"CaptureBadCurrency", func() error {
			_, err := e.c.Capture(ctx, ok, &payments.CaptureOptions{Amount: &payments.Money{Minor: 1, Currency: "rub"}})
			return err
		}, "opts.Amount"},
		{"KeyDotDot", func() error {
			_, err := e.c.Capture(ctx, ok, &payments.CaptureOptions{IdempotencyKey: ".."})
			return err
		}, "opts.IdempotencyKey"},
		{"OperationEmptyRef", func() error { _, err := e.c.Operation(ctx, payments.Ref{}, "k"); return err }, "ref.ID"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pe := wantCode(t, tc.call(), payments.CodeInvalidArgument)
			if !strings.Contains(pe.Message, tc.field) {
				t.Errorf("message %q does not name %s", pe.Message, tc.field)
			}
		})
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Errorf("invalid input sent %d requests; want none", n)
	}
	// The limit counts characters, not bytes.
	cyr := strings.Repeat("ж", yandexpay.MaxOrderIDLength)
	e.srv.AddOrder(yandexpaytest.Order{OrderID: cyr})
	if _, err := e.c.Status(ctx, payments.Ref{ID: cyr}); err != nil {
		t.Errorf("a %d-character Cyrillic id: %v", yandexpay.MaxOrderIDLength, err)
	}
}

func TestRequestTimeoutHeader(t *testing.T) {
	cases := []struct {
		name     string
		deadline time.Duration // 0: none
		def      time.Duration
		min, max int64
	}{
		{"NoDeadlineDefault", 0, 0, 10000, 10000},
		{"NoDeadlineConfigured", 0, 3 * time.Second, 3000, 3000},
		{"FromDeadline", 8 * time.Second, 0, 1000, 8000},
		{"FarDeadlineCappedAtDocumentedMaximum", time.Hour, 0, 10000, 10000},
		{"ShortDeadlineRaisedToMinimum", 800 * time.Millisecond, 0, 1000, 1000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := yandexpaytest.NewServer(nil)
			t.Cleanup(srv.Close)
			cfg := testConfig(srv, srv.APIKey(), nil)
			cfg.DefaultTimeout = tc.def
			c := mustClient(t, cfg)
			o := srv.AddOrder(yandexpaytest.Order{})
			ctx := context.Background()
			if tc.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.deadline)
				defer cancel()
			}
			if _, err := c.Status(ctx, payments.Ref{ID: o.OrderID}); err != nil {
				t.Fatal(err)
			}
			reqs := srv.Requests()
			ms, err := strconv.ParseInt(reqs[len(reqs)-1].Header.Get("X-Request-Timeout"), 10, 64)
			if err != nil || ms < tc.min || ms > tc.max {
				t.Errorf("X-Request-Timeout = %d (%v); want between %d and %d", ms, err, tc.min, tc.max)
			}
		})
	}
}

func TestNew(t *testing.T) {
	cases := []struct {
		name  string
		cfg   yandexpay.Config
		field string // "" means success
		want  string
	}{
		{"EmptyKey", yandexpay.Config{}, "APIKey", "empty"},
		{"KeyWithNewline", yandexpay.Config{APIKey: "a\nb"}, "APIKey", "line break"},
		{"NegativeTimeout", yandexpay.Config{APIKey: "k", DefaultTimeout: -time.Second}, "DefaultTimeout", "negative"},
		{"TimeoutBelowMinimum", yandexpay.Config{APIKey: "k", DefaultTimeout: 500 * time.Millisecond}, "DefaultTimeout", "minimum"},
		{"TimeoutAboveDocumentedMaximum", yandexpay.Config{APIKey: "k", DefaultTimeout: 15 * time.Second}, "DefaultTimeout", "above 10s"},
		{"PlainHTTPElsewhere", yandexpay.Config{APIKey: "k", HTTPOptions: payments.HTTPOptions{BaseURL: "http://example.com/api/merchant"}}, "BaseURL", "loopback"},
		{"NegativeRetries", yandexpay.Config{APIKey: "k", HTTPOptions: payments.HTTPOptions{RetryWaitMax: -time.Second}}, "RetryWaitMax", "negative"},
		{"Production", yandexpay.Config{APIKey: "k"}, "", ""},
		{"Sandbox", yandexpay.Config{APIKey: "k", Sandbox: true}, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := yandexpay.New(tc.cfg)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				_ = c.Close()
				return
			}
			var pe *payments.Error
			if !errors.As(err, &pe) {
				t.Fatalf("New: %v (%T); want a *payments.Error", err, err)
			}
			if pe.Code != payments.CodeInvalidArgument || pe.Op != payments.OpNew || pe.Field != tc.field || !strings.Contains(pe.Message, tc.want) {
				t.Fatalf("New: code %s, op %q, field %q, message %q; want InvalidArgument, new, %q, a message containing %q",
					pe.Code, pe.Op, pe.Field, pe.Message, tc.field, tc.want)
			}
		})
	}
}

func TestSecretsNeverShown(t *testing.T) {
	const key = "super-secret-api-key-7f3a9c"
	srv := yandexpaytest.NewServer(&yandexpaytest.Options{APIKey: key})
	t.Cleanup(srv.Close)
	logger, logs := testlog.New(slog.LevelDebug)
	cfg := testConfig(srv, key, logger)
	c := mustClient(t, cfg)
	bad := mustClient(t, testConfig(srv, "wrong-"+key, logger))
	o := srv.AddOrder(yandexpaytest.Order{})
	ctx := ctxT(t)
	var texts []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		texts = append(texts, fmt.Sprintf(verb, cfg), fmt.Sprintf(verb, &cfg), fmt.Sprintf(verb, c))
	}
	_, err := bad.Capture(ctx, payments.Ref{ID: o.OrderID}, nil)
	wantCode(t, err, payments.CodeUnauthenticated)
	texts = append(texts, err.Error(), fmt.Sprintf("%+v", err))
	srv.InjectFault(fault.Fault{Kind: fault.ServerError, Action: yandexpaytest.ActionCapture, Times: 100})
	_, err = c.Capture(ctx, payments.Ref{ID: o.OrderID}, nil)
	wantCode(t, err, payments.CodeOutcomeUnknown)
	texts = append(texts, err.Error(), logs.String())
	for _, text := range texts {
		if strings.Contains(text, key) || strings.Contains(text, "wrong-"+key) {
			t.Errorf("the API key leaked into %q", text)
		}
	}
	if !strings.Contains(logs.String(), "capture") {
		t.Error("the logs are empty: the leak check above would prove nothing")
	}
}

func TestClientNotMadeByNewFailsCleanly(t *testing.T) {
	var zero yandexpay.Client
	var nilClient *yandexpay.Client
	ref := payments.Ref{ID: "order-1"}
	for _, c := range []*yandexpay.Client{&zero, nilClient} {
		calls := map[string]func() error{
			"Capture": func() error { _, err := c.Capture(context.Background(), ref, nil); return err },
			"Status":  func() error { _, err := c.Status(context.Background(), ref); return err },
			"Operation": func() error {
				_, err := c.Operation(context.Background(), ref, "op")
				return err
			},
		}
		for name, call := range calls {
			err := call()
			if payments.CodeOf(err) != payments.CodeFailedPrecondition || !strings.Contains(fmt.Sprint(err), "not created by yandexpay.New") {
				t.Errorf("%s on %s: err = %v; want FailedPrecondition naming yandexpay.New", name, c, err)
			}
		}
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
}

// TestClientValueNeverShowsKey: a Client value (not a pointer), printed on
// its own or inside a struct with any verb, never shows the API key.
func TestClientValueNeverShowsKey(t *testing.T) {
	const key = "value-printed-secret-key-5521"
	srv := yandexpaytest.NewServer(&yandexpaytest.Options{APIKey: key})
	t.Cleanup(srv.Close)
	c := mustClient(t, testConfig(srv, key, nil))
	holder := struct {
		Name   string
		Client yandexpay.Client
	}{"shop", *c}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
		for _, v := range []any{*c, holder, &holder} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, key) {
				t.Errorf("%s of %T shows the key: %s", verb, v, out)
			}
		}
	}
}

// TestAPIKeyWithSurroundingWhitespaceRefused: net/http trims a header value
// on the wire, so a key with spaces around it would reach Yandex Pay (and
// come back in an echo) in a form redaction does not look for.
func TestAPIKeyWithSurroundingWhitespaceRefused(t *testing.T) {
	for _, key := range []string{"sk-spaced-4471 ", " sk-spaced-4471", "\tsk-spaced-4471\t"} {
		_, err := yandexpay.New(yandexpay.Config{APIKey: payments.Secret(key), HTTPOptions: payments.HTTPOptions{BaseURL: "http://127.0.0.1:1"}})
		if err == nil {
			t.Errorf("New accepted the API key %q", key)
			continue
		}
		if strings.Contains(err.Error(), strings.TrimSpace(key)) {
			t.Errorf("the error shows the key: %v", err)
		}
		if !strings.Contains(err.Error(), "whitespace") {
			t.Errorf("the error does not say what is wrong: %v", err)
		}
	}
}
