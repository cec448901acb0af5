package yandexpaytest_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// orderBody is a valid creation request for id, with the cart given as JSON.
func orderBody(id, cart string, extra ...string) string {
	fields := []string{
		`"orderId":` + quote(id),
		`"currencyCode":"RUB"`,
		`"cart":` + cart,
		`"redirectUrls":{"onSuccess":"https://shop.example/ok","onError":"https://shop.example/err"}`,
		`"availablePaymentMethods":["CARD"]`,
	}
	return "{" + strings.Join(append(fields, extra...), ",") + "}"
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

const twoItems = `{"items":[{"productId":"p1","title":"Tea","quantity":{"count":"2"},"total":"300.00","unitPrice":"150.00"},` +
	`{"productId":"p2","title":"Cup","quantity":{"count":"1"},"total":"99.99"}],"total":{"amount":"399.99"}}`

func (c *client) create(body, requestID string) answer {
	c.t.Helper()
	return c.must(req{method: http.MethodPost, path: "/v1/orders", body: body, header: map[string]string{"X-Request-Id": requestID}})
}

func paymentURL(t *testing.T, a answer) string {
	t.Helper()
	expectOK(t, a)
	var d struct {
		PaymentURL string `json:"paymentUrl"`
	}
	if err := json.Unmarshal(a.Env.Data, &d); err != nil || d.PaymentURL == "" {
		t.Fatalf("no paymentUrl: %v: %s", err, a.Raw)
	}
	return d.PaymentURL
}

func TestCreateOrder(t *testing.T) {
	s, c := newClient(t, nil)
	u := paymentURL(t, c.create(orderBody("o-1", twoItems, `"ttl":600`), "r-1"))
	if !strings.HasPrefix(u, s.PageURL()+"/pay/") || strings.HasPrefix(u, s.URL) {
		t.Fatalf("paymentUrl %q is not on the page listener %s", u, s.PageURL())
	}
	o := mustOrder(t, s, "o-1")
	if o.Status != yandexpaytest.StatusPending || o.Amount != 39999 || o.Cart == nil || len(o.Cart.Items) != 2 || o.Cart.Items[0].Count != 2 {
		t.Fatalf("stored order %+v", o)
	}
	if d := o.ExpiresAt.Sub(o.Created); d != 600*time.Second {
		t.Fatalf("ExpiresAt - Created = %s, want the ttl 600s", d)
	}
	var read struct {
		Order struct {
			PaymentStatus string          `json:"paymentStatus"`
			OrderAmount   string          `json:"orderAmount"`
			PaymentURL    string          `json:"paymentUrl"`
			Cart          json.RawMessage `json:"cart"`
		} `json:"order"`
	}
	a := c.getOrder("o-1")
	if err := json.Unmarshal(a.Env.Data, &read); err != nil {
		t.Fatal(err)
	}
	if read.Order.PaymentStatus != "PENDING" || read.Order.OrderAmount != "399.99" || read.Order.PaymentURL != u ||
		!strings.Contains(string(read.Order.Cart), `"productId":"p2"`) || !strings.Contains(string(read.Order.Cart), `"count":"2"`) {
		t.Fatalf("order read: %s", a.Raw)
	}

	// The same request id and body: the first answer again, nothing new.
	if again := paymentURL(t, c.create(orderBody("o-1", twoItems, `"ttl":600`), "r-1")); again != u {
		t.Fatalf("repeat answered %q, want %q", again, u)
	}
	// The same order under a new request id: the same link.
	if again := paymentURL(t, c.create(orderBody("o-1", twoItems), "r-2")); again != u {
		t.Fatalf("same order, new request id: %q, want %q", again, u)
	}
	if n := s.Count("o-1", yandexpaytest.ActionCreate); n != 1 {
		t.Fatalf("created %d times, want 1", n)
	}
	// The same order id with another cart is refused.
	other := `{"items":[{"productId":"p1","title":"Tea","quantity":{"count":"1"},"total":"150.00"}],"total":{"amount":"150.00"}}`
	expectFail(t, c.create(orderBody("o-1", other), "r-3"), http.StatusConflict, yandexpaytest.ReasonOrderAlreadyExists)
	if o := mustOrder(t, s, "o-1"); o.Amount != 39999 {
		t.Fatalf("a refused repeat changed the order: %+v", o)
	}
}

func TestCreateOrderRefusals(t *testing.T) {
	_, c := newClient(t, nil)
	item := func(id, count, total string) string {
		return `{"productId":"` + id + `","title":"T","quantity":{"count":"` + count + `"},"total":"` + total + `"}`
	}
	cart := func(total string, items ...string) string {
		return `{"items":[` + strings.Join(items, ",") + `],"total":{"amount":"` + total + `"}}`
	}
	cases := []struct {
		name, body, reason, field string
	}{
		{"unit price with three decimals", orderBody("x", cart("100.00", item("a", "3", "100.00"))), yandexpaytest.ReasonCartData, "cart.items[0].total"},
		{"total not the sum", orderBody("x", cart("150.00", item("a", "1", "100.00"), item("b", "1", "40.00"))), yandexpaytest.ReasonCartData, "cart.total.amount"},
		{"below the minimum", orderBody("x", cart("0.50", item("a", "1", "0.50"))), yandexpaytest.ReasonCartData, "cart.total.amount"},
		{"repeated product", orderBody("x", cart("2.00", item("a", "1", "1.00"), item("a", "1", "1.00"))), yandexpaytest.ReasonCartData, "cart.items[1].productId"},
		{"fractional count", orderBody("x", cart("1.00", item("a", "0.5", "1.00"))), yandexpaytest.ReasonCartData, "cart.items[0].quantity.count"},
		{"amount as a number", orderBody("x", `{"items":[{"productId":"a","title":"T","quantity":{"count":"1"},"total":1.0}],"total":{"amount":"1.00"}}`), yandexpaytest.ReasonCartData, "cart.items[0].total"},
		{"no items", orderBody("x", cart("1.00")), yandexpaytest.ReasonCartData, "cart.items"},
		{"ttl too short", orderBody("x", cart("1.00", item("a", "1", "1.00")), `"ttl":60`), yandexpaytest.ReasonBadRequest, ""},
		{"unknown method", strings.Replace(orderBody("x", cart("1.00", item("a", "1", "1.00"))), `["CARD"]`, `["CASH"]`, 1), yandexpaytest.ReasonBadRequest, ""},
		{"no redirects", strings.Replace(orderBody("x", cart("1.00", item("a", "1", "1.00"))), `"https://shop.example/err"`, `""`, 1), yandexpaytest.ReasonBadRequest, ""},
		{"no order id", orderBody("", cart("1.00", item("a", "1", "1.00"))), yandexpaytest.ReasonBadRequest, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := c.create(tc.body, "r-"+tc.name)
			expectFail(t, a, http.StatusBadRequest, tc.reason)
			if tc.field != "" && a.Env.Details["field"] != tc.field {
				t.Fatalf("details.field = %v, want %s: %s", a.Env.Details["field"], tc.field, a.Raw)
			}
		})
	}
}

