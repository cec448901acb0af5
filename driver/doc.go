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
package driver
