package yandexpaytest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

func TestAuth(t *testing.T) {
	s, c := newClient(t, &yandexpaytest.Options{APIKey: "merchant-key-1"})
	o := s.AddOrder(yandexpaytest.Order{})
	cases := []struct {
		name   string
		auth   string
		status int
	}{
		{"missing", "", http.StatusUnauthorized},
		{"wrong key", "Api-Key other", http.StatusUnauthorized},
		{"default key on a custom server", "Api-Key " + yandexpaytest.DefaultAPIKey, http.StatusUnauthorized},
		{"wrong scheme", "Bearer merchant-key-1", http.StatusUnauthorized},
		{"right key", "Api-Key merchant-key-1", http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := c.must(req{method: http.MethodGet, path: orderPath(o.OrderID, ""), header: map[string]string{"Authorization": tc.auth}})
			if tc.status == http.StatusOK {
				expectOK(t, a)
				return
			}
			expectFail(t, a, tc.status, yandexpaytest.ReasonAuthentication)
			if strings.Contains(string(a.Raw), "merchant-key-1") {
				t.Fatalf("answer reveals the key: %s", a.Raw)
			}
		})
	}
	// A rejected write changes nothing.
	c.key = "wrong"
	expectFail(t, c.post(o.OrderID, "capture", "{}"), http.StatusUnauthorized, yandexpaytest.ReasonAuthentication)
	if n := s.Count(o.OrderID, "capture"); n != 0 {
		t.Fatalf("unauthenticated capture applied %d times", n)
	}
}

func TestDefaults(t *testing.T) {
	s, c := newClient(t, nil)
	if s.APIKey() != yandexpaytest.DefaultAPIKey || s.MerchantID() != yandexpaytest.DefaultMerchantID {
		t.Fatalf("defaults: key %q merchant %q", s.APIKey(), s.MerchantID())
	}
	if s.BaseURL() != s.URL+"/api/merchant" || !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("URL %q BaseURL %q", s.URL, s.BaseURL())
	}
	o := s.AddOrder(yandexpaytest.Order{})
	if len(o.OrderID) != 36 || o.Status != "AUTHORIZED" || o.Amount != 10000 || o.Currency != "RUB" || o.Created.IsZero() {
		t.Fatalf("order defaults: %+v", o)
	}
	wo, ops := c.getOrder(o.OrderID).order(t)
	if wo.OrderAmount != "100.00" || wo.CurrencyCode != "RUB" || *wo.PaymentStatus != "AUTHORIZED" ||
		wo.MerchantID != yandexpaytest.DefaultMerchantID || len(ops) != 0 || wo.Created == "" {
		t.Fatalf("wire order: %+v %v", wo, ops)
	}
	if err := s.SetStatus(o.OrderID, ""); err != nil {
		t.Fatal(err)
	}
	if wo, _ := c.getOrder(o.OrderID).order(t); wo.PaymentStatus != nil {
		t.Fatalf("empty status should read as null, got %q", *wo.PaymentStatus)
	}
	if err := s.SetStatus("nope", "CAPTURED"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("SetStatus of a missing order: %v", err)
	}
	paid := s.AddOrder(yandexpaytest.Order{Status: "CAPTURED", Amount: 500})
	if paid.CapturedAmount != 500 {
		t.Fatalf("a paid order gets CapturedAmount = Amount, got %+v", paid)
	}
}

