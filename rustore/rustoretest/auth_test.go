package rustoretest_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/rustore/rustoretest"
)

func TestAuth(t *testing.T) {
	s := newServer(t, &rustoretest.Options{FreezeClock: true})
	key := parseKey(t, s)
	now := s.Now()
	good := now.Format(tsLayout)
	signed := func(keyID, ts string) []byte { return authJSON(t, keyID, ts, sign(t, key, keyID+ts)) }
	cases := []struct {
		name     string
		method   string
		path     string
		ctype    string
		body     []byte
		status   int
		code     string
		message  string // "" → only checked for success
		wantsJWE bool
	}{
		{name: "ok", path: "/public/auth", body: signed(s.KeyID(), good), status: 200, code: "OK", wantsJWE: true},
		{name: "ok trailing slash", path: "/public/auth/", body: signed(s.KeyID(), good), status: 200, code: "OK", wantsJWE: true},
		{name: "ok utc Z timestamp", path: "/public/auth", body: signed(s.KeyID(), now.UTC().Format(time.RFC3339Nano)), status: 200, code: "OK", wantsJWE: true},
		{name: "ok 59s old", path: "/public/auth", body: signed(s.KeyID(), now.Add(-59*time.Second).Format(tsLayout)), status: 200, code: "OK", wantsJWE: true},
		{name: "ok charset", path: "/public/auth", ctype: "application/json; charset=utf-8", body: signed(s.KeyID(), good), status: 200, code: "OK", wantsJWE: true},
		{name: "bad signature", path: "/public/auth", body: authJSON(t, s.KeyID(), good, sign(t, key, s.KeyID()+good+"x")), status: 401, code: "ERROR", message: "Signature is not valid"},
		{name: "signature not base64", path: "/public/auth", body: authJSON(t, s.KeyID(), good, "%%%"), status: 401, code: "ERROR", message: "Signature is not valid"},
		{name: "stale timestamp", path: "/public/auth", body: signed(s.KeyID(), now.Add(-2*time.Minute).Format(tsLayout)), status: 401, code: "ERROR", message: "Range timestamp not valid"},
		{name: "future timestamp", path: "/public/auth", body: signed(s.KeyID(), now.Add(2*time.Minute).Format(tsLayout)), status: 401, code: "ERROR", message: "Range timestamp not valid"},
		{name: "unknown key", path: "/public/auth", body: signed("someone-else", good), status: 401, code: "ERROR", message: "Key not found"},
		{name: "timestamp without offset", path: "/public/auth", body: signed(s.KeyID(), now.Format("2006-01-02T15:04:05")), status: 400, code: "BAD_REQUEST", message: "timestamp must be ISO 8601 with an offset, e.g. 2006-01-02T15:04:05.000+03:00"},
		// The npm RuStore client sends keyId as a JSON number; its digits are what was signed.
		{name: "ok keyId as a number", path: "/public/auth", body: []byte(fmt.Sprintf(`{"keyId":%s,"timestamp":%q,"signature":%q}`, s.KeyID(), good, sign(t, key, s.KeyID()+good))), status: 200, code: "OK", wantsJWE: true},
		{name: "keyId neither string nor number", path: "/public/auth", body: []byte(`{"keyId":{"id":1},"timestamp":"t","signature":"s"}`), status: 400, code: "BAD_REQUEST", message: "keyId must be a string or a number"},
		{name: "missing fields", path: "/public/auth", body: []byte(`{"keyId":"k"}`), status: 400, code: "BAD_REQUEST", message: "missing timestamp, signature"},
		{name: "not json", path: "/public/auth", body: []byte(`keyId=k`), status: 400, code: "BAD_REQUEST", message: "Request body must be a JSON object with keyId, timestamp and signature"},
		{name: "wrong content type", path: "/public/auth", ctype: "text/plain", body: signed(s.KeyID(), good), status: 415, code: "BAD_REQUEST", message: "Content type must be application/json"},
		{name: "wrong method", method: http.MethodGet, path: "/public/auth", status: 405, code: "ERROR", message: "Method not allowed"},
		{name: "no sandbox auth", path: "/public/sandbox/auth", body: signed(s.KeyID(), good), status: 404, code: "NOT_FOUND", message: "Resource not found"},
	}
	auths := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req, err := http.NewRequest(method, s.URL+tc.path, strings.NewReader(string(tc.body)))
			require.NoError(t, err)
			ctype := tc.ctype
			if ctype == "" {
				ctype = "application/json"
			}
			req.Header.Set("Content-Type", ctype)
			resp, err := s.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			var env envelope
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, tc.code, env.Code)
			assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
			if tc.status != 404 && tc.method == "" {
				auths++
			}
			if !tc.wantsJWE {
				assert.Equal(t, tc.message, env.msg())
				assert.Equal(t, "null", string(env.Body))
				return
			}
			assert.Nil(t, env.Message)
			var body struct {
				JWE string `json:"jwe"`
				TTL int    `json:"ttl"`
			}
			require.NoError(t, json.Unmarshal(env.Body, &body))
			assert.Len(t, body.JWE, 43)
			assert.Equal(t, 900, body.TTL)
		})
	}
	assert.Equal(t, auths, s.AuthCount(), "every POST to the auth path counts, whatever its outcome")
}

