package conformance

import (
	"context"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

func testIdempotency(t *testing.T, newHarness NewHarness) {
	// Repeating a write with its idempotency key returns its outcome and
	// acts once, for every write that takes a key.
	replays := []struct {
		name string
		from status.Status
		op   Op
		to   status.Status
		run  func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error)
	}{
		{"CaptureReplayWithKey", status.Authorized, OpCapture, status.Captured,
			func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error) {
				return p.Capture(ctx, ref, &payments.CaptureOptions{IdempotencyKey: key})
			}},
		{"VoidReplayWithKey", status.Authorized, OpVoid, status.Voided,
			func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error) {
				return p.Void(ctx, ref, &payments.VoidOptions{IdempotencyKey: key})
			}},
		{"RefundReplayWithKey", status.Captured, OpRefund, status.Refunded,
			func(ctx context.Context, p payments.Provider, ref payments.Ref, key string) (*payments.Result, error) {
				return payments.Refund(ctx, p, ref, &payments.RefundOptions{IdempotencyKey: key})
			}},
	}
	for _, c := range replays {
		c := c
		t.Run(c.name, func(t *testing.T) {
			h := open(t, newHarness)
			if c.op == OpRefund && lacks(h, payments.CapRefund) {
				t.Skip("provider declares no refund capability")
			}
			ref := h.Seed(t, c.from, amount)
			ctx := ctxFor(t)
			key := "conformance-" + string(c.op) + "-1"
			for i := 0; i < 3; i++ {
				res, err := c.run(ctx, h.Provider(), ref, key)
				if err != nil {
					t.Fatalf("call %d with key %q: %v; a repeat must return the first call's outcome", i+1, key, err)
				}
				res = settle(t, ctx, h.Provider(), res, err)
				if res.IdempotencyKey != key {
					t.Errorf("call %d: Result.IdempotencyKey = %q; want %q", i+1, res.IdempotencyKey, key)
				}
			}
			if n := h.Applied(ref, c.op); n != 1 {
				t.Errorf("three calls with one key applied %d times; want 1", n)
			}
			if st := mustStatus(t, ctx, h.Provider(), ref).Status; st != c.to {
				t.Errorf("status = %s; want %s", st, c.to)
			}
		})
	}
	t.Run("RollbackRepeated", func(t *testing.T) {
		// "Must not end up charged" holds after the first call; the second
		// finds nothing to do and moves no money.
		h := open(t, newHarness)
		ref := h.Seed(t, status.Captured, amount)
		ctx := ctxFor(t)
		for i := 0; i < 2; i++ {
			res, err := h.Provider().Rollback(ctx, ref, nil)
			if err != nil {
				t.Fatalf("rollback %d: %v", i+1, err)
			}
			settle(t, ctx, h.Provider(), res, err)
		}
		if n := h.Applied(ref, OpRollback); n != 1 {
			t.Errorf("two rollbacks applied %d times; want 1", n)
		}
		if st := mustStatus(t, ctx, h.Provider(), ref).Status; st.IsCharged() {
			t.Errorf("status after rollback = %s: still charged", st)
		}
	})
	t.Run("GeneratedKeyReported", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		ctx := ctxFor(t)
		res, err := h.Provider().Void(ctx, ref, nil)
		res = settle(t, ctx, h.Provider(), res, err)
		if res.IdempotencyKey == "" {
			t.Error("Result.IdempotencyKey is empty; a generated key must be reported so the caller can replay")
		}
	})
	t.Run("SecondCaptureWithoutKeyRefused", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		ctx := ctxFor(t)
		res, err := h.Provider().Capture(ctx, ref, nil)
		settle(t, ctx, h.Provider(), res, err)
		_, err = h.Provider().Capture(ctx, ref, nil)
		wantCode(t, err, payments.CodeFailedPrecondition)
		if n := h.Applied(ref, OpCapture); n != 1 {
			t.Errorf("capture applied %d times; want 1", n)
		}
	})
}
