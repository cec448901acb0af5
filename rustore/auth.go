package rustore

import (
	"context"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/transport"
)

// timestampLayout is the auth timestamp RuStore accepts: milliseconds and a
// numeric offset (never "Z").
const timestampLayout = "2006-01-02T15:04:05.000-07:00"

const (
	// defaultTokenTTL is used when the auth answer carries no usable ttl; it
	// is the lifetime RuStore documents.
	defaultTokenTTL = 900 * time.Second
	// refreshAhead renews a token this long before RuStore says it ends, so a
	// call never starts with a token about to die in flight.
	refreshAhead = 60 * time.Second
	// minRSABits refuses keys that no current RSA implementation should sign with.
	minRSABits = 2048
	// maxRemembered bounds how many past tokens and signatures are scrubbed
	// from excerpts; older ones are long expired.
	maxRemembered = 8
)

// parsePrivateKey reads the app's RSA key in the forms people have it: the
// console's base64 of PKCS#8 DER (possibly wrapped over lines), or PEM with
// PKCS#8 or PKCS#1 inside. Errors describe the shape of the input, never its
// content.
func parsePrivateKey(s string) (*rsa.PrivateKey, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("PrivateKey is empty: pass the key from the RuStore console (base64 of PKCS#8 DER) or a PEM private key")
	}
	if strings.Contains(s, "-----BEGIN") {
		return parsePEMKey(s)
	}
	der, err := base64.StdEncoding.DecodeString(stripSpace(s))
	if err != nil {
		return nil, errors.New("PrivateKey is neither PEM nor base64: pass the key from the RuStore console (base64 of PKCS#8 DER) or a PEM private key")
	}
	return parseDERKey(der, "base64 PrivateKey")
}

func parsePEMKey(s string) (*rsa.PrivateKey, error) {
	block, rest := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("PrivateKey looks like PEM but no PEM block could be decoded")
	}
	if strings.Contains(string(rest), "-----BEGIN") {
		return nil, errors.New("PrivateKey holds more than one PEM block: pass only the private key")
	}
	if _, encrypted := block.Headers["Proc-Type"]; encrypted {
		return nil, errors.New("PrivateKey is an encrypted PEM key: decrypt it first")
	}
	switch block.Type {
	case "PRIVATE KEY", "RSA PRIVATE KEY":
		return parseDERKey(block.Bytes, fmt.Sprintf("PEM %q PrivateKey", block.Type))
	case "EC PRIVATE KEY":
		return nil, errors.New("PrivateKey is an EC key: RuStore signs with RSA (SHA512withRSA)")
	default:
		return nil, fmt.Errorf("PrivateKey is a PEM %q block: want \"PRIVATE KEY\" (PKCS#8) or \"RSA PRIVATE KEY\" (PKCS#1)", block.Type)
	}
}

// parseDERKey tries PKCS#8 first (what the console gives), then PKCS#1.
func parseDERKey(der []byte, what string) (*rsa.PrivateKey, error) {
	var key *rsa.PrivateKey
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%s is a %s key: RuStore signs with RSA (SHA512withRSA)", what, keyKind(k))
		}
		key = rk
	} else if k, err1 := x509.ParsePKCS1PrivateKey(der); err1 == nil {
		key = k
	} else if _, err2 := x509.ParseECPrivateKey(der); err2 == nil {
		return nil, fmt.Errorf("%s is an EC key: RuStore signs with RSA (SHA512withRSA)", what)
	} else {
		return nil, fmt.Errorf("%s is not a PKCS#8 or PKCS#1 private key", what)
	}
	if bits := key.N.BitLen(); bits < minRSABits {
		return nil, fmt.Errorf("%s is a %d-bit RSA key: at least %d bits are required", what, bits, minRSABits)
	}
	return key, nil
}

func keyKind(k any) string {
	switch k.(type) {
	case *ecdsa.PrivateKey, *ecdh.PrivateKey:
		return "EC"
	case ed25519.PrivateKey:
		return "Ed25519"
	}
	return "non-RSA"
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}

