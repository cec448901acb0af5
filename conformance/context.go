package conformance

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/status"
)

func testContext(t *testing.T, newHarness NewHarness) {
	t.Run("CanceledBeforeCapture", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := h.Provider().Capture(ctx, ref, nil)
		wantCode(t, err, payments.CodeCanceled)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("errors.Is(err, context.Canceled) = false for %v", err)
		}
		if n := h.Applied(ref, OpCapture); n != 0 {
			t.Errorf("a canceled capture was applied %d times", n)
		}
	})
	t.Run("DeadlineDuringSlowStatus", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		h.InjectFault(Fault{Kind: fault.Slow, Op: OpStatus, Delay: 10 * time.Second, Times: 100})
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := h.Provider().Status(ctx, ref)
		wantCode(t, err, payments.CodeDeadlineExceeded)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("errors.Is(err, context.DeadlineExceeded) = false for %v", err)
		}
	})
	t.Run("DeadlineDuringSlowCapture", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		h.InjectFault(Fault{Kind: fault.Slow, Op: OpCapture, Delay: 10 * time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := h.Provider().Capture(ctx, ref, nil)
		// The write reached the provider before the deadline: what the caller
		// must learn is that money may have moved, and that the deadline was
		// the cause.
		wantCode(t, err, payments.CodeOutcomeUnknown)
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, payments.ErrDeadlineExceeded) {
			t.Errorf("errors.Is(err, context.DeadlineExceeded / ErrDeadlineExceeded) = false for %v", err)
		}
		if n := h.Applied(ref, OpCapture); n > 1 {
			t.Errorf("capture applied %d times", n)
		}
	})
	t.Run("NilContextRefused", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		var nilCtx context.Context // a caller's bug must be an error, never a panic
		for _, a := range actions {
			if lacks(h, a.needs) {
				continue
			}
			_, err := a.run(nilCtx, h.Provider(), ref)
			wantCode(t, err, payments.CodeInvalidArgument)
		}
		_, err := h.Provider().Status(nilCtx, ref)
		wantCode(t, err, payments.CodeInvalidArgument)
		if n := h.Applied(ref, OpCapture) + h.Applied(ref, OpVoid) + h.Applied(ref, OpRollback) + h.Applied(ref, OpRefund); n != 0 {
			t.Errorf("calls with a nil context changed the payment %d times", n)
		}
	})
	t.Run("WaitHonoursContext", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := payments.Wait(ctx, h.Provider(), &payments.Result{Ref: ref, Pending: true}, nil)
		wantCode(t, err, payments.CodeCanceled)
	})
}
