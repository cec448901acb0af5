package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests cover rustore/register.go and yandexpay/register.go: how a
// config region becomes an adapter.

const regTestKey = "REGTEST-not-a-real-key-value"

func TestAdaptersRegistered(t *testing.T) {
	assert.Subset(t, payments.Adapters(), []string{rustore.Name, yandexpay.Name})
}

func TestRegisterFieldErrors(t *testing.T) {
	rs := rustoretest.NewServer(nil)
	defer rs.Close()
	env := map[string]string{"RS_KEY": rs.PrivateKeyBase64(), "YP_KEY": "yp", "BAD_KEY": regTestKey, "BAD_NL": regTestKey + "\n" + regTestKey}
	cases := []struct {
		name   string
		region string
		want   string
	}{
		{"rustore missing key_id", `"provider": "rustore", "app_id": 1, "private_key": "${RS_KEY}"`,
			`field "key_id": missing: set it to the API key id from the RuStore console`},
		{"rustore missing app_id", `"provider": "rustore", "key_id": "k", "private_key": "${RS_KEY}"`,
			`field "app_id": missing or not positive: set it to the number in console.rustore.ru/apps/{appId}/versions`},
		{"rustore negative app_id", `"provider": "rustore", "key_id": "k", "app_id": -1, "private_key": "${RS_KEY}"`,
			`field "app_id": missing or not positive`},
		{"rustore app_id as a string", `"provider": "rustore", "key_id": "k", "app_id": "1704024", "private_key": "${RS_KEY}"`,
			`field "app_id": must be an integer, got a JSON string`},
		{"rustore missing key", `"provider": "rustore", "key_id": "k", "app_id": 1`,
			`field "private_key": missing: set private_key to "${ENV_VAR}" or private_key_file to a file path`},
		{"rustore garbage key", `"provider": "rustore", "key_id": "k", "app_id": 1, "private_key": "${BAD_KEY}"`,
			`field "private_key": `},
		{"rustore key_id with a control character", `"provider": "rustore", "key_id": "k\u0001", "app_id": 1, "private_key": "${RS_KEY}"`,
			`field "key_id": contains control characters`},
		{"rustore misspelt field", `"provider": "rustore", "keyid": "k", "app_id": 1, "private_key": "${RS_KEY}"`,
			`field "keyid": unknown field for provider rustore (known: provider, sandbox, base_url, app_id, key_id, notification_key, notification_key_file, private_key, private_key_file)`},
		{"yandexpay missing key", `"provider": "yandexpay"`,
			`field "api_key": missing: set api_key to "${ENV_VAR}" or api_key_file to a file path`},
		{"yandexpay timeout too short", `"provider": "yandexpay", "api_key": "${YP_KEY}", "default_timeout": "500ms"`,
			`field "default_timeout": 500ms is below Yandex Pay's minimum of 1s`},
		{"yandexpay timeout above the documented maximum", `"provider": "yandexpay", "api_key": "${YP_KEY}", "default_timeout": "15s"`,
			`field "default_timeout": 15s is above 10s, the maximum X-Request-Timeout of Yandex Pay's Russian API page`},
		{"yandexpay api_key with a line break", `"provider": "yandexpay", "api_key": "${BAD_NL}"`,
			`field "api_key": contains a line break`},
		{"yandexpay timeout not a duration", `"provider": "yandexpay", "api_key": "${YP_KEY}", "default_timeout": 15`,
			`field "default_timeout": must be a duration string like "15s", got a JSON number`},
		{"yandexpay rustore field", `"provider": "yandexpay", "api_key": "${YP_KEY}", "app_id": 1`,
			`field "app_id": unknown field for provider yandexpay (known: provider, sandbox, base_url, api_key, api_key_file, default_timeout, jwks_url, merchant_id)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := payments.ParseConfig([]byte(`{"regions": {"r": {` + c.region + `}}}`))
			require.NoError(t, err)
			_, err = payments.Open(context.Background(), cfg, &payments.OpenOptions{Getenv: func(k string) string { return env[k] }})
			require.Error(t, err)
			assert.Contains(t, err.Error(), `config: region "r": `+c.want)
			assert.NotContains(t, err.Error(), regTestKey)
			assert.NotContains(t, err.Error(), rs.PrivateKeyBase64()[:40])
		})
	}
}

// A config opened through the registry drives real adapters against the
// emulators, with the key in either form and from either source.
func TestRegisteredAdaptersWork(t *testing.T) {
	rs := rustoretest.NewServer(nil)
	defer rs.Close()
	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rustore.pem"), []byte(rs.PrivateKeyPEM()), 0o600))
	cfgText := fmt.Sprintf(`{
		"default_region": "ru-pem",
		"regions": {
			"ru-pem":   {"provider": "rustore", "base_url": %q, "key_id": %q, "app_id": %d, "private_key_file": "rustore.pem"},
			"ru-b64":   {"provider": "rustore", "base_url": %q, "key_id": %q, "app_id": %d, "private_key": "${RS_KEY}", "sandbox": true},
			"web":      {"provider": "yandexpay", "base_url": %q, "api_key": "${YP_KEY}", "default_timeout": "10s"}
		}
	}`, rs.URL, rs.KeyID(), rs.AppID(), rs.URL, rs.KeyID(), rs.AppID(), ys.BaseURL())
	path := filepath.Join(dir, "payments.json")
	require.NoError(t, os.WriteFile(path, []byte(cfgText), 0o600))
	cfg, err := payments.LoadConfig(path)
	require.NoError(t, err)
	env := map[string]string{"RS_KEY": rs.PrivateKeyBase64(), "YP_KEY": ys.APIKey()}
	regions, err := payments.Open(context.Background(), cfg, &payments.OpenOptions{Getenv: func(k string) string { return env[k] }})
	require.NoError(t, err)
	defer regions.Close()

	live := rs.AddPurchase(rustoretest.Purchase{Status: "paid"})
	sandbox := rs.AddPurchase(rustoretest.Purchase{Status: "paid", Sandbox: true})
	order := ys.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusAuthorized})
	cases := []struct {
		region string
		ref    payments.Ref
		want   string
	}{
		{"ru-pem", payments.Ref{ID: live.PurchaseID, InvoiceID: fmt.Sprint(live.InvoiceID)}, "paid"},
		{"ru-b64", payments.Ref{ID: sandbox.PurchaseID, InvoiceID: fmt.Sprint(sandbox.InvoiceID)}, "paid"},
		{"web", payments.Ref{ID: order.OrderID}, yandexpaytest.StatusAuthorized},
	}
	for _, c := range cases {
		p, err := regions.Provider(c.region)
		require.NoError(t, err)
		pay, err := p.Status(context.Background(), c.ref)
		require.NoError(t, err, c.region)
		assert.Equal(t, c.want, pay.RawStatus, c.region)
	}
	// The sandbox purchase is reachable only through the sandbox region.
	p, err := regions.Provider("ru-pem")
	require.NoError(t, err)
	_, err = p.Status(context.Background(), cases[1].ref)
	assert.ErrorIs(t, err, payments.ErrNotFound)

	printed := fmt.Sprintf("%v %+v %#v", regions, cfg, cfg)
	for _, secret := range []string{rs.PrivateKeyBase64()[:40], ys.APIKey()} {
		assert.NotContains(t, printed, secret)
	}
	assert.False(t, strings.Contains(printed, "BEGIN PRIVATE KEY"))
}
