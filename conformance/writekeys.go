package conformance

import (
	"errors"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

// testWriteErrorsCarryKey: every error of a write carries the write's
// idempotency key, the caller's or a generated one, also when it is refused
// before anything is sent (a ref that names no payment) or by the provider
// (a state the write does not start from), so that whoever reads the error
// can repeat the write as the same action.
func testWriteErrorsCarryKey(t *testing.T, newHarness NewHarness) {
	for _, w := range keyedWrites {
		w := w
		t.Run(w.name, func(t *testing.T) {
			h := open(t, newHarness)
			if lacks(h, w.needs) {
				t.Skipf("provider declares no %s capability", w.name)
			}
			ctx := ctxFor(t)
			const key = "conformance-error-key"
			_, err := w.run(ctx, h.Provider(), payments.Ref{}, key)
			if got := errorKey(t, err); got != key {
				t.Errorf("%s of an empty ref: the error carries key %q; want the caller's %q (%v)", w.name, got, key, err)
			}
			_, err = w.run(ctx, h.Provider(), payments.Ref{}, "")
			if got := errorKey(t, err); got == "" {
				t.Errorf("%s of an empty ref without a key: the error carries no generated key (%v)", w.name, err)
			}
			from, ok := refusedFrom[w.op]
			if !ok {
				// Rollback from any reversed state is a no-op, not a refusal.
				return
			}
			ref := h.Seed(t, from, amount)
			_, err = w.run(ctx, h.Provider(), ref, key+"-state")
			if got := errorKey(t, err); got != key+"-state" {
				t.Errorf("%s of a %s payment: the error carries key %q; want %q (%v)", w.name, from, got, key+"-state", err)
			}
		})
	}
}

// refusedFrom is a state each write is refused from by the provider (a
// repeat of a write already done may be reported as done, so the state is
// not the write's own result).
var refusedFrom = map[Op]status.Status{
	OpCapture: status.Voided,
	OpVoid:    status.Captured,
	OpRefund:  status.Authorized,
}

// errorKey returns the idempotency key err carries; it fails the test when
// err is not a *payments.Error.
func errorKey(t *testing.T, err error) string {
	t.Helper()
	var pe *payments.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T); want a *payments.Error", err, err)
	}
	return pe.IdempotencyKey
}
