package rustore_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/internal/testlog"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/status"
)

func TestNewAcceptsKeyFormatsAndRejectsOthers(t *testing.T) {
	srv := rustoretest.NewServer(nil)
	defer srv.Close()
	key, err := rustoretest.DefaultPrivateKey()
	require.NoError(t, err)
	pkcs8 := srv.PrivateKeyBase64()
	der, err := base64.StdEncoding.DecodeString(pkcs8)
	require.NoError(t, err)
	pkcs1 := x509.MarshalPKCS1PrivateKey(key)
	var wrapped strings.Builder
	for i := 0; i < len(pkcs8); i += 64 {
		wrapped.WriteString(pkcs8[i:min(i+64, len(pkcs8))] + "\n")
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecDER, err := x509.MarshalECPrivateKey(ecKey)
	require.NoError(t, err)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	smallKey, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)

	cases := []struct {
		name    string
		key     string
		wantErr string // empty: the key must authenticate against the emulator
	}{
		{"base64 PKCS#8 DER (console)", pkcs8, ""},
		{"base64 wrapped over lines", wrapped.String(), ""},
		{"PEM PKCS#8", srv.PrivateKeyPEM(), ""},
		{"PEM PKCS#1", pemOf("RSA PRIVATE KEY", pkcs1), ""},
		{"base64 PKCS#1 DER", base64.StdEncoding.EncodeToString(pkcs1), ""},
		{"empty", "", "PrivateKey is empty"},
		{"blank", " \n\t", "PrivateKey is empty"},
		{"garbage", "this is not a key!", "neither PEM nor base64"},
		{"base64 of garbage", base64.StdEncoding.EncodeToString([]byte("hello, RuStore")), "not a PKCS#8 or PKCS#1 private key"},
		{"truncated DER", base64.StdEncoding.EncodeToString(der[:len(der)/2]), "not a PKCS#8 or PKCS#1 private key"},
		{"EC PEM (SEC 1)", pemOf("EC PRIVATE KEY", ecDER), "EC key: RuStore signs with RSA"},
		{"EC PKCS#8 base64", pkcs8Base64(t, ecKey), "EC key: RuStore signs with RSA"},
		{"EC SEC 1 base64", base64.StdEncoding.EncodeToString(ecDER), "EC key: RuStore signs with RSA"},
		{"Ed25519 PKCS#8 PEM", pemOf("PRIVATE KEY", mustPKCS8(t, edKey)), "Ed25519 key"},
		{"certificate PEM", pemOf("CERTIFICATE", der), `PEM "CERTIFICATE" block`},
		{"broken PEM", "-----BEGIN PRIVATE KEY-----\nnot base64\n", "no PEM block could be decoded"},
		{"two PEM blocks", srv.PrivateKeyPEM() + srv.PrivateKeyPEM(), "more than one PEM block"},
		{"1024-bit RSA", pkcs8Base64(t, smallKey), "1024-bit RSA key: at least 2048 bits"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := configFor(srv, &testlog.Buffer{})
			cfg.PrivateKey = payments.Secret(tc.key)
			c, err := rustore.New(cfg)
			if tc.wantErr != "" {
				pe := asError(t, err)
				assert.Equal(t, payments.CodeInvalidArgument, pe.Code)
				assert.Contains(t, err.Error(), tc.wantErr)
				if len(tc.key) > 40 {
					assert.NotContains(t, err.Error(), strings.TrimSpace(tc.key)[20:40], "error echoes key material")
				}
				return
			}
			require.NoError(t, err)
			defer c.Close()
			ref := refOf(srv.AddPurchase(rustoretest.Purchase{Status: "paid"}))
			p, err := c.Status(context.Background(), ref)
			require.NoError(t, err)
			assert.Equal(t, status.Authorized, p.Status)
		})
	}
}

func mustPKCS8(t *testing.T, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return der
}

func TestNewRejectsBadConfig(t *testing.T) {
	srv := rustoretest.NewServer(nil)
	defer srv.Close()
	cases := []struct {
		name  string
		edit  func(*rustore.Config)
		field string
		want  string
	}{
		{"empty key id", func(c *rustore.Config) { c.KeyID = " " }, "KeyID", "empty"},
		{"control char in key id", func(c *rustore.Config) { c.KeyID = "key\nid" }, "KeyID", "contains control characters"},
		{"zero app id", func(c *rustore.Config) { c.AppID = 0 }, "AppID", "must be a positive number"},
		{"negative app id", func(c *rustore.Config) { c.AppID = -5 }, "AppID", "got -5"},
		{"bad private key", func(c *rustore.Config) { c.PrivateKey = "not a key" }, "PrivateKey", ""},
		{"plain http to a remote host", func(c *rustore.Config) { c.BaseURL = "http://example.com" }, "BaseURL", "loopback"},
		{"ftp base url", func(c *rustore.Config) { c.BaseURL = "ftp://127.0.0.1/x" }, "BaseURL", "ftp"},
		{"negative wait", func(c *rustore.Config) { c.RetryWaitMin = -time.Second }, "RetryWaitMin", "must not be negative"},
		{"min above max", func(c *rustore.Config) { c.RetryWaitMin, c.RetryWaitMax = 2*time.Second, time.Second }, "RetryWaitMin", "above RetryWaitMax"},
		// Only the default maximum (5 s) stands against this minimum: the
		// error still names the retry wait, not the base URL.
		{"min above default max", func(c *rustore.Config) { c.RetryWaitMin, c.RetryWaitMax = time.Minute, 0 }, "RetryWaitMin", "1m0s is above RetryWaitMax (5s)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := configFor(srv, &testlog.Buffer{})
			tc.edit(&cfg)
			_, err := rustore.New(cfg)
			pe := asError(t, err)
			assert.Equal(t, payments.CodeInvalidArgument, pe.Code)
			assert.Equal(t, rustore.Name, pe.Provider)
			assert.Equal(t, payments.OpNew, pe.Op)
			assert.Equal(t, tc.field, pe.Field)
			assert.Contains(t, pe.Message, tc.want)
		})
	}
	assert.Empty(t, srv.Requests(), "New must not touch the network")
}

