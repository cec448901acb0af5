package rustore_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/testlog"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
)

// configFor points a Config at an emulator, with tiny retry waits and the
// emulator's clock.
func configFor(srv *rustoretest.Server, logs *testlog.Buffer) rustore.Config {
	return rustore.Config{
		KeyID:       srv.KeyID(),
		PrivateKey:  payments.Secret(srv.PrivateKeyBase64()),
		AppID:       srv.AppID(),
		HTTPOptions: payments.HTTPOptions{BaseURL: srv.URL, Logger: logs.Logger(slog.LevelDebug), MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond},
		Now:         srv.Now,
	}
}

// env is one emulator with a client pointed at it.
type env struct {
	srv    *rustoretest.Server
	client *rustore.Client
	logs   *testlog.Buffer
}

// newEnv starts an emulator (opts may be nil) and a client; edit adjusts
// the client's Config.
func newEnv(t *testing.T, opts *rustoretest.Options, edit func(*rustore.Config)) *env {
	t.Helper()
	srv := rustoretest.NewServer(opts)
	t.Cleanup(srv.Close)
	logs := &testlog.Buffer{}
	cfg := configFor(srv, logs)
	if edit != nil {
		edit(&cfg)
	}
	c, err := rustore.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return &env{srv: srv, client: c, logs: logs}
}

// seed stores a purchase with the given raw status and returns its ref.
func (e *env) seed(raw string) payments.Ref {
	p := e.srv.AddPurchase(rustoretest.Purchase{Status: raw})
	return refOf(p)
}

func refOf(p rustoretest.Purchase) payments.Ref {
	return payments.Ref{ID: p.PurchaseID, InvoiceID: itoa(p.InvoiceID)}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// asError returns the *payments.Error in err, failing the test if there is none.
func asError(t *testing.T, err error) *payments.Error {
	t.Helper()
	require.Error(t, err)
	var pe *payments.Error
	require.True(t, errors.As(err, &pe), "want *payments.Error, got %T: %v", err, err)
	return pe
}

// Test keys beyond the emulator's: generated once per process, since RSA
// key generation is slow.
var (
	otherKeyOnce sync.Once
	otherKey     *rsa.PrivateKey
)

func otherRSAKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	otherKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		otherKey = k
	})
	return otherKey
}

func pkcs8Base64(t testing.TB, key any) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(der)
}

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// fakeAPI is a hand-written RuStore stand-in for answers the emulator never
// gives (arbitrary messages, malformed bodies, a token rejected forever):
// auth always succeeds; every other request gets the next scripted answer
// (the last one repeats).
type fakeAPI struct {
	srv *httptest.Server

	mu      sync.Mutex
	answers []fakeAnswer
	auths   int
	calls   int
	tokens  []string
	// conts are the continuation query parameters of the non-auth
	// requests, in order ("" for none).
	conts []string
}

type fakeAnswer struct {
	status int
	header http.Header
	body   string
}

func newFakeAPI(t *testing.T, answers ...fakeAnswer) *fakeAPI {
	t.Helper()
	f := &fakeAPI{answers: answers}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if strings.HasPrefix(r.URL.Path, "/public/auth") {
		f.auths++
		tok := "fake-jwe-" + strconv.Itoa(f.auths) + "-c0ffee"
		f.tokens = append(f.tokens, tok)
		_, _ = w.Write([]byte(`{"code":"OK","message":null,"body":{"jwe":"` + tok + `","ttl":900},"timestamp":"2025-04-01T15:02:09.427Z"}`))
		return
	}
	f.conts = append(f.conts, r.URL.Query().Get("continuation"))
	i := f.calls
	if i >= len(f.answers) {
		i = len(f.answers) - 1
	}
	f.calls++
	a := f.answers[i]
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.status)
	_, _ = w.Write([]byte(strings.ReplaceAll(a.body, "{TOKEN}", r.Header.Get("Public-Token"))))
}

func (f *fakeAPI) counts() (auths, calls int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.auths, f.calls
}

// client builds an adapter for the fake server, signing with the emulator's
// shared default key (the fake does not check signatures).
func (f *fakeAPI) client(t *testing.T, logs *testlog.Buffer) *rustore.Client {
	t.Helper()
	key, err := rustoretest.DefaultPrivateKey()
	require.NoError(t, err)
	c, err := rustore.New(rustore.Config{
		KeyID:       "fake-key",
		PrivateKey:  payments.Secret(pkcs8Base64(t, key)),
		AppID:       42,
		HTTPOptions: payments.HTTPOptions{BaseURL: f.srv.URL, Logger: logs.Logger(slog.LevelDebug), MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func envelopeBody(code, message string) string {
	return `{"code":"` + code + `","message":"` + message + `","body":null,"timestamp":"2025-04-01T15:02:09.427Z"}`
}