// TestStateMachine runs every action from every raw status.
func TestStateMachine(t *testing.T) {
	statuses := []string{"PENDING", "AUTHORIZED", "CAPTURED", "VOIDED", "REFUNDED", "CONFIRMED", "PARTIALLY_REFUNDED", "FAILED", "SOMETHING_NEW"}
	// moves lists, per action, the statuses it accepts and where each goes;
	// every other status must give 400 ORDER_HAS_WRONG_STATUS and no change.
	moves := map[string]map[string]string{
		"capture": {"AUTHORIZED": "CAPTURED"},
		"cancel":  {"AUTHORIZED": "VOIDED"},
		"submit":  {"CONFIRMED": "CAPTURED"},
		"refund":  {"CAPTURED": "REFUNDED", "PARTIALLY_REFUNDED": "REFUNDED"},
		"rollback": {"PENDING": "FAILED", "AUTHORIZED": "FAILED", "CAPTURED": "FAILED", "VOIDED": "FAILED",
			"REFUNDED": "FAILED", "CONFIRMED": "FAILED", "PARTIALLY_REFUNDED": "FAILED", "FAILED": "FAILED", "SOMETHING_NEW": "FAILED"},
	}
	bodies := map[string]string{
		"capture":  `{}`,
		"cancel":   `{"reason":"buyer changed mind"}`,
		"submit":   `{"externalOperationId":"%s-submit"}`,
		"refund":   `{"refundAmount":"100.00"}`,
		"rollback": ``,
	}
	for action, accepted := range moves {
		for _, from := range statuses {
			t.Run(action+"/"+from, func(t *testing.T) {
				s, c := newClient(t, nil)
				o := s.AddOrder(yandexpaytest.Order{Status: from, Amount: 10000})
				body := bodies[action]
				if strings.Contains(body, "%s") {
					body = fmt.Sprintf(body, o.OrderID)
				}
				a := c.post(o.OrderID, action, body)
				to, ok := accepted[from]
				if !ok {
					expectFail(t, a, http.StatusBadRequest, yandexpaytest.ReasonWrongStatus)
					if got := mustOrder(t, s, o.OrderID).Status; got != from {
						t.Fatalf("rejected %s changed status %s → %s", action, from, got)
					}
					if n := s.Count(o.OrderID, action); n != 0 {
						t.Fatalf("rejected %s counted %d", action, n)
					}
					return
				}
				expectOK(t, a)
				if action == "refund" {
					if op := a.operation(t); op.Status != "PENDING" || op.OperationType != "REFUND" || op.Amount != "100.00" {
						t.Fatalf("refund must answer PENDING: %+v", op)
					}
					c.getOrder(o.OrderID) // the read completes it
				}
				if action != "rollback" && action != "refund" {
					if op := a.operation(t); op.Status != "SUCCESS" {
						t.Fatalf("synchronous %s answered %+v", action, op)
					}
				}
				if got := mustOrder(t, s, o.OrderID).Status; got != to {
					t.Fatalf("%s from %s: status %s, want %s", action, from, got, to)
				}
				want := 1
				if action == "rollback" && from == "FAILED" {
					want = 0 // nothing changed
				}
				if n := s.Count(o.OrderID, action); n != want {
					t.Fatalf("%s from %s counted %d, want %d", action, from, n, want)
				}
			})
		}
	}
}

func TestCaptureOfConfirmedPointsToSubmit(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{Status: "CONFIRMED"})
	a := c.post(o.OrderID, "capture", `{}`)
	expectFail(t, a, http.StatusBadRequest, yandexpaytest.ReasonWrongStatus)
	if !strings.Contains(a.Env.Reason, "/submit") {
		t.Fatalf("reason should point to /submit: %q", a.Env.Reason)
	}
	expectFail(t, c.post(o.OrderID, "submit", `{}`), http.StatusBadRequest, yandexpaytest.ReasonBadRequest)
}

