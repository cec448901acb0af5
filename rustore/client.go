package rustore

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/transport"
)

// Name is the adapter's name in payments: errors, logs and the registry.
const Name = "rustore"

// sandboxPrefix is where RuStore's test purchases live.
const sandboxPrefix = "/public/sandbox"

// DefaultBaseURL is RuStore's Public API host, used when Config.BaseURL is empty.
const DefaultBaseURL = "https://public-api.rustore.ru"

// Config is what New needs to talk to RuStore for one app. The zero values
// of the optional fields mean the defaults given.
type Config struct {
	// KeyID is the id of the API key from the RuStore console (required).
	KeyID string
	// PrivateKey is the key's RSA private key: the base64 of PKCS#8 DER the
	// console gives (line breaks allowed), or PEM with PKCS#8 ("PRIVATE KEY")
	// or PKCS#1 ("RSA PRIVATE KEY") inside (required, at least 2048 bits).
	PrivateKey payments.Secret
	// AppID is the app's id, the number in console.rustore.ru/apps/{appId}/versions
	// (required, > 0).
	AppID int64
	// Sandbox sends every call to the test-purchase paths (/public/sandbox/...).
	Sandbox bool
	// HTTPOptions are the HTTP settings every adapter shares; BaseURL
	// overrides DefaultBaseURL.
	payments.HTTPOptions
	// Now is the clock for the auth timestamp and the token's expiry; nil
	// means time.Now. Emulators pass theirs.
	Now func() time.Time
	// NotificationKey turns on server notifications (ParseNotification): the
	// AES-256 key the RuStore console shows once when the notification URL
	// is connected, base64 of 32 bytes. Test payments have their own URL and
	// key: give it to the client with Sandbox set. Empty means notifications
	// are off (no payments.CapNotifications).
	NotificationKey payments.Secret
}

// Client is a RuStore adapter for one app. It implements payments.Provider,
// payments.Refunder and payments.Closer, and is safe for concurrent use.
// Printing it shows the app and key id, never the key or a token.
type Client struct {
	tr      *transport.Client
	tokens  *tokenSource
	appID   int64
	keyID   string
	baseURL string
	prefix  string
	appPath string       // prefix + "/applications/{appId}", the root of every write's path
	notify  *notifier    // nil: notifications are off
	keys    *driver.Keys // the idempotency keys this client has used
}

var (
	_ payments.Provider = (*Client)(nil)
	_ payments.Refunder = (*Client)(nil)
	_ payments.Closer   = (*Client)(nil)
	_ payments.Finder   = (*Client)(nil)
)

// New checks cfg and builds a Client. It parses the private key once and
// sends nothing: the first call fetches the token.
func New(cfg Config) (*Client, error) {
	keyID := strings.TrimSpace(cfg.KeyID)
	switch {
	case keyID == "":
		return nil, driver.ConfigError(Name, "KeyID", "empty: pass the API key id from the RuStore console")
	case strings.IndexFunc(keyID, unicode.IsControl) >= 0:
		return nil, driver.ConfigError(Name, "KeyID", "contains control characters")
	case cfg.AppID <= 0:
		return nil, driver.ConfigError(Name, "AppID", "must be a positive number (the digits in console.rustore.ru/apps/{appId}/versions), got %d", cfg.AppID)
	}
	key, err := parsePrivateKey(cfg.PrivateKey.Reveal())
	if err != nil {
		return nil, driver.ConfigError(Name, "PrivateKey", "%v", err)
	}
	ts := &tokenSource{key: key, keyID: keyID, now: cfg.Now}
	if ts.now == nil {
		ts.now, ts.realClock = time.Now, true
	}
	rawKey := strings.TrimSpace(cfg.PrivateKey.Reveal())
	tc, err := transport.FromOptions(Name, DefaultBaseURL, cfg.HTTPOptions)
	if err != nil {
		return nil, err
	}
	notifyKey := strings.TrimSpace(cfg.NotificationKey.Reveal())
	tc.Secrets = func() []string { return append(ts.Secrets(), rawKey, notifyKey) }
	tr, err := transport.New(tc)
	if err != nil {
		return nil, driver.ConfigError(Name, "", "%v", err)
	}
	ts.tr = tr
	prefix := "/public"
	if cfg.Sandbox {
		prefix = sandboxPrefix
	}
	c := &Client{tr: tr, tokens: ts, appID: cfg.AppID, keyID: keyID, baseURL: tc.BaseURL, prefix: prefix, keys: &driver.Keys{},
		appPath: prefix + "/applications/" + strconv.FormatInt(cfg.AppID, 10)}
	if notifyKey != "" {
		if c.notify, err = newNotifier(cfg.NotificationKey, cfg.AppID, cfg.Sandbox); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Name returns "rustore".
func (c *Client) Name() string { return Name }

// Close releases idle connections. The Client must not be used afterwards.
func (c *Client) Close() error {
	if c == nil || c.tr == nil {
		return nil
	}
	c.tr.Close()
	return nil
}

// String describes the client for logs without any credential.
func (c Client) String() string {
	mode := "production"
	if c.prefix == sandboxPrefix {
		mode = "sandbox"
	}
	return fmt.Sprintf("rustore.Client{app %d, key id %s, %s, %s}", c.appID, c.keyID, c.baseURL, mode)
}

// GoString keeps %#v as safe as %v.
func (c Client) GoString() string { return c.String() }

// Paths. Ids are validated before they get here and escaped anyway, so that
// nothing a caller passes can leave its path segment.

func (c *Client) purchasePath(purchaseID, action string) string {
	return c.appPath + "/purchases/" + url.PathEscape(purchaseID) + ":" + action
}

func (c *Client) invoicePath(invoiceID string) string {
	return c.appPath + "/invoices/" + url.PathEscape(invoiceID)
}

func (c *Client) statusPath(invoiceID string) string {
	return c.prefix + "/v2/purchase/" + url.PathEscape(invoiceID)
}

// outcome is what one API call came to.
type outcome struct {
	env        *envelope
	httpStatus int
	err        error
	// unclear is true when a write may have acted although no clear answer
	// says so: the answer was lost, cut, oversized, a 5xx, or a 2xx that
	// could not be read or is not OK without a message saying why.
	unclear bool
}

// send sends one API request with the Public-Token, renewing the token and
// repeating the request once when RuStore rejects the token (a rejected
// token means RuStore did not act, so a write may be repeated). The answer's
// body is decoded into body (a pointer, or nil for none) with the envelope.
func (c *Client) send(ctx context.Context, op payments.Operation, method, path string, retry transport.Retry, body any) outcome {
	for attempt := 0; ; attempt++ {
		tok, err := c.tokens.Token(ctx)
		if err != nil {
			return outcome{err: err}
		}
		resp, err := c.tr.Do(ctx, &transport.Request{Op: op, Method: method, Path: path, Fixed: tok.header, Retry: retry})
		if err != nil {
			return outcome{err: err, unclear: transport.Ambiguous(err)}
		}
		env, perr := decodeEnvelope(resp, body)
		if perr == nil && env.ok(resp.StatusCode) {
			return outcome{env: env, httpStatus: resp.StatusCode}
		}
		if attempt == 0 && tokenRejected(resp, env) {
			c.tokens.Invalidate(tok)
			if body != nil {
				// The refusal's body must not leave fields in the next one.
				reflect.ValueOf(body).Elem().SetZero()
			}
			continue
		}
		unclear := resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented ||
			resp.StatusCode/100 == 2 && !knownRefusal(env)
		return outcome{env: env, httpStatus: resp.StatusCode, err: classify(c.tr, op, resp, env, perr), unclear: unclear}
	}
}
