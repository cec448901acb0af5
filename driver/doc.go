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
//		w := driver.NewWrite(Name, payments.OpCapture, opts.IdempotencyKey)
//		res, err := c.capture(ctx, w, ref) // calls w.Reached() whenever an attempt may have acted
//		return w.Finish(res, err)
//	}
package driver