// TestColdClientAuthenticatesOnceForConcurrentCalls starts 1000 calls at
// once on a client that has no token yet: they share one auth request.
func TestColdClientAuthenticatesOnceForConcurrentCalls(t *testing.T) {
	e := newEnv(t, nil, nil)
	ref := e.seed("paid")
	const callers = 1000
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	start := make(chan struct{})
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := e.client.Status(context.Background(), ref)
			errs <- err
		}()
	}
	close(start) // all at once, before any has a token
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 1, e.srv.AuthCount())
}

func TestTokenRenewedAheadOfTTL(t *testing.T) {
	e := newEnv(t, &rustoretest.Options{FreezeClock: true, TokenTTL: 900 * time.Second}, nil)
	ref := e.seed("paid")
	ctx := context.Background()
	_, err := e.client.Status(ctx, ref)
	require.NoError(t, err)
	require.Equal(t, 1, e.srv.AuthCount())

	e.srv.Advance(900*time.Second - 61*time.Second)
	_, err = e.client.Status(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, 1, e.srv.AuthCount(), "token still has more than a minute left: reuse it")

	e.srv.Advance(2 * time.Second)
	_, err = e.client.Status(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, 2, e.srv.AuthCount(), "token within a minute of its end: renew before use")
	assert.Equal(t, 3, countPaths(e.srv, "/v2/purchase/"), "no request may have been rejected")
}

// TestTokenRenewedAheadOfTTLOnTheRealClock: with the real clock a token goes
// stale by a timer instead of a clock read per call; it must still be
// renewed when due, and not before.
func TestTokenRenewedAheadOfTTLOnTheRealClock(t *testing.T) {
	// A 2 s token is renewed after half its life (renewMargin).
	e := newEnv(t, &rustoretest.Options{TokenTTL: 2 * time.Second}, func(c *rustore.Config) { c.Now = nil })
	ref := e.seed("paid")
	ctx := context.Background()
	_, err := e.client.Status(ctx, ref)
	require.NoError(t, err)
	_, err = e.client.Status(ctx, ref)
	require.NoError(t, err)
	require.Equal(t, 1, e.srv.AuthCount(), "a fresh token is reused")

	time.Sleep(1200 * time.Millisecond)
	_, err = e.client.Status(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, 2, e.srv.AuthCount(), "a token past its renewal time is renewed before use")
	assert.Equal(t, 3, countPaths(e.srv, "/v2/purchase/"), "no request may have been rejected")
}

func countPaths(srv *rustoretest.Server, part string) int {
	n := 0
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, part) {
			n++
		}
	}
	return n
}

func TestRejectedTokenIsRenewedOnceAndTheCallRetried(t *testing.T) {
	e := newEnv(t, nil, nil)
	ctx := context.Background()
	ref := e.seed("paid")
	_, err := e.client.Status(ctx, ref)
	require.NoError(t, err)

	e.srv.ExpireTokens()
	res, err := e.client.Capture(ctx, ref, nil)
	require.NoError(t, err)
	assert.Equal(t, status.Captured, res.Status)
	assert.Equal(t, 2, e.srv.AuthCount())
	assert.Equal(t, 1, e.srv.Count(ref.ID, "confirm"))
	assert.Equal(t, 2, countPaths(e.srv, ":confirm"), "one rejected confirm, one accepted")
}

func TestTokenRejectedTwiceIsUnauthenticated(t *testing.T) {
	f := newFakeAPI(t, fakeAnswer{status: http.StatusUnauthorized, body: envelopeBody("ERROR", "Jwe token is expired")})
	c := f.client(t, &testlog.Buffer{})
	_, err := c.Status(context.Background(), payments.Ref{InvoiceID: "1"})
	pe := asError(t, err)
	assert.Equal(t, payments.CodeUnauthenticated, pe.Code)
	assert.Equal(t, http.StatusUnauthorized, pe.HTTPStatus)
	auths, calls := f.counts()
	assert.Equal(t, 2, auths, "one renewal, not a loop")
	assert.Equal(t, 2, calls)
}

