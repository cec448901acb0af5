package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/urlcheck"
)

// Defaults applied by New to zero-valued Config fields.
const (
	// DefaultMaxRetries is the number of retries after the first attempt.
	DefaultMaxRetries = 3
	// DefaultRetryWaitMin is the first backoff wait.
	DefaultRetryWaitMin = 200 * time.Millisecond
	// DefaultRetryWaitMax caps the exponential backoff.
	DefaultRetryWaitMax = 5 * time.Second
	// DefaultMaxRetryAfter is the longest server-requested pause that is honoured.
	DefaultMaxRetryAfter = 30 * time.Second
	// DefaultMaxResponseBytes caps a response body: provider answers are small
	// JSON, so anything near this is a fault, not data.
	DefaultMaxResponseBytes = 1 << 20
	// DefaultTimeout bounds one attempt of the client New builds when
	// Config.HTTPClient is nil, so a stalled provider cannot hold a call forever
	// when the caller gave no deadline.
	DefaultTimeout = payments.DefaultHTTPTimeout
	// DefaultMaxIdleConns is how many idle connections the pool New builds
	// keeps per host: enough that 256 concurrent callers reuse connections
	// instead of opening new ones. Idle connections close after 90 s.
	DefaultMaxIdleConns = payments.DefaultMaxIdleConns
)

// Config configures a Client. Zero values mean the defaults given.
type Config struct {
	// Provider is the adapter name put into errors and logs, e.g. "rustore".
	Provider string
	// BaseURL is the provider's API root, e.g. "https://public-api.rustore.ru"
	// or "https://pay.yandex.ru/api/merchant". New rejects anything but https,
	// except http to a loopback host (127.0.0.0/8, ::1, "localhost") so that
	// emulators work; the check is by name or address only, no DNS.
	BaseURL string
	// HTTPClient sends the requests; nil means a new pooled client with a
	// DefaultTimeout timeout and MaxIdleConns idle connections. The Client
	// works on a copy that never follows redirects; its Timeout bounds each
	// attempt, and a zero Timeout means DefaultTimeout, so that no attempt
	// is unbounded even when the caller's context has no deadline.
	HTTPClient *http.Client
	// MaxIdleConns is how many idle connections per host the pool of the
	// client New builds keeps for reuse; 0 means DefaultMaxIdleConns. It
	// does not apply to a given HTTPClient, whose pool is the caller's.
	MaxIdleConns int
	// Logger receives one Debug record per attempt and a Warn per retry; nil
	// discards them.
	Logger *slog.Logger
	// MaxRetries is the number of retries after the first attempt; 0 means 3,
	// negative means none.
	MaxRetries int
	// RetryWaitMin is the first backoff wait; default 200ms.
	RetryWaitMin time.Duration
	// RetryWaitMax caps the exponential backoff; default 5s.
	RetryWaitMax time.Duration
	// MaxRetryAfter caps how long a server's Retry-After is honoured; default
	// 30s. A Retry-After longer than the cap stops retrying and Do returns that
	// response, so the adapter can report the wait to its caller.
	MaxRetryAfter time.Duration
	// MaxResponseBytes caps a response body; default 1 MiB. A longer body is an
	// error, never silently cut.
	MaxResponseBytes int64
	// UserAgent is sent as the User-Agent of every request, unless the
	// Request sets one; empty sends UserAgent(nil).
	UserAgent string
	// AttemptHeader, when set (Yandex Pay: "X-Request-Attempt"), is sent with
	// the attempt number "0", "1", "2"... on each attempt.
	AttemptHeader string
	// Secrets returns values to scrub from excerpts, errors and logs (API key,
	// tokens). It is called on every scrub, so rotated tokens are covered; it
	// must be safe for concurrent use.
	Secrets func() []string
}

// Retry says which failures of a request may be retried without risk of
// acting twice.
type Retry int

// The zero value is the cautious class, so a request that forgets to choose
// is never repeated after it may have acted.
const (
	// RetryUnsent is for writes without an idempotency key: retry only
	// failures where the request certainly was not sent (dial errors,
	// connection refused); never 429, 5xx or timeouts after sending.
	RetryUnsent Retry = iota
	// RetrySafe is for reads and for writes carrying an idempotency key: retry
	// connection failures, timeouts, truncated bodies, 429 and 5xx except 501.
	RetrySafe
)

