// Package yandexpay is the Yandex Pay adapter: a payments.Provider (with
// Refunder, OperationChecker, Starter and Closer) over the Yandex Pay Merchant API
// (https://pay.yandex.ru/api/merchant).
//
// A payments.Ref's ID is the merchant's order_id. The adapter maps actions to
// endpoints as follows:
//
//	Capture   POST /v1/orders/{id}/capture   (a CONFIRMED Split order: POST /v1/orders/{id}/submit;
//	                                          with an amount, the final cart is sent as "cart")
//	Void      POST /v1/orders/{id}/cancel    (reason defaults to DefaultVoidReason)
//	Rollback  by the order's status: PENDING or CONFIRMED → POST /v1/orders/{id}/rollback,
//	          AUTHORIZED → /cancel, CAPTURED or PARTIALLY_REFUNDED → v2 /refund of what remains,
//	          VOIDED, REFUNDED, FAILED → nothing (Result.NoOp)
//	Refund    POST /v2/orders/{id}/refund    (refundAmount, all that remains when no amount is given;
//	                                          a partial refund sends the remaining cart as "targetCart")
//	Status    GET  /v1/orders/{id}
//	Start     GET  /v1/orders/{id} (is the merchant's order id taken?), then POST /v1/orders
//	Operation GET  /v1/operations/{externalOperationId}
//
// # Headers
//
// Every request carries "Authorization: Api-Key <key>", a fresh X-Request-Id
// per logical call (kept on every retry of it), X-Request-Attempt (0, 1, ...)
// and X-Request-Timeout, recomputed for each attempt: the milliseconds left
// on the context's deadline when that attempt is sent, or
// Config.DefaultTimeout without one, kept within 1000–10000. Yandex Pay's
// pages disagree on the upper bound (the Russian API page: at most 10 s;
// the English one recommends 10–20 s), and only 1–10 s satisfies all.
//
// # Errors
//
// Yandex Pay publishes no table of reasonCodes, so the adapter acts only on
// the documented ones (DUPLICATE_EXTERNAL_OPERATION_ID,
// ANOTHER_OPERATION_IN_PROGRESS, ORDER_CART_DATA_ERROR) and classifies the
// rest by HTTP status. A write refused with a 4xx and any other reasonCode
// is checked against the order: if its paymentStatus does not allow the
// action, the error is payments.CodeFailedPrecondition naming that status.
// A 404 without Yandex Pay's envelope comes from something other than the
// Merchant API (a base URL without /api/merchant): it is
// payments.CodeInvalidArgument naming the base URL, not CodeNotFound.
//
// # Idempotency
//
// Every capture, void, submit and refund carries an externalOperationId: the
// caller's IdempotencyKey, or a new UUID. It is Yandex Pay's business
// idempotency key, so those writes are retried on 5xx, 429, timeouts and lost
// answers (each attempt with the same X-Request-Id and an increasing
// X-Request-Attempt). A repeat that Yandex Pay answers with
// DUPLICATE_EXTERNAL_OPERATION_ID is settled by reading the operation, so an
// action that succeeded is never reported as failed. When retries run out
// without a readable answer (or with a success answer that cannot be read,
// or that names another order, key or action), the operation is read too;
// only if that fails does the caller get payments.CodeOutcomeUnknown. A 5xx
// answer is settled the same way, since a gateway may fail after Yandex Pay
// acted, or hand the write on later: an operation that does not exist yet
// proves nothing, and the caller gets payments.CodeOutcomeUnknown. So does a
// refusal (429, 409, 401...) of a retry after an attempt that may have
// acted, unless the operation read back settles it (see package driver). An
// operation in a status the adapter does not know is
// payments.CodeOutcomeUnknown too: it exists, so money may move. A key that
// already names an operation of another order, type or amount is refused
// with payments.CodeInvalidArgument naming what differs. A caller's IdempotencyKey must therefore also
// be usable as a path segment (non-empty, not "." or "..", at most 2048
// characters).
//
// Rollback's cancel and refund legs carry its key the same way. Its
// /rollback leg takes no externalOperationId, yet it is retried: a rollback
// only ever moves an order to FAILED, and rolling back a FAILED order leaves
// it FAILED, so a repeat cannot move money a second time. A rollback whose
// answer was lost, or answered with a 5xx, is settled by reading the order
// (FAILED means done). /rollback is used only where Yandex Pay's rollback
// page says it belongs, to stop an unpaid order: on a paid order it would
// refund without an externalOperationId, a refund no one could trace.
//
// # Pending operations
//
// Yandex Pay may answer an operation as PENDING (v2 refunds always are).
// Such a Result has Pending set and OperationID = the externalOperationId;
// payments.Wait settles it through Client.Operation, which turns a FAIL
// operation into a payments.CodeFailedPrecondition error carrying the
// provider's reason.
//
// # Split orders
//
// A CONFIRMED order (Split, paid on delivery) normalizes to
// status.Authorized but is completed through /submit, not /capture.
// Capture reads the order before writing (also to check currencies) and
// routes by its paymentStatus, so no refusal's wording is needed to tell.
//
// # Amounts
//
// Yandex Pay amounts are decimal strings ("123.45"). payments.ParseMoney and
// Money.Decimal convert them to and from minor units exactly, without floats.
// The wire format carries no currency, so an action with an explicit amount
// reads the order first and refuses a currency other than the order's.
//
// # Order ids
//
// An order_id may hold any characters (up to 2048): it is escaped as one path
// segment, so "/", "?", "%" and "../" inside it reach only that order. The ids
// "." and ".." are refused, since servers and proxies may resolve them as
// path steps.
//
// Credentials never leave the Authorization header: Config and Client print
// no key, and errors and logs are scrubbed of it (provider text is scrubbed
// before it is cut to length, so no part of a key survives a cut).
package yandexpay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/transport"
	"github.com/regionpay/payments/internal/urlcheck"
	"github.com/regionpay/payments/internal/wirejson"
)