func TestBadCredentials(t *testing.T) {
	cases := []struct {
		name string
		edit func(*rustore.Config)
		code payments.Code
		msg  string
	}{
		{"unknown key id", func(c *rustore.Config) { c.KeyID = "somebody-else" }, payments.CodeUnauthenticated, "authentication failed"},
		{"wrong private key", func(c *rustore.Config) { c.PrivateKey = payments.Secret(pkcs8Base64(t, otherRSAKey(t))) }, payments.CodeUnauthenticated, "authentication failed"},
		{"clock an hour off", func(c *rustore.Config) { c.Now = func() time.Time { return time.Now().Add(time.Hour) } }, payments.CodeUnauthenticated, "Range timestamp not valid"},
		{"another app", func(c *rustore.Config) { c.AppID++ }, payments.CodePermissionDenied, "Forbidden"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil, tc.edit)
			ref := e.seed("paid")
			_, err := e.client.Capture(context.Background(), ref, nil)
			pe := asError(t, err)
			assert.Equal(t, tc.code, pe.Code)
			assert.Contains(t, pe.Message, tc.msg)
			assert.Equal(t, 0, e.srv.Count(ref.ID, "confirm"))
		})
	}
}

func TestUnansweredTokenRequestIsUnavailableNotOutcomeUnknown(t *testing.T) {
	// A token request moves no money: when its answers are all lost, the
	// call failed (Unavailable), it did not "maybe happen".
	e := newEnv(t, nil, nil)
	ref := e.seed("paid")
	e.srv.InjectFault(fault.Fault{Kind: fault.TruncatedBody, Action: "auth", Times: 100})
	_, err := e.client.Capture(context.Background(), ref, nil)
	pe := asError(t, err)
	assert.Equal(t, payments.CodeUnavailable, pe.Code, pe.Error())
	assert.Equal(t, payments.OpAuth, pe.Op)
	assert.Equal(t, 0, e.srv.Count(ref.ID, "confirm"))
}

func TestLostConfirmAnswerIsReconciled(t *testing.T) {
	e := newEnv(t, nil, nil)
	ref := e.seed("paid")
	e.srv.InjectFault(fault.Fault{Kind: fault.ResetAfterApply, Action: "confirm"})
	res, err := e.client.Capture(context.Background(), ref, nil)
	require.NoError(t, err)
	assert.Equal(t, status.Captured, res.Status)
	assert.Equal(t, "confirmed", res.RawStatus, "the outcome was read back")
	assert.NotEmpty(t, res.IdempotencyKey)
	assert.Equal(t, 1, e.srv.Count(ref.ID, "confirm"))
	assert.Equal(t, 1, countPaths(e.srv, ":confirm"), "reached state: no second confirm")
}

func TestLostConfirmAnswerWithoutInvoiceIsOutcomeUnknown(t *testing.T) {
	e := newEnv(t, nil, nil)
	ref := e.seed("paid")
	e.srv.InjectFault(fault.Fault{Kind: fault.ResetAfterApply, Action: "confirm"})
	_, err := e.client.Capture(context.Background(), payments.Ref{ID: ref.ID}, nil)
	pe := asError(t, err)
	assert.Equal(t, payments.CodeOutcomeUnknown, pe.Code)
	assert.Contains(t, pe.Message, "check Status")
	assert.Contains(t, pe.Message, "InvoiceID")
	assert.Equal(t, 1, e.srv.Count(ref.ID, "confirm"))
}

func TestUnclearWritesAreSettledThroughStatus(t *testing.T) {
	cases := []struct {
		name      string
		fault     fault.Kind
		action    string
		raw       string
		run       func(context.Context, *rustore.Client, payments.Ref) (*payments.Result, error)
		want      status.Status
		wantSends int
	}{
		{"503 before confirm: sent again", fault.ServerError, "confirm", "paid", capture, status.Captured, 2},
		{"503 before cancel: sent again", fault.ServerError, "cancel", "paid", void, status.Voided, 2},
		{"503 before refund: sent again", fault.ServerError, "refund", "confirmed", refund, status.Refunded, 2},
		{"cut confirm answer", fault.TruncatedBody, "confirm", "paid", capture, status.Captured, 1},
		{"oversized cancel answer", fault.OversizedBody, "cancel", "paid", void, status.Voided, 1},
		{"reset after refund", fault.ResetAfterApply, "refund", "confirmed", refund, status.Refunded, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			ref := e.seed(tc.raw)
			e.srv.InjectFault(fault.Fault{Kind: tc.fault, Action: tc.action})
			res, err := tc.run(context.Background(), e.client, ref)
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Status)
			assert.Equal(t, 1, e.srv.Count(ref.ID, tc.action))
			path := ":" + tc.action
			if tc.action == "refund" {
				path = "/invoices/"
			}
			assert.Equal(t, tc.wantSends, countPaths(e.srv, path))
		})
	}
}

