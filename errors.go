package payments

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Code classifies an error the same way for every provider, so that callers
// decide what to do (retry, reconcile, give up) without knowing who answered.
// The zero value is CodeUnknown.
type Code int

// The error codes. Numbers are stable: append only.
const (
	// CodeUnknown: nothing better is known about the failure.
	CodeUnknown Code = iota
	// CodeInvalidArgument: the request was malformed (a bad id, a negative
	// amount, a ref missing a field). Nothing was sent, or the provider refused
	// it without acting.
	CodeInvalidArgument
	// CodeNotFound: the provider has no such payment.
	CodeNotFound
	// CodeFailedPrecondition: the payment is not in a state that allows the
	// action (capturing a voided payment, voiding a captured one).
	CodeFailedPrecondition
	// CodeUnauthenticated: the credentials were missing, wrong or expired and
	// could not be renewed.
	CodeUnauthenticated
	// CodePermissionDenied: the credentials are valid but may not do this.
	CodePermissionDenied
	// CodeResourceExhausted: a rate or frequency limit was hit; Error.RetryAfter
	// says when to try again.
	CodeResourceExhausted
	// CodeConflict: another operation on the same payment is in progress.
	CodeConflict
	// CodeUnavailable: the provider could not be reached or failed before
	// acting; the action did not happen and may be retried.
	CodeUnavailable
	// CodeUnimplemented: the provider does not offer this action (RuStore has
	// no partial capture).
	CodeUnimplemented
	// CodeOutcomeUnknown: a write may or may not have happened and it could not
	// be told which. Check Status before doing anything else with the payment.
	// It is also the code when the caller's context ended after a write was
	// sent: errors.Is(err, context.DeadlineExceeded) (or Canceled, and the
	// matching sentinel) is then true as well, but the code says what matters.
	CodeOutcomeUnknown
	// CodeCanceled: the caller's context was canceled.
	CodeCanceled
	// CodeDeadlineExceeded: the caller's context deadline passed.
	CodeDeadlineExceeded
)

var codeNames = [...]string{
	CodeUnknown:            "Unknown",
	CodeInvalidArgument:    "InvalidArgument",
	CodeNotFound:           "NotFound",
	CodeFailedPrecondition: "FailedPrecondition",
	CodeUnauthenticated:    "Unauthenticated",
	CodePermissionDenied:   "PermissionDenied",
	CodeResourceExhausted:  "ResourceExhausted",
	CodeConflict:           "Conflict",
	CodeUnavailable:        "Unavailable",
	CodeUnimplemented:      "Unimplemented",
	CodeOutcomeUnknown:     "OutcomeUnknown",
	CodeCanceled:           "Canceled",
	CodeDeadlineExceeded:   "DeadlineExceeded",
}

// String returns the code's name, e.g. "NotFound".
func (c Code) String() string {
	if c >= 0 && int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// Codes lists every defined code in numeric order.
func Codes() []Code {
	out := make([]Code, len(codeNames))
	for i := range codeNames {
		out[i] = Code(i)
	}
	return out
}

// Error is the one error type every adapter returns. Its fields say who failed,
// at what, and why, in the provider's own words as well as in a Code.
//
// Error never holds credentials: adapters put only the provider's message and
// a redacted excerpt of the answer into it.
type Error struct {
	// Code is the normalized classification.
	Code Code
	// Provider is the adapter name ("rustore", "yandexpay"); empty for errors
	// raised before a provider was involved.
	Provider string
	// Op is the portable operation (OpCapture, OpStatus, ...).
	Op Operation
	// Field names the input that was refused, when one is to blame: a Config
	// field of an adapter's New ("KeyID") or an argument ("ref.ID"). Tools map
	// it back to where the value came from, e.g. a config file's field.
	Field string
	// HTTPStatus is the status of the provider's last answer, 0 if none came.
	HTTPStatus int
	// ProviderCode is the provider's own error code (RuStore "ERROR", Yandex Pay
	// reasonCode "ANOTHER_OPERATION_IN_PROGRESS").
	ProviderCode string
	// Message is the provider's own explanation, or ours when the failure is local.
	Message string
	// RequestID identifies the request to the provider's support, where one was sent.
	RequestID string
	// RetryAfter is how long to wait before trying again, when the provider said so.
	RetryAfter time.Duration
	// IdempotencyKey is the key of the write that failed (the caller's, or the
	// one generated for it). Every error of a write carries it: repeating the
	// write with the same key is safe and returns the operation's outcome,
	// whereas a new key may act a second time.
	IdempotencyKey string
	// Err is the underlying cause (a network error, a context error), if any.
	Err error
}

// Error formats the error as "provider op: Code: message (details)".
func (e *Error) Error() string {
	if e == nil {
		// A typed nil returned as an error: say so rather than crash the
		// caller that prints it.
		return "<nil *payments.Error>"
	}
	var b strings.Builder
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteByte(' ')
	}
	if e.Op != "" {
		b.WriteString(string(e.Op))
		b.WriteString(": ")
	} else if e.Provider != "" {
		b.WriteString(": ")
	}
	b.WriteString(e.Code.String())
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	var details []string
	if e.HTTPStatus != 0 {
		details = append(details, fmt.Sprintf("http %d", e.HTTPStatus))
	}
	if e.ProviderCode != "" {
		details = append(details, "provider code "+e.ProviderCode)
	}
	if e.RequestID != "" {
		details = append(details, "request id "+e.RequestID)
	}
	if e.RetryAfter > 0 {
		details = append(details, "retry after "+e.RetryAfter.String())
	}
	if e.IdempotencyKey != "" {
		details = append(details, "idempotency key "+e.IdempotencyKey)
	}
	if len(details) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(details, ", "))
		b.WriteByte(')')
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying cause, so errors.Is(err, context.Canceled) works.
func (e *Error) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// Is makes errors.Is(err, payments.ErrNotFound) true for any *Error with the
// same code: the sentinels match by code, not by identity. ErrCanceled and
// ErrDeadlineExceeded also match an error caused by the context ending, even
// when its code is CodeOutcomeUnknown because a write was already sent.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if e == nil || !ok || t == nil || !t.isSentinel() {
		return false
	}
	if t.Code == e.Code {
		return true
	}
	if cause, ok := contextCauses[t.Code]; ok {
		return errors.Is(e.Err, cause)
	}
	return false
}

