// Package payments gives an app one interface over the payment providers it
// meets in Russia: RuStore (in-app purchases of Android apps) and Yandex Pay
// (web and mobile checkout).
//
// # The tour
//
// A [Provider] acts on one payment, named by a [Ref]: Capture charges held
// money, Void releases it, Rollback makes sure nothing stays charged, Status
// reads the payment. Providers that give money back also implement
// [Refunder]. Each action returns a [Result]; Status returns a [Payment].
// Providers whose server side creates payments (Yandex Pay orders with a
// payment link) implement [Starter]: call [Start]. Providers that list a
// buyer's payments (RuStore purchases of one app user) implement [Finder]:
// call [Find], or [FindRef] to get a full Ref from a bare payment id.
//
// Statuses are normalized by package status: RuStore's PAID and Yandex Pay's
// AUTHORIZED are both status.Authorized, and the raw value is kept beside it.
//
// Errors are normalized too: every adapter returns an [*Error] whose [Code]
// says what happened in the same words for every provider, and
// errors.Is(err, payments.ErrNotFound) works. [CodeOutcomeUnknown] is the one
// to respect: a write may have happened, so check Status before retrying.
//
// Amounts are [Money]: integer minor units (kopecks) and a currency code;
// never a float.
//
// # Regions and config
//
// Adapters live in their own packages (rustore, yandexpay) and register
// themselves by name when imported, as database/sql drivers do; payments
// imports none of them. An app that serves several regions keeps one JSON
// file mapping each region to a provider and its settings, and opens it:
//
//	import _ "github.com/regionpay/payments/rustore"
//	import _ "github.com/regionpay/payments/yandexpay"
//
//	cfg, err := payments.LoadConfig("payments.json")  // errors name line, region and field
//	regions, err := payments.Open(ctx, cfg, nil)      // one HTTP client per region
//	defer regions.Close()
//	p, err := regions.Provider("ru")                  // or regions.Default()
//
// Secrets are never written in the file: a secret field is an "${ENV_VAR}"
// reference, or its "_file" twin names a file. See [Config].
//
// # Notifications
//
// Providers push every change of a payment to the app. [NotificationHandler]
// (one provider) and [Regions.NotificationHandler] (every region, routed by
// the first path segment) verify each notification with the region's keys
// (RuStore: AES-256-GCM with the console's notification key; Yandex Pay: an
// ES256 JWT checked against its JWKS) and give the app one normalized
// [Event], whose ID stays the same across the provider's redeliveries.
// [ParseNotification] does the same for apps with their own HTTP stack.
//
// # Testing
//
// Each adapter has an emulator beside it (rustore/rustoretest,
// yandexpay/yandexpaytest): a real HTTP server on 127.0.0.1 with the
// provider's auth, state machine, error bodies and a fault injector, for
// tests that need no network and no credentials. Package conformance is the
// suite every adapter passes; cmd/payctl's "emulate" serves both emulators to
// other languages and processes.
//
// # Safety
//
// Writes carry an idempotency key ([CaptureOptions].IdempotencyKey and the
// like), generated when empty and reused on every retry, so a retried capture
// charges once. Retries happen only where they are safe, and a write whose
// answer was lost is settled by reading the payment back, not by guessing.
// Credentials never appear in errors, logs or String output: keep them in a
// [Secret].
//
// # Idempotency keys
//
// Every write (the IdempotencyKey field of [CaptureOptions], [VoidOptions],
// [RollbackOptions] and [RefundOptions]) takes a key that names one logical
// operation: one intent, such as "capture order 42 in full". However many
// attempts the operation takes, inside the library (retries) or across calls
// (the app repeating after an error), the same key makes it act at most
// once: a repeat returns the operation's outcome instead of acting again.
// The same key with other parameters (another amount, another action,
// another payment) is refused, never reported as done. Leave it empty and a
// fresh key is generated; either way the [Result], and every [*Error] of the
// write (Error.IdempotencyKey), report it, so that a write whose outcome is
// unknown can be repeated safely with it.
package payments

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/regionpay/payments/status"
)

// Ref names one payment at its provider.
type Ref struct {
	// ID is the provider's payment id: RuStore's purchaseId (a UUID), Yandex
	// Pay's order_id.
	ID string `json:"id,omitempty"`
	// InvoiceID is RuStore's invoiceId (digits). RuStore reads status and
	// refunds by it; its SDK purchase result and notifications carry both ids.
	// Yandex Pay ignores it.
	InvoiceID string `json:"invoice_id,omitempty"`
}

// String shows the ref for logs: "id" or "id/invoice".
func (r Ref) String() string {
	if r.InvoiceID == "" {
		return r.ID
	}
	return r.ID + "/" + r.InvoiceID
}

