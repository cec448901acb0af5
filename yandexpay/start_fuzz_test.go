package yandexpay_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/yandexpay"
)

// FuzzStartAnswers feeds arbitrary answers to Start: to the read of the
// order (GET /v1/orders/{id}) and to its creation (POST /v1/orders). None
// may panic; a success names the order and carries only an absolute http(s)
// payment link; a failure is a *payments.Error of OpStart that says
// something, never quotes the API key, and, when the order may have been
// created, carries the OrderID as its idempotency key.
func FuzzStartAnswers(f *testing.F) {
	const key = "fuzz-start-key-0123456789abcdef"
	const orderID = "fuzz-order-1"
	notFound := `{"code":404,"status":"fail","reasonCode":"ORDER_NOT_FOUND","reason":"no order"}`
	created := `{"code":200,"status":"success","data":{"paymentUrl":"https://pay.yandex.ru/l/abc"}}`
	existing := `{"code":200,"status":"success","data":{"order":{"orderId":"` + orderID + `","orderAmount":"399.99","currencyCode":"RUB","paymentStatus":"PENDING",` +
		`"created":"2024-01-02T03:04:05Z","cart":{"items":[{"productId":"tea","quantity":{"count":"2"},"total":"300.00"},{"productId":"cup","quantity":{"count":"1"},"total":"99.99"}],"total":{"amount":"399.99"}}},"operations":[]}}`
	seeds := []struct {
		readCode   uint16
		read       string
		createCode uint16
		create     string
	}{
		{404, notFound, 200, created},
		{200, existing, 200, created},
		{200, existing, 500, `{"status":"fail"}`},
		{404, notFound, 200, `{"code":200,"status":"success","data":{"paymentUrl":"javascript:alert(1)"}}`},
		{404, notFound, 200, `{"code":200,"status":"success","data":{"paymentUrl":7}}`},
		{404, notFound, 400, `{"code":400,"status":"fail","reasonCode":"ORDER_CART_DATA_ERROR","reason":"` + key + `"}`},
		{404, notFound, 409, `{"code":409,"status":"fail","reasonCode":"ORDER_ALREADY_EXISTS"}`},
		{500, `<html>` + key + `</html>`, 502, ``},
		{200, `{"code":200,"status":"success","data":{"order":{"orderId":"` + orderID + `","cart":{"items":null,"total":{"amount":"1e400"}}}}}`, 200, created},
		{200, `{"code":200,"status":"success","data":{"order":{"orderId":"other","paymentStatus":"CAPTURED","cart":{}}}}`, 200, created},
		{200, `{"data":null}`, 200, `{"data":[]}`},
	}
	for _, s := range seeds {
		f.Add(s.readCode, []byte(s.read), s.createCode, []byte(s.create))
	}
	f.Fuzz(func(t *testing.T, readCode uint16, read []byte, createCode uint16, create []byte) {
		fold := func(c uint16) int {
			if c < 200 || c > 599 {
				c = 200 + c%400
			}
			return int(c)
		}
		answer := answerFunc(func(r *http.Request) (int, []byte) {
			if r.Method == http.MethodPost {
				return fold(createCode), create
			}
			return fold(readCode), read
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
		res, err := c.Start(ctx, startReq(orderID))
		if err == nil {
			checkStarted(t, res, orderID)
			return
		}
		var pe *payments.Error
		switch {
		case !errors.As(err, &pe) || strings.TrimSpace(pe.Message) == "":
			t.Fatalf("err = %v (%T); want a *payments.Error with a message", err, err)
		case pe.Op != payments.OpStart:
			t.Fatalf("err.Op = %q, want %q: %v", pe.Op, payments.OpStart, err)
		case strings.Contains(err.Error(), key):
			t.Fatalf("the API key leaked into %q", err)
		case pe.Code == payments.CodeOutcomeUnknown && pe.IdempotencyKey != orderID:
			t.Fatalf("an order that may exist is reported without its OrderID as the key: %v", err)
		}
	})
}

// checkStarted fails unless res is a started payment of orderID whose link,
// where it has one, is an absolute http(s) URL: a link a buyer is sent to
// must never be a relative path or another scheme.
func checkStarted(t *testing.T, res *payments.StartResult, orderID string) {
	t.Helper()
	if res == nil {
		t.Fatal("nil StartResult and nil error")
	}
	if res.Ref.ID != orderID {
		t.Fatalf("StartResult.Ref.ID = %q, want %q", res.Ref.ID, orderID)
	}
	if res.PaymentURL == "" {
		if !res.Existing {
			t.Fatalf("a new order without a payment link: %+v", res)
		}
		return
	}
	u, err := url.Parse(res.PaymentURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		t.Fatalf("payment link %q is not an absolute http(s) URL", res.PaymentURL)
	}
}
