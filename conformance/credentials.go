package conformance

import (
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

func testCredentials(t *testing.T, newHarness NewHarness) {
	t.Run("Rejected", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		_, err := h.ProviderWithBadCredentials().Capture(ctxFor(t), ref, nil)
		if code := payments.CodeOf(err); code != payments.CodeUnauthenticated && code != payments.CodePermissionDenied {
			t.Fatalf("bad credentials: err = %v (code %s); want Unauthenticated or PermissionDenied", err, code)
		}
		if n := h.Applied(ref, OpCapture); n != 0 {
			t.Errorf("a capture with bad credentials was applied %d times", n)
		}
	})
	t.Run("ExpiredAreRenewed", func(t *testing.T) {
		h := open(t, newHarness)
		if !h.Facts().TokenAuth {
			t.Skip("provider declares no TokenAuth capability: its credentials do not expire")
		}
		ref := h.Seed(t, status.Authorized, amount)
		ctx := ctxFor(t)
		mustStatus(t, ctx, h.Provider(), ref)
		h.ExpireCredentials()
		if _, err := h.Provider().Capture(ctx, ref, nil); err != nil {
			t.Fatalf("capture after the token expired: %v; want a silent renewal", err)
		}
		if n := h.Applied(ref, OpCapture); n != 1 {
			t.Errorf("capture applied %d times; want 1", n)
		}
	})
}
