package yandexpay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/textcut"
)

// NotificationLeeway is how far a webhook's iat may lie in the future and its
// exp in the past, for clocks that differ a little.
const NotificationLeeway = 30 * time.Second

// Webhook event types (Yandex Pay's webhook page).
const (
	EventOrderStatusUpdated     = "ORDER_STATUS_UPDATED"     // an order's paymentStatus changed
	EventOperationStatusUpdated = "OPERATION_STATUS_UPDATED" // a capture, refund or void changed status
)

// eventKinds maps Yandex Pay's event field to the portable kind; every
// other event is payments.EventUnknown.
var eventKinds = map[string]payments.EventKind{
	EventOrderStatusUpdated:     payments.EventPaymentStatus,
	EventOperationStatusUpdated: payments.EventOperationStatus,
}

// webhookAlgorithms is the only signature algorithm accepted: Yandex Pay
// signs with ES256, so "none", HS* and RS* tokens are refused before any key
// is looked at.
var webhookAlgorithms = []jose.SignatureAlgorithm{jose.ES256}

// notifier verifies webhooks for one merchant.
type notifier struct {
	merchantID string
	sandbox    bool
	keys       *keyCache
	now        func() time.Time
}

// webhook is the verified payload, reduced to what the event needs.
type webhook struct {
	MerchantID string `json:"merchantId"`
	Event      string `json:"event"`
	EventTime  string `json:"eventTime"`
	Order      *struct {
		OrderID       string `json:"orderId"`
		PaymentStatus string `json:"paymentStatus"`
	} `json:"order"`
	Operation *struct {
		OperationID         string `json:"operationId"`
		ExternalOperationID string `json:"externalOperationId"`
		OrderID             string `json:"orderId"`
		OperationType       string `json:"operationType"`
		Status              string `json:"status"`
	} `json:"operation"`
}

var _ payments.Notifier = (*Client)(nil)

// ParseNotification verifies a Yandex Pay webhook and decodes it. The body
// is a compact JWS signed with ES256 by a key from Yandex Pay's JWKS, chosen
// by its kid; iat and exp are read from the JOSE header, where Yandex Pay
// puts them. Only after the signature and the header check out is the
// payload read, and its merchantId must be the configured one.
//
// A Client without Config.MerchantID fails with CodeUnimplemented.
func (c *Client) ParseNotification(ctx context.Context, _ http.Header, body []byte) (*payments.Event, error) {
	if err := driver.ContextError(ctx, Name, payments.OpNotification); err != nil {
		return nil, err
	}
	n := c.notify
	if n == nil {
		return nil, &payments.Error{Code: payments.CodeUnimplemented, Provider: Name, Op: payments.OpNotification,
			Message: "notifications are off: set Config.MerchantID (merchant_id in a config)"}
	}
	payload, err := n.verify(ctx, body)
	if err != nil {
		return nil, err
	}
	return n.decode(payload)
}

// NotificationAck returns Yandex Pay's recommended acknowledgement body.
func (c *Client) NotificationAck() (string, []byte) {
	return "application/json", []byte(`{"status":"success"}`)
}

func refused(code payments.Code, format string, args ...any) error {
	return &payments.Error{Code: code, Provider: Name, Op: payments.OpNotification, Message: fmt.Sprintf(format, args...)}
}

// verify checks the token and returns its payload.
func (n *notifier) verify(ctx context.Context, body []byte) ([]byte, error) {
	token := strings.TrimSpace(string(body))
	if token == "" {
		return nil, refused(payments.CodeInvalidArgument, "empty body: want a compact JWS")
	}
	jws, err := jose.ParseSignedCompact(token, webhookAlgorithms)
	if err != nil {
		// go-jose's text is not quoted: it can echo the sender's header
		// (its alg, its x5c), and the error must never quote the body.
		return nil, refused(payments.CodeUnauthenticated, "not an ES256 compact JWS: %s", joseParseProblem(err))
	}
	if len(jws.Signatures) != 1 {
		return nil, refused(payments.CodeUnauthenticated, "want exactly one signature, got %d", len(jws.Signatures))
	}
	h := jws.Signatures[0].Protected
	if err := n.checkHeader(h); err != nil {
		return nil, err
	}
	key, err := n.keys.key(ctx, h.KeyID)
	if err != nil {
		var unknown errUnknownKid
		switch {
		case errors.As(err, &unknown):
			return nil, refused(payments.CodeUnauthenticated, "%v", err)
		case ctx.Err() != nil:
			return nil, driver.ContextError(ctx, Name, payments.OpNotification)
		}
		return nil, unavailable(err)
	}
	payload, err := jws.Verify(key)
	if err != nil {
		return nil, refused(payments.CodeUnauthenticated, "signature does not verify with key %q", textcut.Cut(h.KeyID, maxKidShown))
	}
	return payload, nil
}

// maxKidShown caps the kid an error quotes: the sender chooses it, and an
// error (logged by the handler) must not grow with the body.
const maxKidShown = 64

