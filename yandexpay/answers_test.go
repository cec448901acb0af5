package yandexpay_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// gateway500 is the answer of a gateway that failed between the adapter and
// Yandex Pay: the adapter cannot tell from it whether the backend acted.
const gateway500 = `{"code":500,"status":"fail","reasonCode":"INTERNAL_ERROR","reason":"upstream failed"}`

// failingGateway puts a proxy in front of srv that answers 500 to every POST
// whose path ends with suffix. With forward set the request reaches srv
// first (the backend acted, the gateway lost its answer); without it, the
// request never gets there. Everything else passes through unchanged.
func failingGateway(t *testing.T, srv *yandexpaytest.Server, suffix string, forward bool) string {
	t.Helper()
	h := srv.Handler()
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.EscapedPath(), suffix) {
			h.ServeHTTP(w, r)
			return
		}
		if forward {
			h.ServeHTTP(httptest.NewRecorder(), r)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(gateway500))
	}))
	t.Cleanup(gw.Close)
	return gw.URL + "/api/merchant"
}

// TestWriteAnswered5xxIsSettled: a write whose every answer is a 5xx may
// still have acted (a gateway fails after the backend did its work). The
// adapter must read the operation (or, for rollback, the order) instead of
// reporting Unavailable, "did not happen", for a capture that happened; and
// when the read shows nothing happened yet, the answer is OutcomeUnknown with
// the key: a gateway may still hand the write on, so nothing is proven.
func TestWriteAnswered5xxIsSettled(t *testing.T) {
	type action struct {
		name   string
		seed   string // raw status of the order
		suffix string // path suffix of the write
		count  string // emulator action that counts it
		run    func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) (*payments.Result, error)
		after  status.Status
	}
	actions := []action{
		{"Capture", "AUTHORIZED", "/capture", yandexpaytest.ActionCapture, func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) (*payments.Result, error) {
			return c.Capture(ctx, ref, nil)
		}, status.Captured},
		{"Void", "AUTHORIZED", "/cancel", yandexpaytest.ActionCancel, func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) (*payments.Result, error) {
			return c.Void(ctx, ref, nil)
		}, status.Voided},
		{"Refund", "CAPTURED", "/refund", yandexpaytest.ActionRefund, func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) (*payments.Result, error) {
			return c.Refund(ctx, ref, &payments.RefundOptions{Amount: rub(2000), Cart: cartOf(8000)})
		}, status.PartiallyRefunded},
		// Each leg of the composed Rollback keeps its write's settling.
		{"RollbackStop", "PENDING", "/rollback", yandexpaytest.ActionRollback, func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) (*payments.Result, error) {
			return c.Rollback(ctx, ref, nil)
		}, status.Failed},
		{"RollbackCancel", "AUTHORIZED", "/cancel", yandexpaytest.ActionCancel, func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) (*payments.Result, error) {
			return c.Rollback(ctx, ref, nil)
		}, status.Voided},
		{"RollbackRefund", "CAPTURED", "/refund", yandexpaytest.ActionRefund, func(ctx context.Context, c *yandexpay.Client, ref payments.Ref) (*payments.Result, error) {
			return c.Rollback(ctx, ref, nil)
		}, status.Refunded},
	}
	for _, a := range actions {
		for _, forward := range []bool{true, false} {
			name := a.name + map[bool]string{true: "Applied", false: "NotApplied"}[forward]
			t.Run(name, func(t *testing.T) {
				srv := yandexpaytest.NewServer(&yandexpaytest.Options{APIKey: "gateway-test-key-7781"})
				t.Cleanup(srv.Close)
				o := srv.AddOrder(yandexpaytest.Order{Status: a.seed, Amount: 10000})
				cfg := testConfig(srv, srv.APIKey(), nil)
				cfg.BaseURL = failingGateway(t, srv, a.suffix, forward)
				c := mustClient(t, cfg)
				ctx := ctxT(t)
				res, err := a.run(ctx, c, payments.Ref{ID: o.OrderID})
				if err == nil && res.Pending {
					res, err = payments.Wait(ctx, c, res, &payments.WaitOptions{Interval: time.Millisecond})
				}
				n := srv.Count(o.OrderID, a.count)
				if !forward {
					if pe := wantCode(t, err, payments.CodeOutcomeUnknown); pe.IdempotencyKey == "" {
						t.Errorf("an unknown outcome without the idempotency key to repeat it with: %v", err)
					}
					if n != 0 {
						t.Errorf("%s applied %d times behind a gateway that never forwarded it", a.name, n)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s applied behind a failing gateway: err = %v; want the success read back", a.name, err)
				}
				if n != 1 {
					t.Errorf("%s applied %d times; want 1", a.name, n)
				}
				if res.Status != a.after {
					t.Errorf("Result.Status = %s; want %s", res.Status, a.after)
				}
			})
		}
	}
}

