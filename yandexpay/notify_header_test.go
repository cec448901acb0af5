package yandexpay_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// publishedKey is a signing key served at a JWKS endpoint of the test's own,
// so that a test can sign tokens whose only fault is in their header.
type publishedKey struct {
	kid     string
	key     *ecdsa.PrivateKey
	url     string
	fetches atomic.Int32
}

func publishKey(t *testing.T) *publishedKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	p := &publishedKey{kid: "published-1", key: k}
	body, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &k.PublicKey, KeyID: p.kid, Algorithm: string(jose.ES256), Use: "sig"}}})
	require.NoError(t, err)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		p.fetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(ts.Close)
	p.url = ts.URL + "/api/jwks"
	return p
}

// TestHeaderChecksRefuseGenuineSignatures: a token signed with a published
// key is still refused when its JOSE header is wrong (expired, issued in the
// future, no exp or iat, typ not JWT, no kid, an algorithm other than ES256),
// and the header is judged before any key is looked up, so such tokens,
// however many, never make the key set be fetched again.
func TestHeaderChecksRefuseGenuineSignatures(t *testing.T) {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()
	pub := publishKey(t)
	c := mustClient(t, yandexpay.Config{
		APIKey:     payments.Secret(srv.APIKey()),
		MerchantID: srv.MerchantID(),
		JWKSURL:    pub.url,
		// Every lookup of an unknown kid may fetch: only the header checks
		// keep the count still.
		JWKSRefreshInterval: time.Nanosecond,
		HTTPOptions:         payments.HTTPOptions{BaseURL: srv.BaseURL()},
	})
	now := time.Now()
	payload := orderPayload(srv.MerchantID(), "o-1", "CAPTURED")
	sign := es256(t, pub.key)

	control := handToken(t, header(pub.kid, now), payload, sign)
	_, err := payments.ParseNotification(ctxT(t), c, nil, []byte(control))
	require.NoError(t, err, "the control token, signed with the published key, must verify")
	require.EqualValues(t, 1, pub.fetches.Load())

	edit := func(kid string, change func(h map[string]any)) map[string]any {
		h := header(kid, now)
		change(h)
		return h
	}
	secs := func(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
	cases := []struct {
		name   string
		header map[string]any
		says   string
	}{
		{"expired", edit(pub.kid, func(h map[string]any) {
			h["iat"], h["exp"] = secs(now.Add(-10*time.Minute)), secs(now.Add(-yandexpay.NotificationLeeway-time.Minute))
		}), "expired"},
		{"issued in the future", edit(pub.kid, func(h map[string]any) {
			h["iat"], h["exp"] = secs(now.Add(yandexpay.NotificationLeeway+time.Minute)), secs(now.Add(10*time.Minute))
		}), "future"},
		{"no exp", edit(pub.kid, func(h map[string]any) { delete(h, "exp") }), "no exp"},
		{"no iat", edit(pub.kid, func(h map[string]any) { delete(h, "iat") }), "no iat"},
		{"exp not a number", edit(pub.kid, func(h map[string]any) { h["exp"] = "tomorrow" }), "exp"},
		{"typ not JWT", edit(pub.kid, func(h map[string]any) { h["typ"] = "JOSE+JSON" }), "typ"},
		{"no kid", edit("", func(h map[string]any) { delete(h, "kid") }), "no kid"},
		{"alg ES384, unknown kid", edit("kid-never-published", func(h map[string]any) { h["alg"] = "ES384" }), "other than ES256"},
		{"alg RS256, unknown kid", edit("kid-never-published", func(h map[string]any) { h["alg"] = "RS256" }), "other than ES256"},
		{"alg HS256, unknown kid", edit("kid-never-published", func(h map[string]any) { h["alg"] = "HS256" }), "other than ES256"},
		{"alg none, unknown kid", edit("kid-never-published", func(h map[string]any) { h["alg"] = "none" }), "other than ES256"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := handToken(t, tc.header, payload, sign)
			ev, err := payments.ParseNotification(ctxT(t), c, nil, []byte(tok))
			assert.Nil(t, ev)
			require.Error(t, err)
			assert.Equal(t, payments.CodeUnauthenticated, payments.CodeOf(err), "%v", err)
			assert.Contains(t, err.Error(), tc.says)
			assert.EqualValues(t, 1, pub.fetches.Load(), "a token refused by its header must not fetch the key set")
		})
	}
}
