package yandexpaytest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// orderCart reads the cart an order read reports.
func orderCart(t *testing.T, a answer) (items []map[string]any, total string) {
	t.Helper()
	var d struct {
		Order struct {
			Cart *struct {
				Items []map[string]any `json:"items"`
				Total struct {
					Amount string `json:"amount"`
				} `json:"total"`
			} `json:"cart"`
		} `json:"order"`
	}
	if err := json.Unmarshal(a.Env.Data, &d); err != nil || d.Order.Cart == nil {
		t.Fatalf("order read carries no cart: %v: %s", err, a.Raw)
	}
	return d.Order.Cart.Items, d.Order.Cart.Total.Amount
}

// TestOrderReadsCarryTheCart: every order read has a cart, also for an
// order added without one (a single line of what it holds).
func TestOrderReadsCarryTheCart(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{Amount: 12345})
	items, total := orderCart(t, c.getOrder(o.OrderID))
	if total != "123.45" || len(items) != 1 || items[0]["total"] != "123.45" {
		t.Fatalf("cart %v total %s; want one line of 123.45", items, total)
	}
}

// TestCaptureCart: a capture below the hold needs the final cart; with it,
// the order's cart becomes that cart, and a cart alone captures its total.
func TestCaptureCart(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{Amount: 10000})
	expectFail(t, c.post(o.OrderID, "capture", `{"orderAmount":"60.00","externalOperationId":"k0"}`), http.StatusBadRequest, yandexpaytest.ReasonBadRequest)
	expectFail(t, c.post(o.OrderID, "capture", `{"orderAmount":"60.00","externalOperationId":"k1","cart":{"items":[{"productId":"a","title":"A","quantity":{"count":"1"},"total":"50.00"}],"total":{"amount":"50.00"}}}`),
		http.StatusBadRequest, yandexpaytest.ReasonCartData)
	op := c.post(o.OrderID, "capture", `{"externalOperationId":"k2","cart":{"items":[{"productId":"a","title":"A","quantity":{"count":"2"},"total":"60.00"}],"total":{"amount":"60.00"}}}`).operation(t)
	if op.Status != "SUCCESS" || op.Amount != "60.00" {
		t.Fatalf("capture with a cart only: %+v; want 60.00 captured", op)
	}
	items, total := orderCart(t, c.getOrder(o.OrderID))
	if total != "60.00" || len(items) != 1 || items[0]["productId"] != "a" {
		t.Fatalf("cart after capture %v %s; want the final cart", items, total)
	}
	var params struct {
		Operation struct {
			Params map[string]string `json:"params"`
		} `json:"operation"`
	}
	if err := json.Unmarshal(c.getOperation("k2").Env.Data, &params); err != nil || params.Operation.Params["orderAmount"] != "60.00" {
		t.Fatalf("operation params %v (%v); want orderAmount 60.00", params.Operation.Params, err)
	}
}

// TestRefundCarts: a partial v2 refund needs targetCart (the cart after) or
// refundCart (what is given back); the v1 refund needs orderAmount and the
// final cart, and completes at once.
func TestRefundCarts(t *testing.T) {
	t.Run("V2", func(t *testing.T) {
		s, c := newClient(t, nil)
		o := s.AddOrder(yandexpaytest.Order{Status: "CAPTURED", Amount: 10000})
		expectFail(t, c.post(o.OrderID, "refund", `{"refundAmount":"30.00","externalOperationId":"r0"}`), http.StatusBadRequest, yandexpaytest.ReasonBadRequest)
		expectFail(t, c.post(o.OrderID, "refund", `{"refundAmount":"30.00","externalOperationId":"r1","targetCart":{"items":[{"productId":"item-1","price":"80.00"}]}}`),
			http.StatusBadRequest, yandexpaytest.ReasonCartData)
		c.post(o.OrderID, "refund", `{"refundAmount":"30.00","externalOperationId":"r2","targetCart":{"items":[{"productId":"item-1","price":"70.00"}]}}`)
		if _, total := orderCart(t, c.getOrder(o.OrderID)); total != "70.00" {
			t.Fatalf("cart after refunding 30.00 of 100.00 totals %s", total)
		}
		if got := mustOrder(t, s, o.OrderID); got.Status != "PARTIALLY_REFUNDED" || s.Count(o.OrderID, "refund") != 1 {
			t.Fatalf("order %+v after one refund", got)
		}
	})
	t.Run("V1", func(t *testing.T) {
		s, c := newClient(t, nil)
		o := s.AddOrder(yandexpaytest.Order{Status: "CAPTURED", Amount: 10000})
		v1 := func(body string) answer {
			return c.must(req{method: http.MethodPost, path: orderPath(o.OrderID, "refund"), body: body})
		}
		expectFail(t, v1(`{"refundAmount":"30.00","externalOperationId":"v0"}`), http.StatusBadRequest, yandexpaytest.ReasonBadRequest)
		expectFail(t, v1(`{"refundAmount":"30.00","orderAmount":"60.00","externalOperationId":"v1","cart":{"items":[{"productId":"a","title":"A","quantity":{"count":"1"},"total":"60.00"}],"total":{"amount":"60.00"}}}`),
			http.StatusBadRequest, yandexpaytest.ReasonBadRequest)
		op := v1(`{"refundAmount":"30.00","orderAmount":"70.00","externalOperationId":"v2","cart":{"items":[{"productId":"a","title":"A","quantity":{"count":"1"},"total":"70.00"}],"total":{"amount":"70.00"}}}`).operation(t)
		if op.Status != "SUCCESS" || op.OperationType != "REFUND" {
			t.Fatalf("v1 refund: %+v; want a REFUND done at once", op)
		}
		if got := mustOrder(t, s, o.OrderID); got.Status != "PARTIALLY_REFUNDED" || got.RefundedAmount != 3000 || s.Count(o.OrderID, "refund") != 1 {
			t.Fatalf("order %+v after a v1 refund", got)
		}
		op = v1(`{"refundAmount":"70.00","orderAmount":"0.00","externalOperationId":"v3","cart":{"items":[],"total":{"amount":"0.00"}}}`).operation(t)
		if got := mustOrder(t, s, o.OrderID); op.Status != "SUCCESS" || got.Status != "REFUNDED" {
			t.Fatalf("full v1 refund: %+v, order %s", op, got.Status)
		}
	})
}

// TestRefundCartLinesGivenBack: a refundCart names the lines given back; the
// order keeps the rest.
func TestRefundCartLinesGivenBack(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 10000})
	c.post(o.OrderID, "capture", `{"externalOperationId":"k","cart":{"items":[{"productId":"a","title":"A","quantity":{"count":"2"},"total":"60.00"},{"productId":"b","title":"B","quantity":{"count":"1"},"total":"40.00"}],"total":{"amount":"100.00"}}}`)
	c.post(o.OrderID, "refund", `{"refundAmount":"30.00","externalOperationId":"r","refundCart":{"items":[{"productId":"a","quantityCount":"1"}]}}`)
	items, total := orderCart(t, c.getOrder(o.OrderID))
	if total != "70.00" || len(items) != 2 {
		t.Fatalf("cart after giving back one A: %v %s; want A×1 and B, 70.00", items, total)
	}
}