func TestPartialCapture(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{Amount: 10000})
	bad := []struct {
		body, reason string
	}{
		{`{"orderAmount":"100.01"}`, yandexpaytest.ReasonInvalidAmount},
		{`{"orderAmount":"0.00"}`, yandexpaytest.ReasonInvalidAmount},
		{`{"orderAmount":60}`, yandexpaytest.ReasonBadRequest},
		{`{"orderAmount":"-1.00"}`, yandexpaytest.ReasonBadRequest},
		{`{"orderAmount":"1e3"}`, yandexpaytest.ReasonBadRequest},
		{`{"orderAmount":"1.234"}`, yandexpaytest.ReasonBadRequest},
		{`{"orderAmount":" 1.00"}`, yandexpaytest.ReasonBadRequest},
		{`{"orderAmount":""}`, yandexpaytest.ReasonBadRequest},
		{`{"orderAmount":"99999999999999999999"}`, yandexpaytest.ReasonBadRequest},
		{`not json`, yandexpaytest.ReasonBadRequest},
		{`{"externalOperationId":""}`, yandexpaytest.ReasonBadRequest},
	}
	for _, b := range bad {
		expectFail(t, c.post(o.OrderID, "capture", b.body), http.StatusBadRequest, b.reason)
	}
	if n := s.Count(o.OrderID, "capture"); n != 0 {
		t.Fatalf("bad captures applied %d times", n)
	}
	op := c.post(o.OrderID, "capture", `{"orderAmount":"60.5","cart":{"items":[{"productId":"a","title":"A","quantity":{"count":"1"},"total":"60.50"}],"total":{"amount":"60.50"}}}`).operation(t)
	if op.Status != "SUCCESS" || op.Amount != "60.50" || op.OperationType != "CAPTURE" {
		t.Fatalf("partial capture: %+v", op)
	}
	got := mustOrder(t, s, o.OrderID)
	if got.Status != "CAPTURED" || got.Amount != 6050 || got.CapturedAmount != 6050 {
		t.Fatalf("after partial capture: %+v", got)
	}
	if wo, _ := c.getOrder(o.OrderID).order(t); wo.OrderAmount != "60.50" {
		t.Fatalf("orderAmount after partial capture: %s", wo.OrderAmount)
	}
}

func TestRefundRules(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{Status: "CAPTURED", Amount: 10000})
	rejected := []struct {
		name, body, reason string
	}{
		{"missing amount", `{}`, yandexpaytest.ReasonBadRequest},
		{"below 1 RUB", `{"refundAmount":"0.99"}`, yandexpaytest.ReasonInvalidAmount},
		{"leaves below 1 RUB", `{"refundAmount":"99.50"}`, yandexpaytest.ReasonInvalidAmount},
		{"more than remains", `{"refundAmount":"100.01"}`, yandexpaytest.ReasonInvalidAmount},
	}
	for _, r := range rejected {
		t.Run(r.name, func(t *testing.T) {
			expectFail(t, c.post(o.OrderID, "refund", r.body), http.StatusBadRequest, r.reason)
		})
	}
	first := c.post(o.OrderID, "refund", `{"refundAmount":"30.00","externalOperationId":"r1","targetCart":{"items":[{"productId":"item-1","price":"70.00"}]}}`).operation(t)
	if first.Status != "PENDING" {
		t.Fatalf("v2 refund answers PENDING, got %+v", first)
	}
	a := c.post(o.OrderID, "refund", `{"refundAmount":"10.00","externalOperationId":"r2","targetCart":{"items":[{"productId":"item-1","price":"60.00"}]}}`)
	expectFail(t, a, http.StatusConflict, yandexpaytest.ReasonAnotherOperationInProgress)
	if s.Count(o.OrderID, "refund") != 0 {
		t.Fatal("refund applied before it completed")
	}
	wo, ops := c.getOrder(o.OrderID).order(t)
	if *wo.PaymentStatus != "PARTIALLY_REFUNDED" || wo.OrderAmount != "70.00" || len(ops) != 1 || ops[0].Status != "SUCCESS" {
		t.Fatalf("after the first refund: %+v %+v", wo, ops)
	}
	expectFail(t, c.post(o.OrderID, "refund", `{"refundAmount":"69.50"}`), http.StatusBadRequest, yandexpaytest.ReasonInvalidAmount)
	c.post(o.OrderID, "refund", `{"refundAmount":"70.00","externalOperationId":"r3"}`)
	if op := c.getOperation("r3").operation(t); op.Status != "SUCCESS" {
		t.Fatalf("operation read completes the refund, got %+v", op)
	}
	got := mustOrder(t, s, o.OrderID)
	if got.Status != "REFUNDED" || got.RefundedAmount != 10000 || s.Count(o.OrderID, "refund") != 2 {
		t.Fatalf("after the full refund: %+v, count %d", got, s.Count(o.OrderID, "refund"))
	}
	expectFail(t, c.post(o.OrderID, "refund", `{"refundAmount":"1.00"}`), http.StatusBadRequest, yandexpaytest.ReasonWrongStatus)
}