// Name is the adapter's registered name, and the Provider of its errors.
const Name = "yandexpay"

// Base URLs of the Merchant API.
const (
	// ProductionBaseURL is used when Config.Sandbox is false and BaseURL is empty.
	ProductionBaseURL = "https://pay.yandex.ru/api/merchant"
	// SandboxBaseURL is used when Config.Sandbox is true and BaseURL is empty.
	SandboxBaseURL = "https://sandbox.pay.yandex.ru/api/merchant"
)

// Defaults applied by New and Void.
const (
	// DefaultRequestTimeout is sent as X-Request-Timeout when the context has
	// no deadline and Config.DefaultTimeout is zero.
	DefaultRequestTimeout = maxRequestTimeout
	// DefaultVoidReason is sent to /cancel when VoidOptions.Reason is empty:
	// Yandex Pay requires a reason.
	DefaultVoidReason = "canceled by merchant"
	// MaxOrderIDLength is the longest order_id Yandex Pay accepts, in characters.
	MaxOrderIDLength = 2048
	// minRequestTimeout is the smallest X-Request-Timeout Yandex Pay accepts.
	minRequestTimeout = time.Second
	// maxRequestTimeout is the largest X-Request-Timeout sent. The Russian
	// yandex-pay-api page gives 10 s as the maximum, while the English page
	// recommends 10–20 s: 1–10 s satisfies every version, so a deadline
	// further away is announced as 10 s (the server may then give up before
	// the caller does, which costs a retry, never money).
	maxRequestTimeout = 10 * time.Second
)

