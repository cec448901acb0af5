package yandexpay

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/textcut"
)

// JWKS addresses of the keys Yandex Pay signs webhooks with (Yandex Pay's
// Merchant API authentication page).
const (
	// ProductionJWKSURL holds the production keys.
	ProductionJWKSURL = "https://pay.yandex.ru/api/jwks"
	// SandboxJWKSURL holds the sandbox keys.
	SandboxJWKSURL = "https://sandbox.pay.yandex.ru/api/jwks"
)

// Defaults of the key cache.
const (
	// DefaultJWKSRefreshInterval is the least time between two fetches of the
	// key set: a token naming an unknown kid triggers a fetch only when the
	// last one is older, so a flood of forged kids costs one fetch at most
	// per interval.
	DefaultJWKSRefreshInterval = 30 * time.Second
	// jwksFetchTimeout bounds one fetch of the key set.
	jwksFetchTimeout = 10 * time.Second
	// maxJWKSSize caps the key set's body; a real one holds a few keys.
	maxJWKSSize = 256 << 10
)

// jwksURLFor derives the key set's address from the Merchant API base URL:
// Yandex Pay serves it at /api/jwks beside /api/merchant, for production,
// sandbox and the .uz hosts alike, and so does an emulator mounted the same way.
func jwksURLFor(base string) string {
	if root, ok := strings.CutSuffix(strings.TrimRight(base, "/"), "/api/merchant"); ok {
		return root + "/api/jwks"
	}
	return strings.TrimRight(base, "/") + "/jwks"
}

// keyCache holds the verification keys by kid. A lookup of an unknown kid
// refetches the set, at most once per interval, and concurrent lookups
// share one fetch.
type keyCache struct {
	url      string
	client   *http.Client
	interval time.Duration
	now      func() time.Time

	mu        sync.Mutex
	keys      map[string]*ecdsa.PublicKey
	fetchedAt time.Time // last fetch attempt, successful or not
	lastErr   error     // error of the last attempt, nil after a success
	inflight  *keyFetch
	fetches   int
}

// keyFetch is one fetch in progress; done is closed when it ends.
type keyFetch struct {
	done chan struct{}
	err  error
}

// errUnknownKid says the token names a key the set does not hold.
type errUnknownKid struct{ kid string }

func (e errUnknownKid) Error() string {
	return fmt.Sprintf("no key with kid %q in the key set", textcut.Cut(e.kid, maxKidShown))
}

// key returns the public key named kid. The error is an errUnknownKid when
// the set (fresh, or fetched less than an interval ago) lacks it, and
// anything else when the set could not be fetched.
func (c *keyCache) key(ctx context.Context, kid string) (*ecdsa.PublicKey, error) {
	// Two rounds at most: look up (or wait for a fetch in flight), then look
	// up again after the fetch.
	for round := 0; ; round++ {
		c.mu.Lock()
		if k, ok := c.keys[kid]; ok {
			c.mu.Unlock()
			return k, nil
		}
		if f := c.inflight; f != nil {
			c.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			continue
		}
		if round > 0 || (!c.fetchedAt.IsZero() && c.now().Sub(c.fetchedAt) < c.interval) {
			err := c.lastErr
			c.mu.Unlock()
			if err != nil {
				return nil, err
			}
			return nil, errUnknownKid{kid}
		}
		f := &keyFetch{done: make(chan struct{})}
		c.inflight = f
		c.fetches++
		c.mu.Unlock()

		keys, err := c.fetch(ctx)

		c.mu.Lock()
		if err == nil {
			c.keys = keys
		}
		c.fetchedAt, c.lastErr, c.inflight = c.now(), err, nil
		f.err = err
		close(f.done)
		c.mu.Unlock()
	}
}

// Fetches reports how many times the key set was fetched.
func (c *keyCache) Fetches() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fetches
}

// fetch reads the key set. It runs on behalf of every waiting lookup, so it
// does not end with the context of the one that started it.
func (c *keyCache) fetch(ctx context.Context) (map[string]*ecdsa.PublicKey, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jwksFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, fmt.Errorf("key set request: %v", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the key set: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSSize+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading the key set: %v", err)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("the key set answered HTTP %d", resp.StatusCode)
	case len(body) > maxJWKSSize:
		return nil, fmt.Errorf("the key set is larger than %d bytes", maxJWKSSize)
	}
	return parseKeySet(body)
}

// parseKeySet keeps the P-256 signing keys of a JWKS, by kid: the only keys
// an ES256 token can be verified with. Other keys are skipped, not refused,
// so that a key of another kind added to the set does not break the rest.
func parseKeySet(body []byte) (map[string]*ecdsa.PublicKey, error) {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("the key set is not a JWKS: %v", err)
	}
	keys := map[string]*ecdsa.PublicKey{}
	for _, k := range set.Keys {
		pub, ok := k.Key.(*ecdsa.PublicKey)
		usable := ok && pub.Curve == elliptic.P256() && k.KeyID != "" &&
			(k.Use == "" || k.Use == "sig") && (k.Algorithm == "" || k.Algorithm == string(jose.ES256))
		if usable {
			keys[k.KeyID] = pub
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("the key set holds no ES256 key with a kid")
	}
	return keys, nil
}

// unavailable is the error for a key set that could not be read: the fault
// is on the receiving side, so the notification should come again.
func unavailable(err error) error {
	return &payments.Error{Code: payments.CodeUnavailable, Provider: Name, Op: payments.OpNotification,
		Message: "cannot verify: " + err.Error(), Err: err}
}
