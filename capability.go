package payments

import (
	"context"
	"slices"
)

// Capability names something a provider may or may not do. Apps ask at run
// time with [Supports] instead of type-asserting optional interfaces, and the
// conformance suite skips exactly what a provider says it lacks.
type Capability string

// The capabilities.
const (
	// CapRefund: the provider returns captured money ([Refund] works).
	CapRefund Capability = "refund"
	// CapPartialCapture: Capture with an Amount charges part of the hold.
	CapPartialCapture Capability = "partial_capture"
	// CapPartialRefund: Refund with an Amount returns part of the charge.
	CapPartialRefund Capability = "partial_refund"
	// CapAsyncOperations: actions may answer Pending and finish later
	// ([Wait] settles them through the provider's operation record).
	CapAsyncOperations Capability = "async_operations"
	// CapCarts: captures, refunds and starts take a [Cart].
	CapCarts Capability = "carts"
	// CapRollbackPending: Rollback of an unpaid (Pending) payment stops it.
	CapRollbackPending Capability = "rollback_pending"
	// CapStart: the server can create a payment (a payment link).
	CapStart Capability = "start"
	// CapFind: payments can be looked up by the buyer or by another id.
	CapFind Capability = "find"
	// CapNotifications: the provider's notifications can be verified and
	// decoded into events.
	CapNotifications Capability = "notifications"
)

// Capabler is implemented by providers that say what they can do. Every
// provider in this module implements it; a provider that does not is taken
// to support only what its optional interfaces show.
type Capabler interface {
	// Capabilities lists what the provider supports.
	Capabilities() []Capability
}

// Capabilities lists what p supports: what p says, or, for a provider that
// does not implement [Capabler], what its optional interfaces show.
func Capabilities(p Provider) []Capability {
	if c, ok := p.(Capabler); ok {
		return c.Capabilities()
	}
	var caps []Capability
	if _, ok := p.(Refunder); ok {
		caps = append(caps, CapRefund)
	}
	if _, ok := p.(OperationChecker); ok {
		caps = append(caps, CapAsyncOperations)
	}
	if _, ok := p.(Starter); ok {
		caps = append(caps, CapStart)
	}
	if _, ok := p.(Finder); ok {
		caps = append(caps, CapFind)
	}
	return caps
}

// Supports reports whether p can do c.
func Supports(p Provider, c Capability) bool {
	return p != nil && slices.Contains(Capabilities(p), c)
}

// Refund returns captured money through p, as [Refunder.Refund] does, or
// fails with CodeUnimplemented, before anything is sent, when p cannot
// refund. The library checks the optional interface so that apps need not.
func Refund(ctx context.Context, p Provider, ref Ref, opts *RefundOptions) (*Result, error) {
	if p == nil {
		return nil, invalidArgument("", OpRefund, "nil provider")
	}
	r, ok := p.(Refunder)
	if !ok || !Supports(p, CapRefund) {
		return nil, &Error{Code: CodeUnimplemented, Provider: p.Name(), Op: OpRefund,
			Message: "this provider cannot refund"}
	}
	return r.Refund(ctx, ref, opts)
}