// cannedServer answers every request with fn's status and body.
func cannedServer(t *testing.T, fn func(r *http.Request) (int, string)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, body := fn(r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/merchant"
}

// TestProviderTextNeverCarriesTheKey: whatever Yandex Pay (or a proxy) puts
// into a reasonCode, reason, operation status or type, no part of the key
// reaches the error — not even the head of a key that a length cap cut in
// two.
func TestProviderTextNeverCarriesTheKey(t *testing.T) {
	const key = "leaky-key-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789"
	notFound := `{"code":404,"status":"fail","reasonCode":"OPERATION_NOT_FOUND","reason":"no such operation"}`
	cases := []struct {
		name string
		code int
		body string // answer to the capture
		op   string // answer to GET /v1/operations/...
	}{
		{"ReasonCutInsideTheKey", 400, `{"code":400,"status":"fail","reasonCode":"BAD_REQUEST","reason":"` + strings.Repeat("r", 240) + key + `"}`, notFound},
		{"ReasonCodeCutInsideTheKey", 400, `{"code":400,"status":"fail","reasonCode":"` + strings.Repeat("C", 50) + key + `","reason":"r"}`, notFound},
		{"FailedOperationReason", 200, `{"code":200,"status":"success","data":{"operation":{"orderId":"o","operationType":"CAPTURE","status":"FAIL","reason":"declined for ` + key + `"}}}`, notFound},
		{"UnknownOperationStatus", 200, `{"code":200,"status":"success","data":{"operation":{"orderId":"o","operationType":"CAPTURE","status":"` + key + `"}}}`, notFound},
		{"DuplicateOfOtherType", 409, `{"code":409,"status":"fail","reasonCode":"DUPLICATE_EXTERNAL_OPERATION_ID","reason":"used"}`,
			`{"code":200,"status":"success","data":{"operation":{"orderId":"o","operationType":"` + key + `","status":"SUCCESS"}}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := cannedServer(t, func(r *http.Request) (int, string) {
				if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/orders/") {
					return 200, orderJSON("o", "AUTHORIZED", "100.00")
				}
				if strings.Contains(r.URL.Path, "/operations/") {
					if strings.Contains(tc.op, `"success"`) {
						return 200, tc.op
					}
					return 404, tc.op
				}
				return tc.code, tc.body
			})
			c := mustClient(t, yandexpay.Config{APIKey: key, HTTPOptions: payments.HTTPOptions{BaseURL: base, MaxRetries: -1}})
			_, err := c.Capture(ctxT(t), payments.Ref{ID: "o"}, &payments.CaptureOptions{IdempotencyKey: "k-1"})
			var pe *payments.Error
			if !errors.As(err, &pe) || pe.Message == "" {
				t.Fatalf("err = %v; want a *payments.Error with a message", err)
			}
			text := err.Error() + " " + pe.ProviderCode + " " + pe.Message
			for n := 8; n <= len(key); n += 4 {
				if strings.Contains(text, key[:n]) {
					t.Fatalf("the first %d characters of the key leaked into %q", n, text)
				}
			}
		})
	}
}

// TestWriteAnswerForAnotherOperationIsNotSuccess: a success answer whose
// operation names another order or another externalOperationId is not the
// outcome of this write (a confused proxy or cache), so it must not be
// reported as success; the write is settled by reading its own operation.
func TestWriteAnswerForAnotherOperationIsNotSuccess(t *testing.T) {
	cases := []struct{ name, op string }{
		{"OtherOrder", `{"orderId":"someone-else","externalOperationId":"k-1","operationType":"CAPTURE","status":"SUCCESS"}`},
		{"OtherKey", `{"orderId":"o","externalOperationId":"k-other","operationType":"CAPTURE","status":"SUCCESS"}`},
		{"OtherType", `{"orderId":"o","externalOperationId":"k-1","operationType":"REFUND","status":"SUCCESS"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := cannedServer(t, func(r *http.Request) (int, string) {
				if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/orders/") {
					return 200, orderJSON("o", "AUTHORIZED", "100.00")
				}
				if strings.Contains(r.URL.Path, "/operations/") {
					return 404, `{"code":404,"status":"fail","reasonCode":"OPERATION_NOT_FOUND","reason":"no such operation"}`
				}
				return 200, `{"code":200,"status":"success","data":{"operation":` + tc.op + `}}`
			})
			c := mustClient(t, yandexpay.Config{APIKey: "another-op-key-1234", HTTPOptions: payments.HTTPOptions{BaseURL: base, MaxRetries: -1}})
			res, err := c.Capture(ctxT(t), payments.Ref{ID: "o"}, &payments.CaptureOptions{IdempotencyKey: "k-1"})
			if err == nil {
				t.Fatalf("capture answered with %s reported success (%+v)", tc.op, res)
			}
			wantCode(t, err, payments.CodeOutcomeUnknown)
		})
	}
}

