package driver

import (
	"context"
	"fmt"

	"github.com/regionpay/payments"
)

// Check is what every action checks first, before anything is sent: that
// the client was built by the adapter's New (made is false for a zero or
// nil client, which has nothing to send with), then that ctx is usable.
func Check(ctx context.Context, provider string, op payments.Operation, made bool) error {
	if !made {
		return &payments.Error{Code: payments.CodeFailedPrecondition, Provider: provider, Op: op,
			Message: fmt.Sprintf("the %s.Client was not created by %s.New", provider, provider)}
	}
	return ContextError(ctx, provider, op)
}

// ContextError converts a context's error into an *payments.Error with
// CodeCanceled or CodeDeadlineExceeded, and returns nil while ctx is live. A
// nil ctx, on which ctx.Err would panic, is refused as CodeInvalidArgument,
// so that every provider reports a canceled call, and a missing context, the
// same way.
func ContextError(ctx context.Context, provider string, op payments.Operation) error {
	if ctx == nil {
		return InvalidArgument(provider, op, "nil context: pass context.Background() or a context with a deadline")
	}
	err := ctx.Err()
	if err == nil {
		return nil
	}
	return &payments.Error{Code: payments.CodeOf(err), Provider: provider, Op: op, Message: err.Error(), Err: err}
}

// InvalidArgument builds the error for bad input found before any request:
// it names the provider, the operation and what is wrong.
func InvalidArgument(provider string, op payments.Operation, format string, args ...any) *payments.Error {
	return &payments.Error{Code: payments.CodeInvalidArgument, Provider: provider, Op: op, Message: fmt.Sprintf(format, args...)}
}

// Options returns *opts, or the zero options when opts is nil: every
// action's options are optional, and a nil pointer means the defaults.
func Options[T any](opts *T) T {
	if opts == nil {
		var zero T
		return zero
	}
	return *opts
}

// CheckAmount refuses an amount that is not a positive amount of a currency,
// naming the field it came in ("opts.Amount"). A nil amount means "all of
// it" to every action that takes one, and passes.
func CheckAmount(provider string, op payments.Operation, field string, m *payments.Money) error {
	if m == nil {
		return nil
	}
	if err := m.Validate(); err != nil {
		return InvalidArgument(provider, op, "%s: %v", field, err)
	}
	return nil
}

// RefuseCart fails an action given a cart by a provider that keeps none
// (payments.CapCarts absent): dropping the cart silently would let the
// caller believe the provider recorded the line items. why says what the
// provider acts on instead.
func RefuseCart(provider string, op payments.Operation, cart *payments.Cart, why string) error {
	if cart == nil {
		return nil
	}
	return &payments.Error{Code: payments.CodeUnimplemented, Provider: provider, Op: op,
		Message: "this provider has no carts: " + why + "; leave Cart nil"}
}