// String names the retry class for logs.
func (r Retry) String() string {
	switch r {
	case RetrySafe:
		return "safe"
	case RetryUnsent:
		return "unsent"
	}
	return fmt.Sprintf("Retry(%d)", int(r))
}

// Request is one call to the provider, re-sent unchanged on every attempt.
type Request struct {
	// Op is the portable operation for errors and logs: "capture", "status", "auth"...
	Op payments.Operation
	// Method is the HTTP method, e.g. http.MethodPost.
	Method string
	// Path is already escaped and appended to BaseURL's path, e.g.
	// "/v1/orders/abc%2F1/capture". It must be empty or start with "/".
	Path string
	// Header is sent unchanged on every attempt (auth, X-Request-Id...). Do
	// does not modify the caller's map.
	Header http.Header
	// Fixed, when set, is sent instead of Header: a header checked once by
	// Client.FixHeader and shared by every request that sends it.
	Fixed FixedHeader
	// Body is nil or JSON; when non-nil it is sent with Content-Type
	// application/json (unless Header sets another) on each attempt.
	Body []byte
	// Retry is the retry class.
	Retry Retry
	// EachAttempt, when set, is called before every attempt with that
	// attempt's own copy of Header, for a header whose value must be
	// recomputed per attempt (Yandex Pay's X-Request-Timeout: the time left
	// now, not when the call began).
	// It gets the caller's context, so that it can be a function built once.
	EachAttempt func(ctx context.Context, h http.Header)
	// OwnHeader hands Header over to Do: the first attempt adds the
	// transport's headers to it and sends it, instead of a copy. Set it
	// only for a map built for this request and not used afterwards.
	OwnHeader bool
	// NoEffect marks a non-GET request that changes nothing a caller must
	// track, such as a token request: like a read, its unanswered failure is
	// CodeUnavailable (or the context's code), never CodeOutcomeUnknown.
	NoEffect bool
}

// Response is the provider's answer that ended the attempts.
type Response struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header is the response header.
	Header http.Header
	// Body is the whole body, at most MaxResponseBytes.
	Body []byte
	// Attempts is how many attempts were made.
	Attempts int
	// MayHaveActed is true when some attempt reached the server without an
	// answer proving it did nothing: its answer was lost, cut or oversized,
	// or was a 5xx, which a gateway sends whatever the server behind it did.
	// For a write, the answer above then does not tell the whole story: a
	// refusal of the last attempt says nothing about an earlier one.
	MayHaveActed bool

	// client scrubs its secrets from excerpts; nil for a Response built by hand.
	client *Client
}

// Client sends Requests to one provider. It is safe for concurrent use.
type Client struct {
	provider      string
	base          *url.URL
	baseStr       string       // base URL without a trailing slash, paths are appended to it
	http          *http.Client // the pool's client; Close closes its idle connections
	retry         *retryablehttp.Client
	deadlines     *sharedDeadlines // every attempt's bound, the pool client's Timeout; nil for none
	log           *slog.Logger
	quiet         bool // no Logger was given: no record is ever kept
	maxRetries    int
	waitMin       time.Duration
	waitMax       time.Duration
	maxRetryAfter time.Duration
	maxBody       int64
	attemptHeader string
	userAgent     []string // the header's value, shared by every request: net/http only reads it
	// attemptValues[i] is the attempt header's value on attempt i, built once.
	attemptValues [][]string
	secrets       func() []string
	now           func() time.Time
}

