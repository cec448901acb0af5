package yandexpay_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/status"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// startReq is a valid request for orderID: 2 × 150.00 + 99.99 RUB.
func startReq(orderID string) *payments.StartRequest {
	return &payments.StartRequest{
		OrderID: orderID,
		Cart: payments.Cart{
			Items: []payments.CartItem{
				{ID: "tea", Title: "Tea", Quantity: 2, UnitPrice: *rub(15000), Total: *rub(30000)},
				{ID: "cup", Title: "Cup", Quantity: 1, Total: *rub(9999)},
			},
			Total: *rub(39999),
		},
		Redirects: payments.Redirects{OnSuccess: "https://shop.example/ok", OnError: "https://shop.example/error"},
		TTL:       10 * time.Minute,
	}
}

func TestStartThenPayThenCapture(t *testing.T) {
	e := newEnv(t, nil)
	ctx := ctxT(t)
	before := time.Now()
	res, err := payments.Start(ctx, e.c, startReq("order-1"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Ref.ID != "order-1" || res.Status != status.Pending || res.Existing || !strings.HasPrefix(res.PaymentURL, e.srv.PageURL()+"/") {
		t.Fatalf("Start = %+v", res)
	}
	if res.ExpiresAt.Before(before.Add(10*time.Minute)) || res.ExpiresAt.After(time.Now().Add(10*time.Minute)) {
		t.Fatalf("ExpiresAt %s is not the ttl after the start", res.ExpiresAt)
	}
	// What went on the wire: decimal strings, the ttl in seconds, the default method.
	sent := posts(e.srv, "/v1/orders")
	if len(sent) != 1 {
		t.Fatalf("%d creation requests, want 1", len(sent))
	}
	var body map[string]any
	if err := json.Unmarshal(sent[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	cart, _ := json.Marshal(body["cart"])
	if body["orderId"] != "order-1" || body["currencyCode"] != "RUB" || body["ttl"] != float64(600) ||
		!strings.Contains(string(cart), `"total":{"amount":"399.99"}`) || !strings.Contains(string(cart), `"count":"2"`) ||
		!strings.Contains(string(cart), `"unitPrice":"150.00"`) {
		t.Fatalf("creation body: %s", sent[0].Body)
	}
	if m, _ := json.Marshal(body["availablePaymentMethods"]); string(m) != `["CARD"]` {
		t.Fatalf("availablePaymentMethods = %s, want the default [\"CARD\"]", m)
	}

	if err := e.srv.Pay("order-1"); err != nil {
		t.Fatal(err)
	}
	pay, err := e.c.Status(ctx, res.Ref)
	if err != nil || pay.Status != status.Authorized || pay.Amount != *rub(39999) {
		t.Fatalf("Status after paying: %+v, %v", pay, err)
	}
	captured, err := e.c.Capture(ctx, res.Ref, nil)
	if err != nil || captured.Status != status.Captured {
		t.Fatalf("Capture: %+v, %v", captured, err)
	}
}

func TestStartRepeatReturnsTheSameOrder(t *testing.T) {
	e := newEnv(t, nil)
	ctx := ctxT(t)
	first, err := e.c.Start(ctx, startReq("order-2"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.c.Start(ctx, startReq("order-2"))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Existing || again.PaymentURL != first.PaymentURL || again.Status != status.Pending || again.ExpiresAt.IsZero() {
		t.Fatalf("repeat = %+v; want the first order (%s)", again, first.PaymentURL)
	}
	if n := len(posts(e.srv, "/v1/orders")); n != 1 {
		t.Fatalf("%d creation requests, want 1: a repeat reads the order instead", n)
	}
	// Paid meanwhile: the repeat says so, and creates nothing.
	if err := e.srv.Pay("order-2"); err != nil {
		t.Fatal(err)
	}
	paid, err := e.c.Start(ctx, startReq("order-2"))
	if err != nil || paid.Status != status.Authorized || !paid.Existing {
		t.Fatalf("repeat after paying: %+v, %v", paid, err)
	}
	// Another cart under the same order id is refused, saying so.
	other := startReq("order-2")
	other.Cart.Items[1].Total, other.Cart.Total = *rub(10000), *rub(40000)
	_, err = e.c.Start(ctx, other)
	wantCode(t, err, payments.CodeInvalidArgument)
	if !strings.Contains(err.Error(), "already names another order") || !strings.Contains(err.Error(), "cart total") {
		t.Fatalf("error does not say the order id names another cart: %v", err)
	}
	// The same lines in another currency are another order too.
	usd := startReq("order-2")
	for i := range usd.Cart.Items {
		usd.Cart.Items[i].Total.Currency, usd.Cart.Items[i].UnitPrice = "USD", payments.Money{}
	}
	usd.Cart.Total.Currency = "USD"
	_, err = e.c.Start(ctx, usd)
	wantCode(t, err, payments.CodeInvalidArgument)
	if !strings.Contains(err.Error(), "currency is RUB") {
		t.Fatalf("error does not name the currency: %v", err)
	}
	if n := e.srv.Count("order-2", yandexpaytest.ActionCreate); n != 1 {
		t.Fatalf("created %d times, want 1", n)
	}
}

func TestStartRefusesBadRequestsBeforeSending(t *testing.T) {
	e := newEnv(t, nil)
	with := func(f func(r *payments.StartRequest)) *payments.StartRequest {
		r := startReq("order-x")
		f(r)
		return r
	}
	cases := []struct {
		name string
		req  *payments.StartRequest
		want string
	}{
		{"nil request", nil, "nil *StartRequest"},
		{"no order id", with(func(r *payments.StartRequest) { r.OrderID = "" }), "req.OrderID is empty"},
		{"order id with a newline", with(func(r *payments.StartRequest) { r.OrderID = "order\nx" }), "req.OrderID"},
		{"order id with a NUL", with(func(r *payments.StartRequest) { r.OrderID = "order\x00x" }), "req.OrderID"},
		{"order id with DEL", with(func(r *payments.StartRequest) { r.OrderID = "order\x7fx" }), "req.OrderID"},
		{"order id not UTF-8", with(func(r *payments.StartRequest) { r.OrderID = "order\xffx" }), "req.OrderID"},
		{"order id too long", with(func(r *payments.StartRequest) {
			r.OrderID = strings.Repeat("z", yandexpay.MaxOrderIDLength+1)
		}), "req.OrderID"},
		{"order id dot-dot", with(func(r *payments.StartRequest) { r.OrderID = ".." }), "req.OrderID"},
		{"total not the sum", with(func(r *payments.StartRequest) { r.Cart.Total = *rub(40000) }), "not the sum of its items"},
		{"unit price with three decimals", with(func(r *payments.StartRequest) {
			r.Cart.Items = []payments.CartItem{{ID: "a", Title: "A", Quantity: 3, Total: *rub(10000)}}
			r.Cart.Total = *rub(10000)
		}), "more than two decimals"},
		{"below 1 RUB", with(func(r *payments.StartRequest) {
			r.Cart.Items = []payments.CartItem{{ID: "a", Title: "A", Quantity: 1, Total: *rub(50)}}
			r.Cart.Total = *rub(50)
		}), "minimum order of 1.00 RUB"},
		{"no success URL", with(func(r *payments.StartRequest) { r.Redirects.OnSuccess = "" }), "OnSuccess"},
		{"relative error URL", with(func(r *payments.StartRequest) { r.Redirects.OnError = "/error" }), "OnError"},
		{"ttl too short", with(func(r *payments.StartRequest) { r.TTL = time.Minute }), "req.TTL"},
		{"ttl too long", with(func(r *payments.StartRequest) { r.TTL = 25 * time.Hour }), "req.TTL"},
		{"ttl not whole seconds", with(func(r *payments.StartRequest) { r.TTL = 200*time.Second + time.Millisecond }), "req.TTL"},
		{"lower-case method", with(func(r *payments.StartRequest) { r.PaymentMethods = []string{"card"} }), "PaymentMethods[0]"},
		{"repeated method", with(func(r *payments.StartRequest) { r.PaymentMethods = []string{"CARD", "CARD"} }), "PaymentMethods[1]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.Start(ctxT(t), tc.req)
			wantCode(t, err, payments.CodeInvalidArgument)
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent for invalid starts, want 0", n)
	}
}

func TestStartLostAnswerReadsTheOrder(t *testing.T) {
	for _, kind := range []fault.Kind{fault.ResetAfterApply, fault.TruncatedBody} {
		t.Run(kind.String(), func(t *testing.T) {
			e := newEnv(t, nil)
			e.srv.InjectFault(fault.Fault{Kind: kind, Action: yandexpaytest.ActionCreate, Times: 10})
			res, err := e.c.Start(ctxT(t), startReq("order-3"))
			if err != nil {
				t.Fatalf("a creation whose answer was lost: %v; want the order read back", err)
			}
			o, _ := e.srv.Order("order-3")
			if res.PaymentURL != o.PaymentURL || res.Status != status.Pending {
				t.Fatalf("Start = %+v; order link %s", res, o.PaymentURL)
			}
			if n := e.srv.Count("order-3", yandexpaytest.ActionCreate); n != 1 {
				t.Fatalf("created %d times, want 1", n)
			}
			// Every attempt was the same request: Yandex Pay's idempotency
			// of writes wants the same X-Request-Id on each.
			sent := posts(e.srv, "/v1/orders")
			for i, r := range sent {
				if r.Header.Get("X-Request-Id") != sent[0].Header.Get("X-Request-Id") || r.Header.Get("X-Request-Attempt") != strconv.Itoa(i) {
					t.Fatalf("attempt %d: X-Request-Id %q, X-Request-Attempt %q; want %q and %d",
						i, r.Header.Get("X-Request-Id"), r.Header.Get("X-Request-Attempt"), sent[0].Header.Get("X-Request-Id"), i)
				}
			}
			if len(sent) < 2 {
				t.Fatalf("%d attempts; the lost answer should have been retried", len(sent))
			}
		})
	}
}

func TestStartUnsettledIsOutcomeUnknownWithTheOrderID(t *testing.T) {
	srv := yandexpaytest.NewServer(&yandexpaytest.Options{APIKey: "unsettled-start-key-42"})
	t.Cleanup(srv.Close)
	// Every creation attempt is cut before an answer, and every order read
	// after the first fails: the start may or may not have happened.
	srv.InjectFault(fault.Fault{Kind: fault.ResetBeforeApply, Action: yandexpaytest.ActionCreate, Times: 4}) // every attempt (MaxRetries 3)
	h := srv.Handler()
	var reads atomic.Int32
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && reads.Add(1) > 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(gw.Close)
	cfg := testConfig(srv, srv.APIKey(), nil)
	cfg.BaseURL = gw.URL + "/api/merchant"
	c := mustClient(t, cfg)
	_, err := c.Start(ctxT(t), startReq("order-4"))
	pe := wantCode(t, err, payments.CodeOutcomeUnknown)
	if pe.IdempotencyKey != "order-4" || !strings.Contains(err.Error(), "Start again with the same OrderID") {
		t.Fatalf("got %v; want the order id as the key and how to settle it", err)
	}
	if _, ok := srv.Order("order-4"); ok {
		t.Fatal("the order exists although every creation was cut before it acted")
	}
	// Once the order can be read, starting again with the same request settles it.
	res, err := mustClient(t, testConfig(srv, srv.APIKey(), nil)).Start(ctxT(t), startReq("order-4"))
	if err != nil || res.PaymentURL == "" || srv.Count("order-4", yandexpaytest.ActionCreate) != 1 {
		t.Fatalf("repeat: %+v, %v", res, err)
	}
}

func TestStartGateway5xx(t *testing.T) {
	for _, forward := range []bool{true, false} {
		t.Run(map[bool]string{true: "Applied", false: "NotApplied"}[forward], func(t *testing.T) {
			srv := yandexpaytest.NewServer(&yandexpaytest.Options{APIKey: "gateway-start-key-1234"})
			t.Cleanup(srv.Close)
			cfg := testConfig(srv, srv.APIKey(), nil)
			cfg.BaseURL = failingGateway(t, srv, "/v1/orders", forward)
			c := mustClient(t, cfg)
			res, err := c.Start(ctxT(t), startReq("order-5"))
			if !forward {
				wantCode(t, err, payments.CodeUnavailable)
				return
			}
			if err != nil || res.PaymentURL == "" {
				t.Fatalf("created behind a failing gateway: %+v, %v; want the order read back", res, err)
			}
		})
	}
}

func TestStartCartRefusedByYandexPayNamesTheField(t *testing.T) {
	base := cannedServer(t, func(r *http.Request) (int, string) {
		if r.Method == http.MethodGet {
			return 404, `{"code":404,"status":"fail","reasonCode":"ORDER_NOT_FOUND","reason":"order not found"}`
		}
		return 400, `{"code":400,"status":"fail","reasonCode":"ORDER_CART_DATA_ERROR","reason":"invalid cart","details":{"field":"cart.items[1].total"}}`
	})
	c := mustClient(t, yandexpay.Config{APIKey: "canned-key-1234567", HTTPOptions: payments.HTTPOptions{BaseURL: base, MaxRetries: -1}})
	_, err := c.Start(ctxT(t), startReq("order-6"))
	wantCode(t, err, payments.CodeInvalidArgument)
	if !strings.Contains(err.Error(), "cart.items[1].total") || !strings.Contains(err.Error(), "ORDER_CART_DATA_ERROR") {
		t.Fatalf("error does not name the field: %v", err)
	}
}

// TestStartRepeatWhenTheReadCarriesNoLink: where an order read has no
// paymentUrl (Yandex Pay's order page does not promise one), a repeat gets
// the link by sending the same creation request again.
func TestStartRepeatWhenTheReadCarriesNoLink(t *testing.T) {
	srv := yandexpaytest.NewServer(&yandexpaytest.Options{APIKey: "no-link-key-123456"})
	t.Cleanup(srv.Close)
	h := srv.Handler()
	strip := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var env map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err == nil {
			if d, ok := env["data"].(map[string]any); ok {
				if o, ok := d["order"].(map[string]any); ok {
					delete(o, "paymentUrl")
				}
			}
		}
		w.WriteHeader(rec.Code)
		_ = json.NewEncoder(w).Encode(env)
	}))
	t.Cleanup(strip.Close)
	cfg := testConfig(srv, srv.APIKey(), nil)
	cfg.BaseURL = strip.URL + "/api/merchant"
	c := mustClient(t, cfg)
	first, err := c.Start(ctxT(t), startReq("order-7"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Start(ctxT(t), startReq("order-7"))
	if err != nil || again.PaymentURL != first.PaymentURL || !again.Existing {
		t.Fatalf("repeat = %+v, %v; want the first link %s", again, err, first.PaymentURL)
	}
	reqs := posts(srv, "/v1/orders")
	if len(reqs) != 2 || reqs[0].Header.Get("X-Request-Id") != reqs[1].Header.Get("X-Request-Id") || !bytes.Equal(reqs[0].Body, reqs[1].Body) {
		t.Fatalf("the repeat must resend the same request under the same X-Request-Id: %v", reqs)
	}
	if n := srv.Count("order-7", yandexpaytest.ActionCreate); n != 1 {
		t.Fatalf("created %d times, want 1", n)
	}
}

func TestStartAfterTheLinkExpired(t *testing.T) {
	e := newEnv(t, nil)
	ctx := ctxT(t)
	if _, err := e.c.Start(ctx, startReq("order-8")); err != nil {
		t.Fatal(err)
	}
	e.srv.Advance(11 * time.Minute)
	res, err := e.c.Start(ctx, startReq("order-8"))
	if err != nil || res.Status != status.Failed || !res.Existing {
		t.Fatalf("Start of an expired order: %+v, %v; want the order, Failed", res, err)
	}
}

// TestStartSendsMethodsAndRedirects: the payment methods and all three
// redirect URLs the app chose are what Yandex Pay is asked for.
func TestStartSendsMethodsAndRedirects(t *testing.T) {
	e := newEnv(t, nil)
	req := startReq("order-methods")
	req.PaymentMethods = []string{"CARD", "SPLIT"}
	req.Redirects.OnAbort = "https://shop.example/abort"
	if _, err := payments.Start(ctxT(t), e.c, req); err != nil {
		t.Fatal(err)
	}
	sent := posts(e.srv, "/v1/orders")
	if len(sent) != 1 {
		t.Fatalf("%d creation requests, want 1", len(sent))
	}
	var body struct {
		Methods   []string          `json:"availablePaymentMethods"`
		Redirects map[string]string `json:"redirectUrls"`
	}
	if err := json.Unmarshal(sent[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if strings.Join(body.Methods, ",") != "CARD,SPLIT" {
		t.Fatalf("availablePaymentMethods = %v, want [CARD SPLIT]", body.Methods)
	}
	want := map[string]string{"onSuccess": "https://shop.example/ok", "onError": "https://shop.example/error", "onAbort": "https://shop.example/abort"}
	if len(body.Redirects) != len(want) {
		t.Fatalf("redirectUrls = %v, want %v", body.Redirects, want)
	}
	for k, v := range want {
		if body.Redirects[k] != v {
			t.Fatalf("redirectUrls = %v, want %v", body.Redirects, want)
		}
	}
}