func TestExternalOperationIDRepeat(t *testing.T) {
	t.Run("pending then completed", func(t *testing.T) {
		s, c := newClient(t, &yandexpaytest.Options{Async: true})
		o := s.AddOrder(yandexpaytest.Order{})
		first := c.post(o.OrderID, "capture", `{"externalOperationId":"k1"}`).operation(t)
		again := c.post(o.OrderID, "capture", `{"externalOperationId":"k1"}`).operation(t)
		if first.Status != "PENDING" || again.OperationID != first.OperationID || again.Status != "PENDING" {
			t.Fatalf("repeat while pending: %+v then %+v", first, again)
		}
		expectFail(t, c.post(o.OrderID, "capture", `{"externalOperationId":"k2"}`), http.StatusConflict, yandexpaytest.ReasonAnotherOperationInProgress)
		expectFail(t, c.post(o.OrderID, "cancel", `{"reason":"x","externalOperationId":"k1"}`), http.StatusConflict, yandexpaytest.ReasonDuplicateExternalOperationID)
		if len(s.Operations(o.OrderID)) != 1 || s.Count(o.OrderID, "capture") != 0 {
			t.Fatalf("repeats created operations %+v", s.Operations(o.OrderID))
		}
		if err := s.CompleteOperation("k1", true); err != nil {
			t.Fatal(err)
		}
		a := c.post(o.OrderID, "capture", `{"externalOperationId":"k1"}`)
		expectFail(t, a, http.StatusConflict, yandexpaytest.ReasonDuplicateExternalOperationID)
		if s.Count(o.OrderID, "capture") != 1 {
			t.Fatalf("captured %d times", s.Count(o.OrderID, "capture"))
		}
		if op := c.getOperation("k1").operation(t); op.Status != "SUCCESS" || op.OperationID != first.OperationID {
			t.Fatalf("operation read: %+v", op)
		}
	})
	t.Run("synchronous repeat and other order", func(t *testing.T) {
		s, c := newClient(t, nil)
		o1 := s.AddOrder(yandexpaytest.Order{})
		o2 := s.AddOrder(yandexpaytest.Order{})
		if op := c.post(o1.OrderID, "capture", `{"externalOperationId":"k"}`).operation(t); op.Status != "SUCCESS" || *op.ExternalOperationID != "k" {
			t.Fatalf("capture: %+v", op)
		}
		expectFail(t, c.post(o1.OrderID, "capture", `{"externalOperationId":"k"}`), http.StatusConflict, yandexpaytest.ReasonDuplicateExternalOperationID)
		expectFail(t, c.post(o2.OrderID, "capture", `{"externalOperationId":"k"}`), http.StatusConflict, yandexpaytest.ReasonDuplicateExternalOperationID)
		if s.Count(o1.OrderID, "capture") != 1 || mustOrder(t, s, o2.OrderID).Status != "AUTHORIZED" {
			t.Fatal("a duplicate changed state")
		}
	})
	t.Run("null when absent", func(t *testing.T) {
		// The documentation defines externalOperationId as the merchant's
		// own key: a request without one gets null, never an invented id.
		s, c := newClient(t, nil)
		o := s.AddOrder(yandexpaytest.Order{})
		op := c.post(o.OrderID, "cancel", `{"reason":"out of stock"}`).operation(t)
		if op.ExternalOperationID != nil {
			t.Fatalf("externalOperationId %q made up for a request that sent none", *op.ExternalOperationID)
		}
		ops := s.Operations(o.OrderID)
		if len(ops) != 1 || ops[0].OperationID != op.OperationID || ops[0].Type != "VOID" || ops[0].Status != "SUCCESS" || ops[0].ExternalOperationID != "" {
			t.Fatalf("stored operations: %+v", ops)
		}
		if got := mustOrder(t, s, o.OrderID); got.Status != "VOIDED" || got.Reason != "out of stock" {
			t.Fatalf("cancelled order: %+v", got)
		}
	})
}