// sign returns RuStore's signature of keyID+timestamp.
func sign(key *rsa.PrivateKey, keyID, timestamp string) (string, error) {
	sum := sha512.Sum512([]byte(keyID + timestamp))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA512, sum[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// tokenSource hands out Public-Tokens: cached, renewed ahead of expiry, and
// fetched by one goroutine while the others wait for its result.
type tokenSource struct {
	tr    *transport.Client
	key   *rsa.PrivateKey
	keyID string
	now   func() time.Time
	// realClock is whether now is time.Now: a token then goes stale by a
	// timer, so that no call reads the clock to learn it is still fresh.
	realClock bool

	// cached is the token in use, read without the lock on every call; it
	// is replaced only under mu.
	cached atomic.Pointer[cachedToken]

	mu       sync.Mutex
	inflight *tokenCall
	// seen holds recent tokens and signatures so the transport scrubs them.
	seen []string
}

// cachedToken is a Public-Token, the header that carries it, and when to
// stop using it. The header is built and checked once per token, not on
// every call that sends it.
type cachedToken struct {
	token   string
	header  transport.FixedHeader
	renewAt time.Time
	// stale is set when renewAt comes, by a timer, with the real clock.
	stale atomic.Bool
}

// fresh returns the cached token while it is not due for renewal. With the
// real clock that is one atomic load; a caller's clock (Config.Now, which
// emulators and tests move by hand) is read on every call.
func (ts *tokenSource) fresh() (*cachedToken, bool) {
	ct := ts.cached.Load()
	if ct == nil || ct.stale.Load() || (!ts.realClock && !ts.now().Before(ct.renewAt)) {
		return nil, false
	}
	return ct, true
}

// expireAt makes tok stale at its renewAt, by a timer, when the clock is the
// real one. Timers run on the monotonic clock, as the comparison of two
// times from time.Now does.
func (ts *tokenSource) expireAt(tok *cachedToken) {
	if ts.realClock {
		time.AfterFunc(time.Until(tok.renewAt), func() { tok.stale.Store(true) })
	}
}

// tokenCall is one auth request that every waiting caller shares.
type tokenCall struct {
	done  chan struct{}
	token *cachedToken
	err   error
	// leaderCanceled is true when the fetch failed only because the context
	// of the goroutine that ran it ended; waiters with live contexts retry.
	leaderCanceled bool
}

// Token returns a valid Public-Token, fetching one when none is cached.
func (ts *tokenSource) Token(ctx context.Context) (*cachedToken, error) {
	for {
		if tok, ok := ts.fresh(); ok {
			return tok, nil
		}
		ts.mu.Lock()
		if tok, ok := ts.fresh(); ok {
			ts.mu.Unlock()
			return tok, nil
		}
		if call := ts.inflight; call != nil {
			ts.mu.Unlock()
			select {
			case <-call.done:
			case <-ctx.Done():
				return nil, driver.ContextError(ctx, Name, payments.OpAuth)
			}
			if call.leaderCanceled && ctx.Err() == nil {
				continue
			}
			return call.token, call.err
		}
		call := &tokenCall{done: make(chan struct{})}
		ts.inflight = call
		ts.mu.Unlock()

		tok, err := ts.fetch(ctx)

		ts.mu.Lock()
		ts.inflight = nil
		if err == nil {
			// Telemetry counts the token this call had to obtain.
			driver.StatsFrom(ctx).TokenRefreshed()
			ts.expireAt(tok)
			ts.cached.Store(tok)
		}
		ts.mu.Unlock()
		call.token, call.err = tok, err
		call.leaderCanceled = err != nil && ctx.Err() != nil
		close(call.done)
		return tok, err
	}
}

// renewMargin is refreshAhead, shrunk for short-lived tokens so that a token
// is still used for half its life.
func renewMargin(ttl time.Duration) time.Duration {
	if ttl < 2*refreshAhead {
		return ttl / 2
	}
	return refreshAhead
}

// Invalidate drops tok if it is still the cached token, so that one caller's
// 401 does not throw away a fresh token another caller already fetched.
func (ts *tokenSource) Invalidate(tok *cachedToken) {
	ts.cached.CompareAndSwap(tok, nil)
}

// Secrets lists the tokens and signatures the transport must scrub.
func (ts *tokenSource) Secrets() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]string(nil), ts.seen...)
}

func (ts *tokenSource) remember(s string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.rememberLocked(s)
}

func (ts *tokenSource) rememberLocked(s string) {
	if s == "" {
		return
	}
	ts.seen = append(ts.seen, s)
	if len(ts.seen) > maxRemembered {
		ts.seen = append(ts.seen[:0], ts.seen[len(ts.seen)-maxRemembered:]...)
	}
}