func capture(ctx context.Context, c *rustore.Client, ref payments.Ref) (*payments.Result, error) {
	return c.Capture(ctx, ref, nil)
}

func void(ctx context.Context, c *rustore.Client, ref payments.Ref) (*payments.Result, error) {
	return c.Void(ctx, ref, nil)
}

func refund(ctx context.Context, c *rustore.Client, ref payments.Ref) (*payments.Result, error) {
	return c.Refund(ctx, ref, nil)
}

// TestServerErrorTwiceIsOutcomeUnknown: a 5xx is what a gateway answers
// whatever RuStore behind it did, so two of them, with the purchase still
// PAID in between, prove nothing: the caller gets OutcomeUnknown and the key
// to repeat the capture with, never "nothing was done".
func TestServerErrorTwiceIsOutcomeUnknown(t *testing.T) {
	e := newEnv(t, nil, nil)
	ref := e.seed("paid")
	e.srv.InjectFault(fault.Fault{Kind: fault.ServerError, Action: "confirm", Times: 2})
	_, err := e.client.Capture(context.Background(), ref, &payments.CaptureOptions{IdempotencyKey: "order-17-capture"})
	pe := asError(t, err)
	assert.Equal(t, payments.CodeOutcomeUnknown, pe.Code)
	assert.Equal(t, "order-17-capture", pe.IdempotencyKey)
	assert.NotContains(t, pe.Message, "nothing was done")
	assert.False(t, errors.Is(err, payments.ErrUnavailable), "an unknown outcome must not match ErrUnavailable: %v", err)
	assert.Equal(t, 0, e.srv.Count(ref.ID, "confirm"))
	assert.Equal(t, 2, countPaths(e.srv, ":confirm"), "at most two sends per call")
}

func TestConfirmFrequencyLimit(t *testing.T) {
	e := newEnv(t, nil, nil)
	ref := e.seed("paid")
	require.NoError(t, e.srv.MarkConfirmAttempt(ref.ID))
	_, err := e.client.Capture(context.Background(), ref, nil)
	pe := asError(t, err)
	assert.Equal(t, payments.CodeResourceExhausted, pe.Code)
	assert.Equal(t, 15*time.Minute, pe.RetryAfter)
	assert.Equal(t, 15*time.Minute, payments.RetryAfterOf(err))
	assert.Contains(t, pe.Message, "only once every 15 minutes")
	assert.Equal(t, 0, e.srv.Count(ref.ID, "confirm"))

	e.srv.Advance(15*time.Minute + time.Second)
	res, err := e.client.Capture(context.Background(), ref, nil)
	require.NoError(t, err)
	assert.Equal(t, status.Captured, res.Status)
}

func TestIdempotentReplay(t *testing.T) {
	e := newEnv(t, nil, nil)
	ctx := context.Background()
	ref := e.seed("paid")
	opts := &payments.CaptureOptions{IdempotencyKey: "order-17-capture"}
	first, err := e.client.Capture(ctx, ref, opts)
	require.NoError(t, err)
	again, err := e.client.Capture(ctx, ref, opts)
	require.NoError(t, err, "a repeat with the caller's key is a success")
	assert.Equal(t, "order-17-capture", first.IdempotencyKey)
	assert.Equal(t, "order-17-capture", again.IdempotencyKey)
	assert.Equal(t, status.Captured, again.Status)
	assert.Equal(t, 1, e.srv.Count(ref.ID, "confirm"))

	_, err = e.client.Capture(ctx, ref, nil)
	assert.Equal(t, payments.CodeFailedPrecondition, asError(t, err).Code, "without a key a second capture is refused")

	// A replay after the frequency limit kicked in is still a success once
	// the purchase is confirmed.
	// (Its own key: the same key for another purchase is refused.)
	ref2 := e.seed("paid")
	opts2 := &payments.CaptureOptions{IdempotencyKey: "order-18-capture"}
	_, err = e.client.Capture(ctx, ref2, opts2)
	require.NoError(t, err)
	require.NoError(t, e.srv.MarkConfirmAttempt(ref2.ID))
	_, err = e.client.Capture(ctx, ref2, opts2)
	require.NoError(t, err)
	assert.Equal(t, 1, e.srv.Count(ref2.ID, "confirm"))
}

func TestCompetingCapturesChargeOnce(t *testing.T) {
	e := newEnv(t, nil, nil)
	ref := e.seed("paid")
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.client.Capture(context.Background(), ref, nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		if err == nil {
			ok++
			continue
		}
		assert.Equal(t, payments.CodeFailedPrecondition, payments.CodeOf(err), "%v", err)
	}
	assert.Equal(t, 1, ok)
	assert.Equal(t, 1, e.srv.Count(ref.ID, "confirm"))
}

