// Package rustore is the RuStore adapter of package payments: it confirms,
// cancels, refunds and reads RuStore in-app purchases through the RuStore
// Public API (public-api.rustore.ru).
//
// # Identifiers
//
// A purchase has two ids and RuStore uses both: confirm and cancel name the
// purchase by its purchaseId (a UUID, payments.Ref.ID), while the status read
// and the refund name it by its invoiceId (digits, payments.Ref.InvoiceID).
// The RuStore Pay SDK purchase result and the server notification carry both;
// keep both. Capture and Void work without InvoiceID, but then an unclear
// answer cannot be reconciled and comes back as payments.CodeOutcomeUnknown.
//
// # Authorization
//
// The client signs keyId+timestamp with the app's RSA key (SHA512withRSA) and
// trades the signature for a Public-Token at POST /public/auth. The token is
// cached, renewed a minute before it runs out, fetched once however many
// goroutines need it, and dropped and renewed once when RuStore rejects it
// early (RuStore does that).
//
// # Finding a purchase
//
// Find lists the purchases of one app user (the appUserId the app gave the
// Pay SDK) page by page as a Go iterator, and payments.FindRef turns a bare
// purchaseId into the full Ref, with the invoiceId that Status and Refund
// need: RuStore's purchase list is the only server-side route from one to
// the other.
//
// # What RuStore cannot do
//
//   - Starting a purchase from the server: purchases start on the phone, in
//     the RuStore Pay SDK; Start fails with CodeUnimplemented saying so.
//   - Partial capture: Capture with an Amount fails with CodeUnimplemented.
//   - Partial refund: Refund with an Amount fails with CodeUnimplemented; a
//     refund always returns the whole invoice.
//   - Stopping an unpaid purchase from the server: Rollback of a Pending
//     purchase fails with CodeFailedPrecondition (the purchase expires on its
//     own if the buyer never pays).
//   - Idempotency keys: RuStore has none. The adapter gets the same safety
//     from the state machine instead: confirm, cancel and refund act only from
//     one state, so an unclear write is settled by reading the status and is
//     repeated at most once, only while the purchase is still in the state the
//     write starts from. An unclear write that the status does not settle
//     (still the start state after two sends, or a refusal of the second) is
//     payments.CodeOutcomeUnknown with the key, never "nothing was done":
//     RuStore may take half a minute to apply a confirm. When the caller
//     passes an IdempotencyKey, a repeat of a write whose target state is
//     already reached succeeds instead of failing; without one it fails as
//     RuStore answers, so that an app that did not mean to repeat a capture
//     hears about it. The client remembers the keys it used, and refuses one
//     reused for another purchase or action (payments.CodeInvalidArgument).
//
// # Errors
//
// RuStore's answers carry an English message; the adapter maps the known
// ones (errors.go) to payments codes and everything else by HTTP status. An
// answer that is not RuStore's JSON envelope becomes CodeUnknown (2xx) or the
// HTTP status's code (others), with a redacted excerpt of the body.
package rustore
