package payments

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/regionpay/payments/status"
)

// EventKind says what a provider notification is about.
type EventKind string

// The event kinds.
const (
	// EventPaymentStatus: a payment changed status (RuStore INVOICE_STATUS,
	// Yandex Pay ORDER_STATUS_UPDATED). Event.Status is the payment's new status.
	EventPaymentStatus EventKind = "payment_status"
	// EventOperationStatus: an action on a payment (a capture, a refund, a
	// cancel) changed status (Yandex Pay OPERATION_STATUS_UPDATED).
	// Event.OperationStatus is its raw status, Event.IdempotencyKey the key the
	// action was sent with.
	EventOperationStatus EventKind = "operation_status"
	// EventTest: a test notification the provider's console sends on demand.
	EventTest EventKind = "test"
	// EventUnknown: a verified notification of a type this library does not
	// interpret (subscriptions, types added later). Event.Raw holds it.
	EventUnknown EventKind = "unknown"
)

// Event is one verified provider notification, normalized. Every provider's
// notifications decode into it, so an app handles "the buyer paid" once.
//
// Notifications carry only what changed, never the amount: read the payment
// with Status before moving goods or money on an event.
type Event struct {
	// ID names the change, not the delivery: it is derived from the
	// notification's content, so every redelivery of the same change (Yandex
	// Pay signs each one anew) carries the same ID. De-duplicate on it.
	ID string `json:"id"`
	// Provider is the adapter name ("rustore", "yandexpay").
	Provider string `json:"provider"`
	// Region is the config region whose handler received the event; empty
	// when the event was parsed outside a Regions handler.
	Region string `json:"region,omitempty"`
	// Kind says what the event is about.
	Kind EventKind `json:"kind"`
	// Type is the provider's own event type exactly as sent
	// ("INVOICE_STATUS_SANDBOX", "ORDER_STATUS_UPDATED").
	Type string `json:"type"`
	// Ref names the payment; empty for test events.
	Ref Ref `json:"ref"`
	// Status is the payment's new status, normalized through the same table
	// as Provider.Status, so the two never disagree; Unknown for events that
	// carry no payment status.
	Status status.Status `json:"status"`
	// RawStatus is the provider's new status exactly as sent.
	RawStatus string `json:"raw_status,omitempty"`
	// OldStatus is the status before the change, normalized like Status,
	// where the provider sends it (RuStore does, Yandex Pay does not);
	// Unknown otherwise.
	OldStatus status.Status `json:"old_status"`
	// RawOldStatus is the provider's status before the change exactly as
	// sent, empty where the provider does not send it.
	RawOldStatus string `json:"raw_old_status,omitempty"`
	// OperationID is the provider's id of the action an EventOperationStatus
	// reports on (Yandex Pay's operationId), for Provider.Operation.
	OperationID string `json:"operation_id,omitempty"`
	// OperationType is the kind of that action as the provider names it
	// (Yandex Pay: CAPTURE, REFUND, VOID), telling which money moved.
	OperationType string `json:"operation_type,omitempty"`
	// OperationStatus is where that action stands as the provider names it
	// (Yandex Pay: PENDING, SUCCESS, FAIL); only SUCCESS or FAIL ends it.
	OperationStatus string `json:"operation_status,omitempty"`
	// IdempotencyKey is the key the action was sent with (Result.IdempotencyKey),
	// where the provider echoes it.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// Time is when the change happened by the provider's clock; zero if not sent.
	Time time.Time `json:"time,omitempty"`
	// Sandbox is true for a notification about a test payment.
	Sandbox bool `json:"sandbox"`
	// Raw is the decoded (decrypted, verified) notification payload as JSON,
	// for fields Event does not carry. It never holds the token or the key.
	Raw json.RawMessage `json:"raw,omitempty"`
}

// Notifier is implemented by providers whose notifications can be verified
// and decoded ([CapNotifications]). Apps use [NotificationHandler] or
// [ParseNotification] rather than calling it directly.
type Notifier interface {
	// ParseNotification verifies one notification as received (its headers
	// and its whole body) and decodes it. Anything that fails verification is
	// an *Error with Op OpNotification: CodeUnauthenticated for a bad
	// signature, tag or token, CodeInvalidArgument for a body that does not
	// parse, CodePermissionDenied for one addressed to another merchant or
	// app, CodeUnavailable when the keys to check it could not be fetched.
	// The error never quotes the body.
	ParseNotification(ctx context.Context, header http.Header, body []byte) (*Event, error)
	// NotificationAck is the body the provider expects with the HTTP 200 that
	// accepts a notification (nil for an empty body), and its content type.
	NotificationAck() (contentType string, body []byte)
}

// DefaultMaxNotificationSize caps a notification body. Real ones are well
// under a few KiB; anything larger is refused before it is verified.
const DefaultMaxNotificationSize = 64 << 10

// ParseNotification verifies and decodes one notification through p, for apps
// that run their own HTTP stack: pass the request headers and the whole body.
// It fails with CodeUnimplemented when p cannot verify notifications, and with
// CodeResourceExhausted for a body above DefaultMaxNotificationSize.
func ParseNotification(ctx context.Context, p Provider, header http.Header, body []byte) (*Event, error) {
	n, err := notifierOf(p)
	if err != nil {
		return nil, err
	}
	if ctx == nil {
		return nil, invalidArgument(p.Name(), OpNotification, "nil context")
	}
	if err := contextError(ctx, p.Name(), OpNotification); err != nil {
		return nil, err
	}
	if len(body) > DefaultMaxNotificationSize {
		return nil, oversized(p.Name(), DefaultMaxNotificationSize)
	}
	return n.ParseNotification(ctx, header, body)
}

func notifierOf(p Provider) (Notifier, error) {
	if p == nil {
		return nil, invalidArgument("", OpNotification, "nil provider")
	}
	n, ok := p.(Notifier)
	if !ok || !Supports(p, CapNotifications) {
		return nil, &Error{Code: CodeUnimplemented, Provider: p.Name(), Op: OpNotification,
			Message: "this provider cannot verify notifications (is its notification key or merchant id configured?)"}
	}
	return n, nil
}

func oversized(provider string, limit int64) *Error {
	return &Error{Code: CodeResourceExhausted, Provider: provider, Op: OpNotification,
		Message: "notification body is larger than " + strconv.FormatInt(limit, 10) + " bytes"}
}