func TestRollbackByState(t *testing.T) {
	cases := []struct {
		raw      string
		want     status.Status
		noOp     bool
		action   string // the write Rollback must apply once, if any
		wantCode payments.Code
		wantMsg  string
	}{
		{raw: "paid", want: status.Voided, action: "cancel"},
		{raw: "PAID", want: status.Voided, action: "cancel"},
		{raw: "confirmed", want: status.Refunded, action: "refund"},
		{raw: "consumed", want: status.Refunded, action: "refund"},
		{raw: "reversed", want: status.Voided, noOp: true},
		{raw: "refunded", want: status.Refunded, noOp: true},
		{raw: "rejected", want: status.Failed, noOp: true},
		{raw: "cancelled", want: status.Failed, noOp: true},
		{raw: "expired", want: status.Expired, noOp: true},
		{raw: "created", wantCode: payments.CodeFailedPrecondition, wantMsg: "cannot stop an unpaid purchase"},
		{raw: "processing", wantCode: payments.CodeFailedPrecondition, wantMsg: "cannot stop an unpaid purchase"},
		{raw: "archived_v9", wantCode: payments.CodeFailedPrecondition, wantMsg: `"archived_v9", which this adapter does not know`},
	}
	e := newEnv(t, nil, nil)
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			ref := e.seed(tc.raw)
			res, err := e.client.Rollback(context.Background(), ref, nil)
			writes := e.srv.Count(ref.ID, "cancel") + e.srv.Count(ref.ID, "refund")
			if tc.wantCode != payments.CodeUnknown {
				pe := asError(t, err)
				assert.Equal(t, tc.wantCode, pe.Code)
				assert.Contains(t, pe.Message, tc.wantMsg)
				assert.Zero(t, writes)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, res.Status)
			assert.Equal(t, tc.noOp, res.NoOp)
			assert.NotEmpty(t, res.IdempotencyKey)
			if tc.noOp {
				assert.Equal(t, tc.raw, res.RawStatus)
				assert.Zero(t, writes)
				return
			}
			assert.Equal(t, 1, e.srv.Count(ref.ID, tc.action))
			assert.Equal(t, 1, writes)
		})
	}
}

func TestStatusReportsThePurchase(t *testing.T) {
	e := newEnv(t, nil, nil)
	p := e.srv.AddPurchase(rustoretest.Purchase{Status: "refunded", AmountCreate: 10000, AmountCurrent: 9000, Currency: "RUB"})
	got, err := e.client.Status(context.Background(), refOf(p))
	require.NoError(t, err)
	assert.Equal(t, refOf(p), got.Ref)
	assert.Equal(t, rustore.Name, got.Provider)
	assert.Equal(t, status.Refunded, got.Status)
	assert.Equal(t, "refunded", got.RawStatus)
	assert.Equal(t, payments.Money{Minor: 9000, Currency: "RUB"}, got.Amount)
	assert.False(t, got.Created.IsZero())
	assert.False(t, got.Updated.IsZero(), "refundDate")
	assert.Contains(t, string(got.Raw), `"invoiceStatus"`)

	// The purchase id is optional for a read.
	got, err = e.client.Status(context.Background(), payments.Ref{InvoiceID: itoa(p.InvoiceID)})
	require.NoError(t, err)
	assert.Equal(t, itoa(p.InvoiceID), got.Ref.InvoiceID)

	_, err = e.client.Status(context.Background(), payments.Ref{InvoiceID: "987654321"})
	assert.Equal(t, payments.CodeNotFound, asError(t, err).Code)

	require.NoError(t, e.srv.SetStatus(p.PurchaseID, "archived_v9"))
	got, err = e.client.Status(context.Background(), refOf(p))
	require.NoError(t, err)
	assert.Equal(t, status.Unknown, got.Status)
	assert.Equal(t, "archived_v9", got.RawStatus)
}

