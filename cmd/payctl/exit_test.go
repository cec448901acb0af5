package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// inProcess is a running set of emulators and a config file for them, for
// tests that call run directly.
type inProcess struct {
	em         *emulators
	configPath string
}

func startInProcess(t *testing.T, edit func(cfg emulateConfig)) *inProcess {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	em, err := startEmulators(ln)
	require.NoError(t, err)
	t.Cleanup(em.close)
	cfg := em.config()
	if edit != nil {
		edit(cfg)
	}
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "payments.json")
	require.NoError(t, os.WriteFile(path, raw, 0o600))
	return &inProcess{em: em, configPath: path}
}

func (p *inProcess) run(t *testing.T, args ...string) runResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"-config", p.configPath}, args...), strings.NewReader(""), &stdout, &stderr)
	return runResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// TestExitStatusRule: 0 success; 1 the provider refused or the outcome is
// unknown; 2 bad usage, config or input, including what the adapter refuses
// before sending anything.
func TestExitStatusRule(t *testing.T) {
	p := startInProcess(t, nil)
	paid := p.em.rs.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 10000})
	invoice := strconv.FormatInt(paid.InvoiceID, 10)
	captured := p.em.ys.AddOrder(yandexpaytest.Order{Status: "CAPTURED", Amount: 5000})
	authorized := p.em.ys.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 5000})

	usdCart := filepath.Join(t.TempDir(), "usd.json")
	require.NoError(t, os.WriteFile(usdCart, []byte(`{"items":[{"id":"a","title":"A","quantity":1,"total":{"minor":100,"currency":"USD"}}],"total":{"minor":100,"currency":"USD"}}`), 0o600))

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()

	cases := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string // substring of stderr
	}{
		{"success", []string{"status", "-id", paid.PurchaseID, "-invoice", invoice}, 0, ""},
		{"provider refused", []string{"capture", "-region", "yandexpay-ru", "-id", captured.OrderID}, 1, "code: FailedPrecondition"},
		{"no such payment", []string{"status", "-region", "yandexpay-ru", "-id", "no-such-order"}, 1, "code: NotFound"},
		{"malformed id, refused before sending", []string{"status", "-id", "not a uuid", "-invoice", invoice}, 2, "code: InvalidArgument"},
		{"missing -invoice, refused before sending", []string{"status", "-id", paid.PurchaseID}, 2, "-invoice is empty"},
		{"currency mismatch", []string{"capture", "-region", "yandexpay-ru", "-id", authorized.OrderID, "-amount", "1.00", "-currency", "USD", "-cart", usdCart}, 2, "does not match the order's currency"},
		{"partial capture without a cart, refused before sending", []string{"capture", "-region", "yandexpay-ru", "-id", authorized.OrderID, "-amount", "1.00"}, 2, "-cart is missing"},
		{"bad -amount", []string{"capture", "-id", paid.PurchaseID, "-amount", "1,00"}, 2, "-amount:"},
		{"partial capture where the provider has none, refused before sending", []string{"capture", "-id", paid.PurchaseID, "-invoice", invoice, "-amount", "1.00"}, 2, "code: Unimplemented"},
		{"negative -timeout", []string{"status", "-id", paid.PurchaseID, "-timeout", "-1s"}, 2, "-timeout must not be negative"},
		{"unknown region", []string{"status", "-region", "kz", "-id", "x"}, 2, `region "kz": unknown region`},
		{"emulate on a busy port", []string{"emulate", "-addr", busy.Addr().String()}, 2, "-addr: cannot listen on"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := p.run(t, c.args...)
			assert.Equal(t, c.wantCode, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
			assert.Contains(t, r.stderr, c.wantErr)
			if c.wantCode != 0 {
				assert.Empty(t, r.stdout)
				assert.NotContains(t, r.stderr, "code: Unknown", "every failure is classified")
			}
		})
	}
	assert.Zero(t, p.em.ys.Count(authorized.OrderID, yandexpaytest.ActionCapture), "the currency mismatch moved no money")
	assert.Zero(t, p.em.rs.Count(paid.PurchaseID, rustoretest.ActionConfirm), "the partial RuStore capture moved no money")
}