func TestAsyncCompletion(t *testing.T) {
	s, c := newClient(t, &yandexpaytest.Options{Async: true})
	o := s.AddOrder(yandexpaytest.Order{Status: "CAPTURED"})
	op := c.post(o.OrderID, "refund", `{"refundAmount":"40.00","externalOperationId":"ref-1","targetCart":{"items":[{"productId":"item-1","price":"60.00"}]}}`).operation(t)
	c.getOrder(o.OrderID)
	if got := c.getOperation("ref-1").operation(t); got.Status != "PENDING" {
		t.Fatalf("async operations stay PENDING on reads, got %+v", got)
	}
	if err := s.CompleteOperation(op.OperationID, false); err != nil {
		t.Fatal(err)
	}
	failed := c.getOperation("ref-1").operation(t)
	if failed.Status != "FAIL" || failed.Reason == nil || mustOrder(t, s, o.OrderID).Status != "CAPTURED" || s.Count(o.OrderID, "refund") != 0 {
		t.Fatalf("failed operation: %+v", failed)
	}
	if err := s.CompleteOperation(op.OperationID, true); err == nil || !strings.Contains(err.Error(), "not PENDING") {
		t.Fatalf("completing twice: %v", err)
	}
	if err := s.CompleteOperation("missing", true); err == nil {
		t.Fatal("completing a missing operation must fail")
	}

	// An operation whose order moved away meanwhile fails on success.
	c.post(o.OrderID, "refund", `{"refundAmount":"40.00","externalOperationId":"ref-2","targetCart":{"items":[{"productId":"item-1","price":"60.00"}]}}`)
	if err := s.SetStatus(o.OrderID, "FAILED"); err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteOperation("ref-2", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Operation("ref-2"); got.Status != "FAIL" || !strings.Contains(got.Reason, "FAILED") {
		t.Fatalf("stale operation: %+v", got)
	}

	// Switching back to synchronous mode completes new captures at once.
	s.SetAsync(false)
	o2 := s.AddOrder(yandexpaytest.Order{})
	if got := c.post(o2.OrderID, "capture", `{}`).operation(t); got.Status != "SUCCESS" {
		t.Fatalf("sync capture: %+v", got)
	}
	ops := s.Operations(o.OrderID)
	if len(ops) != 2 || ops[0].ExternalOperationID != "ref-1" || ops[1].ExternalOperationID != "ref-2" {
		t.Fatalf("operations in order: %+v", ops)
	}
}

func TestCancelNeedsReason(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{})
	for _, body := range []string{``, `{}`, `{"reason":""}`} {
		expectFail(t, c.post(o.OrderID, "cancel", body), http.StatusBadRequest, yandexpaytest.ReasonBadRequest)
	}
	if mustOrder(t, s, o.OrderID).Status != "AUTHORIZED" {
		t.Fatal("cancel without reason changed the order")
	}
}

func TestRollback(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{Status: "PARTIALLY_REFUNDED", Amount: 10000, RefundedAmount: 2500})
	a := c.post(o.OrderID, "rollback", "")
	expectOK(t, a)
	if string(a.Env.Data) != "{}" {
		t.Fatalf("rollback data: %s", a.Env.Data)
	}
	got := mustOrder(t, s, o.OrderID)
	if got.Status != "FAILED" || got.RefundedAmount != 10000 || s.Count(o.OrderID, "rollback") != 1 || s.Count(o.OrderID, "refund") != 1 {
		t.Fatalf("rolled back: %+v", got)
	}
	ops := s.Operations(o.OrderID)
	if len(ops) != 1 || ops[0].Type != "REFUND" || ops[0].Amount != 7500 || ops[0].ExternalOperationID != "" || ops[0].Status != "SUCCESS" {
		t.Fatalf("rollback refund operation: %+v", ops)
	}
	c.post(o.OrderID, "rollback", "")
	if s.Count(o.OrderID, "rollback") != 1 || s.Count(o.OrderID, "refund") != 1 {
		t.Fatal("a second rollback counted again")
	}

	busy := s.AddOrder(yandexpaytest.Order{Status: "CAPTURED"})
	c.post(busy.OrderID, "refund", `{"refundAmount":"10.00","targetCart":{"items":[{"productId":"item-1","price":"90.00"}]}}`)
	expectFail(t, c.post(busy.OrderID, "rollback", ""), http.StatusConflict, yandexpaytest.ReasonAnotherOperationInProgress)
}