// TestWriteWithUnknownOperationStatusIsOutcomeUnknown: Yandex Pay accepted
// the write and created its operation, but in a status the adapter does not
// know (a new value, say "PROCESSING"). The money may move, so the caller
// must hear OutcomeUnknown, never a plain failure that invites a second
// refund under a new key.
func TestWriteWithUnknownOperationStatusIsOutcomeUnknown(t *testing.T) {
	op := `{"code":200,"status":"success","data":{"operation":{"orderId":"o","externalOperationId":"k-1","operationType":"REFUND","status":"PROCESSING"}}}`
	order := `{"code":200,"status":"success","data":{"order":{"orderId":"o","orderAmount":"100.00","currencyCode":"RUB","paymentStatus":"CAPTURED"}}}`
	base := cannedServer(t, func(r *http.Request) (int, string) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/orders/") {
			return 200, order
		}
		return 200, op
	})
	c := mustClient(t, yandexpay.Config{APIKey: "unknown-op-status-key-1", HTTPOptions: payments.HTTPOptions{BaseURL: base, MaxRetries: -1}})
	_, err := c.Refund(ctxT(t), payments.Ref{ID: "o"}, &payments.RefundOptions{Amount: rub(5000), Cart: cartOf(5000), IdempotencyKey: "k-1"})
	pe := wantCode(t, err, payments.CodeOutcomeUnknown)
	if !strings.Contains(pe.Message, "PROCESSING") {
		t.Errorf("Message = %q; want it to name the unknown status", pe.Message)
	}
}

// answerFunc is an in-process http.RoundTripper: the fuzz target answers
// without sockets, so thousands of answers a second reach the adapter.
type answerFunc func(*http.Request) (int, []byte)

func (f answerFunc) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	code, body := f(r)
	return &http.Response{
		StatusCode:    code,
		Status:        http.StatusText(code),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       r,
	}, nil
}

