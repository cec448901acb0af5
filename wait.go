package payments

import (
	"context"
	"time"

	"github.com/regionpay/payments/status"
)

// WaitOptions tune Wait. A nil *WaitOptions means defaults.
type WaitOptions struct {
	// Interval is the first pause between polls (default 500ms). It doubles
	// after each poll up to MaxInterval.
	Interval time.Duration
	// MaxInterval caps the pause between polls (default 10s).
	MaxInterval time.Duration
}

// Wait settles a pending Result: it polls the provider until the action has
// finished and returns the final Result. A Result that is not pending is
// returned as it is, without a request.
//
// Providers that implement OperationChecker are asked about the operation
// itself (its failure comes back as the error); others are polled through
// Status until the payment leaves status.Pending. Wait stops with a
// CodeCanceled or CodeDeadlineExceeded error when ctx ends: give it a deadline.
func Wait(ctx context.Context, p Provider, res *Result, opts *WaitOptions) (*Result, error) {
	if p == nil {
		return nil, invalidArgument("", OpWait, "nil Provider")
	}
	if ctx == nil {
		return nil, invalidArgument(p.Name(), OpWait, "nil context")
	}
	if res == nil {
		return nil, invalidArgument(p.Name(), OpWait, "nil Result")
	}
	if !res.Pending {
		return res, nil
	}
	interval, maxInterval := opts.intervals()
	poll := pollFor(p, res)
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil, contextError(ctx, p.Name(), OpWait)
		case <-timer.C:
		}
		next, err := poll(ctx)
		if err != nil {
			return nil, err
		}
		if next == nil {
			// A provider bug, but the action was accepted: say so rather
			// than report it failed or crash the caller.
			return nil, &Error{Code: CodeOutcomeUnknown, Provider: p.Name(), Op: OpWait,
				Message: "the provider answered the poll with neither a result nor an error; the action was accepted and may still finish: check Status"}
		}
		if !next.Pending {
			return next, nil
		}
		interval = min(interval*2, maxInterval)
		timer.Reset(interval)
	}
}

// intervals are the first and the longest pause between polls: the
// options', or 500 ms and 10 s.
func (o *WaitOptions) intervals() (first, longest time.Duration) {
	first, longest = 500*time.Millisecond, 10*time.Second
	if o != nil && o.Interval > 0 {
		first = o.Interval
	}
	if o != nil && o.MaxInterval > 0 {
		longest = o.MaxInterval
	}
	return min(first, longest), longest
}

// pollFor reads res's outcome: through the provider's operation record
// where it has one, else by reading the payment.
func pollFor(p Provider, res *Result) func(context.Context) (*Result, error) {
	// A wrapper (telemetry) implements OperationChecker for every provider;
	// the capability says whether the provider behind it has operations.
	if oc, ok := p.(OperationChecker); ok && res.OperationID != "" && Supports(p, CapAsyncOperations) {
		return func(ctx context.Context) (*Result, error) {
			return oc.Operation(ctx, res.Ref, res.OperationID)
		}
	}
	return pollStatus(p, res)
}

// pollStatus reads the payment and reports it pending while it is status.Pending.
func pollStatus(p Provider, res *Result) func(context.Context) (*Result, error) {
	return func(ctx context.Context) (*Result, error) {
		pay, err := p.Status(ctx, res.Ref)
		if err != nil || pay == nil {
			return nil, err
		}
		next := *res
		next.Status, next.RawStatus = pay.Status, pay.RawStatus
		next.Pending = pay.Status == status.Pending
		return &next, nil
	}
}
