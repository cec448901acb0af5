package rustore

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
)

// Notification types (RuStore's payment-callback notification page). Each
// has a _SANDBOX twin for test payments.
const (
	NotificationInvoiceStatus     = "INVOICE_STATUS"     // an invoice (purchase) changed status
	NotificationTestEvent         = "TEST_EVENT"         // a test notification sent from the RuStore console
	NotificationSubscriptionEvent = "SUBSCRIPTION_EVENT" // a subscription changed state
	sandboxSuffix                 = "_SANDBOX"
)

// notificationKinds maps a notification type (without _SANDBOX) to the
// portable kind; subscription events and types added later are
// payments.EventUnknown, passed on with their payload.
var notificationKinds = map[string]payments.EventKind{
	NotificationInvoiceStatus: payments.EventPaymentStatus,
	NotificationTestEvent:     payments.EventTest,
}

// GCM layout of the payload (RuStore's server-set-up page: AES/GCM/NoPadding,
// 12-byte IV, 16-byte tag): IV || ciphertext || tag.
const (
	gcmNonceSize = 12
	gcmTagSize   = 16
)

// notifier decrypts notifications for one app.
type notifier struct {
	aead    cipher.AEAD
	appID   int64
	sandbox bool
}

// newNotifier parses the console's notification key: base64 of 32 bytes.
func newNotifier(key payments.Secret, appID int64, sandbox bool) (*notifier, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(key.Reveal()))
	if err != nil {
		return nil, driver.ConfigError(Name, "NotificationKey", "not base64 (the console shows the key as base64 of 32 bytes)")
	}
	if len(raw) != 32 {
		return nil, driver.ConfigError(Name, "NotificationKey", "decodes to %d bytes; an AES-256 key is 32", len(raw))
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, driver.ConfigError(Name, "NotificationKey", "%v", err)
	}
	aead, err := cipher.NewGCMWithNonceSize(block, gcmNonceSize)
	if err != nil {
		return nil, driver.ConfigError(Name, "NotificationKey", "%v", err)
	}
	return &notifier{aead: aead, appID: appID, sandbox: sandbox}, nil
}

// envelopeBody is the notification request body.
type notificationBody struct {
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Payload   string `json:"payload"`
}

// decryptedPayload is the payload after decryption; data is JSON inside a string.
type decryptedPayload struct {
	Type  string          `json:"notification_type"`
	AppID flexString      `json:"app_id"`
	Data  json.RawMessage `json:"data"`
}

// invoiceData is the data of INVOICE_STATUS.
type invoiceData struct {
	ProductCode      string     `json:"product_code"`
	ChangeStatusTime string     `json:"change_status_time"`
	StatusNew        string     `json:"status_new"`
	StatusOld        string     `json:"status_old"`
	InvoiceID        flexString `json:"invoice_id"`
	OrderID          string     `json:"order_id"`
	PurchaseID       string     `json:"purchase_id"`
}

var _ payments.Notifier = (*Client)(nil)

// ParseNotification decrypts and decodes a RuStore server notification. Its
// authenticity rests on the AES-256-GCM tag (RuStore signs nothing else), so
// a payload that does not open with the configured key is refused as
// CodeUnauthenticated. The notification must name this app, and a test
// payment's notification (type *_SANDBOX) is accepted only by a sandbox
// client, and the other way round, so a test purchase never passes for a
// real one.
//
// A Client without Config.NotificationKey fails with CodeUnimplemented.
func (c *Client) ParseNotification(ctx context.Context, _ http.Header, body []byte) (*payments.Event, error) {
	if err := driver.ContextError(ctx, Name, payments.OpNotification); err != nil {
		return nil, err
	}
	if c.notify == nil {
		return nil, &payments.Error{Code: payments.CodeUnimplemented, Provider: Name, Op: payments.OpNotification,
			Message: "notifications are off: set Config.NotificationKey (notification_key in a config)"}
	}
	return c.notify.parse(body)
}

// NotificationAck is an empty body: RuStore asks only for HTTP 200.
func (c *Client) NotificationAck() (string, []byte) { return "", nil }

func refused(code payments.Code, format string, args ...any) error {
	return &payments.Error{Code: code, Provider: Name, Op: payments.OpNotification, Message: fmt.Sprintf(format, args...)}
}