// contextCauses links the context codes to the errors that cause them.
var contextCauses = map[Code]error{
	CodeCanceled:         context.Canceled,
	CodeDeadlineExceeded: context.DeadlineExceeded,
}

// isSentinel tells a bare sentinel (code only) from a full error, so that two
// unrelated real errors with the same code are not "equal".
func (e *Error) isSentinel() bool {
	return e.Provider == "" && e.Op == "" && e.Field == "" && e.Message == "" && e.HTTPStatus == 0 && e.Err == nil && e.IdempotencyKey == ""
}

// Sentinels for errors.Is. They carry a code and nothing else.
var (
	ErrUnknown            = &Error{Code: CodeUnknown}            // matches every CodeUnknown error
	ErrInvalidArgument    = &Error{Code: CodeInvalidArgument}    // matches every CodeInvalidArgument error
	ErrNotFound           = &Error{Code: CodeNotFound}           // matches every CodeNotFound error
	ErrFailedPrecondition = &Error{Code: CodeFailedPrecondition} // matches every CodeFailedPrecondition error
	ErrUnauthenticated    = &Error{Code: CodeUnauthenticated}    // matches every CodeUnauthenticated error
	ErrPermissionDenied   = &Error{Code: CodePermissionDenied}   // matches every CodePermissionDenied error
	ErrResourceExhausted  = &Error{Code: CodeResourceExhausted}  // matches every CodeResourceExhausted error
	ErrConflict           = &Error{Code: CodeConflict}           // matches every CodeConflict error
	ErrUnavailable        = &Error{Code: CodeUnavailable}        // matches every CodeUnavailable error
	ErrUnimplemented      = &Error{Code: CodeUnimplemented}      // matches every CodeUnimplemented error
	ErrOutcomeUnknown     = &Error{Code: CodeOutcomeUnknown}     // matches every CodeOutcomeUnknown error
	ErrCanceled           = &Error{Code: CodeCanceled}           // matches every CodeCanceled error
	ErrDeadlineExceeded   = &Error{Code: CodeDeadlineExceeded}   // matches every CodeDeadlineExceeded error
)

// CodeOf returns the code of err: the Code of an *Error in its chain,
// CodeCanceled or CodeDeadlineExceeded for context errors, CodeUnknown for
// anything else. CodeOf(nil) is CodeUnknown; check err != nil first.
func CodeOf(err error) Code {
	if err == nil {
		return CodeUnknown
	}
	var e *Error
	if errors.As(err, &e) {
		if e == nil {
			// A typed nil *Error is a bug in whoever returned it, not a
			// reason to crash the caller that inspects it.
			return CodeUnknown
		}
		return e.Code
	}
	switch {
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return CodeDeadlineExceeded
	}
	return CodeUnknown
}

// RetryAfterOf returns the wait an error asks for, or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e.RetryAfter
	}
	return 0
}

// contextError is the error of an ended context for the root's own calls
// (Wait): the code comes from CodeOf, as everywhere.
func contextError(ctx context.Context, provider string, op Operation) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	return &Error{Code: CodeOf(err), Provider: provider, Op: op, Message: err.Error(), Err: err}
}

// invalidArgument builds the error for bad input the root's own functions
// refuse before calling a provider.
func invalidArgument(provider string, op Operation, format string, args ...any) *Error {
	return &Error{Code: CodeInvalidArgument, Provider: provider, Op: op, Message: fmt.Sprintf(format, args...)}
}
