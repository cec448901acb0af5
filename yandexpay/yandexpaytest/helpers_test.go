package yandexpaytest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// envelope is either answer shape of the API.
type envelope struct {
	Code       int             `json:"code"`
	Status     string          `json:"status"`
	ReasonCode string          `json:"reasonCode"`
	Reason     string          `json:"reason"`
	Details    map[string]any  `json:"details"`
	Data       json.RawMessage `json:"data"`
}

type wireOperation struct {
	OperationID         string  `json:"operationId"`
	OrderID             string  `json:"orderId"`
	Amount              string  `json:"amount"`
	OperationType       string  `json:"operationType"`
	Status              string  `json:"status"`
	ExternalOperationID *string `json:"externalOperationId"`
	Reason              *string `json:"reason"`
}

type wireOrder struct {
	OrderID       string  `json:"orderId"`
	MerchantID    string  `json:"merchantId"`
	OrderAmount   string  `json:"orderAmount"`
	CurrencyCode  string  `json:"currencyCode"`
	PaymentStatus *string `json:"paymentStatus"`
	Reason        *string `json:"reason"`
	Created       string  `json:"created"`
	Updated       string  `json:"updated"`
}

// answer is one response, decoded.
type answer struct {
	HTTP   int
	Header http.Header
	Env    envelope
	Raw    []byte
}

func (a answer) operation(t *testing.T) wireOperation {
	t.Helper()
	var d struct {
		Operation wireOperation `json:"operation"`
	}
	if err := json.Unmarshal(a.Env.Data, &d); err != nil || d.Operation.OperationID == "" {
		t.Fatalf("answer %d has no operation: %v: %s", a.HTTP, err, a.Raw)
	}
	return d.Operation
}

func (a answer) order(t *testing.T) (wireOrder, []wireOperation) {
	t.Helper()
	var d struct {
		Order      wireOrder       `json:"order"`
		Operations []wireOperation `json:"operations"`
	}
	if err := json.Unmarshal(a.Env.Data, &d); err != nil || d.Order.OrderID == "" {
		t.Fatalf("answer %d has no order: %v: %s", a.HTTP, err, a.Raw)
	}
	return d.Order, d.Operations
}

// client talks to one emulator with the right key and the headers an adapter
// sends; each field can be overridden per call.
type client struct {
	t   *testing.T
	s   *yandexpaytest.Server
	hc  *http.Client
	key string
}

func newClient(t *testing.T, opts *yandexpaytest.Options) (*yandexpaytest.Server, *client) {
	t.Helper()
	s := yandexpaytest.NewServer(opts)
	tr := &http.Transport{}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		s.Close()
	})
	return s, &client{t: t, s: s, hc: &http.Client{Transport: tr, Timeout: 60 * time.Second}, key: s.APIKey()}
}

// req is one request; header values of "" delete the header.
type req struct {
	method string
	path   string // below BaseURL, already escaped
	body   string
	header map[string]string
	ctx    context.Context
}

func (c *client) send(r req) (answer, error) {
	c.t.Helper()
	ctx := r.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	var body io.Reader
	if r.body != "" {
		body = bytes.NewBufferString(r.body)
	}
	hr, err := http.NewRequestWithContext(ctx, r.method, c.s.BaseURL()+r.path, body)
	if err != nil {
		c.t.Fatalf("build request: %v", err)
	}
	hr.Header.Set("Authorization", "Api-Key "+c.key)
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("X-Request-Id", "req-1")
	hr.Header.Set("X-Request-Timeout", "15000")
	hr.Header.Set("X-Request-Attempt", "0")
	for k, v := range r.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	resp, err := c.hc.Do(hr)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{HTTP: resp.StatusCode, Header: resp.Header}, err
	}
	a := answer{HTTP: resp.StatusCode, Header: resp.Header, Raw: raw}
	if err := json.Unmarshal(raw, &a.Env); err != nil {
		c.t.Fatalf("%s %s: answer is not JSON: %v: %.200s", r.method, r.path, err, raw)
	}
	if a.Env.Code != resp.StatusCode {
		c.t.Fatalf("%s %s: envelope code %d, HTTP %d", r.method, r.path, a.Env.Code, resp.StatusCode)
	}
	return a, nil
}

func (c *client) must(r req) answer {
	c.t.Helper()
	a, err := c.send(r)
	if err != nil {
		c.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	return a
}

func orderPath(id, verb string) string {
	p := "/v1/orders/" + url.PathEscape(id)
	if verb != "" {
		p += "/" + verb
	}
	return p
}

func (c *client) post(id, verb, body string) answer {
	c.t.Helper()
	p := orderPath(id, verb)
	if verb == "refund" {
		p = "/v2/orders/" + url.PathEscape(id) + "/refund"
	}
	return c.must(req{method: http.MethodPost, path: p, body: body})
}

func (c *client) getOrder(id string) answer {
	c.t.Helper()
	return c.must(req{method: http.MethodGet, path: orderPath(id, "")})
}

func (c *client) getOperation(extID string) answer {
	c.t.Helper()
	return c.must(req{method: http.MethodGet, path: "/v1/operations/" + url.PathEscape(extID)})
}

// expectFail checks a fail envelope.
func expectFail(t *testing.T, a answer, httpStatus int, reasonCode string) {
	t.Helper()
	if a.HTTP != httpStatus || a.Env.Status != "fail" || a.Env.ReasonCode != reasonCode {
		t.Fatalf("want %d %s, got %d %s %s: %s", httpStatus, reasonCode, a.HTTP, a.Env.Status, a.Env.ReasonCode, a.Raw)
	}
	if a.Env.Reason == "" {
		t.Fatalf("fail envelope without a reason: %s", a.Raw)
	}
}

func expectOK(t *testing.T, a answer) {
	t.Helper()
	if a.HTTP != http.StatusOK || a.Env.Status != "success" {
		t.Fatalf("want 200 success, got %d: %s", a.HTTP, a.Raw)
	}
}

func mustOrder(t *testing.T, s *yandexpaytest.Server, id string) yandexpaytest.Order {
	t.Helper()
	o, ok := s.Order(id)
	if !ok {
		t.Fatalf("order %q missing", id)
	}
	return o
}
