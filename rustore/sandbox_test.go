package rustore_test

import (
	"crypto/rand"
	"math/big"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/conformance"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
)

// The environment that turns on the suite against RuStore's sandbox.
const (
	envSandboxKeyID   = "RUSTORE_SANDBOX_KEY_ID"
	envSandboxKey     = "RUSTORE_SANDBOX_PRIVATE_KEY" // the console's base64 PKCS#8, or PEM
	envSandboxAppID   = "RUSTORE_SANDBOX_APP_ID"
	envSandboxBaseURL = "RUSTORE_SANDBOX_BASE_URL" // optional: another address, e.g. an emulator
)

// sandboxFromEnv builds the sandbox target from the environment; ok is false
// when the credentials are not all set.
func sandboxFromEnv(t *testing.T) (newSandbox func(t *testing.T) conformance.Sandbox, ok bool) {
	keyID, key, app := os.Getenv(envSandboxKeyID), os.Getenv(envSandboxKey), os.Getenv(envSandboxAppID)
	if keyID == "" || key == "" || app == "" {
		return nil, false
	}
	appID, err := strconv.ParseInt(app, 10, 64)
	require.NoError(t, err, "%s must be the app id (digits)", envSandboxAppID)
	return func(t *testing.T) conformance.Sandbox {
		client := func(keyID string) *rustore.Client {
			c, err := rustore.New(rustore.Config{
				KeyID: keyID, PrivateKey: payments.Secret(key), AppID: appID, Sandbox: true,
				HTTPOptions: payments.HTTPOptions{BaseURL: os.Getenv(envSandboxBaseURL), RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: time.Second},
			})
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })
			return c
		}
		invoice, err := rand.Int(rand.Reader, big.NewInt(1<<52))
		require.NoError(t, err)
		return conformance.Sandbox{
			Provider: client(keyID),
			// The right key under a key id RuStore does not know.
			BadCredentials: client("0" + keyID),
			// A fresh purchase and invoice id: writes against them change nothing.
			MissingRef: payments.Ref{ID: uuid.NewString(), InvoiceID: strconv.FormatInt(invoice.Int64()+1<<52, 10)},
			Secrets:    []string{strings.TrimSpace(key)[:40]},
		}
	}, true
}

// TestSandboxConformance runs the part of the suite that needs no seeding
// against RuStore's real sandbox, when its credentials are in the
// environment.
func TestSandboxConformance(t *testing.T) {
	newSandbox, ok := sandboxFromEnv(t)
	if !ok {
		t.Skipf("set %s, %s and %s (and optionally %s) to run the suite against RuStore's sandbox",
			envSandboxKeyID, envSandboxKey, envSandboxAppID, envSandboxBaseURL)
	}
	conformance.RunSandbox(t, newSandbox)
}

// TestSandboxModeAgainstEmulator proves the sandbox mode offline: the same
// environment variables, pointed at the emulator with a base URL.
func TestSandboxModeAgainstEmulator(t *testing.T) {
	srv := rustoretest.NewServer(nil)
	defer srv.Close()
	t.Setenv(envSandboxKeyID, srv.KeyID())
	t.Setenv(envSandboxKey, srv.PrivateKeyBase64())
	t.Setenv(envSandboxAppID, strconv.FormatInt(srv.AppID(), 10))
	t.Setenv(envSandboxBaseURL, srv.URL)
	newSandbox, ok := sandboxFromEnv(t)
	require.True(t, ok)
	conformance.RunSandbox(t, newSandbox)
}