// joseParseProblem says what go-jose found wrong with a token in words of
// our own, never quoting the token.
func joseParseProblem(err error) string {
	msg := err.Error()
	for _, p := range joseProblems {
		if strings.Contains(msg, p.says) {
			return p.means
		}
	}
	return "a part is malformed"
}

// joseProblems map what go-jose's parse errors say to what we report.
var joseProblems = []struct{ says, means string }{
	{"unexpected signature algorithm", "signed with an algorithm other than ES256"},
	{"three parts", "want three dot-separated parts"},
	{"illegal base64", "a part is not base64url"},
	{"protected header", "the protected header is not a JSON object"},
}

// checkHeader checks typ, kid, iat and exp of the protected header.
func (n *notifier) checkHeader(h jose.Header) error {
	if h.KeyID == "" {
		return refused(payments.CodeUnauthenticated, "header has no kid")
	}
	if typ, ok := h.ExtraHeaders[jose.HeaderType]; ok {
		if s, _ := typ.(string); !strings.EqualFold(s, "JWT") {
			return refused(payments.CodeUnauthenticated, "header typ is not JWT")
		}
	}
	now := n.now()
	exp, err := headerTime(h, "exp")
	if err != nil {
		return err
	}
	if now.After(exp.Add(NotificationLeeway)) {
		return refused(payments.CodeUnauthenticated, "token expired at %s", exp.UTC().Format(time.RFC3339))
	}
	iat, err := headerTime(h, "iat")
	if err != nil {
		return err
	}
	if iat.After(now.Add(NotificationLeeway)) {
		return refused(payments.CodeUnauthenticated, "token issued in the future (%s)", iat.UTC().Format(time.RFC3339))
	}
	return nil
}

// headerTime reads a required time of the JOSE header: UNIX seconds as a
// string (as Yandex Pay's sample shows them) or as a number.
func headerTime(h jose.Header, name string) (time.Time, error) {
	v, ok := h.ExtraHeaders[jose.HeaderKey(name)]
	if !ok {
		return time.Time{}, refused(payments.CodeUnauthenticated, "header has no %s", name)
	}
	var secs float64
	switch x := v.(type) {
	case float64:
		secs = x
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return time.Time{}, refused(payments.CodeUnauthenticated, "header %s is not a number of seconds", name)
		}
		secs = f
	default:
		return time.Time{}, refused(payments.CodeUnauthenticated, "header %s is neither a string nor a number", name)
	}
	if math.IsNaN(secs) || math.IsInf(secs, 0) || secs < 0 || secs > 1<<40 {
		return time.Time{}, refused(payments.CodeUnauthenticated, "header %s is out of range", name)
	}
	return time.Unix(int64(secs), 0), nil
}

// decode turns a verified payload into an event.
func (n *notifier) decode(payload []byte) (*payments.Event, error) {
	var w webhook
	if err := json.Unmarshal(payload, &w); err != nil {
		return nil, refused(payments.CodeInvalidArgument, "payload is not a JSON object: %v", err)
	}
	if w.MerchantID != n.merchantID {
		return nil, refused(payments.CodePermissionDenied, "payload is for another merchant")
	}
	ev := &payments.Event{
		Provider: Name,
		Type:     w.Event,
		Kind:     payments.EventUnknown,
		Sandbox:  n.sandbox,
		Raw:      append(json.RawMessage(nil), payload...),
	}
	if t, err := time.Parse(time.RFC3339Nano, w.EventTime); err == nil {
		ev.Time = t
	}
	if k, ok := eventKinds[w.Event]; ok {
		ev.Kind = k
	}
	switch ev.Kind {
	case payments.EventPaymentStatus:
		if w.Order == nil || w.Order.OrderID == "" {
			return nil, refused(payments.CodeInvalidArgument, "%s without order.orderId", w.Event)
		}
		ev.Ref = payments.Ref{ID: w.Order.OrderID}
		ev.RawStatus = w.Order.PaymentStatus
		ev.Status = normalize(w.Order.PaymentStatus)
		// A status can recur (two partial refunds), so the change is named by
		// its time too.
		ev.ID = driver.EventID(Name, n.merchantID, w.Event, w.Order.OrderID, w.Order.PaymentStatus, w.EventTime)
	case payments.EventOperationStatus:
		op := w.Operation
		if op == nil || op.OperationID == "" {
			return nil, refused(payments.CodeInvalidArgument, "%s without operation.operationId", w.Event)
		}
		ev.Ref = payments.Ref{ID: op.OrderID}
		ev.OperationID, ev.OperationType, ev.OperationStatus = op.OperationID, op.OperationType, op.Status
		ev.IdempotencyKey = op.ExternalOperationID
		// An operation passes each status once.
		ev.ID = driver.EventID(Name, n.merchantID, w.Event, op.OperationID, op.Status)
	default:
		ev.ID = driver.EventID(Name, n.merchantID, w.Event, string(payload))
	}
	return ev, nil
}