// Config configures a Client. Zero values mean the defaults given.
type Config struct {
	// APIKey authenticates every request (Authorization: Api-Key ...). In the
	// sandbox the key is the merchant id. Required.
	APIKey payments.Secret
	// Sandbox selects SandboxBaseURL instead of ProductionBaseURL.
	Sandbox bool
	// HTTPOptions are the HTTP settings every adapter shares; BaseURL
	// overrides both base URLs, e.g. with an emulator's Server.BaseURL().
	payments.HTTPOptions
	// DefaultTimeout is sent as X-Request-Timeout when the context has no
	// deadline; 0 means DefaultRequestTimeout. Outside 1s–10s is refused.
	DefaultTimeout time.Duration

	// MerchantID turns on webhook verification (ParseNotification): a
	// verified webhook must name this merchantId. Empty means notifications
	// are off (no payments.CapNotifications).
	MerchantID string
	// JWKSURL overrides where the webhook keys are fetched: by default
	// SandboxJWKSURL or ProductionJWKSURL, or, with BaseURL set, /api/jwks
	// beside BaseURL's /api/merchant (an emulator serves its own). It must be
	// https, or http to a loopback host.
	JWKSURL string
	// JWKSRefreshInterval is the least time between two fetches of the key
	// set; 0 means DefaultJWKSRefreshInterval.
	JWKSRefreshInterval time.Duration
	// Now is the clock webhook iat and exp are checked against; nil means time.Now.
	Now func() time.Time
}

// String describes the config without its key.
func (c Config) String() string {
	return fmt.Sprintf("yandexpay.Config{APIKey:%s Sandbox:%t BaseURL:%q MaxRetries:%d RetryWaitMin:%s RetryWaitMax:%s DefaultTimeout:%s MerchantID:%q JWKSURL:%q}",
		c.APIKey, c.Sandbox, urlcheck.Redacted(c.BaseURL), c.MaxRetries, c.RetryWaitMin, c.RetryWaitMax, c.DefaultTimeout,
		c.MerchantID, urlcheck.Redacted(c.JWKSURL))
}

