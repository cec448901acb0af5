// Package transport is the one HTTP path every payment adapter uses: it sends
// a request to the provider, retries only where repeating it cannot move money
// twice, caps what it reads, and turns failures without an answer into
// *payments.Error values that say whether the request may have acted.
//
// Adapters build a Request (method, escaped path, headers, JSON body and a
// Retry class), call Client.Do and classify the Response themselves; the
// transport never interprets a provider's body. Retries, backoff and
// Retry-After handling are done with github.com/hashicorp/go-retryablehttp
// driven by this package's own policy, and every attempt is traced so that a
// write is retried after a failure only when it certainly was not sent
// (RetryUnsent) or carries an idempotency key (RetrySafe). Every attempt is
// bounded in time even when the caller's context has no deadline; attempts
// that start together share one deadline (bound.go), so a call costs no timer
// of its own.
//
// Nothing secret is logged or put into an error: logs carry provider, op,
// method, path without query, attempt, status and duration; error texts and
// body excerpts are scrubbed of the configured secrets and of JSON values
// under keys that name credentials.
package transport