func TestInvalidInputIsRejectedBeforeAnyRequest(t *testing.T) {
	const goodID = "3aa0c7bd-964e-4562-b218-fe365adb4ae3"
	minus := payments.Money{Minor: -100, Currency: "RUB"}
	zero := payments.Money{Minor: 0, Currency: "RUB"}
	lower := payments.Money{Minor: 100, Currency: "rub"}
	ops := map[string]func(*rustore.Client, payments.Ref) error{
		"capture": func(c *rustore.Client, r payments.Ref) error {
			_, err := c.Capture(context.Background(), r, nil)
			return err
		},
		"void": func(c *rustore.Client, r payments.Ref) error {
			_, err := c.Void(context.Background(), r, nil)
			return err
		},
		"refund": func(c *rustore.Client, r payments.Ref) error {
			_, err := c.Refund(context.Background(), r, nil)
			return err
		},
		"status": func(c *rustore.Client, r payments.Ref) error { _, err := c.Status(context.Background(), r); return err },
		"rollback": func(c *rustore.Client, r payments.Ref) error {
			_, err := c.Rollback(context.Background(), r, nil)
			return err
		},
	}
	cases := []struct {
		name string
		ops  []string
		ref  payments.Ref
		want string
	}{
		{"missing purchase id", []string{"capture", "void", "rollback"}, payments.Ref{InvoiceID: "1"}, "Ref.ID is empty"},
		{"missing invoice id", []string{"refund", "status", "rollback"}, payments.Ref{ID: goodID}, "Ref.InvoiceID is empty"},
		{"not a uuid", []string{"capture", "void", "refund", "status", "rollback"}, payments.Ref{ID: "order-1", InvoiceID: "1"}, "Ref.ID must be a RuStore purchaseId"},
		{"uuid in braces", []string{"capture"}, payments.Ref{ID: "{" + goodID + "}"}, "Ref.ID must be"},
		{"urn uuid", []string{"capture"}, payments.Ref{ID: "urn:uuid:" + goodID}, "Ref.ID must be"},
		{"undashed uuid", []string{"capture"}, payments.Ref{ID: strings.ReplaceAll(goodID, "-", "")}, "Ref.ID must be"},
		{"path traversal id", []string{"capture", "void"}, payments.Ref{ID: "../x"}, "Ref.ID must be"},
		{"slash in id", []string{"capture", "void"}, payments.Ref{ID: goodID[:35] + "/"}, "Ref.ID must be"},
		{"query in id", []string{"capture"}, payments.Ref{ID: goodID[:30] + "?a=b:c"}, "Ref.ID must be"},
		{"letters in invoice", []string{"capture", "void", "refund", "status", "rollback"}, payments.Ref{ID: goodID, InvoiceID: "12a"}, "Ref.InvoiceID must be"},
		{"traversal invoice", []string{"refund", "status"}, payments.Ref{InvoiceID: "../1"}, "Ref.InvoiceID must be"},
		{"slash in invoice", []string{"refund", "status"}, payments.Ref{InvoiceID: "1/2"}, "Ref.InvoiceID must be"},
		{"negative invoice", []string{"status"}, payments.Ref{InvoiceID: "-1"}, "Ref.InvoiceID must be"},
		{"invoice too long", []string{"status"}, payments.Ref{InvoiceID: strings.Repeat("9", 20)}, "Ref.InvoiceID must be"},
	}
	e := newEnv(t, nil, nil)
	for _, tc := range cases {
		for _, op := range tc.ops {
			t.Run(tc.name+"/"+op, func(t *testing.T) {
				pe := asError(t, ops[op](e.client, tc.ref))
				assert.Equal(t, payments.CodeInvalidArgument, pe.Code)
				assert.Equal(t, payments.Operation(op), pe.Op)
				assert.Contains(t, pe.Message, tc.want)
			})
		}
	}
	ref := payments.Ref{ID: goodID, InvoiceID: "1"}
	amounts := []struct {
		name string
		call func() error
		code payments.Code
		want string
	}{
		{"negative capture", func() error {
			_, err := e.client.Capture(context.Background(), ref, &payments.CaptureOptions{Amount: &minus})
			return err
		}, payments.CodeInvalidArgument, "Amount: amount must be positive"},
		{"zero refund", func() error {
			_, err := e.client.Refund(context.Background(), ref, &payments.RefundOptions{Amount: &zero})
			return err
		}, payments.CodeInvalidArgument, "Amount: amount must be positive"},
		{"lower-case currency", func() error {
			_, err := e.client.Refund(context.Background(), ref, &payments.RefundOptions{Amount: &lower})
			return err
		}, payments.CodeInvalidArgument, "currency"},
		{"partial capture", func() error {
			_, err := e.client.Capture(context.Background(), ref, &payments.CaptureOptions{Amount: &payments.Money{Minor: 100, Currency: "RUB"}})
			return err
		}, payments.CodeUnimplemented, "no partial capture"},
		{"partial refund", func() error {
			_, err := e.client.Refund(context.Background(), ref, &payments.RefundOptions{Amount: &payments.Money{Minor: 100, Currency: "RUB"}})
			return err
		}, payments.CodeUnimplemented, "only whole invoices"},
		{"capture with a cart", func() error {
			_, err := e.client.Capture(context.Background(), ref, &payments.CaptureOptions{Cart: &payments.Cart{}})
			return err
		}, payments.CodeUnimplemented, "RuStore has no carts"},
		{"refund with a cart", func() error {
			_, err := e.client.Refund(context.Background(), ref, &payments.RefundOptions{Cart: &payments.Cart{}})
			return err
		}, payments.CodeUnimplemented, "RuStore has no carts"},
	}
	for _, tc := range amounts {
		t.Run(tc.name, func(t *testing.T) {
			pe := asError(t, tc.call())
			assert.Equal(t, tc.code, pe.Code)
			assert.Contains(t, pe.Message, tc.want)
		})
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.client.Capture(canceled, ref, nil)
	assert.Equal(t, payments.CodeCanceled, asError(t, err).Code)

	assert.Empty(t, e.srv.Requests(), "nothing may be sent for invalid input")
}

func TestSandboxUsesSandboxPaths(t *testing.T) {
	e := newEnv(t, nil, func(c *rustore.Config) { c.Sandbox = true })
	ctx := context.Background()
	ref := refOf(e.srv.AddPurchase(rustoretest.Purchase{Status: "paid", Sandbox: true}))
	_, err := e.client.Capture(ctx, ref, nil)
	require.NoError(t, err)
	_, err = e.client.Refund(ctx, ref, nil)
	require.NoError(t, err)
	p, err := e.client.Status(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, status.Refunded, p.Status)
	for _, r := range e.srv.Requests() {
		if strings.HasPrefix(r.Path, "/public/auth") {
			continue
		}
		assert.True(t, strings.HasPrefix(r.Path, "/public/sandbox/"), "%s %s", r.Method, r.Path)
	}
	assert.Contains(t, e.client.String(), "sandbox")

	prod := newEnv(t, nil, nil)
	sandboxOnly := refOf(prod.srv.AddPurchase(rustoretest.Purchase{Status: "paid", Sandbox: true}))
	_, err = prod.client.Capture(ctx, sandboxOnly, nil)
	assert.Equal(t, payments.CodeNotFound, asError(t, err).Code, "a test purchase is not visible in production")
}

func TestSecretsStayOutOfErrorsAndLogs(t *testing.T) {
	e := newEnv(t, nil, nil)
	ctx := context.Background()
	var texts []string
	record := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}
	ref := e.seed("paid")
	_, err := e.client.Status(ctx, ref)
	require.NoError(t, err)
	e.srv.ExpireTokens()
	_, err = e.client.Capture(ctx, ref, nil)
	require.NoError(t, err)
	_, err = e.client.Capture(ctx, ref, nil)
	record(err)
	e.srv.InjectFault(fault.Fault{Kind: fault.ResetAfterApply, Action: "refund"})
	_, err = e.client.Refund(ctx, payments.Ref{InvoiceID: ref.InvoiceID}, nil)
	record(err)
	e.srv.InjectFault(fault.Fault{Kind: fault.ServerError, Action: "status", Times: 5})
	_, err = e.client.Status(ctx, ref)
	record(err)

	bad := newEnv(t, nil, func(c *rustore.Config) { c.PrivateKey = payments.Secret(pkcs8Base64(t, otherRSAKey(t))) })
	_, err = bad.client.Status(ctx, bad.seed("paid"))
	record(err)

	// A server that echoes the token back in its message.
	f := newFakeAPI(t, fakeAnswer{status: http.StatusBadRequest, body: envelopeBody("ERROR", "token {TOKEN} is not allowed here")})
	fakeLogs := &testlog.Buffer{}
	_, err = f.client(t, fakeLogs).Status(ctx, payments.Ref{InvoiceID: "7"})
	record(err)
	assert.Contains(t, err.Error(), "[redacted]")

	require.Len(t, texts, 12)
	secrets := append([]string{e.srv.PrivateKeyBase64(), e.srv.PrivateKeyPEM(), pkcs8Base64(t, otherRSAKey(t))},
		e.srv.IssuedTokens()...)
	secrets = append(secrets, e.srv.ReceivedSignatures()...)
	secrets = append(secrets, bad.srv.ReceivedSignatures()...)
	secrets = append(secrets, f.tokens...)
	require.GreaterOrEqual(t, len(e.srv.IssuedTokens()), 2)
	require.NotEmpty(t, bad.srv.ReceivedSignatures())
	all := strings.Join(texts, "\n") + e.logs.String() + bad.logs.String() + fakeLogs.String()
	require.NotEmpty(t, e.logs.String(), "the transport logs attempts")
	for _, s := range secrets {
		assertNoSecret(t, all, s)
	}
}

