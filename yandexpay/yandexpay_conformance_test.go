package yandexpay_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/conformance"
	"github.com/regionpay/payments/internal/testlog"
	"github.com/regionpay/payments/status"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

func TestConformance(t *testing.T) {
	conformance.Run(t, func(t *testing.T) conformance.Harness { return newHarness(t, nil) })
}

// TestConformanceOtherWording runs the suite again against an emulator that
// words everything Yandex Pay's documentation leaves open differently
// (another wrong-status reasonCode and HTTP status, another status for a
// duplicate key, generic not-found and amount codes, terse reasons): the
// adapter must depend only on what is documented, so it passes both.
func TestConformanceOtherWording(t *testing.T) {
	w := yandexpaytest.AlternateWording()
	if w == yandexpaytest.DefaultWording() {
		t.Fatal("AlternateWording equals DefaultWording: the second run would prove nothing")
	}
	conformance.Run(t, func(t *testing.T) conformance.Harness { return newHarness(t, &w) })
}

// harness wires the adapter to a fresh emulator for one conformance subtest.
type harness struct {
	t    *testing.T
	srv  *yandexpaytest.Server
	key  string
	p    *yandexpay.Client
	bad  *yandexpay.Client
	logs *testlog.Buffer
}

func newHarness(t *testing.T, wording *yandexpaytest.Wording) *harness {
	t.Helper()
	key := "ypk-" + uuid.NewString() // long enough for the suite's leak search
	srv := yandexpaytest.NewServer(&yandexpaytest.Options{APIKey: key, Wording: wording})
	logger, logs := testlog.New(slog.LevelDebug)
	h := &harness{t: t, srv: srv, key: key, logs: logs}
	cfg := testConfig(srv, key, logger)
	cfg.MerchantID = srv.MerchantID() // webhooks on, keys from the emulator's /api/jwks
	h.p = mustClient(t, cfg)
	h.bad = mustClient(t, testConfig(srv, "wrong-"+key[:8], logger))
	return h
}

// testConfig points a client at srv with retry waits short enough for tests.
func testConfig(srv *yandexpaytest.Server, key string, logger *slog.Logger) yandexpay.Config {
	return yandexpay.Config{
		APIKey:      payments.Secret(key),
		HTTPOptions: payments.HTTPOptions{BaseURL: srv.BaseURL(), Logger: logger, MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond},
	}
}