// New checks cfg and builds a Client. Errors name the bad field.
func New(cfg Config) (*Client, error) {
	base, err := checkBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		provider:      cfg.Provider,
		base:          base,
		baseStr:       strings.TrimRight(base.String(), "/"),
		log:           cfg.Logger,
		maxRetries:    cfg.MaxRetries,
		waitMin:       cfg.RetryWaitMin,
		waitMax:       cfg.RetryWaitMax,
		maxRetryAfter: cfg.MaxRetryAfter,
		maxBody:       cfg.MaxResponseBytes,
		attemptHeader: cfg.AttemptHeader,
		userAgent:     []string{cfg.UserAgent},
		secrets:       cfg.Secrets,
		now:           time.Now,
	}
	if err := c.applyLimits(); err != nil {
		return nil, err
	}
	if err := c.applyHeaders(cfg.UserAgent); err != nil {
		return nil, err
	}
	if c.log == nil {
		c.log, c.quiet = slog.New(discardHandler{}), true
	}
	hc, err := httpClient(cfg.HTTPClient, cfg.MaxIdleConns)
	if err != nil {
		return nil, err
	}
	c.http = hc
	c.retry = c.newRetryClient()
	return c, nil
}

// applyLimits checks the retry and size limits and fills in the defaults.
func (c *Client) applyLimits() error {
	durations := []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"RetryWaitMin", &c.waitMin, DefaultRetryWaitMin},
		{"RetryWaitMax", &c.waitMax, DefaultRetryWaitMax},
		{"MaxRetryAfter", &c.maxRetryAfter, DefaultMaxRetryAfter},
	}
	for _, d := range durations {
		if *d.v < 0 {
			return fmt.Errorf("transport: %s must not be negative, got %s", d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if c.waitMin > c.waitMax {
		return fmt.Errorf("transport: RetryWaitMin (%s) must not exceed RetryWaitMax (%s)", c.waitMin, c.waitMax)
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	switch {
	case c.maxBody < 0:
		return fmt.Errorf("transport: MaxResponseBytes must not be negative, got %d", c.maxBody)
	case c.maxBody == 0:
		c.maxBody = DefaultMaxResponseBytes
	}
	return nil
}

// applyHeaders checks the User-Agent and the attempt header, and prepares
// the attempt numbers every retry sends. It runs after applyLimits, which
// settles how many attempts there are.
func (c *Client) applyHeaders(userAgent string) error {
	if userAgent == "" {
		c.userAgent = []string{UserAgent(nil)}
	}
	if !validHeaderValue(c.userAgent[0]) {
		return errors.New("transport: UserAgent holds a control character")
	}
	if c.attemptHeader == "" {
		return nil
	}
	if !validHeaderName(c.attemptHeader) {
		return fmt.Errorf("transport: AttemptHeader %q is not a valid header name", c.attemptHeader)
	}
	c.attemptHeader = textproto.CanonicalMIMEHeaderKey(c.attemptHeader)
	for i := 0; i <= c.maxRetries; i++ {
		c.attemptValues = append(c.attemptValues, []string{strconv.Itoa(i)})
	}
	return nil
}

// httpClient is the copy of the caller's client (or a pooled one of
// maxIdle idle connections) the Client sends with: every attempt bounded,
// no redirect followed.
func httpClient(given *http.Client, maxIdle int) (*http.Client, error) {
	switch {
	case maxIdle < 0:
		return nil, fmt.Errorf("transport: MaxIdleConns must not be negative, got %d", maxIdle)
	case maxIdle == 0:
		maxIdle = DefaultMaxIdleConns
	}
	var hc http.Client
	if given != nil {
		hc = *given
	} else {
		hc = *payments.NewHTTPClient(maxIdle)
		hc.Timeout = attemptBound
	}
	if hc.Timeout <= 0 {
		// A caller's client without a timeout, and a context without a
		// deadline, would let a silent server hold a call forever: every
		// attempt gets a bound of its own. The caller's client is not
		// changed, only this copy.
		hc.Timeout = attemptBound
	}
	// A redirect could carry the auth headers to another host: hand the 3xx
	// back to the adapter instead.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc, nil
}

// newRetryClient builds the one retryablehttp.Client every Do goes through.
// Its hooks are the Client's methods and find the state of their call in the
// request's context, so a call allocates no client and no closures.
//
// go-retryablehttp closes the idle connections of its HTTPClient whenever a
// call fails: under a partial outage that would throw away the whole pool on
// every failed call and open new connections (new TLS handshakes) against a
// struggling provider. So it gets a copy of the client whose RoundTripper
// hides CloseIdleConnections; only Close releases the pool. The copy has no
// Timeout: net/http would run a watchdog goroutine per request for a
// RoundTripper it does not know, so each attempt's context carries the
// bound instead, with deadlines shared by the attempts that start together
// (sharedDeadlines.bound).
func (c *Client) newRetryClient() *retryablehttp.Client {
	shielded := *c.http
	rt := shielded.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	shielded.Transport = keepIdle{rt: rt}
	shielded.Timeout = 0
	c.deadlines = newSharedDeadlines(c.http.Timeout)
	return &retryablehttp.Client{
		HTTPClient:     &shielded,
		Logger:         nil, // we log ourselves, without URLs or headers
		RetryWaitMin:   c.waitMin,
		RetryWaitMax:   c.waitMax,
		RetryMax:       c.maxRetries,
		RequestLogHook: c.beforeAttempt,
		CheckRetry:     c.checkRetry,
		Backoff:        c.backoff,
		ErrorHandler:   errorHandler,
	}
}

// checkBaseURL applies the base URL rule every entry point shares
// (urlcheck), and refuses an empty BaseURL: unlike a config file, where empty
// means the adapter's default, the transport has no default to fall back to.
func checkBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("transport: BaseURL is empty")
	}
	u, err := urlcheck.BaseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("transport: BaseURL: %w", err)
	}
	return u, nil
}

