package telemetry_test

import (
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/conformance"
	"github.com/regionpay/payments/memory"
	"github.com/regionpay/payments/status"
)

// TestConformanceThroughWrapper runs the whole conformance suite against the
// in-memory provider seen through the telemetry wrapper: whatever the suite
// asks of a provider (every action from every state, faults, idempotency,
// capabilities and the helpers that read them) holds through the wrapper.
func TestConformanceThroughWrapper(t *testing.T) {
	conformance.Run(t, func(t *testing.T) conformance.Harness { return newWrappedHarness(t) })
}

const (
	memGoodKey = payments.Secret("memory-key-accepted-telemetry")
	memBadKey  = payments.Secret("memory-key-rejected-telemetry")
)

// wrappedHarness is the memory provider, traced and measured, for the suite.
type wrappedHarness struct {
	p   *memory.Provider
	rec *recorder
}

func newWrappedHarness(t *testing.T) *wrappedHarness {
	return &wrappedHarness{p: memory.New(&memory.Options{APIKey: memGoodKey, MaxRetries: 2}), rec: newRecorder(t)}
}

func (h *wrappedHarness) Provider() payments.Provider { return h.rec.tel.Wrap("mem", h.p) }

func (h *wrappedHarness) ProviderWithBadCredentials() payments.Provider {
	return h.rec.tel.Wrap("mem", h.p.WithAPIKey(memBadKey))
}

func (h *wrappedHarness) Facts() conformance.Facts {
	return conformance.Facts{States: []status.Status{status.Pending, status.Authorized, status.Captured,
		status.PartiallyRefunded, status.Refunded, status.Voided, status.Failed, status.Expired}}
}

func (h *wrappedHarness) Seed(t testing.TB, st status.Status, amount payments.Money) payments.Ref {
	t.Helper()
	ref, err := h.p.TryAdd(memory.Payment{Status: st, Amount: amount})
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func (h *wrappedHarness) MissingRef() payments.Ref { return payments.Ref{ID: "no-such-payment"} }

func (h *wrappedHarness) Applied(ref payments.Ref, op conformance.Op) int {
	return h.p.Count(ref.ID, op)
}

func (h *wrappedHarness) InjectFault(f conformance.Fault) { h.p.InjectFault(f.ForAction(string(f.Op))) }

// ExpireCredentials does nothing: the memory provider's key does not expire.
func (h *wrappedHarness) ExpireCredentials() {}

func (h *wrappedHarness) Secrets() []string { return []string{memGoodKey.Reveal(), memBadKey.Reveal()} }

// Logs is empty: the memory provider logs nothing.
func (h *wrappedHarness) Logs() string { return "" }

func (h *wrappedHarness) Close() {}