// GoString keeps %#v from printing the key.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb, so no verb (%d, %x, %+v) reaches
// the key through reflection.
func (c Config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// Client is the Yandex Pay adapter. It is safe for concurrent use.
type Client struct {
	tr *transport.Client
	// eachAttempt is setTimeoutHeader, bound once.
	eachAttempt func(ctx context.Context, h http.Header)
	// authHeader is the Authorization value, "Api-Key <key>", built once.
	// Format hides it like every other field.
	authHeader     []string
	baseURL        string
	defaultTimeout time.Duration
	// defaultTimeoutHeader is X-Request-Timeout for a context without a
	// deadline, the same on every attempt, so built once; the transport
	// never modifies a header value.
	defaultTimeoutHeader []string
	log                  *slog.Logger
	notify               *notifier    // nil: notifications are off
	keys                 *driver.Keys // the idempotency keys this client has used
}

// Interfaces the Client promises.
var (
	_ payments.Provider         = (*Client)(nil)
	_ payments.Refunder         = (*Client)(nil)
	_ payments.OperationChecker = (*Client)(nil)
	_ payments.Closer           = (*Client)(nil)
	_ payments.Starter          = (*Client)(nil)
)

// check refuses a Config field New cannot use, naming it.
func (cfg Config) check() error {
	key := cfg.APIKey.Reveal()
	switch {
	case key == "":
		return driver.ConfigError(Name, "APIKey", "empty")
	case strings.ContainsAny(key, "\r\n"):
		return driver.ConfigError(Name, "APIKey", "contains a line break")
	case key != strings.TrimSpace(key):
		// net/http trims the header value on the wire, so the provider
		// sees (and may echo) a key the redaction would not recognize.
		return driver.ConfigError(Name, "APIKey", "has leading or trailing whitespace: remove it (a key read from a file is trimmed already)")
	case cfg.DefaultTimeout < 0:
		return driver.ConfigError(Name, "DefaultTimeout", "negative (%s)", cfg.DefaultTimeout)
	case cfg.DefaultTimeout > 0 && cfg.DefaultTimeout < minRequestTimeout:
		return driver.ConfigError(Name, "DefaultTimeout", "%s is below Yandex Pay's minimum of 1s", cfg.DefaultTimeout)
	case cfg.DefaultTimeout > maxRequestTimeout:
		return driver.ConfigError(Name, "DefaultTimeout", "%s is above 10s, the maximum X-Request-Timeout of Yandex Pay's Russian API page", cfg.DefaultTimeout)
	case cfg.JWKSRefreshInterval < 0:
		return driver.ConfigError(Name, "JWKSRefreshInterval", "negative (%s)", cfg.JWKSRefreshInterval)
	case cfg.JWKSURL != "" && cfg.MerchantID == "":
		return driver.ConfigError(Name, "JWKSURL", "set without a merchant id (MerchantID; merchant_id in a config): webhooks are verified only for one")
	case cfg.MerchantID != strings.TrimSpace(cfg.MerchantID) || strings.ContainsFunc(cfg.MerchantID, unicode.IsControl):
		return driver.ConfigError(Name, "MerchantID", "has surrounding spaces or control characters")
	}
	return nil
}

// New checks cfg and returns a Client. It sends nothing.
func New(cfg Config) (*Client, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	key := cfg.APIKey.Reveal()
	base := ProductionBaseURL
	if cfg.Sandbox {
		base = SandboxBaseURL
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	tc, err := transport.FromOptions(Name, base, cfg.HTTPOptions)
	if err != nil {
		return nil, err
	}
	tc.Logger = logger
	tc.AttemptHeader = "X-Request-Attempt"
	tc.Secrets = func() []string { return []string{key} }
	tr, err := transport.New(tc)
	if err != nil {
		return nil, driver.ConfigError(Name, "", "%v", err)
	}
	timeout := cfg.DefaultTimeout
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	c := &Client{tr: tr, authHeader: []string{"Api-Key " + cfg.APIKey.Reveal()}, baseURL: tc.BaseURL, defaultTimeout: timeout, log: logger, keys: &driver.Keys{}}
	c.eachAttempt = c.setTimeoutHeader
	c.defaultTimeoutHeader = []string{strconv.FormatInt(c.requestTimeout(context.Background()).Milliseconds(), 10)}
	if cfg.MerchantID != "" {
		n, err := newNotifier(cfg, tc.BaseURL)
		if err != nil {
			return nil, err
		}
		c.notify = n
	}
	return c, nil
}

// newNotifier builds webhook verification for cfg.MerchantID.
func newNotifier(cfg Config, base string) (*notifier, error) {
	jwks := cfg.JWKSURL
	switch {
	case jwks != "":
	case cfg.BaseURL != "":
		jwks = jwksURLFor(base)
	case cfg.Sandbox:
		jwks = SandboxJWKSURL
	default:
		jwks = ProductionJWKSURL
	}
	if _, err := urlcheck.BaseURL(jwks); err != nil {
		return nil, driver.ConfigError(Name, "JWKSURL", "%v", err)
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: jwksFetchTimeout}
	}
	interval := cfg.JWKSRefreshInterval
	if interval == 0 {
		interval = DefaultJWKSRefreshInterval
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &notifier{
		merchantID: cfg.MerchantID,
		sandbox:    cfg.Sandbox,
		now:        now,
		keys:       &keyCache{url: jwks, client: client, interval: interval, now: now},
	}, nil
}

// Name returns "yandexpay".
func (c *Client) Name() string { return Name }

// Close releases idle connections. The Client must not be used afterwards.
func (c *Client) Close() error {
	if c != nil && c.tr != nil {
		c.tr.Close()
	}
	return nil
}

// String describes the client by its base URL; the key is never shown.
func (c *Client) String() string {
	if c == nil {
		return "yandexpay.Client(nil)"
	}
	return "yandexpay.Client{" + urlcheck.Redacted(c.baseURL) + "}"
}

// Format prints String for every verb: the Client holds the key in an
// unexported field, which fmt would otherwise print raw for %+v or %#v. It
// has a value receiver so that a Client value (not only a pointer) printed
// on its own or inside another struct is covered too.
func (c Client) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// request is one logical request. Retries inside the transport repeat it with
// the same headers and body.
type request struct {
	op     payments.Operation // portable op for errors and logs
	method string
	path   string // already escaped
	body   any    // nil sends no body
	retry  transport.Retry
	// into is where a success answer's data is decoded, in the same pass as
	// the envelope (a pointer); nil leaves the data raw in answer.data.
	into any
	// requestID is the X-Request-Id to send; empty means a new one. A
	// repeat of a request must carry the same id (Yandex Pay's idempotency
	// of writes by X-Request-Id).
	requestID string
}

// answer is a success envelope's data with what produced it.
type answer struct {
	// data is the data's JSON as received, when the call gave no into.
	data json.RawMessage
	// dataErr is why the data did not decode into the call's into.
	dataErr  error
	resp     *transport.Response
	reqID    string
	attempts int
}

// do sends k and returns the success data, or an error: the transport's
// (no usable answer), or one classified from the answer.
func (c *Client) do(ctx context.Context, k request) (*answer, error) {
	reqID := k.requestID
	if reqID == "" {
		reqID = uuid.NewString()
	}
	// The key's and Accept's values are built once per Client; the
	// transport never modifies them. X-Request-Timeout is set per attempt.
	h := http.Header{
		"Authorization": c.authHeader,
		"X-Request-Id":  []string{reqID},
		"Accept":        acceptJSON,
	}
	var body []byte
	if k.body != nil {
		b, err := json.Marshal(k.body)
		if err != nil {
			return nil, &payments.Error{Code: payments.CodeInvalidArgument, Provider: Name, Op: k.op, Message: "encoding the request: " + err.Error()}
		}
		body = b
	}
	resp, err := c.tr.Do(ctx, &transport.Request{Op: k.op, Method: k.method, Path: k.path, Header: h, OwnHeader: true,
		Body: body, Retry: k.retry, EachAttempt: c.eachAttempt})
	if err != nil {
		var pe *payments.Error
		if errors.As(err, &pe) && pe.RequestID == "" {
			pe.RequestID = reqID
		}
		return nil, err
	}
	ans := &answer{resp: resp, reqID: reqID, attempts: resp.Attempts}
	ans.data, ans.dataErr, err = c.unwrap(k.op, reqID, resp, k.into)
	return ans, err
}

// unwrap reads the envelope of an answer in one pass, its data straight
// into into (a pointer) when the call gave one: on success the data's bytes
// when into is nil (else into holds it, or dataErr says why it could not),
// otherwise the error the answer says, or a malformed-answer error.
func (c *Client) unwrap(op payments.Operation, reqID string, resp *transport.Response, into any) (data json.RawMessage, dataErr, err error) {
	env := envelope{Data: into}
	var seen present
	if into == nil {
		env.Data = &seen
	}
	decErr := wirejson.Unmarshal(resp.Body, &env)
	if decErr != nil && into != nil {
		// Data that does not fit into leaves the envelope to read on its own.
		dataErr = decErr
		env = envelope{Data: &seen}
		decErr = wirejson.Unmarshal(resp.Body, &env)
	}
	failed := decErr == nil && strings.EqualFold(env.Status, "fail")
	switch {
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		if !failed {
			return nil, dataErr, c.apiError(op, reqID, resp, nil)
		}
		return nil, dataErr, c.apiError(op, reqID, resp, &env)
	case decErr != nil:
		return nil, dataErr, c.malformed(op, reqID, resp, "not JSON")
	case failed:
		return nil, dataErr, c.apiError(op, reqID, resp, &env)
	case env.Status != envelopeSuccess:
		return nil, dataErr, c.malformed(op, reqID, resp, "status is not success")
	case env.Data == nil || into == nil && !seen.seen:
		// null, or absent where the caller checks nothing itself.
		return nil, dataErr, c.malformed(op, reqID, resp, "no data")
	}
	if into == nil {
		return transport.Member(resp.Body, "data"), nil, nil
	}
	return nil, dataErr, nil
}

// lacking is the malformed-answer error of a success whose data lacks what
// the call decoded it for: "no data" when the answer has none at all, as
// for a call that decodes nothing. Only failures pay for the look.
func (c *Client) lacking(op payments.Operation, ans *answer, what string) *payments.Error {
	if d := transport.Member(ans.resp.Body, "data"); len(d) == 0 || string(d) == "null" {
		what = "no data"
	}
	return c.malformed(op, ans.reqID, ans.resp, what)
}

// setTimeoutHeader is every request's EachAttempt (c.eachAttempt, bound
// once in New, so that a call allocates no closure for it):
// X-Request-Timeout is the time left when the attempt is sent.
func (c *Client) setTimeoutHeader(ctx context.Context, h http.Header) {
	if _, ok := ctx.Deadline(); !ok {
		h["X-Request-Timeout"] = c.defaultTimeoutHeader
		return
	}
	h["X-Request-Timeout"] = []string{strconv.FormatInt(c.requestTimeout(ctx).Milliseconds(), 10)}
}

// acceptJSON is every request's Accept header value.
var acceptJSON = []string{"application/json"}

// requestTimeout is what X-Request-Timeout says on the attempt about to be
// sent: the time left on ctx now (a retry has less than the first attempt
// had), or the default, within minRequestTimeout and maxRequestTimeout.
func (c *Client) requestTimeout(ctx context.Context) time.Duration {
	d := c.defaultTimeout
	if dl, ok := ctx.Deadline(); ok {
		d = time.Until(dl)
	}
	return min(max(d, minRequestTimeout), maxRequestTimeout)
}

// orderPath is /v1/orders/{id} (or /v2/...) plus an action, with the id
// escaped as one path segment.
func orderPath(version, id, action string) string {
	if action == "" {
		return "/" + version + "/orders/" + url.PathEscape(id)
	}
	return "/" + version + "/orders/" + url.PathEscape(id) + "/" + action
}

// operationPath is /v1/operations/{externalOperationId}.
func operationPath(key string) string {
	return "/v1/operations/" + url.PathEscape(key)
}

// checkRef refuses, before any request, a Client not made by New, a nil or
// ended context, and a ref Yandex Pay cannot address.
func (c *Client) checkRef(ctx context.Context, op payments.Operation, ref payments.Ref) error {
	if err := driver.Check(ctx, Name, op, c != nil && c.tr != nil); err != nil {
		return err
	}
	return checkSegment(op, "ref.ID", ref.ID)
}

// checkSegment validates a value sent as one path segment: an order id or
// an operation's external id, for every action including Start, so that one
// rule decides which ids can be sent. Control characters and invalid UTF-8
// are refused because the same id also travels in JSON bodies and is read
// back from Yandex Pay's answers, where it would not compare equal.
func checkSegment(op payments.Operation, field, v string) error {
	switch n := utf8.RuneCountInString(v); {
	case v == "":
		return driver.InvalidArgument(Name, op, "%s is empty", field)
	case !utf8.ValidString(v):
		return driver.InvalidArgument(Name, op, "%s is not valid UTF-8", field)
	case strings.ContainsFunc(v, unicode.IsControl):
		return driver.InvalidArgument(Name, op, "%s %.40q contains control characters", field, v)
	case n > MaxOrderIDLength:
		return driver.InvalidArgument(Name, op, "%s is %d characters long, more than the %d a path segment may have", field, n, MaxOrderIDLength)
	case v == "." || v == "..":
		return driver.InvalidArgument(Name, op, "%s %q cannot be sent as a path segment", field, v)
	}
	return nil
}