// validHeaderName reports whether s is an HTTP token.
func validHeaderName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !tokenByte[s[i]] {
			return false
		}
	}
	return s != ""
}

// tokenByte marks the bytes of an HTTP token (RFC 9110, section 5.6.2:
// visible ASCII but the delimiters). A table, because every request's
// header names are checked on the call's path.
var tokenByte = func() (t [256]bool) {
	for b := '!'; b < 0x7f; b++ {
		t[b] = !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, b)
	}
	return t
}()

// validHeaderValue reports whether v may be sent as a header value: no
// control character but horizontal tab, as net/http requires.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

// Close closes idle connections. The Client stays usable.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Do sends req, retrying as req.Retry allows, and returns the answer that
// ended the attempts: 2xx, 3xx, 4xx, or 429/5xx once retries are exhausted or
// not allowed. The caller classifies the body.
//
// When there is no usable answer Do returns a *payments.Error: CodeCanceled or
// CodeDeadlineExceeded when ctx ended, CodeUnavailable when the request was a
// read or certainly was not sent, CodeOutcomeUnknown for a write that may have
// acted. Ambiguous tells whether a write may have acted.
//
// A complete answer is returned even when ctx ends just as it arrives: it
// says what happened, which an error could not.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	if req == nil {
		return nil, driver.InvalidArgument(c.provider, "", "nil request")
	}
	if ctx == nil {
		return nil, driver.InvalidArgument(c.provider, req.Op, "nil context")
	}
	if err := ctx.Err(); err != nil {
		return nil, driver.ContextError(ctx, c.provider, req.Op)
	}
	if err := c.check(req); err != nil {
		return nil, err
	}
	cl := newCall(c, ctx, req)
	hreq, err := http.NewRequestWithContext(cl.begin(&cl.first), req.Method, c.baseStr+req.Path, nil)
	if err != nil {
		cl.first.release()
		// Not echoed: net/http's message may hold the URL and its query.
		return nil, driver.InvalidArgument(c.provider, req.Op, "request path %q is not a valid escaped path", pathForLog(req.Path))
	}
	if u := hreq.URL; u.Scheme != c.base.Scheme || u.Host != c.base.Host || u.User != nil {
		cl.first.release()
		return nil, driver.InvalidArgument(c.provider, req.Op, "request path %q leaves the base URL", pathForLog(req.Path))
	}
	hreq.Header = cl.header(0)
	if req.Body != nil {
		cl.firstBody.Reset(req.Body)
		hreq.Body = requestBody(&cl.firstBody)
		hreq.ContentLength = int64(len(req.Body))
		hreq.GetBody = cl.getBody
	}
	cl.rreq.Request = hreq
	resp, err := c.retry.Do(&cl.rreq)
	// checkRetry released every attempt it saw; this covers one it never saw.
	cl.att.release()
	// Telemetry, when on, learns the attempts and the status of the call.
	driver.StatsFrom(ctx).AddRequest(cl.attempts, cl.status)
	if err == nil && resp != nil && cl.complete {
		// The body was read (and replaced) in checkRetry; nothing to close.
		cl.resp = Response{
			StatusCode:   resp.StatusCode,
			Header:       resp.Header,
			Body:         cl.body,
			Attempts:     cl.attempts,
			MayHaveActed: cl.mayHaveActed,
			client:       c,
		}
		return &cl.resp, nil
	}
	if resp != nil {
		_ = resp.Body.Close()
	}
	return nil, cl.failure(err)
}