func TestNotFoundAndRoutes(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{})
	cases := []struct {
		method, path string
		status       int
		reason       string
	}{
		{http.MethodGet, orderPath("missing", ""), 404, yandexpaytest.ReasonOrderNotFound},
		{http.MethodPost, orderPath("missing", "capture"), 404, yandexpaytest.ReasonOrderNotFound},
		{http.MethodPost, orderPath("missing", "rollback"), 404, yandexpaytest.ReasonOrderNotFound},
		{http.MethodPost, "/v2/orders/missing/refund", 404, yandexpaytest.ReasonOrderNotFound},
		{http.MethodGet, "/v1/operations/missing", 404, yandexpaytest.ReasonOperationNotFound},
		{http.MethodGet, "/v1/orders", 405, yandexpaytest.ReasonMethodNotAllowed}, // POST creates orders
		{http.MethodGet, "/v1/orders/", 404, yandexpaytest.ReasonNotFound},
		{http.MethodPost, orderPath(o.OrderID, "explode"), 404, yandexpaytest.ReasonNotFound},
		{http.MethodGet, "/v1/orders/" + o.OrderID + "/refund", 405, yandexpaytest.ReasonMethodNotAllowed},
		{http.MethodPost, "/v3/orders/" + o.OrderID + "/capture", 404, yandexpaytest.ReasonNotFound},
		{http.MethodGet, orderPath(o.OrderID, "capture"), 405, yandexpaytest.ReasonMethodNotAllowed},
		{http.MethodDelete, orderPath(o.OrderID, ""), 405, yandexpaytest.ReasonMethodNotAllowed},
		{http.MethodPost, orderPath(strings.Repeat("я", 2049), "capture"), 400, yandexpaytest.ReasonBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.method+tc.path[:min(len(tc.path), 40)], func(t *testing.T) {
			expectFail(t, c.must(req{method: tc.method, path: tc.path, body: "{}"}), tc.status, tc.reason)
		})
	}
	long := s.AddOrder(yandexpaytest.Order{OrderID: strings.Repeat("я", 2048)})
	expectOK(t, c.getOrder(long.OrderID))
	// Outside the API prefix.
	resp, err := c.hc.Get(s.URL + "/v1/orders/" + o.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("outside /api/merchant: %d", resp.StatusCode)
	}
}

func TestHeaders(t *testing.T) {
	s, c := newClient(t, nil)
	o := s.AddOrder(yandexpaytest.Order{})
	bad := []map[string]string{
		{"X-Request-Id": ""},
		{"X-Request-Timeout": "999"},
		{"X-Request-Timeout": "15s"},
		{"X-Request-Attempt": "-1"},
		{"X-Request-Attempt": "first"},
	}
	for _, h := range bad {
		a := c.must(req{method: http.MethodPost, path: orderPath(o.OrderID, "capture"), body: "{}", header: h})
		expectFail(t, a, http.StatusBadRequest, yandexpaytest.ReasonBadRequest)
	}
	if s.Count(o.OrderID, "capture") != 0 {
		t.Fatal("a rejected request captured")
	}
	// Reads need no X-Request-Id.
	expectOK(t, c.must(req{method: http.MethodGet, path: orderPath(o.OrderID, ""), header: map[string]string{"X-Request-Id": "", "X-Request-Timeout": ""}}))
	expectOK(t, c.must(req{method: http.MethodPost, path: orderPath(o.OrderID, "capture"), body: `{"externalOperationId":"e1"}`,
		header: map[string]string{"X-Request-Id": "rid-7", "X-Request-Timeout": "1000", "X-Request-Attempt": "2"}}))
	reqs := s.Requests()
	last := reqs[len(reqs)-1]
	if last.Method != http.MethodPost || last.Header.Get("X-Request-Id") != "rid-7" || last.Header.Get("X-Request-Timeout") != "1000" ||
		last.Header.Get("X-Request-Attempt") != "2" || string(last.Body) != `{"externalOperationId":"e1"}` {
		t.Fatalf("recorded request: %v %v %s", last, last.Header, last.Body)
	}
	if len(reqs) != len(bad)+2 {
		t.Fatalf("recorded %d requests, want %d", len(reqs), len(bad)+2)
	}
	if str := fmt.Sprintf("%v %+v", last, last); strings.Contains(str, s.APIKey()) {
		t.Fatalf("printing a Request shows the key: %s", str)
	}
}