// Money is an amount in minor units (kopecks for RUB) and an ISO 4217
// currency code. It is never a float, so sums are exact.
type Money struct {
	// Minor is the amount in the currency's smallest unit: 12345 is 123.45 RUB.
	Minor int64 `json:"minor"`
	// Currency is the ISO 4217 code, e.g. "RUB".
	Currency string `json:"currency"`
}

// String formats the amount with two decimals: "123.45 RUB".
func (m Money) String() string {
	return m.Decimal() + " " + m.Currency
}

// Validate reports what is wrong with m as an amount to charge or refund:
// it must be positive and carry a three-letter upper-case currency code.
func (m Money) Validate() error {
	if m.Minor <= 0 {
		return fmt.Errorf("amount must be positive, got %d minor units", m.Minor)
	}
	if !isCurrencyCode(m.Currency) {
		return fmt.Errorf("currency must be a three-letter ISO 4217 code like \"RUB\", got %q", m.Currency)
	}
	return nil
}

func isCurrencyCode(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// Payment is a snapshot of one payment as its provider reports it.
type Payment struct {
	// Ref names the payment; adapters fill in every id the provider returned.
	Ref Ref `json:"ref"`
	// Provider is the adapter name.
	Provider string `json:"provider"`
	// Status is the normalized state.
	Status status.Status `json:"status"`
	// RawStatus is the provider's status exactly as sent, also when Status is Unknown.
	RawStatus string `json:"raw_status"`
	// Amount is the payment's current amount (after discounts and partial
	// captures or refunds, as far as the provider reports it).
	Amount Money `json:"amount"`
	// Created is when the provider created the payment, zero when not
	// reported.
	Created time.Time `json:"created,omitempty"`
	// Updated is when the provider last changed the payment, zero when not
	// reported; it tells which of two reads of one payment is newer.
	Updated time.Time `json:"updated,omitempty"`
	// Raw is the provider's payment object as received, for fields this type
	// does not carry.
	Raw json.RawMessage `json:"raw,omitempty"`
}

// Result says what an action did.
type Result struct {
	// Ref names the payment acted on.
	Ref Ref `json:"ref"`
	// Provider is the adapter name.
	Provider string `json:"provider"`
	// Status is the payment's state after the action, as far as known;
	// Unknown when the provider did not say and it was not read back.
	Status status.Status `json:"status"`
	// RawStatus is the provider's raw status behind Status, where one was seen.
	RawStatus string `json:"raw_status,omitempty"`
	// Pending is true when the provider accepted the action but is still
	// running it. Wait settles it.
	Pending bool `json:"pending"`
	// OperationID is the provider's id of the action, where it has one.
	OperationID string `json:"operation_id,omitempty"`
	// IdempotencyKey is the key the action was sent with (the caller's, or
	// the one generated for it). Send it again to repeat the action safely.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// NoOp is true when nothing had to be done: rolling back a payment that
	// was already not charged.
	NoOp bool `json:"no_op,omitempty"`
}

// CaptureOptions tune Capture. A nil *CaptureOptions means defaults.
type CaptureOptions struct {
	// Amount captures only part of the hold, where the provider supports it;
	// nil captures all of it.
	Amount *Money
	// Cart is the final cart after the capture: what is actually charged.
	// Yandex Pay requires it with a partial Amount; providers without carts
	// refuse it.
	Cart *Cart
	// IdempotencyKey names this action as one logical operation: see
	// "Idempotency keys" in the package documentation. Generated when empty.
	IdempotencyKey string
}

// VoidOptions tune Void. A nil *VoidOptions means defaults.
type VoidOptions struct {
	// Reason is shown to the provider (Yandex Pay requires one); a default is used when empty.
	Reason string
	// IdempotencyKey names this action as one logical operation: see
	// "Idempotency keys" in the package documentation. Generated when empty.
	IdempotencyKey string
}

// RollbackOptions tune Rollback. A nil *RollbackOptions means defaults.
type RollbackOptions struct {
	// IdempotencyKey names this action as one logical operation: see
	// "Idempotency keys" in the package documentation. Generated when empty.
	IdempotencyKey string
}

// RefundOptions tune Refund. A nil *RefundOptions means defaults.
type RefundOptions struct {
	// Amount refunds part of the captured money; nil refunds all that remains.
	Amount *Money
	// Cart is the cart as it stands after the refund (what the buyer keeps).
	// Yandex Pay requires it with a partial Amount; providers without carts
	// refuse it.
	Cart *Cart
	// IdempotencyKey names this action as one logical operation: see
	// "Idempotency keys" in the package documentation. Generated when empty.
	IdempotencyKey string
}
