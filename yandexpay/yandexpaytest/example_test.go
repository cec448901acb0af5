package yandexpaytest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// An offline checkout test: hold a payment, capture part of it (with the
// final cart, as Yandex Pay requires) under an idempotency key, lose the answer to a connection reset, retry with the same
// key, and prove the money was captured exactly once.
func Example() {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()
	order := srv.AddOrder(yandexpaytest.Order{OrderID: "order/42", Amount: 15000})

	capture := func() (int, string) {
		body := strings.NewReader(`{"orderAmount":"120.00","externalOperationId":"capture-42",` +
			`"cart":{"items":[{"productId":"tea","title":"Tea","quantity":{"count":"1"},"total":"120.00"}],"total":{"amount":"120.00"}}}`)
		req, _ := http.NewRequest(http.MethodPost,
			srv.BaseURL()+"/v1/orders/"+url.PathEscape(order.OrderID)+"/capture", body)
		req.Header.Set("Authorization", "Api-Key "+srv.APIKey())
		req.Header.Set("X-Request-Id", "7d3a0c52-request")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, "connection lost"
		}
		defer resp.Body.Close()
		var env struct {
			Status     string `json:"status"`
			ReasonCode string `json:"reasonCode"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&env)
		return resp.StatusCode, env.Status + " " + env.ReasonCode
	}

	srv.InjectFault(fault.Fault{Kind: fault.ResetAfterApply, Action: "capture"})
	fmt.Println(capture())
	fmt.Println(capture())

	op, _ := srv.Operation("capture-42")
	got, _ := srv.Order(order.OrderID)
	fmt.Println(op.Status, got.Status, got.CapturedAmount, srv.Count(order.OrderID, "capture"))
	// Output:
	// 0 connection lost
	// 409 fail DUPLICATE_EXTERNAL_OPERATION_ID
	// SUCCESS CAPTURED 12000 1
}