type authRequest struct {
	KeyID     string `json:"keyId"`
	Timestamp string `json:"timestamp"`
	Signature string `json:"signature"`
}

type authBody struct {
	JWE string          `json:"jwe"`
	TTL json.RawMessage `json:"ttl"`
}

// fetch runs one POST /public/auth.
func (ts *tokenSource) fetch(ctx context.Context) (*cachedToken, error) {
	stamp := ts.now().Format(timestampLayout)
	sig, err := sign(ts.key, ts.keyID, stamp)
	if err != nil {
		return nil, &payments.Error{Code: payments.CodeUnauthenticated, Provider: Name, Op: "auth",
			Message: "cannot sign the auth request with the configured key"}
	}
	ts.remember(sig)
	body, err := json.Marshal(authRequest{KeyID: ts.keyID, Timestamp: stamp, Signature: sig})
	if err != nil {
		return nil, &payments.Error{Code: payments.CodeUnknown, Provider: Name, Op: "auth", Message: "cannot encode the auth request"}
	}
	// Asking for a token twice is harmless, so auth is retried like a read.
	resp, err := ts.tr.Do(ctx, &transport.Request{
		Op: "auth", Method: http.MethodPost, Path: "/public/auth", Body: body,
		Retry: transport.RetrySafe, NoEffect: true, // a token request moves no money
	})
	if err != nil {
		return nil, err
	}
	tok, ttl, err := readAuthAnswer(ts.tr, resp)
	if err != nil {
		return nil, err
	}
	ts.remember(tok)
	// readAuthAnswer let through only a token that can be a header value.
	h, err := ts.tr.FixHeader(payments.OpAuth, http.Header{"Public-Token": {tok}})
	if err != nil {
		return nil, err
	}
	return &cachedToken{token: tok, header: h, renewAt: ts.now().Add(ttl - renewMargin(ttl))}, nil
}

// readAuthAnswer takes the token and its lifetime out of the auth answer.
func readAuthAnswer(tr *transport.Client, resp *transport.Response) (string, time.Duration, error) {
	var ab authBody
	env, perr := decodeEnvelope(resp, &ab)
	if perr != nil || !env.ok(resp.StatusCode) {
		e := classify(tr, "auth", resp, env, perr)
		// Any other refusal of the auth request itself (400 for a timestamp
		// or key id RuStore cannot read, 404 for an unknown key) means the
		// credentials cannot be used as configured.
		if resp.StatusCode/100 == 4 && e.Code != payments.CodePermissionDenied && e.Code != payments.CodeResourceExhausted {
			e.Code = payments.CodeUnauthenticated
		}
		e.Message = "authentication failed: " + e.Message
		return "", 0, e
	}
	if env.bodyErr != nil || ab.JWE == "" {
		return "", 0, malformed(payments.OpAuth, resp, "the auth answer carries no token")
	}
	if !usableToken(ab.JWE) {
		// net/http would refuse it as a header value on every call until it
		// expired, each failure reading "request not sent".
		return "", 0, malformed(payments.OpAuth, resp, "the auth answer carries a token that cannot be sent as a header (control or non-ASCII characters)")
	}
	return ab.JWE, parseTTL(ab.TTL), nil
}

// usableToken reports whether tok can travel in the Public-Token header as
// RuStore issues it (a JWE: base64url parts joined by dots): visible ASCII
// only.
func usableToken(tok string) bool {
	for i := 0; i < len(tok); i++ {
		if tok[i] <= ' ' || tok[i] >= 0x7f {
			return false
		}
	}
	return tok != ""
}

// parseTTL reads ttl in seconds (number or numeric string); anything
// unusable (not a number, NaN, under a second, over a week) falls back to
// the documented 900 s. A ttl that rounds to nothing would make every call
// fetch a new token.
func parseTTL(raw json.RawMessage) time.Duration {
	var n json.Number
	if len(raw) == 0 || json.Unmarshal(raw, &n) != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return defaultTokenTTL
		}
		n = json.Number(s)
	}
	secs, err := n.Float64()
	if err != nil || !(secs >= 1 && secs <= 7*24*3600) {
		return defaultTokenTTL
	}
	return time.Duration(secs * float64(time.Second))
}
