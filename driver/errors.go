package driver

import (
	"context"
	"errors"
	"fmt"

	"github.com/regionpay/payments"
)

// ErrMalformed is the cause (Error.Err) of an answer that could not be read.
// A write that got one may have acted, so adapters settle it by a read.
var ErrMalformed = errors.New("malformed answer")

// Malformed builds the error for an answer that arrived but could not be
// read as the provider's documented shape: CodeUnknown, with ErrMalformed as
// its cause. what says which part was wrong, excerpt is the redacted start
// of the body.
func Malformed(provider string, op payments.Operation, httpStatus int, requestID, what, excerpt string) *payments.Error {
	return &payments.Error{
		Code:       payments.CodeUnknown,
		Provider:   provider,
		Op:         op,
		HTTPStatus: httpStatus,
		RequestID:  requestID,
		Message:    fmt.Sprintf("malformed answer (%s): %s", what, excerpt),
		Err:        ErrMalformed,
	}
}

// OutcomeUnknown reports a write that may have acted and that a read could
// not settle; why says what the read found. The answer's HTTP status,
// provider code, request id and Retry-After are kept from cause.
func OutcomeUnknown(provider string, op payments.Operation, cause error, why string) *payments.Error {
	e := &payments.Error{Code: payments.CodeOutcomeUnknown, Provider: provider, Op: op, Err: cause}
	var pe *payments.Error
	if errors.As(cause, &pe) {
		e.HTTPStatus, e.ProviderCode, e.RequestID, e.RetryAfter = pe.HTTPStatus, pe.ProviderCode, pe.RequestID, pe.RetryAfter
		e.IdempotencyKey = pe.IdempotencyKey
	}
	e.Message = fmt.Sprintf("the %s may have reached %s and acted, and %s: check Status, and repeat only with the same IdempotencyKey", op, provider, why)
	return e
}

// CanceledAfterSend reports a write cut off by the caller's context after
// its request was sent: the code says money may have moved
// (CodeOutcomeUnknown), and the context's error stays in the chain, so
// errors.Is(err, context.Canceled) and errors.Is(err, payments.ErrCanceled)
// still hold. cause is what the cut-off request returned.
func CanceledAfterSend(ctx context.Context, provider string, op payments.Operation, cause error) *payments.Error {
	ctxErr := ctx.Err()
	e := OutcomeUnknown(provider, op, errors.Join(ctxErr, cause), "the context ended ("+fmt.Sprint(ctxErr)+") before the answer was read")
	return e
}

// ReadFailed words a failed settling read for OutcomeUnknown's why.
func ReadFailed(what string, err error) string {
	return fmt.Sprintf("reading %s to settle it failed (%s)", what, payments.CodeOf(err))
}

// Message is the provider's message of an *payments.Error, or the error's
// text: for quoting one error inside another without its prefixes.
func Message(err error) string {
	var pe *payments.Error
	if errors.As(err, &pe) && pe.Message != "" {
		return pe.Message
	}
	return err.Error()
}
