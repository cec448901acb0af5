// Package rustoretest is a stateful emulator of the RuStore Public API: a
// real HTTP server on 127.0.0.1, written from RuStore's documentation, for
// tests that need no network and no credentials. Apps use it to test their
// checkout offline; the rustore adapter and the conformance suite run
// against it.
//
//	srv := rustoretest.NewServer(nil)
//	defer srv.Close()
//	p := srv.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 29900})
//	// point the client at srv.URL with srv.KeyID(), srv.PrivateKeyBase64(), srv.AppID()
//
// # Endpoints
//
// Real purchases live under /public, test purchases (Purchase.Sandbox)
// under /public/sandbox; a purchase is "not found" under the other prefix.
// Both use the same auth.
//
//	POST  /public/auth (or /public/auth/)                        issue a token
//	PUT   {prefix}/applications/{appId}/purchases/{purchaseId}:confirm  PAID → CONFIRMED
//	PUT   {prefix}/applications/{appId}/purchases/{purchaseId}:cancel   PAID → REVERSED
//	PATCH {prefix}/applications/{appId}/invoices/{invoiceId}     CONFIRMED or CONSUMED → REFUNDED
//	GET   {prefix}/v2/purchase/{invoiceId}                       payment data (the body RuStore's "Getting payment data by ID (v2)" page shows)
//	GET   {prefix}/applications/{appId}/purchases?appUserId=...   purchases of one app user, paged
//
// The purchase list takes appUserId (required), purchaseStatus (compared
// case-insensitively), limit (default [DefaultListLimit], capped at
// [MaxListLimit]) and continuation; it answers {"purchases": [...],
// "continuationToken": "..."} with purchaseId, productId, invoiceId,
// orderId, purchaseType (1 for sandbox purchases), productType,
// description and purchaseStatus per item, oldest invoice first, and no
// token on the last page. RuStore's documentation does not name the token's
// field: Options.ContinuationField renames it, so clients can be tested
// against the names it might have.
//
// Auth takes {"keyId","timestamp","signature"} (Content-Type
// application/json): signature is base64 (standard) of an RSA PKCS#1 v1.5
// SHA-512 signature of keyId+timestamp, timestamp is RFC 3339 with an
// offset and must lie within 60 s of the emulator clock. Every other call
// needs the header Public-Token with a token that has not expired on the
// emulator clock, and an appId in the path equal to the key's app.
//
// Every answer is the envelope {"code","message","body","timestamp"}.
// Status writes keep the letter case of the stored status ("PAID" becomes
// "CONFIRMED", "paid" becomes "confirmed").
//
// # HTTP statuses
//
// RuStore documents the messages but not every status code, so the emulator
// picks these:
//
//	200 OK            success, body {} for writes
//	400 ERROR         state refusals: "Purchase status must be PAID",
//	                  "Invoice status must be CONFIRMED", "Invoice has already been refunded",
//	                  "You can confirm purchase only once every 15 minutes. Try again later"
//	400 BAD_REQUEST   malformed input: non-numeric appId or invoiceId, auth body not JSON or
//	                  missing fields, unparsable timestamp
//	401 ERROR         "Token is empty", "Jwe token is expired", "Range timestamp not valid",
//	                  "Key not found", "Signature is not valid"
//	403 ERROR         "Forbidden": the appId in the path is not the key's app
//	404 NOT_FOUND     "Purchase not found" (unknown purchase or invoice, or the wrong prefix);
//	                  "Resource not found" for unknown paths (no auth needed)
//	405 ERROR         known path, wrong method (Allow header set)
//	413 BAD_REQUEST   request body over 1 MiB
//	415 BAD_REQUEST   auth without Content-Type application/json
//	429 TOO_MANY_REQUESTS  fault.TooManyRequests only, with Retry-After in seconds
//	500 ERROR         "Something went wrong": the emulator's own failure (no randomness)
//	503 ERROR         "Something went wrong": fault.ServerError only
//
// Checks run in this order: path and method, token, appId, invoiceId
// format, fault, then the state machine.
//
// # The 15-minute confirm rule
//
// RuStore refuses a repeated confirm of the same purchase for 15 minutes.
// The emulator applies it after an abnormal confirm only: a confirm of a
// PAID purchase that was then spoiled by fault.ResetAfterApply,
// fault.TruncatedBody or fault.OversizedBody (applied, answer lost), a confirm
// held by fault.Slow (from the moment the hold starts; if the client or
// server goes away during the hold, nothing is applied and the mark stays),
// or an explicit [Server.MarkConfirmAttempt]. Until ConfirmRepeatWindow has
// passed on the emulator clock since that attempt, every confirm of the
// purchase answers 400 "You can confirm purchase only once every 15 minutes.
// Try again later", before the status check. A confirm answered normally
// (success or refusal) and faults that act before the state check
// (fault.ServerError, fault.TooManyRequests, fault.ResetBeforeApply) do not
// set the mark.
//
// # Clock
//
// The emulator clock starts at Options.Start and follows real time unless
// Options.FreezeClock is set; [Server.Advance] moves it forward. It decides
// token expiry, the auth window and the 15-minute rule. A client that signs
// auth timestamps must read time from [Server.Now] once Advance is used, or
// its timestamps fall outside the 60 s window.
//
// # Faults and counters
//
// [Server.InjectFault] arms a [fault.Fault] per action ("auth", "confirm",
// "cancel", "refund", "status"); [Server.TryInjectFault] also says why it
// refuses one. [Server.Count] says how many times a write
// changed a purchase, so a test can prove a payment was captured once;
// [Server.AuthCount], [Server.Requests], [Server.IssuedTokens] and
// [Server.ReceivedSignatures] support the rest.
//
// The fault kinds are those of package fault, which the Yandex Pay emulator
// and the conformance suite use too, so a fault means the same thing on
// either emulator.
//
// # Server notifications
//
// [Server.SetCallbackURL] (or Options.CallbackURL) turns on RuStore's server
// notifications: every status change of a purchase (a confirm, cancel or
// refund, or [Server.SetStatus]) is sent to the URL as INVOICE_STATUS
// (INVOICE_STATUS_SANDBOX for sandbox purchases), AES-256-GCM encrypted
// with the key [Server.NotificationKeyBase64] returns, and sent again while
// the app answers anything but 200, a bounded number of times, on the
// emulator clock. [Server.SendTestNotification] sends a TEST_EVENT;
// [Server.WaitNotifications] and [Server.NotificationAttempts] let a test
// see what went out.
//
// [Server.Handler] is the emulator's handler, for mounting it in a server
// of your own (payctl emulate serves it under /rustore).
//
// The emulator logs nothing. All methods are safe for concurrent use.
package rustoretest