func TestEnvelopeTimestamp(t *testing.T) {
	start := time.Date(2025, 4, 1, 12, 2, 9, 427000000, time.UTC)
	s := newServer(t, &rustoretest.Options{Start: start, FreezeClock: true})
	a := call(t, s, http.MethodGet, "/public/v2/purchase/1", "", nil)
	assert.Equal(t, "2025-04-01T15:02:09.427000000+03:00", a.env.Timestamp)
	got, err := time.Parse(time.RFC3339Nano, a.env.Timestamp)
	require.NoError(t, err)
	assert.True(t, got.Equal(start))
}

func TestTokenExpiry(t *testing.T) {
	s := newServer(t, &rustoretest.Options{FreezeClock: true, TokenTTL: 10 * time.Minute})
	p := s.AddPurchase(rustoretest.Purchase{})
	tok := login(t, s)
	assert.Equal(t, "paid", readStatus(t, s, tok, p))

	s.Advance(10*time.Minute - time.Second)
	assert.Equal(t, "paid", readStatus(t, s, tok, p), "a token works until its TTL ends")

	s.Advance(time.Second)
	a := call(t, s, http.MethodGet, statusPath(p), tok, nil)
	assert.Equal(t, http.StatusUnauthorized, a.status)
	assert.Equal(t, "Jwe token is expired", a.env.msg())

	fresh := login(t, s)
	assert.Equal(t, "paid", readStatus(t, s, fresh, p), "a token issued on the advanced clock works")
}

func TestExpireTokens(t *testing.T) {
	s := newServer(t, nil)
	p := s.AddPurchase(rustoretest.Purchase{})
	first, second := login(t, s), login(t, s)
	s.ExpireTokens()
	for _, tok := range []string{first, second} {
		a := call(t, s, http.MethodGet, statusPath(p), tok, nil)
		assert.Equal(t, http.StatusUnauthorized, a.status)
		assert.Equal(t, "Jwe token is expired", a.env.msg())
	}
	third := login(t, s)
	assert.Equal(t, "paid", readStatus(t, s, third, p), "tokens issued after ExpireTokens work")
	assert.Equal(t, []string{first, second, third}, s.IssuedTokens())
}

func TestTokenRequired(t *testing.T) {
	s := newServer(t, nil)
	p := s.AddPurchase(rustoretest.Purchase{})
	for _, action := range []string{rustoretest.ActionConfirm, rustoretest.ActionCancel, rustoretest.ActionRefund, rustoretest.ActionStatus} {
		method, path := actionRequest(s, action, p)
		cases := []struct{ token, message string }{
			{"", "Token is empty"},
			{"not-a-token", "Jwe token is expired"},
		}
		for _, tc := range cases {
			a := call(t, s, method, path, tc.token, nil)
			assert.Equal(t, http.StatusUnauthorized, a.status, action)
			assert.Equal(t, "ERROR", a.env.Code, action)
			assert.Equal(t, tc.message, a.env.msg(), action)
		}
	}
	got, _ := s.Purchase(p.PurchaseID)
	assert.Equal(t, "paid", got.Status)
}

// customKey is a second key, made once: RSA generation is slow.
var customKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 1024) })

func TestCustomKeyAndPEM(t *testing.T) {
	key, err := customKey()
	require.NoError(t, err)
	s := newServer(t, &rustoretest.Options{KeyID: "k-42", PrivateKey: key, AppID: 77})
	assert.Equal(t, "k-42", s.KeyID())
	assert.Equal(t, int64(77), s.AppID())
	assert.True(t, key.Equal(parseKey(t, s)))
	assert.True(t, strings.HasPrefix(s.PrivateKeyPEM(), "-----BEGIN PRIVATE KEY-----\n"))
	assert.True(t, strings.HasSuffix(s.PrivateKeyPEM(), "-----END PRIVATE KEY-----\n"))
	login(t, s)

	def, err := rustoretest.DefaultPrivateKey()
	require.NoError(t, err)
	ts := s.Now().Format(tsLayout)
	a := call(t, s, http.MethodPost, "/public/auth", "", authJSON(t, "k-42", ts, sign(t, def, "k-42"+ts)))
	assert.Equal(t, http.StatusUnauthorized, a.status, "a signature by another key is rejected")
}

func TestNoSecretInPrint(t *testing.T) {
	key, err := customKey()
	require.NoError(t, err)
	opts := &rustoretest.Options{PrivateKey: key}
	s := newServer(t, opts)
	b64 := s.PrivateKeyBase64()
	for _, form := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{s, *opts, opts} {
			out := fmt.Sprintf(form, v)
			assert.NotContains(t, out, b64[40:80], form)
			assert.NotContains(t, out, key.D.String()[:20], form)
		}
	}
}