// page fetches a payment page without following redirects.
func page(t *testing.T, method, u string, form url.Values) (int, string, http.Header) {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = hc.PostForm(u, form)
	} else {
		resp, err = hc.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

func TestPaymentPage(t *testing.T) {
	cases := []struct {
		name     string
		oneStage bool
		action   string
		want     string
		back     string
	}{
		{"pay two-stage", false, "pay", yandexpaytest.StatusAuthorized, "https://shop.example/ok"},
		{"pay one-stage", true, "pay", yandexpaytest.StatusCaptured, "https://shop.example/ok"},
		{"decline", false, "decline", yandexpaytest.StatusFailed, "https://shop.example/err"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c := newClient(t, &yandexpaytest.Options{OneStage: tc.oneStage})
			u := paymentURL(t, c.create(orderBody("o-1", twoItems), "r-1"))
			code, html, _ := page(t, http.MethodGet, u, nil)
			if code != http.StatusOK || !strings.Contains(html, `id="status">PENDING<`) || !strings.Contains(html, `id="pay"`) || !strings.Contains(html, "Tea") {
				t.Fatalf("page %d: %s", code, html)
			}
			code, _, h := page(t, http.MethodPost, u, url.Values{"action": {tc.action}})
			if code != http.StatusSeeOther {
				t.Fatalf("POST answered %d, want 303", code)
			}
			if loc := h.Get("Location"); loc != strings.TrimPrefix(u, s.PageURL()) {
				t.Fatalf("redirect to %q", loc)
			}
			_, html, _ = page(t, http.MethodGet, u, nil)
			if !strings.Contains(html, `id="status">`+tc.want+`<`) || strings.Contains(html, `id="pay"`) || !strings.Contains(html, tc.back) {
				t.Fatalf("after %s the page shows: %s", tc.action, html)
			}
			if o := mustOrder(t, s, "o-1"); o.Status != tc.want {
				t.Fatalf("order is %s, want %s", o.Status, tc.want)
			}
			// A second click changes nothing.
			if code, _, _ := page(t, http.MethodPost, u, url.Values{"action": {"pay"}}); code != http.StatusConflict {
				t.Fatalf("second POST answered %d, want 409", code)
			}
			if ch := s.StatusChanges(); len(ch) != 1 || ch[0].Status != tc.want || ch[0].OrderID != "o-1" {
				t.Fatalf("status changes %+v", ch)
			}
		})
	}
}

