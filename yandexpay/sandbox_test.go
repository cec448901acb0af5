package yandexpay_test

import (
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/conformance"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// The environment that turns on the suite against Yandex Pay's sandbox.
const (
	envSandboxAPIKey  = "YANDEX_PAY_SANDBOX_API_KEY"  // in the sandbox, the merchant id
	envSandboxBaseURL = "YANDEX_PAY_SANDBOX_BASE_URL" // optional: another address, e.g. an emulator
)

// sandboxFromEnv builds the sandbox target from the environment; ok is false
// when the key is not set.
func sandboxFromEnv() (newSandbox func(t *testing.T) conformance.Sandbox, ok bool) {
	key := os.Getenv(envSandboxAPIKey)
	if key == "" {
		return nil, false
	}
	return func(t *testing.T) conformance.Sandbox {
		client := func(key string) *yandexpay.Client {
			c, err := yandexpay.New(yandexpay.Config{
				APIKey: payments.Secret(key), Sandbox: true,
				HTTPOptions: payments.HTTPOptions{BaseURL: os.Getenv(envSandboxBaseURL), RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: time.Second},
			})
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })
			return c
		}
		return conformance.Sandbox{
			Provider:       client(key),
			BadCredentials: client(uuid.NewString()),
			// A fresh order id: writes against it change nothing.
			MissingRef: payments.Ref{ID: "conformance-missing-" + uuid.NewString()},
			Secrets:    []string{key},
		}
	}, true
}

// TestSandboxConformance runs the part of the suite that needs no seeding
// against Yandex Pay's real sandbox, when its key is in the environment.
func TestSandboxConformance(t *testing.T) {
	newSandbox, ok := sandboxFromEnv()
	if !ok {
		t.Skipf("set %s (and optionally %s) to run the suite against Yandex Pay's sandbox", envSandboxAPIKey, envSandboxBaseURL)
	}
	conformance.RunSandbox(t, newSandbox)
}

// TestSandboxModeAgainstEmulator proves the sandbox mode offline: the same
// environment variables, pointed at the emulator with a base URL.
func TestSandboxModeAgainstEmulator(t *testing.T) {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()
	t.Setenv(envSandboxAPIKey, srv.APIKey())
	t.Setenv(envSandboxBaseURL, srv.BaseURL())
	newSandbox, ok := sandboxFromEnv()
	require.True(t, ok)
	conformance.RunSandbox(t, newSandbox)
}
