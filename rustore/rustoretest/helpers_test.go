package rustoretest_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/rustore/rustoretest"
)

// tsLayout is the timestamp layout RuStore's docs show for auth.
const tsLayout = "2006-01-02T15:04:05.000-07:00"

// envelope is RuStore's answer shape as a client reads it.
type envelope struct {
	Code      string          `json:"code"`
	Message   *string         `json:"message"`
	Body      json.RawMessage `json:"body"`
	Timestamp string          `json:"timestamp"`
}

func (e envelope) msg() string {
	if e.Message == nil {
		return ""
	}
	return *e.Message
}

// answer is one HTTP exchange as the tests see it.
type answer struct {
	status int
	header http.Header
	env    envelope
	raw    []byte
}

func newServer(t *testing.T, opts *rustoretest.Options) *rustoretest.Server {
	t.Helper()
	s := rustoretest.NewServer(opts)
	t.Cleanup(s.Close)
	return s
}

// parseKey reads the console-format key back, which also checks PrivateKeyBase64.
func parseKey(t testing.TB, s *rustoretest.Server) *rsa.PrivateKey {
	t.Helper()
	der, err := base64.StdEncoding.DecodeString(s.PrivateKeyBase64())
	require.NoError(t, err)
	k, err := x509.ParsePKCS8PrivateKey(der)
	require.NoError(t, err)
	return k.(*rsa.PrivateKey)
}

func sign(t testing.TB, key *rsa.PrivateKey, msg string) string {
	t.Helper()
	d := sha512.Sum512([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA512, d[:])
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(sig)
}

func authJSON(t testing.TB, keyID, ts, sig string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]string{"keyId": keyID, "timestamp": ts, "signature": sig})
	require.NoError(t, err)
	return b
}

// call sends one request and decodes the envelope when the body is JSON.
func call(t testing.TB, s *rustoretest.Server, method, path, token string, body []byte) answer {
	t.Helper()
	a, err := try(context.Background(), s, method, path, token, body)
	require.NoError(t, err)
	return a
}

// try is call without the assertions, for faults that break the exchange.
func try(ctx context.Context, s *rustoretest.Server, method, path, token string, body []byte) (answer, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	// A fresh connection per request keeps net/http from silently replaying
	// a GET on a reused connection that an injected fault reset.
	req.Close = true
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Public-Token", token)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{status: resp.StatusCode}, err
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 1<<20 {
		// Only fault.OversizedBody sends this much; its test checks the shape
		// itself, since decoding megabytes is slow under the race detector.
		return a, nil
	}
	if err := json.Unmarshal(raw, &a.env); err != nil {
		return a, fmt.Errorf("decoding %q: %w", raw, err)
	}
	return a, nil
}

// login authenticates as an app would, with the emulator clock.
func login(t testing.TB, s *rustoretest.Server) string {
	t.Helper()
	ts := s.Now().Format(tsLayout)
	a := call(t, s, http.MethodPost, "/public/auth", "", authJSON(t, s.KeyID(), ts, sign(t, parseKey(t, s), s.KeyID()+ts)))
	require.Equal(t, http.StatusOK, a.status, string(a.raw))
	var body struct {
		JWE string `json:"jwe"`
		TTL int    `json:"ttl"`
	}
	require.NoError(t, json.Unmarshal(a.env.Body, &body))
	require.NotEmpty(t, body.JWE)
	return body.JWE
}

func prefix(sandbox bool) string {
	if sandbox {
		return "/public/sandbox"
	}
	return "/public"
}

func confirmPath(s *rustoretest.Server, p rustoretest.Purchase) string {
	return prefix(p.Sandbox) + "/applications/" + strconv.FormatInt(s.AppID(), 10) + "/purchases/" + p.PurchaseID + ":confirm"
}

func cancelPath(s *rustoretest.Server, p rustoretest.Purchase) string {
	return prefix(p.Sandbox) + "/applications/" + strconv.FormatInt(s.AppID(), 10) + "/purchases/" + p.PurchaseID + ":cancel"
}

func refundPath(s *rustoretest.Server, p rustoretest.Purchase) string {
	return prefix(p.Sandbox) + "/applications/" + strconv.FormatInt(s.AppID(), 10) + "/invoices/" + strconv.FormatInt(p.InvoiceID, 10)
}

func statusPath(p rustoretest.Purchase) string {
	return prefix(p.Sandbox) + "/v2/purchase/" + strconv.FormatInt(p.InvoiceID, 10)
}

// actionRequest is the method and path of one action on p.
func actionRequest(s *rustoretest.Server, action string, p rustoretest.Purchase) (string, string) {
	switch action {
	case rustoretest.ActionConfirm:
		return http.MethodPut, confirmPath(s, p)
	case rustoretest.ActionCancel:
		return http.MethodPut, cancelPath(s, p)
	case rustoretest.ActionRefund:
		return http.MethodPatch, refundPath(s, p)
	}
	return http.MethodGet, statusPath(p)
}

// readStatus returns the invoiceStatus the API reports for p.
func readStatus(t testing.TB, s *rustoretest.Server, token string, p rustoretest.Purchase) string {
	t.Helper()
	a := call(t, s, http.MethodGet, statusPath(p), token, nil)
	require.Equal(t, http.StatusOK, a.status, string(a.raw))
	var body struct {
		InvoiceStatus string `json:"invoiceStatus"`
	}
	require.NoError(t, json.Unmarshal(a.env.Body, &body))
	return body.InvoiceStatus
}