// FuzzAnswers feeds arbitrary answers to every action: the envelope, order
// and operation parsing, the reasonCode and HTTP classification, and the
// settling reads behind them. Order reads and writes get code and body,
// operation reads opBody. Whatever comes back, no call panics, each returns
// a Result or a *payments.Error with a message, and no error shows the key.
func FuzzAnswers(f *testing.F) {
	const key = "fuzz-answers-key-0123456789abcdef"
	order := `{"code":200,"status":"success","data":{"order":{"orderId":"o","orderAmount":"100.00","currencyCode":"RUB","paymentStatus":"CAPTURED","created":"2024-01-02T03:04:05Z"},"operations":[]}}`
	op := `{"code":200,"status":"success","data":{"operation":{"operationId":"x","externalOperationId":"k-1","orderId":"o","operationType":"CAPTURE","status":"SUCCESS"}}}`
	seeds := []struct {
		code       uint16
		body, opBd string
	}{
		{200, order, op},
		{200, op, op},
		{200, `{"code":200,"status":"success","data":{}}`, `{"code":200,"status":"success","data":{"operation":{"status":"PENDING"}}}`},
		{400, `{"code":400,"status":"fail","reasonCode":"ORDER_HAS_WRONG_STATUS","reason":"no"}`, `{"code":200,"status":"success","data":{"operation":{"orderId":"o","status":"FAIL","reason":"` + key + `"}}}`},
		{409, `{"code":409,"status":"fail","reasonCode":"DUPLICATE_EXTERNAL_OPERATION_ID","reason":"` + key + `"}`, op},
		{429, `{"code":429,"status":"fail","reasonCode":"TOO_MANY_REQUESTS"}`, `null`},
		{500, `<html>` + key + `</html>`, `{"status":"success","data":{"operation":null}}`},
		{200, `{"code":200,"status":"success","data":{"order":{"orderAmount":-1,"paymentStatus":null}}}`, `{"data":[]}`},
		{200, `{"code":200,"status":"success","data":{"order":{"orderAmount":1e400,"currencyCode":7}}}`, ``},
		{302, ``, `{"status":"fail"}`},
		{299, `{"status":"fail","reasonCode":"TOO_MANY_REQUESTS"}`, `{"status":"fail","reasonCode":"X"}`},
	}
	for _, s := range seeds {
		f.Add(s.code, []byte(s.body), []byte(s.opBd))
	}
	f.Fuzz(func(t *testing.T, code uint16, body, opBody []byte) {
		if code < 200 || code > 599 {
			code = 200 + code%400
		}
		answer := answerFunc(func(r *http.Request) (int, []byte) {
			if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/operations/") {
				return http.StatusOK, opBody
			}
			return int(code), body
		})
		c, err := yandexpay.New(yandexpay.Config{
			APIKey:      key,
			HTTPOptions: payments.HTTPOptions{BaseURL: "http://127.0.0.1/api/merchant", HTTPClient: &http.Client{Transport: answer}, MaxRetries: -1},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ref := payments.Ref{ID: "o"}
		calls := []struct {
			name string
			run  func() (any, error)
		}{
			{"Status", func() (any, error) { return c.Status(ctx, ref) }},
			{"Capture", func() (any, error) { return c.Capture(ctx, ref, &payments.CaptureOptions{IdempotencyKey: "k-1"}) }},
			{"PartialCapture", func() (any, error) {
				return c.Capture(ctx, ref, &payments.CaptureOptions{Amount: rub(5000), Cart: cartOf(5000)})
			}},
			{"Void", func() (any, error) { return c.Void(ctx, ref, nil) }},
			{"Refund", func() (any, error) { return c.Refund(ctx, ref, nil) }},
			{"Rollback", func() (any, error) { return c.Rollback(ctx, ref, nil) }},
			{"Operation", func() (any, error) { return c.Operation(ctx, ref, "k-1") }},
		}
		for _, call := range calls {
			res, err := call.run()
			if err == nil {
				if res == nil {
					t.Fatalf("%s: nil result and nil error", call.name)
				}
				continue
			}
			var pe *payments.Error
			if !errors.As(err, &pe) || pe.Message == "" {
				t.Fatalf("%s: err = %v (%T); want a *payments.Error with a message", call.name, err, err)
			}
			if strings.Contains(err.Error(), key) {
				t.Fatalf("%s: the key leaked into %q", call.name, err)
			}
		}
	})
}

// TestReusedKeyOtherAmountRefusedByOperationRecord: a second client (which
// does not remember the first's keys) refunds 50.00 under the key of a
// 30.00 refund. Yandex Pay answers with the first operation (still PENDING)
// or DUPLICATE_EXTERNAL_OPERATION_ID; either way its record's amount differs,
// so the refund is refused naming the amounts, never reported as done.
func TestReusedKeyOtherAmountRefusedByOperationRecord(t *testing.T) {
	for _, async := range []bool{false, true} {
		t.Run(map[bool]string{false: "Completed", true: "StillPending"}[async], func(t *testing.T) {
			srv := yandexpaytest.NewServer(nil)
			t.Cleanup(srv.Close)
			srv.SetAsync(async)
			o := srv.AddOrder(yandexpaytest.Order{Status: "CAPTURED", Amount: 50000})
			ref := payments.Ref{ID: o.OrderID}
			ctx := ctxT(t)
			const key = "refund-reused-7"
			first := mustClient(t, testConfig(srv, srv.APIKey(), nil))
			if _, err := first.Refund(ctx, ref, &payments.RefundOptions{Amount: rub(3000), Cart: cartOf(47000), IdempotencyKey: key}); err != nil {
				t.Fatalf("first refund: %v", err)
			}
			second := mustClient(t, testConfig(srv, srv.APIKey(), nil))
			// The cart fits what the second client will read as remaining,
			// so only the key's record can refuse the refund.
			now, _ := srv.Order(o.OrderID)
			res, err := second.Refund(ctx, ref, &payments.RefundOptions{Amount: rub(5000), Cart: cartOf(now.Amount - now.RefundedAmount - 5000), IdempotencyKey: key})
			if err == nil {
				t.Fatalf("a refund of 50.00 under the key of a 30.00 refund succeeded: %+v", res)
			}
			pe := wantCode(t, err, payments.CodeInvalidArgument)
			if !strings.Contains(pe.Message, "amount 30.00") || !strings.Contains(pe.Message, "50.00") {
				t.Errorf("the refusal does not name the amounts: %v", err)
			}
			if n := srv.Count(o.OrderID, yandexpaytest.ActionRefund); n > 1 {
				t.Errorf("refunds applied %d times", n)
			}
			if ops := srv.Operations(o.OrderID); len(ops) != 1 {
				t.Errorf("%d operations on the order; want only the first refund", len(ops))
			}
		})
	}
}
