package conformance

import (
	"fmt"
	"strings"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/status"
)

// testNoSecretLeaks drives failing calls of every kind and searches every
// error text and the provider's log for the harness's secrets.
func testNoSecretLeaks(t *testing.T, newHarness NewHarness) {
	h := open(t, newHarness)
	ctx := ctxFor(t)
	ref := h.Seed(t, status.Authorized, amount)
	var errs []error
	collect := func(_ any, err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	collect(h.ProviderWithBadCredentials().Capture(ctx, ref, nil))
	collect(h.ProviderWithBadCredentials().Status(ctx, ref))
	collect(h.Provider().Status(ctx, h.MissingRef()))
	h.ExpireCredentials()
	h.InjectFault(Fault{Kind: fault.ServerError, Op: OpCapture, Times: 100})
	collect(h.Provider().Capture(ctx, ref, nil))
	h.InjectFault(Fault{Kind: fault.OversizedBody, Op: OpStatus, Times: 100})
	collect(h.Provider().Status(ctx, ref))
	collect(h.Provider().Void(ctx, payments.Ref{ID: "not a valid id"}, nil))
	if sh, ok := h.(StartHarness); ok && payments.Supports(h.Provider(), payments.CapStart) {
		collect(payments.Start(ctx, h.ProviderWithBadCredentials(), sh.StartRequest(t, amount)))
	}
	if payments.Supports(h.Provider(), payments.CapFind) {
		for fp, err := range payments.Find(ctx, h.ProviderWithBadCredentials(), payments.FindQuery{AppUserID: "user-1"}) {
			collect(fp, err)
		}
	}
	if len(errs) < 4 {
		t.Fatalf("only %d of the failing calls failed: %v", len(errs), errs)
	}
	secrets := h.Secrets()
	if len(secrets) == 0 {
		t.Fatal("the harness lists no secrets to look for")
	}
	var texts []string
	for _, err := range errs {
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	}
	texts = append(texts, h.Logs(), fmt.Sprintf("%+v", h.Provider()), fmt.Sprintf("%#v", h.Provider()))
	for _, secret := range secrets {
		if len(secret) < 8 {
			continue // too short to search for without false alarms
		}
		for _, text := range texts {
			if strings.Contains(text, secret) {
				t.Errorf("a secret (%d chars, starting %q) leaked into: %.200s", len(secret), secret[:4], text)
			}
		}
	}
}
