package yandexpay_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// TestNotificationErrorsQuoteNoToken: a token whose header carries a
// signature in fields go-jose reports on (alg, x5c, crit) is refused
// without any part of the token in the error, which the handler logs.
func TestNotificationErrorsQuoteNoToken(t *testing.T) {
	srv := yandexpaytest.NewServer(nil)
	t.Cleanup(srv.Close)
	c := notifyClient(t, srv, time.Second)
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tok := handToken(t, header(srv.WebhookKeyID(), time.Now()), orderPayload(srv.MerchantID(), "o1", "CAPTURED"), es256(t, k))
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	sig := parts[2]
	withHeader := func(h string) string { return b64([]byte(h)) + "." + parts[1] + "." + sig }
	cases := map[string]struct{ body, want string }{
		"alg":           {withHeader(`{"alg":"` + sig + `"}`), "algorithm other than ES256"},
		"x5c":           {withHeader(`{"alg":"ES256","x5c":["` + sig + `"]}`), "not an ES256 compact JWS"},
		"jwk":           {withHeader(`{"alg":"ES256","jwk":"` + sig + `"}`), "not an ES256 compact JWS"},
		"bad header":    {withHeader(`{"alg":"ES256",` + sig + `}`), "not an ES256 compact JWS"},
		"four parts":    {tok + "." + sig, "three dot-separated parts"},
		"bad signature": {tok + "!!", "not base64url"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := payments.ParseNotification(context.Background(), c, nil, []byte(tc.body))
			require.Error(t, err)
			require.Equal(t, payments.CodeUnauthenticated, payments.CodeOf(err))
			require.Contains(t, err.Error(), tc.want)
			for _, part := range []string{sig[:16], parts[1][:16]} {
				require.NotContains(t, err.Error(), part, "the error quotes the token")
			}
		})
	}
}

// TestNotificationErrorsStaySmall: a kid the sender makes huge is quoted
// cut, so that a forged token cannot grow the refusal the handler logs.
func TestNotificationErrorsStaySmall(t *testing.T) {
	srv := yandexpaytest.NewServer(nil)
	t.Cleanup(srv.Close)
	c := notifyClient(t, srv, time.Second)
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	kid := strings.Repeat("k", 10000)
	tok := handToken(t, header(kid, time.Now()), orderPayload(srv.MerchantID(), "o1", "CAPTURED"), es256(t, k))
	_, err = payments.ParseNotification(context.Background(), c, nil, []byte(tok))
	require.Equal(t, payments.CodeUnauthenticated, payments.CodeOf(err), "err = %v", err)
	require.Contains(t, err.Error(), "no key with kid")
	require.Less(t, len(err.Error()), 300, "the error grew with the kid: %.120s", err)
}