// FixedHeader is a request header checked once and then sent unchanged by
// many requests, for a header that outlives the call: RuStore's Public-Token
// header stays the same for as long as its token. Do checks and copies a
// Request's Header on every call, which for such a header costs more than
// the rest of the request; a FixedHeader is checked when it is made and sent
// as it is. The zero FixedHeader is none.
type FixedHeader struct{ h http.Header }

// FixHeader checks h as Do checks a Request's Header, adds the User-Agent
// unless h sets one, and returns it as a FixedHeader. It takes h over: the
// caller must not modify it afterwards. The error names the header, never
// its value, which may be a token.
func (c *Client) FixHeader(op payments.Operation, h http.Header) (FixedHeader, error) {
	if err := c.checkHeader(op, h); err != nil {
		return FixedHeader{}, err
	}
	if h == nil {
		h = make(http.Header, 1)
	}
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = c.userAgent
	}
	return FixedHeader{h: h}, nil
}

// check refuses a request that could not be sent as asked or could move to
// another host, before anything is sent.
func (c *Client) check(req *Request) error {
	if req.Method == "" {
		return driver.InvalidArgument(c.provider, req.Op, "request method is empty")
	}
	if !validHeaderName(req.Method) {
		return driver.InvalidArgument(c.provider, req.Op, "request method %q is not a valid HTTP method", req.Method)
	}
	if req.Path != "" && !strings.HasPrefix(req.Path, "/") {
		return driver.InvalidArgument(c.provider, req.Op, "request path must start with \"/\"")
	}
	if req.Retry != RetrySafe && req.Retry != RetryUnsent {
		return driver.InvalidArgument(c.provider, req.Op, "unknown retry class %d", int(req.Retry))
	}
	if req.Fixed.h != nil {
		if req.Header != nil || req.OwnHeader {
			return driver.InvalidArgument(c.provider, req.Op, "a request with a FixedHeader takes no Header of its own")
		}
		return nil // checked when it was fixed
	}
	return c.checkHeader(req.Op, req.Header)
}

// checkHeader refuses a header net/http would refuse only inside the round
// trip, which looks like a connection that failed before sending: it would be
// retried and reported as Unavailable. The value is never echoed: it may be a
// token.
func (c *Client) checkHeader(op payments.Operation, h http.Header) error {
	for name, values := range h {
		if !validHeaderName(name) {
			return driver.InvalidArgument(c.provider, op, "request header name %q is not a valid HTTP header name", name)
		}
		for _, v := range values {
			if !validHeaderValue(v) {
				return driver.InvalidArgument(c.provider, op, "request header %s holds a control character (CR, LF, NUL...) that HTTP does not allow", name)
			}
		}
	}
	return nil
}

// pathForLog drops the query and fragment: they may carry identifiers or
// tokens that logs and errors must not hold.
func pathForLog(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		return p[:i]
	}
	return p
}

// discardHandler drops every record (slog.DiscardHandler is newer than Go 1.23).
type discardHandler struct{}

func (discardHandler) Enabled(context.Context, slog.Level) bool  { return false }
func (discardHandler) Handle(context.Context, slog.Record) error { return nil }
func (d discardHandler) WithAttrs([]slog.Attr) slog.Handler      { return d }
func (d discardHandler) WithGroup(string) slog.Handler           { return d }
