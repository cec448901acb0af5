// Package driver holds the rules every payments adapter shares, so that an
// adapter contains only what is its provider's own: its wire format, its
// endpoints and how its answers map to payments codes and statuses.
//
// Applications do not import it: they use package payments and an adapter.
// Adapter authors use it for the checks every action makes before anything
// is sent (a Client not made by New, a nil or ended context, nil options, an
// amount), the idempotency key of a write, the errors every provider reports
// alike (a malformed answer, an outcome that cannot be known, a context that
// ended after the request was sent), time parsing, and the checks and error
// mapping of an adapter's New and its registry entry.
//
// Outcome tracking ([Write]): a capture, void, rollback or refund is one
// logical operation with one idempotency key, however many HTTP attempts it
// takes. Once any attempt may have reached the provider, only a proven
// outcome may end the operation as anything but success or
// payments.CodeOutcomeUnknown; a later refusal (429, 409, 401, a gateway's
// 5xx) says nothing about what the earlier attempt did. An adapter uses it
// like this:
//
//	func (c *Client) Capture(ctx context.Context, ref payments.Ref, opts *payments.CaptureOptions) (*payments.Result, error) {
//		o := driver.Options(opts)
//		if err := driver.Check(ctx, Name, payments.OpCapture, c != nil && c.tr != nil); err != nil {
//			return nil, err
//		}
//		w := driver.NewWrite(Name, payments.OpCapture, o.IdempotencyKey)
//		res, err := c.capture(ctx, w, ref) // calls w.Reached() whenever an attempt may have acted
//		return w.Finish(res, err)
//	}
//
// # What an adapter writes
//
// Only what is its provider's own: a Config embedding payments.HTTPOptions
// and a New that refuses a field with [ConfigError]; the wire format and the
// table from the provider's error and status values to payments.Code and
// status.Status; the actions, which settle a write whose answer was lost by
// reading the provider's own record of it; Capabilities; and a registry
// entry whose errors [OpenError] maps to config fields. The HTTP exchange
// (retries, limits, redaction) is the module's internal transport, an
// emulator's plumbing is internal/emukit, and the behaviour every provider
// must show is package conformance. The in-memory provider (package memory)
// is a whole provider written this way.
//
// # Words
//
// The module uses these words in one sense each. A provider is what apps
// hold (payments.Provider); an adapter is the package that makes one for a
// remote service (rustore, yandexpay); driver is only this package's name. A
// write is an operation that may move money (payments.Operation.IsWrite), in
// the adapters, the emulators and [Write] alike. A request is one logical
// HTTP request of an adapter, however many attempts the transport makes; an
// answer is what came back. An emulator's reply is the answer it builds, and
// it responds with it (faultinject.Respond). In the conformance suite an
// action is run.
package driver
