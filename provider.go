package payments

import "context"

// Provider is what every payment provider offers: the portable actions on one
// payment. Adapters (package rustore, package yandexpay) implement it; apps
// hold a Provider and never need to know which one it is.
//
// Every method validates its input before sending anything, and returns an
// *Error (see Code) on failure. A method that returns CodeOutcomeUnknown may
// have moved money: check Status before acting again.
type Provider interface {
	// Name is the adapter's registered name: "rustore", "yandexpay".
	Name() string
	// Capture charges money that was authorized (held). With opts.Amount set it
	// charges part of the hold and releases the rest, where the provider can.
	Capture(ctx context.Context, ref Ref, opts *CaptureOptions) (*Result, error)
	// Void releases an authorized hold without charging anything.
	Void(ctx context.Context, ref Ref, opts *VoidOptions) (*Result, error)
	// Rollback makes sure the payment does not end up charged, whatever state
	// it is in: it stops an unpaid payment, releases a hold or refunds a charge.
	Rollback(ctx context.Context, ref Ref, opts *RollbackOptions) (*Result, error)
	// Status reads the payment as the provider sees it now.
	Status(ctx context.Context, ref Ref) (*Payment, error)
}

// Refunder is implemented by providers that return captured money. Apps call
// [Refund], which checks for it and answers CodeUnimplemented without it, or
// ask [Supports](p, CapRefund) first.
type Refunder interface {
	// Refund returns captured money to the buyer: all of it, or opts.Amount.
	Refund(ctx context.Context, ref Ref, opts *RefundOptions) (*Result, error)
}

// OperationChecker is implemented by providers whose actions can finish later
// (Yandex Pay operations may answer PENDING). Wait uses it to settle a pending
// Result.
type OperationChecker interface {
	// Operation reads the outcome of an earlier action, named by the Result's
	// OperationID. A failed operation is returned as an error.
	Operation(ctx context.Context, ref Ref, operationID string) (*Result, error)
}

// Closer is implemented by providers that hold resources (idle connections)
// worth releasing when the app is done with them.
type Closer interface {
	// Close releases the provider's resources (idle connections); the
	// provider must not be used afterwards.
	Close() error
}
