package payments

import (
	"context"
	"time"

	"github.com/regionpay/payments/status"
)

// StartRequest describes a payment the merchant's server starts at the
// provider: an order the buyer then pays through a payment link.
type StartRequest struct {
	// OrderID is the merchant's own id of the order (Yandex Pay orderId). It
	// becomes the payment's Ref.ID and is the idempotency key of the start:
	// starting the same order again returns the same payment, and the same
	// OrderID with another cart is refused.
	OrderID string
	// Cart is what the buyer pays for; its Total is the amount charged.
	Cart Cart
	// Redirects are where the payment page sends the buyer afterwards.
	Redirects Redirects
	// TTL is how long the payment link may be used; zero means the
	// provider's default (Yandex Pay: 30 minutes).
	TTL time.Duration
	// PaymentMethods limits how the buyer may pay, in the provider's words
	// (Yandex Pay: "CARD", "SPLIT", "SBP"); empty means the provider's
	// default (Yandex Pay: card only).
	PaymentMethods []string
}

// Redirects are the pages of the merchant's site a payment page returns the
// buyer to.
type Redirects struct {
	// OnSuccess is shown after the buyer paid (required by Yandex Pay).
	OnSuccess string
	// OnError is shown after the payment failed (required by Yandex Pay).
	OnError string
	// OnAbort is shown when the buyer left the payment page; optional.
	OnAbort string
}

// StartResult is a started payment: where to send the buyer, and until when.
type StartResult struct {
	// Ref names the payment for Status, Capture and the rest.
	Ref Ref `json:"ref"`
	// Provider is the adapter name.
	Provider string `json:"provider"`
	// PaymentURL is the page the buyer pays on.
	PaymentURL string `json:"payment_url"`
	// ExpiresAt is when the link stops taking payments (the order's creation
	// plus its TTL); zero when the provider does not say. Providers may give a
	// buyer who already opened the page some more time.
	ExpiresAt time.Time `json:"expires_at,omitempty"`
	// Status is the payment's state when the start returned: Pending for a
	// new order; an earlier start of the same order may already be paid.
	Status status.Status `json:"status"`
	// RawStatus is the provider's status behind Status, where one was read.
	RawStatus string `json:"raw_status,omitempty"`
	// Existing is true when the order had been started before (by an earlier
	// call whose answer was lost, or a repeat): nothing new was created.
	Existing bool `json:"existing,omitempty"`
}

// Starter is implemented by providers whose server side can start a payment
// (Yandex Pay: create an order with a payment link). Prefer [Start], which
// checks for it.
type Starter interface {
	// Start creates the payment req describes, or returns the one an earlier
	// Start with the same OrderID created. It validates req before sending
	// anything.
	Start(ctx context.Context, req *StartRequest) (*StartResult, error)
}

// Start starts a payment through p, as [Starter.Start] does, or fails with
// CodeUnimplemented, before anything is sent, when p cannot start payments.
// A provider that lacks [CapStart] may still implement Starter only to say
// why and what to do instead (RuStore: purchases start on the phone, through
// its Pay SDK); Start then passes its answer on.
func Start(ctx context.Context, p Provider, req *StartRequest) (*StartResult, error) {
	if p == nil {
		return nil, invalidArgument("", OpStart, "nil provider")
	}
	s, ok := p.(Starter)
	if !ok {
		return nil, &Error{Code: CodeUnimplemented, Provider: p.Name(), Op: OpStart,
			Message: "this provider cannot start payments from the server"}
	}
	res, err := s.Start(ctx, req)
	if err == nil && res == nil {
		// A third-party Starter's bug: the caller must not be handed a nil
		// to send the buyer to.
		return nil, &Error{Code: CodeUnknown, Provider: p.Name(), Op: OpStart,
			Message: "the provider returned neither a started payment nor an error"}
	}
	return res, err
}