// TestExitStatusOutcomeUnknown: a write whose answer never comes exits 1 and
// says the action may have happened, never 2.
func TestExitStatusOutcomeUnknown(t *testing.T) {
	// A server that answers reads (the order is on hold) and hangs up on
	// every write without answering.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/orders/") {
			_, _ = w.Write([]byte(`{"code":200,"status":"success","data":{"order":{"orderId":"order-1","orderAmount":"10.00","currencyCode":"RUB","paymentStatus":"AUTHORIZED"}}}`))
			return
		}
		if r.Method == http.MethodGet {
			http.NotFound(w, r)
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}))
	defer srv.Close()
	p := startInProcess(t, func(cfg emulateConfig) {
		cfg.Regions[emulateRegionYaPa]["base_url"] = srv.URL + "/api/merchant"
	})
	r := p.run(t, "capture", "-region", "yandexpay-ru", "-id", "order-1", "-idempotency-key", "k-1", "-timeout", "3s")
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "code: OutcomeUnknown")
	assert.Contains(t, r.stderr, "idempotency key: k-1")
}

// TestPayctlOpensOnlyItsRegion: a RuStore command works although the Yandex
// Pay region's secret is not set.
func TestPayctlOpensOnlyItsRegion(t *testing.T) {
	p := startInProcess(t, func(cfg emulateConfig) {
		yp := cfg.Regions[emulateRegionYaPa]
		delete(yp, "api_key_file")
		yp["api_key"] = "${PAYCTL_TEST_NEVER_SET_KEY}"
	})
	paid := p.em.rs.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 10000})
	r := p.run(t, "status", "-id", paid.PurchaseID, "-invoice", strconv.FormatInt(paid.InvoiceID, 10), "-json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"status":"Authorized"`)

	r = p.run(t, "status", "-region", "yandexpay-ru", "-id", "x")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "environment variable PAYCTL_TEST_NEVER_SET_KEY is not set or empty", "the region in use is still checked")
}

// TestPayctlHonoursDefaultTimeout: without -timeout, Yandex Pay is told the
// region's default_timeout; with it, what is left of -timeout.
func TestPayctlHonoursDefaultTimeout(t *testing.T) {
	p := startInProcess(t, func(cfg emulateConfig) {
		cfg.Regions[emulateRegionYaPa]["default_timeout"] = "7s"
	})
	o := p.em.ys.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 100})
	lastTimeout := func() int {
		reqs := p.em.ys.Requests()
		require.NotEmpty(t, reqs)
		ms, err := strconv.Atoi(reqs[len(reqs)-1].Header.Get("X-Request-Timeout"))
		require.NoError(t, err)
		return ms
	}

	r := p.run(t, "status", "-region", "yandexpay-ru", "-id", o.OrderID)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 7000, lastTimeout(), "default_timeout of the config")

	r = p.run(t, "status", "-region", "yandexpay-ru", "-id", o.OrderID, "-timeout", "5s")
	require.Equal(t, 0, r.code, r.stderr)
	ms := lastTimeout()
	assert.True(t, ms > 3000 && ms <= 5000, "-timeout 5s sent as %d ms", ms)

	// Yandex Pay's Russian API page caps X-Request-Timeout at 10 s.
	r = p.run(t, "status", "-region", "yandexpay-ru", "-id", o.OrderID, "-timeout", "20s")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 10000, lastTimeout(), "-timeout 20s is announced as the documented maximum")
}

// TestPayctlPrintsWhatIsKnown: a pending refund says "pending", and no
// output carries an empty raw status or a null amount.
func TestPayctlPrintsWhatIsKnown(t *testing.T) {
	p := startInProcess(t, nil)
	o := p.em.ys.AddOrder(yandexpaytest.Order{Status: "CAPTURED", Amount: 5000})
	kept := filepath.Join(t.TempDir(), "kept.json")
	require.NoError(t, os.WriteFile(kept, []byte(`{"items":[{"id":"a","title":"A","quantity":1,"total":{"minor":4000,"currency":"RUB"}}],"total":{"minor":4000,"currency":"RUB"}}`), 0o600))
	r := p.run(t, "refund", "-region", "yandexpay-ru", "-id", o.OrderID, "-amount", "10.00", "-cart", kept)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "status:          pending")
	assert.Contains(t, r.stdout, "pending:         true")
	assert.NotContains(t, r.stdout, "Unknown")
	assert.NotContains(t, r.stdout, "raw_status")

	paid := p.em.rs.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 10000})
	r = p.run(t, "capture", "-id", paid.PurchaseID, "-invoice", strconv.FormatInt(paid.InvoiceID, 10), "-json")
	require.Equal(t, 0, r.code, r.stderr)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
	assert.Equal(t, "Captured", out["status"])
	for k, v := range out {
		assert.NotContains(t, []any{nil, ""}, v, "field %s printed empty: %s", k, r.stdout)
	}
}