// assertNoSecret checks for the secret and for a long piece of it, so a
// partly printed key is caught too.
func assertNoSecret(t *testing.T, text, secret string) {
	t.Helper()
	secret = strings.TrimSpace(secret)
	require.NotEmpty(t, secret)
	assert.NotContains(t, text, secret)
	if len(secret) > 48 {
		assert.NotContains(t, text, secret[len(secret)/2:len(secret)/2+24])
	}
}

func TestPrintingConfigAndClientShowsNoKey(t *testing.T) {
	srv := rustoretest.NewServer(nil)
	defer srv.Close()
	for _, key := range []string{srv.PrivateKeyBase64(), srv.PrivateKeyPEM()} {
		cfg := configFor(srv, &testlog.Buffer{})
		cfg.PrivateKey = payments.Secret(key)
		c, err := rustore.New(cfg)
		require.NoError(t, err)
		ref := refOf(srv.AddPurchase(rustoretest.Purchase{}))
		_, err = c.Status(context.Background(), ref)
		require.NoError(t, err, "a token is cached while printing")
		var out []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out = append(out, fmt.Sprintf(verb, cfg), fmt.Sprintf(verb, &cfg), fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c))
		}
		all := strings.Join(out, "\n")
		assertNoSecret(t, all, key)
		for _, tok := range srv.IssuedTokens() {
			assertNoSecret(t, all, tok)
		}
		assert.Contains(t, fmt.Sprintf("%+v", cfg), "[redacted]")
		assert.Contains(t, fmt.Sprint(c), srv.KeyID())
		_ = c.Close()
	}
}