func (n *notifier) parse(body []byte) (*payments.Event, error) {
	var nb notificationBody
	if err := json.Unmarshal(body, &nb); err != nil {
		return nil, refused(payments.CodeInvalidArgument, "body is not a notification JSON object")
	}
	plain, err := n.open(nb.Payload)
	if err != nil {
		return nil, err
	}
	var p decryptedPayload
	if err := json.Unmarshal(plain, &p); err != nil {
		return nil, refused(payments.CodeInvalidArgument, "decrypted payload is not a JSON object")
	}
	if !sameNumber(string(p.AppID), strconv.FormatInt(n.appID, 10)) {
		return nil, refused(payments.CodePermissionDenied, "notification is for app %s, not this app", p.AppID)
	}
	base, sandbox := strings.CutSuffix(p.Type, sandboxSuffix)
	if sandbox != n.sandbox {
		return nil, refused(payments.CodePermissionDenied, "a %s notification reached a client with sandbox=%t", p.Type, n.sandbox)
	}
	data, err := unwrapData(p.Data)
	if err != nil {
		return nil, refused(payments.CodeInvalidArgument, "data: %v", err)
	}
	ev := &payments.Event{Provider: Name, Type: p.Type, Kind: payments.EventUnknown, Sandbox: sandbox, Time: driver.ParseTime(nb.Timestamp)}
	if k, ok := notificationKinds[base]; ok {
		ev.Kind = k
	}
	ev.Raw, err = rawPayload(plain, data)
	if err != nil {
		return nil, refused(payments.CodeInvalidArgument, "decrypted payload: %v", err)
	}
	if ev.Kind == payments.EventPaymentStatus {
		return paymentStatusEvent(ev, p, data)
	}
	ev.ID = otherEventID(ev.Kind, p, nb, data)
	return ev, nil
}

// otherEventID names an event that is not a payment's status change. A test
// notification is sent once and never resent (RuStore's enable-notifications
// page) and its text may be the same every time, so its delivery's id and
// time name it: every press of the console's check button reaches an app
// that de-duplicates on Event.ID. Other types are named by their content,
// which is the same on every redelivery.
func otherEventID(kind payments.EventKind, p decryptedPayload, nb notificationBody, data json.RawMessage) string {
	if kind == payments.EventTest {
		return driver.EventID(Name, p.Type, string(p.AppID), nb.ID, nb.Timestamp, string(data))
	}
	return driver.EventID(Name, p.Type, string(p.AppID), string(data))
}

// open decrypts a notification's base64 payload with the notification key.
func (n *notifier) open(payload string) ([]byte, error) {
	sealed, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return nil, refused(payments.CodeInvalidArgument, "payload is not base64")
	}
	if len(sealed) < gcmNonceSize+gcmTagSize {
		return nil, refused(payments.CodeInvalidArgument, "payload is %d bytes, shorter than an IV and a tag", len(sealed))
	}
	plain, err := n.aead.Open(nil, sealed[:gcmNonceSize], sealed[gcmNonceSize:], nil)
	if err != nil {
		return nil, refused(payments.CodeUnauthenticated, "payload does not decrypt with the notification key (tampered, or encrypted with another key)")
	}
	return plain, nil
}

// paymentStatusEvent fills ev from the data of an invoice status change.
func paymentStatusEvent(ev *payments.Event, p decryptedPayload, data []byte) (*payments.Event, error) {
	var d invoiceData
	if err := json.Unmarshal(data, &d); err != nil || d.StatusNew == "" || (d.InvoiceID == "" && d.PurchaseID == "") {
		return nil, refused(payments.CodeInvalidArgument, "%s data lacks status_new or the payment's ids", p.Type)
	}
	ev.Ref = payments.Ref{ID: d.PurchaseID, InvoiceID: string(d.InvoiceID)}
	ev.Status, ev.RawStatus = normalize(d.StatusNew), d.StatusNew
	if d.StatusOld != "" {
		ev.OldStatus, ev.RawOldStatus = normalize(d.StatusOld), d.StatusOld
	}
	if t := driver.ParseTime(d.ChangeStatusTime); !t.IsZero() {
		ev.Time = t
	}
	// One change of one invoice is one pair of statuses: the pair, not the
	// delivery's id or time, names it.
	ev.ID = driver.EventID(Name, p.Type, string(p.AppID), string(d.InvoiceID), d.PurchaseID,
		strings.ToLower(d.StatusOld), strings.ToLower(d.StatusNew))
	return ev, nil
}

// unwrapData returns data as a JSON document: RuStore sends it as a string
// holding JSON; an object sent as such is taken as it is.
func unwrapData(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return json.RawMessage("{}"), nil
	}
	if raw[0] != '"' {
		if !json.Valid(raw) {
			return nil, fmt.Errorf("not JSON")
		}
		return raw, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("not a JSON string")
	}
	if !json.Valid([]byte(s)) {
		return nil, fmt.Errorf("the string does not hold JSON")
	}
	return json.RawMessage(s), nil
}

// rawPayload is the decrypted payload with data decoded in place, so that
// Event.Raw reads as one JSON document.
func rawPayload(plain []byte, data json.RawMessage) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(plain, &m); err != nil {
		return nil, err
	}
	m["data"] = data
	return json.Marshal(m)
}
