package rustore_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/conformance"
	"github.com/regionpay/payments/internal/testlog"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/status"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, func(t *testing.T) conformance.Harness { return newHarness(t) })
}

// seedStatus is the raw RuStore status Seed stores for each normalized state.
var seedStatus = map[status.Status]string{
	status.Pending:    "created",
	status.Authorized: "paid",
	status.Captured:   "confirmed",
	status.Refunded:   "refunded",
	status.Voided:     "reversed",
	status.Failed:     "rejected",
	status.Expired:    "expired",
}

// opActions are the emulator actions each portable op is counted under and
// faults are injected into. Rollback is a cancel or a refund, depending on
// the state it finds.
var opActions = map[conformance.Op][]string{
	conformance.OpCapture:  {"confirm"},
	conformance.OpVoid:     {"cancel"},
	conformance.OpRefund:   {"refund"},
	conformance.OpRollback: {"cancel", "refund"},
	conformance.OpStatus:   {"status"},
}

// harness wires the adapter to a fresh rustoretest emulator.
type harness struct {
	t    *testing.T
	srv  *rustoretest.Server
	logs *testlog.Buffer

	once        sync.Once
	good, wrong *rustore.Client
}

func newHarness(t *testing.T) *harness {
	return &harness{t: t, srv: rustoretest.NewServer(nil), logs: &testlog.Buffer{}}
}

func (h *harness) clients() {
	h.once.Do(func() {
		cfg := configFor(h.srv, h.logs)
		cfg.NotificationKey = payments.Secret(h.srv.NotificationKeyBase64())
		var err error
		h.good, err = rustore.New(cfg)
		require.NoError(h.t, err)
		cfg.PrivateKey = payments.Secret(pkcs8Base64(h.t, otherRSAKey(h.t)))
		h.wrong, err = rustore.New(cfg)
		require.NoError(h.t, err)
	})
}

func (h *harness) Provider() payments.Provider {
	h.clients()
	return h.good
}

func (h *harness) ProviderWithBadCredentials() payments.Provider {
	h.clients()
	return h.wrong
}

func (h *harness) Facts() conformance.Facts {
	states := make([]status.Status, 0, len(seedStatus))
	for _, st := range status.All() {
		if _, ok := seedStatus[st]; ok {
			states = append(states, st)
		}
	}
	return conformance.Facts{TokenAuth: true, States: states}
}

func (h *harness) Seed(t testing.TB, st status.Status, amount payments.Money) payments.Ref {
	t.Helper()
	raw, ok := seedStatus[st]
	if !ok {
		t.Fatalf("the RuStore harness cannot seed %s", st)
	}
	p, err := h.srv.TryAddPurchase(rustoretest.Purchase{Status: raw, AmountCreate: amount.Minor, Currency: amount.Currency})
	require.NoError(t, err)
	return refOf(p)
}

func (h *harness) MissingRef() payments.Ref {
	return payments.Ref{ID: uuid.NewString(), InvoiceID: "987654321"}
}

func (h *harness) Applied(ref payments.Ref, op conformance.Op) int {
	if op == conformance.OpStatus {
		return 0
	}
	n := 0
	for _, action := range opActions[op] {
		n += h.srv.Count(ref.ID, action)
	}
	return n
}

func (h *harness) InjectFault(f conformance.Fault) {
	actions, ok := opActions[f.Op]
	if !ok {
		h.t.Fatalf("the RuStore harness has no op %q", f.Op)
	}
	for _, action := range actions {
		require.NoError(h.t, h.srv.TryInjectFault(f.ForAction(action)))
	}
}

func (h *harness) ExpireCredentials() { h.srv.ExpireTokens() }

func (h *harness) Secrets() []string {
	out := []string{h.srv.PrivateKeyBase64(), h.srv.PrivateKeyPEM(), pkcs8Base64(h.t, otherRSAKey(h.t)), h.srv.NotificationKeyBase64()}
	out = append(out, h.srv.IssuedTokens()...)
	return append(out, h.srv.ReceivedSignatures()...)
}

func (h *harness) Logs() string { return h.logs.String() }

func (h *harness) Close() {
	if h.good != nil {
		_ = h.good.Close()
		_ = h.wrong.Close()
	}
	h.srv.Close()
}

// TestHarnessSeedsWhatStatusReads keeps the harness honest on its own: each
// seeded state reads back as itself.
func TestHarnessSeedsWhatStatusReads(t *testing.T) {
	h := newHarness(t)
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	amount := payments.Money{Minor: 12345, Currency: "RUB"}
	for _, st := range h.Facts().States {
		ref := h.Seed(t, st, amount)
		p, err := h.Provider().Status(ctx, ref)
		require.NoError(t, err)
		assert.Equal(t, st, p.Status, "seeded %s", st)
		assert.Equal(t, seedStatus[st], p.RawStatus)
		assert.Equal(t, amount, p.Amount)
	}
	assert.Equal(t, 1, h.srv.AuthCount())
}

// The harness implements conformance.NotificationHarness.
var _ conformance.NotificationHarness = (*harness)(nil)

func (h *harness) SetCallbackURL(url string) { h.srv.SetCallbackURL(url) }
func (h *harness) WaitNotifications()        { h.srv.WaitNotifications() }
func (h *harness) SignedNotifications() bool { return false }

// ForgedNotifications builds notifications about ref that must be refused:
// a genuine one with a ciphertext byte flipped, and one sealed with another
// key. RuStore's notifications carry no key id, algorithm or lifetime.
func (h *harness) ForgedNotifications(t testing.TB, ref payments.Ref) map[string][]byte {
	t.Helper()
	data, err := json.Marshal(map[string]string{"status_old": "paid", "status_new": "confirmed",
		"invoice_id": ref.InvoiceID, "purchase_id": ref.ID, "change_status_time": time.Now().Format(time.RFC3339Nano)})
	require.NoError(t, err)
	inner := map[string]any{"notification_type": "INVOICE_STATUS", "app_id": h.srv.AppID(), "data": string(data)}
	genuine := sealNotification(t, h.srv.NotificationKeyBase64(), inner)
	var body map[string]string
	require.NoError(t, json.Unmarshal(genuine, &body))
	sealed, err := base64.StdEncoding.DecodeString(body["payload"])
	require.NoError(t, err)
	sealed[len(sealed)/2] ^= 0x01
	body["payload"] = base64.StdEncoding.EncodeToString(sealed)
	tampered, err := json.Marshal(body)
	require.NoError(t, err)
	other := make([]byte, 32)
	_, err = rand.Read(other)
	require.NoError(t, err)
	return map[string][]byte{
		"tampered":  tampered,
		"wrong key": sealNotification(t, base64.StdEncoding.EncodeToString(other), inner),
	}
}

// SeedForUser stores n purchases of the app user in state st.
func (h *harness) SeedForUser(t testing.TB, appUserID string, n int, st status.Status) []payments.Ref {
	t.Helper()
	raw, ok := seedStatus[st]
	if !ok {
		t.Fatalf("the RuStore harness cannot seed %s", st)
	}
	refs := make([]payments.Ref, 0, n)
	for i := 0; i < n; i++ {
		p, err := h.srv.TryAddPurchase(rustoretest.Purchase{Status: raw, AppUserID: appUserID})
		require.NoError(t, err)
		refs = append(refs, refOf(p))
	}
	return refs
}