func TestRepeatRefusedWhileFirstConfirmMayStillActIsOutcomeUnknown(t *testing.T) {
	// The first confirm is held by RuStore past the client's timeout; the
	// status still says PAID, so the adapter sends once more and RuStore
	// refuses the repeat. The first may yet act: that is not "try later".
	e := newEnv(t, nil, func(c *rustore.Config) { c.HTTPClient = &http.Client{Timeout: time.Second} })
	ref := e.seed("paid")
	e.srv.InjectFault(fault.Fault{Kind: fault.Slow, Action: "confirm", Delay: 20 * time.Second})
	_, err := e.client.Capture(context.Background(), ref, nil)
	pe := asError(t, err)
	assert.Equal(t, payments.CodeOutcomeUnknown, pe.Code, "%v", err)
	assert.Equal(t, 15*time.Minute, pe.RetryAfter)
	assert.Contains(t, pe.Message, "check Status")
	assert.Equal(t, 2, countPaths(e.srv, ":confirm"))
	assert.LessOrEqual(t, e.srv.Count(ref.ID, "confirm"), 1)
}

func TestClientNotMadeByNewFailsCleanly(t *testing.T) {
	var c rustore.Client
	ref := payments.Ref{ID: "3aa0c7bd-964e-4562-b218-fe365adb4ae3", InvoiceID: "1"}
	_, err := c.Capture(context.Background(), ref, nil)
	assert.Equal(t, payments.CodeFailedPrecondition, asError(t, err).Code)
	_, err = c.Status(context.Background(), ref)
	assert.Contains(t, asError(t, err).Message, "not created by rustore.New")
	assert.NoError(t, c.Close())
	assert.NotEmpty(t, c.String())
}

func TestWaiterSurvivesCanceledTokenFetch(t *testing.T) {
	// The goroutine fetching the token gives up; another one waiting for that
	// token must fetch its own instead of inheriting the cancellation.
	e := newEnv(t, nil, nil)
	ref := e.seed("paid")
	e.srv.InjectFault(fault.Fault{Kind: fault.Slow, Action: "auth", Delay: 20 * time.Second})
	leaderCtx, cancelLeader := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() {
		_, err := e.client.Status(leaderCtx, ref)
		leaderErr <- err
	}()
	require.Eventually(t, func() bool { return e.srv.AuthCount() == 1 }, 10*time.Second, 5*time.Millisecond)
	waiterErr := make(chan error, 1)
	go func() {
		_, err := e.client.Status(context.Background(), ref)
		waiterErr <- err
	}()
	cancelLeader()
	assert.Equal(t, payments.CodeCanceled, payments.CodeOf(<-leaderErr))
	require.NoError(t, <-waiterErr)
	assert.Equal(t, 2, e.srv.AuthCount())
}

// TestRefundResultSaysWhatWasRead: RuStore accepts a refund at once and may
// show it as REFUNDING for days; the Result said Refunded as soon as the
// PATCH was answered. It now reports the invoice as read back (issue 7,
// item 10).
func TestRefundResultSaysWhatWasRead(t *testing.T) {
	for _, pending := range []bool{true, false} {
		t.Run(map[bool]string{true: "Refunding", false: "Refunded"}[pending], func(t *testing.T) {
			e := newEnv(t, nil, nil)
			e.srv.SetRefundsPending(pending)
			ref := e.seed("confirmed")
			res, err := e.client.Refund(context.Background(), ref, nil)
			require.NoError(t, err)
			if pending {
				assert.Equal(t, status.Captured, res.Status, "REFUNDING is still charged as far as the buyer knows")
				assert.Equal(t, "refunding", res.RawStatus)
			} else {
				assert.Equal(t, status.Refunded, res.Status)
				assert.Equal(t, "refunded", res.RawStatus)
			}
			assert.Equal(t, 1, e.srv.Count(ref.ID, "refund"))
		})
	}
}

// TestRollbackOfRefusedConsumedSendsRefundOnce: RuStore documents refunds of
// CONFIRMED invoices only, so a server may refuse the refund of a CONSUMED
// one. Rollback must report that refusal after one refund request, not
// read the unchanged purchase and send the refund a second time.
func TestRollbackOfRefusedConsumedSendsRefundOnce(t *testing.T) {
	srv := rustoretest.NewServer(nil)
	t.Cleanup(srv.Close)
	var patches atomic.Int32
	h := srv.Handler()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch {
			h.ServeHTTP(w, r)
			return
		}
		patches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"code":"ERROR","message":"Invoice status must be CONFIRMED","body":null,"timestamp":"2025-04-01T15:02:09.427Z"}`))
	}))
	t.Cleanup(front.Close)
	cfg := configFor(srv, &testlog.Buffer{})
	cfg.BaseURL = front.URL
	c, err := rustore.New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ref := refOf(srv.AddPurchase(rustoretest.Purchase{Status: "consumed"}))

	_, err = c.Rollback(context.Background(), ref, nil)
	pe := asError(t, err)
	assert.Equal(t, payments.CodeFailedPrecondition, pe.Code)
	assert.Contains(t, pe.Message, "Invoice status must be CONFIRMED")
	assert.Equal(t, int32(1), patches.Load(), "the refund was sent more than once")
}