func TestPaymentLinkExpires(t *testing.T) {
	s, c := newClient(t, nil)
	paymentURL(t, c.create(orderBody("idle", twoItems, `"ttl":180`), "r-1"))
	opened := paymentURL(t, c.create(orderBody("opened", twoItems, `"ttl":180`), "r-2"))
	if code, _, _ := page(t, http.MethodGet, opened, nil); code != http.StatusOK {
		t.Fatal(code)
	}
	s.Advance(181 * time.Second)
	if o := mustOrder(t, s, "idle"); o.Status != yandexpaytest.StatusFailed {
		t.Fatalf("unopened order after its ttl is %s, want FAILED", o.Status)
	}
	if o := mustOrder(t, s, "opened"); o.Status != yandexpaytest.StatusPending {
		t.Fatalf("an opened order gets %s more, but is %s", yandexpaytest.OpenedGrace, o.Status)
	}
	if err := s.Pay("idle"); !errors.Is(err, yandexpaytest.ErrNotPayable) {
		t.Fatalf("Pay of an expired order: %v", err)
	}
	s.Advance(yandexpaytest.OpenedGrace)
	_, html, _ := page(t, http.MethodGet, opened, nil)
	if !strings.Contains(html, `id="status">FAILED<`) || !strings.Contains(html, "expired") {
		t.Fatalf("expired page: %s", html)
	}
	if n := s.Count("idle", yandexpaytest.ActionExpire) + s.Count("opened", yandexpaytest.ActionExpire); n != 2 {
		t.Fatalf("expired %d orders, want 2", n)
	}
	if err := s.Pay("missing"); !errors.Is(err, yandexpaytest.ErrNoOrder) {
		t.Fatalf("Pay(missing): %v", err)
	}
}

// TestUntouchedLinkExpiresOnTime: an order nobody reads still fails when
// its link runs out, so its notification goes out then.
func TestUntouchedLinkExpiresOnTime(t *testing.T) {
	s, _ := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusPending, ExpiresAt: s.Now().Add(100 * time.Millisecond)})
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, _ := s.Order(o.OrderID) // a copy: reading it does not expire it
		if got.Status == yandexpaytest.StatusFailed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("order still %s long after its link expired", got.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if ch := s.StatusChanges(); len(ch) != 1 || ch[0].Status != yandexpaytest.StatusFailed {
		t.Fatalf("status changes %+v; want the one expiry", ch)
	}
}