func mustClient(t testing.TB, cfg yandexpay.Config) *yandexpay.Client {
	t.Helper()
	c, err := yandexpay.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func (h *harness) Provider() payments.Provider                   { return h.p }
func (h *harness) ProviderWithBadCredentials() payments.Provider { return h.bad }
func (h *harness) MissingRef() payments.Ref                      { return payments.Ref{ID: "missing-" + uuid.NewString()} }
func (h *harness) Secrets() []string                             { return []string{h.key} }
func (h *harness) Logs() string                                  { return h.logs.String() }
func (h *harness) Close()                                        { h.srv.Close() }

// ExpireCredentials does nothing: an Api-Key does not expire.
func (h *harness) ExpireCredentials() {}

func (h *harness) Facts() conformance.Facts {
	return conformance.Facts{
		States: []status.Status{
			status.Pending, status.Authorized, status.Captured, status.PartiallyRefunded,
			status.Refunded, status.Voided, status.Failed,
		},
	}
}

// seeds is how each normalized state is created in the emulator: its raw
// status and how much of the amount was already refunded.
var seeds = map[status.Status]struct {
	raw      string
	refunded func(amount int64) int64
}{
	status.Pending:           {yandexpaytest.StatusPending, nil},
	status.Authorized:        {yandexpaytest.StatusAuthorized, nil},
	status.Captured:          {yandexpaytest.StatusCaptured, nil},
	status.PartiallyRefunded: {yandexpaytest.StatusPartiallyRefunded, func(a int64) int64 { return a / 5 }},
	status.Refunded:          {yandexpaytest.StatusRefunded, func(a int64) int64 { return a }},
	status.Voided:            {yandexpaytest.StatusVoided, nil},
	status.Failed:            {yandexpaytest.StatusFailed, nil},
}

func (h *harness) Seed(t testing.TB, st status.Status, amount payments.Money) payments.Ref {
	t.Helper()
	s, ok := seeds[st]
	if !ok {
		t.Fatalf("harness cannot seed %s", st)
	}
	o := yandexpaytest.Order{Status: s.raw, Amount: amount.Minor, Currency: amount.Currency}
	if s.refunded != nil {
		o.RefundedAmount = s.refunded(amount.Minor)
	}
	return payments.Ref{ID: h.srv.AddOrder(o).OrderID}
}

// appliedActions maps a portable op to the emulator's counted actions; a
// capture happens through /capture or, for Split orders, /submit, and a
// rollback through whichever of /rollback, /cancel and /refund the order's
// status calls for.
var appliedActions = map[conformance.Op][]string{
	conformance.OpCapture:  {yandexpaytest.ActionCapture, yandexpaytest.ActionSubmit},
	conformance.OpVoid:     {yandexpaytest.ActionCancel},
	conformance.OpRefund:   {yandexpaytest.ActionRefund},
	conformance.OpRollback: {yandexpaytest.ActionRollback, yandexpaytest.ActionCancel, yandexpaytest.ActionRefund},
}

func (h *harness) Applied(ref payments.Ref, op conformance.Op) int {
	n := 0
	for _, action := range appliedActions[op] {
		n += h.srv.Count(ref.ID, action)
	}
	return n
}

// faultActions maps a portable op to the emulator action its faults hit.
var faultActions = map[conformance.Op]string{
	conformance.OpCapture:  yandexpaytest.ActionCapture,
	conformance.OpVoid:     yandexpaytest.ActionCancel,
	conformance.OpRefund:   yandexpaytest.ActionRefund,
	conformance.OpRollback: yandexpaytest.ActionRollback,
	conformance.OpStatus:   yandexpaytest.ActionOrder,
}

func (h *harness) InjectFault(f conformance.Fault) {
	action, ok := faultActions[f.Op]
	if !ok {
		h.t.Fatalf("harness: no emulator action for %q", f.Op)
	}
	if err := h.srv.TryInjectFault(f.ForAction(action)); err != nil {
		h.t.Fatalf("harness: %v", err)
	}
}

// The harness implements conformance.NotificationHarness.
var _ conformance.NotificationHarness = (*harness)(nil)

func (h *harness) SetCallbackURL(url string) { h.srv.SetCallbackURL(url) }
func (h *harness) WaitNotifications()        { h.srv.WaitWebhooks() }
func (h *harness) SignedNotifications() bool { return true }

// ForgedNotifications builds webhooks about ref that must be refused: a
// genuine token with its payload swapped, tokens signed with a key the JWKS
// does not hold (under the current kid and under an unknown one), a genuine
// token that expired, and an unsigned one.
func (h *harness) ForgedNotifications(t testing.TB, ref payments.Ref) map[string][]byte {
	t.Helper()
	payload := orderPayload(h.srv.MerchantID(), ref.ID, yandexpaytest.StatusCaptured)
	genuine, err := h.srv.SignWebhook([]byte(payload), time.Now())
	require.NoError(t, err)
	expired, err := h.srv.SignWebhook([]byte(payload), time.Now().Add(-time.Hour))
	require.NoError(t, err)
	parts := strings.Split(genuine, ".")
	tampered := parts[0] + "." + b64([]byte(orderPayload(h.srv.MerchantID(), ref.ID, yandexpaytest.StatusRefunded))) + "." + parts[2]
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	none := header(h.srv.WebhookKeyID(), time.Now())
	none["alg"] = "none"
	return map[string][]byte{
		"tampered":    []byte(tampered),
		"wrong key":   []byte(handToken(t, header(h.srv.WebhookKeyID(), time.Now()), payload, es256(t, other))),
		"unknown kid": []byte(handToken(t, header("kid-nobody-published", time.Now()), payload, es256(t, other))),
		"expired":     []byte(expired),
		"alg none":    []byte(handToken(t, none, payload, func([]byte) []byte { return nil })),
	}
}

// StartRequest is a two-line cart worth total, under a fresh order id.
func (h *harness) StartRequest(t testing.TB, total payments.Money) *payments.StartRequest {
	t.Helper()
	first := total.Minor / 2
	return &payments.StartRequest{
		OrderID: "start-" + uuid.NewString(),
		Cart: payments.Cart{
			Items: []payments.CartItem{
				{ID: "line-1", Title: "First", Quantity: 1, Total: payments.Money{Minor: first, Currency: total.Currency}},
				{ID: "line-2", Title: "Second", Quantity: 1, Total: payments.Money{Minor: total.Minor - first, Currency: total.Currency}},
			},
			Total: total,
		},
		Redirects: payments.Redirects{OnSuccess: "https://shop.example/ok", OnError: "https://shop.example/error"},
		TTL:       time.Hour,
	}
}

// Pay pays the order as the payment page's Pay button does.
func (h *harness) Pay(t testing.TB, ref payments.Ref) {
	t.Helper()
	if err := h.srv.Pay(ref.ID); err != nil {
		t.Fatalf("harness: %v", err)
	}
}

// Started counts the orders created under ref's id.
func (h *harness) Started(ref payments.Ref) int {
	return h.srv.Count(ref.ID, yandexpaytest.ActionCreate)
}
