// Package yandexpaytest is a stateful Yandex Pay Merchant API emulator: a real
// HTTP server on 127.0.0.1 that an adapter, the conformance suite or an
// application's own checkout tests talk to offline, as they would talk to
// https://pay.yandex.ru/api/merchant.
//
// It is written from Yandex Pay's public documentation only (never from the
// yandexpay adapter), so a misreading shared by adapter and emulator cannot
// hide. A test creates orders in any raw status with [Server.AddOrder], drives
// the adapter against [Server.BaseURL], and then proves what happened with
// [Server.Count] (state changes applied, so "captured exactly once" is a
// checkable fact), [Server.Operations] and [Server.Requests].
//
// # Endpoints
//
// All paths are under /api/merchant; bodies are JSON; amounts are decimal
// strings ("123.45") in both directions, and a JSON number where an amount
// belongs is rejected, so an adapter sending floats is caught.
//
//	POST /v1/orders                            a new PENDING order with a payment link (see "Payment page")
//	GET  /v1/orders/{order_id}                 order and its operations
//	POST /v1/orders/{order_id}/capture         AUTHORIZED → CAPTURED (orderAmount below the hold captures part)
//	POST /v1/orders/{order_id}/cancel          AUTHORIZED → VOIDED (reason required)
//	POST /v1/orders/{order_id}/submit          CONFIRMED → CAPTURED (Split; externalOperationId required)
//	POST /v2/orders/{order_id}/refund          CAPTURED/PARTIALLY_REFUNDED → PARTIALLY_REFUNDED/REFUNDED, answered PENDING
//	POST /v1/orders/{order_id}/refund          the same, v1: refundAmount, orderAmount and the final cart required; done at once
//	POST /v1/orders/{order_id}/rollback        any status → FAILED; a paid order is refunded in full; data {}
//	GET  /v1/operations/{external_operation_id}
//
// The order_id segment is unescaped on its own (the raw path is split on "/"
// first), so ids containing "/", "../", "?" or "%" address exactly that order.
// Order ids are at most 2048 characters.
//
// The orderAmount an order read reports is what the order still holds or
// charges: [Order.Amount] minus [Order.RefundedAmount], because Yandex Pay
// lowers the order amount by each refund. A partial capture lowers
// [Order.Amount] to the captured amount.
//
// # Order creation and the payment page
//
// POST /v1/orders checks the request as Yandex Pay's order creation page
// states: orderId, currencyCode, cart, redirectUrls (onSuccess and onError),
// availablePaymentMethods (CARD, SPLIT, SBP) and an optional ttl in
// seconds ([MinTTL] to [MaxTTL], default [DefaultTTL]). The cart's amounts
// and counts are decimal strings; each unit price (total / quantity.count)
// has at most two decimals, the total equals the sum of the lines and is at
// least 1.00; otherwise the answer is 400 ORDER_CART_DATA_ERROR with
// details {"field": "cart.items[1].total"} naming the field. Whole counts
// only. The answer is {"paymentUrl"}; order reads then carry the cart and
// the paymentUrl. A repeat with the same X-Request-Id and body gets the
// first answer; the same orderId with the same cart and currency gets the
// same paymentUrl, with anything else 409 ORDER_ALREADY_EXISTS (what Yandex
// Pay answers is not documented: a client should read the order instead).
//
// The paymentUrl is a real web page on the emulator's second listener
// ([Server.PageURL]). Its Pay button moves the order to AUTHORIZED (or
// CAPTURED with Options.OneStage or [Server.SetOneStage]); Decline moves it
// to FAILED; an unpaid order fails when its link expires on the emulator
// clock ([Server.Advance]), a buyer who opened the page before that getting
// [OpenedGrace] more. [Server.Pay] and [Server.Decline] do what the buttons
// do; [Server.StatusChanges] lists every change made this way.
//
// # Headers
//
// Every request needs "Authorization: Api-Key <key>". Writes (POST) need
// X-Request-Id. X-Request-Timeout, when present, must be an integer number of
// milliseconds not below 1000; X-Request-Attempt, when present, a non-negative
// integer. All of them are recorded in [Server.Requests].
//
// # Operations and idempotency
//
// capture, cancel, submit and refund create an operation named by its
// externalOperationId; a request without one gets an operation whose
// externalOperationId is null (the field is the merchant's own key), which
// GET /v1/operations cannot find. Operations carry params: what their
// request asked for (orderAmount, refundAmount, reason). With
// Options.Async false, capture, cancel, submit and a v1 refund succeed at
// once and a v2 refund answers PENDING and succeeds at the next read of its
// order or operation.
//
// # Carts
//
// Order reads carry the order's cart; an order added without one shows a
// single line of what it holds, and takes the first cart a write sends as
// it is. As Yandex Pay's pages require, a capture below the hold needs the
// final "cart" (a capture with a cart and no orderAmount captures its
// total), a partial v2 refund needs "targetCart" (the lines kept) or
// "refundCart" (the lines given back), and a v1 refund needs the final
// "cart" with orderAmount; a cart that does not add up is refused with
// ORDER_CART_DATA_ERROR.
// With Async true every operation stays PENDING until
// [Server.CompleteOperation]. The order changes, and [Server.Count] counts,
// only when an operation succeeds; if the order has meanwhile left the status
// the operation needs, the operation fails instead. [Server.SetAsync] changes
// the mode for operations created afterwards; [Server.CompleteOperation]
// accepts an operationId or an externalOperationId.
//
// A request that repeats the externalOperationId of a PENDING operation on the
// same order and of the same type gets that operation back and changes
// nothing. Any other reuse of a known externalOperationId (the operation has
// completed, or it belongs to another order or type) is answered with
// DUPLICATE_EXTERNAL_OPERATION_ID and changes nothing: read the outcome with
// GET /v1/operations/{id}. While any operation of an order is PENDING, a new
// write to that order (rollback included, so a running refund cannot be
// doubled by a rollback's full refund) is answered with
// ANOTHER_OPERATION_IN_PROGRESS.
//
// Rollback creates no externalOperationId. It counts "rollback" when it moves
// the order to FAILED (repeating it on a FAILED order counts nothing), and for
// a paid order (CAPTURED or PARTIALLY_REFUNDED) it also counts "refund" and
// records a successful REFUND operation without an externalOperationId, as the
// provider's registry shows it.
//
// # Errors: HTTP statuses and reasonCodes
//
// Errors use Yandex Pay's fail envelope
// {"code":<http>,"status":"fail","reasonCode":"...","reason":"...","details":{...}}.
// Yandex Pay publishes no full table; DUPLICATE_EXTERNAL_OPERATION_ID,
// ANOTHER_OPERATION_IN_PROGRESS (409) and BAD_REQUEST (400) are the
// provider's own names, the rest were chosen here in the provider's style and
// are exported as Reason* constants:
//
//	HTTP reasonCode                       when
//	400  BAD_REQUEST                      malformed JSON or amount, missing required field or header,
//	                                      bad X-Request-Timeout/X-Request-Attempt, order id over 2048 characters
//	400  ORDER_HAS_WRONG_STATUS           the action is not allowed in the order's status (also capture of a
//	                                      CONFIRMED Split order, which must use /submit)
//	400  INVALID_AMOUNT                   capture above the held amount; refund below 1.00, above what remains,
//	                                      or leaving less than 1.00
//	401  AUTHENTICATION_ERROR             missing or wrong Api-Key
//	404  ORDER_NOT_FOUND                  no order with that id
//	404  OPERATION_NOT_FOUND              no operation with that externalOperationId
//	404  NOT_FOUND                        no such route
//	405  METHOD_NOT_ALLOWED               known route, wrong method (Allow header set)
//	409  ANOTHER_OPERATION_IN_PROGRESS    another operation of the order is PENDING
//	409  DUPLICATE_EXTERNAL_OPERATION_ID  the externalOperationId was used already (see above); 409 because
//	                                      the request conflicts with the server's state, like the other
//	                                      idempotency conflict, and no published status was found
//	429  TOO_MANY_REQUESTS                fault.TooManyRequests (with Retry-After in seconds)
//	503  SERVICE_UNAVAILABLE              fault.ServerError
//
// A client should still classify an unknown reasonCode by its HTTP status.
//
// Everything in that table that Yandex Pay does not document (the
// wrong-status and amount codes, the not-found codes, the status of a
// duplicate key, every reason text) is the table of [DefaultWording];
// Options.Wording replaces it per server, and [AlternateWording] is a
// second, different wording, so a test can prove a client leans only on the
// documented names by passing against both. A path outside /api/merchant
// is answered with a plain-text 404 (no envelope), as a web server in front
// of the API would answer it.
//
// # Faults
//
// [Server.InjectFault] (or [Server.TryInjectFault], which says why it refuses
// a fault) arms a [fault.Fault] by action ("capture", "cancel", "refund",
// "rollback", "submit", "order" for order reads, "operation" for operation
// reads; empty matches every action, except that fault.UnknownStatus only ever
// applies to order reads). A request takes the oldest armed fault that matches
// it. Faults apply after routing, authentication and header checks, so a
// rejected request does not use one up. Connection resets use a hijacked
// connection closed with SO_LINGER 0; fault.Slow gives up without acting when
// the client goes away or the server closes. The fault kinds are those of
// package fault, which the RuStore emulator and the conformance suite use too.
//
// # Webhooks
//
// [Server.SetCallbackURL] (or Options.CallbackURL) turns on Yandex Pay's
// webhooks: every change of an order's paymentStatus (ORDER_STATUS_UPDATED)
// and every operation that ends (OPERATION_STATUS_UPDATED) is POSTed to
// URL + "/v1/webhook" as an ES256-signed JWS with kid, iat and exp in the
// header, and signed anew and sent again while the app answers anything but
// 200, a bounded number of times, on the emulator clock. The public keys are
// served at /api/jwks beside /api/merchant ([Server.JWKSURL]);
// [Server.RotateWebhookKey] signs with a new key from then on.
// [Server.SendTestWebhook], [Server.WaitWebhooks] and
// [Server.WebhookAttempts] help tests; [Server.SignWebhook] signs a payload
// of the test's own.
//
// [Server.Handler] is the emulator's handler, for mounting it in a server of
// your own (payctl emulate serves it under /yandexpay).
package yandexpaytest
