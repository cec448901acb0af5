package memory_test

import (
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/conformance"
	"github.com/regionpay/payments/memory"
	"github.com/regionpay/payments/status"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, func(t *testing.T) conformance.Harness { return newHarness() })
}

const (
	goodKey = payments.Secret("memory-key-accepted-0001")
	badKey  = payments.Secret("memory-key-rejected-0002")
)

// harness wires a memory provider to the suite: no emulator, the provider
// is its own.
type harness struct{ p *memory.Provider }

func newHarness() *harness {
	return &harness{p: memory.New(&memory.Options{APIKey: goodKey, MaxRetries: 2})}
}

func (h *harness) Provider() payments.Provider { return h.p }

func (h *harness) ProviderWithBadCredentials() payments.Provider { return h.p.WithAPIKey(badKey) }

func (h *harness) Facts() conformance.Facts {
	return conformance.Facts{States: []status.Status{status.Pending, status.Authorized, status.Captured,
		status.PartiallyRefunded, status.Refunded, status.Voided, status.Failed, status.Expired}}
}

func (h *harness) Seed(t testing.TB, st status.Status, amount payments.Money) payments.Ref {
	t.Helper()
	ref, err := h.p.TryAdd(memory.Payment{Status: st, Amount: amount})
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func (h *harness) MissingRef() payments.Ref { return payments.Ref{ID: "no-such-payment"} }

func (h *harness) Applied(ref payments.Ref, op conformance.Op) int { return h.p.Count(ref.ID, op) }

func (h *harness) InjectFault(f conformance.Fault) { h.p.InjectFault(f.ForAction(string(f.Op))) }

// ExpireCredentials does nothing: the provider's key does not expire.
func (h *harness) ExpireCredentials() {}

func (h *harness) Secrets() []string { return []string{goodKey.Reveal(), badKey.Reveal()} }

// Logs is empty: the provider logs nothing.
func (h *harness) Logs() string { return "" }

func (h *harness) Close() {}
