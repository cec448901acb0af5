package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/regionpay/payments"
)

// readMethod reports the methods that cannot act; any other method is a
// write whose unanswered failure is OutcomeUnknown rather than Unavailable,
// unless the request says it has no effect (Request.NoEffect).
func readMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// call is the state of one Do. It travels in the request's context, where
// the hooks of the Client's one retryablehttp.Client find it. retryablehttp
// runs those hooks one after another on the caller's goroutine, so only the
// per-attempt trace flags, which the transport sets from its own goroutines,
// need to be atomic.
type call struct {
	c   *Client
	ctx context.Context // the caller's
	// waiting is ctx carrying the call, unbounded: the request's context
	// while retryablehttp waits to retry, which must end only with ctx and
	// not with the bound of the attempt before.
	waiting callContext
	req     Request // a copy, so that the caller's Request stays on its stack
	write   bool
	// timed is whether the logger keeps any record this call makes: only
	// then are attempt times, which only log records show, read from the clock.
	timed bool

	attempts int
	att      *attempt
	start    time.Time
	ended    time.Time // when the last attempt's outcome was known

	// The first attempt's trace and body live here, so that a call that
	// needs no retry allocates none of its own.
	first     attempt
	firstBody bytes.Reader
	// The request wrapper and the answer live here too, for the same reason.
	rreq retryablehttp.Request
	resp Response

	// Outcome of the last attempt.
	status    int    // HTTP status, 0 when no answer came
	complete  bool   // the body was read whole and within the cap
	body      []byte // that body
	oversized bool
	lastErr   error // sanitized failure of the last attempt

	// mayHaveActed is set once any attempt may have reached the server without
	// an answer proving it did nothing; for a write that makes a later failure
	// ambiguous.
	mayHaveActed bool
}

// callKey is the context key under which a request carries its call.
type callKey struct{}

// callContext is a context of the call (the caller's, or an attempt's
// bounded one), carrying the call under callKey: a context.Context whose
// Value answers callKey with the call itself, so that carrying it costs no
// context of its own.
type callContext struct {
	context.Context
	cl *call
}

// Value implements context.Context.
func (c *callContext) Value(key any) any {
	if key == (callKey{}) {
		return c.cl
	}
	return c.Context.Value(key)
}

// callOf returns the call a request's context carries.
func callOf(ctx context.Context) (*call, bool) {
	cl, ok := ctx.Value(callKey{}).(*call)
	return cl, ok
}

// attempt is one attempt's context, and what its connection trace saw.
type attempt struct {
	gotConn atomic.Bool
	trace   httptrace.ClientTrace
	// base is the attempt's context below its trace: the caller's, or the
	// caller's under the attempt's bound (see sharedDeadlines.bound).
	base    callContext
	bounded boundedContext
	// end is the bound's shared end; nil when the attempt has no bound of
	// its own. stop and cancel, when set, release the attempt's link to it.
	end    context.Context
	stop   func() bool
	cancel context.CancelCauseFunc
}

// timedOut reports whether the attempt's bound ended it: its context's
// cause is the bound's, not the caller's.
func (a *attempt) timedOut() bool {
	if a.end == nil || a.end.Err() == nil {
		return false
	}
	_, bound := context.Cause(a.base.Context).(attemptTimeout)
	return bound
}

// release ends the attempt's link to its bound once its answer is read.
// It may be called more than once.
func (a *attempt) release() {
	if a.cancel != nil {
		a.stop()
		a.cancel(nil)
	}
}

// mayHaveSent reports whether any byte of the request could have left: a
// connection was obtained, so the write may be under way or done (net/http
// writes only on a connection it reported through GotConn). Only a failure
// before that (dial error, connection refused) is certainly unsent.
func (a *attempt) mayHaveSent() bool { return a.gotConn.Load() }

func newCall(c *Client, ctx context.Context, req *Request) *call {
	cl := &call{
		c:     c,
		ctx:   ctx,
		req:   *req,
		write: !readMethod(req.Method) && !req.NoEffect,
		timed: !c.quiet && (c.log.Enabled(ctx, slog.LevelDebug) || c.log.Enabled(ctx, slog.LevelWarn)),
	}
	if req.Fixed.h != nil {
		cl.req.Header = req.Fixed.h
	}
	cl.waiting = callContext{Context: ctx, cl: cl}
	cl.att = &cl.first
	return cl
}

// begin returns the context of attempt a: the caller's under the attempt's
// bound, carrying the call and a trace of the attempt's own, so that a late
// callback from an earlier attempt cannot mark this one as sent.
func (cl *call) begin(a *attempt) context.Context {
	a.base = callContext{Context: cl.c.deadlines.bound(a, cl.ctx), cl: cl}
	a.trace.GotConn = func(httptrace.GotConnInfo) { a.gotConn.Store(true) }
	return httptrace.WithClientTrace(&a.base, &a.trace)
}

// header is the header map of attempt i: the caller's entries (shared, never
// modified), Content-Type for a body, the User-Agent unless the caller set
// one, and the attempt header. Each attempt
// that adds any gets its own map, since an earlier attempt may still be
// writing its own.
func (cl *call) header(i int) http.Header {
	c, req := cl.c, &cl.req
	if i == 0 && req.OwnHeader && req.Header != nil {
		// The caller handed its map over: the first attempt adds to it.
		h := req.Header
		if req.Body != nil && h.Get("Content-Type") == "" {
			h["Content-Type"] = jsonContentType
		}
		cl.addOwn(h, i)
		return h
	}
	if _, hasUA := req.Header["User-Agent"]; hasUA && c.attemptHeader == "" && req.Body == nil && req.EachAttempt == nil {
		// Nothing to add: the caller's map is sent as it is, never modified.
		return req.Header
	}
	h := make(http.Header, len(req.Header)+3)
	for k, v := range req.Header {
		h[k] = v
	}
	if req.Body != nil && h.Get("Content-Type") == "" {
		h["Content-Type"] = jsonContentType
	}
	cl.addOwn(h, i)
	return h
}

// addOwn adds to attempt i's header what the transport sends itself: the
// User-Agent unless the caller set one, the attempt header, and whatever
// the request's EachAttempt sets.
func (cl *call) addOwn(h http.Header, i int) {
	c, req := cl.c, &cl.req
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = c.userAgent
	}
	if c.attemptHeader != "" {
		if i < len(c.attemptValues) {
			h[c.attemptHeader] = c.attemptValues[i]
		} else {
			h[c.attemptHeader] = []string{strconv.Itoa(i)}
		}
	}
	if req.EachAttempt != nil {
		req.EachAttempt(cl.ctx, h)
	}
}

// requestBody is a request body over r, the caller's bytes. It must stay
// an io.NopCloser around a *bytes.Reader: net/http recognizes that as a
// body already in memory and sends it in the same write as the headers; any
// other type makes it flush the headers first, in a packet of their own,
// which costs the server a wake-up and the call tens of microseconds.
func requestBody(r *bytes.Reader) io.ReadCloser { return io.NopCloser(r) }

// jsonContentType is shared by every request with a body; net/http never
// modifies a request's header.
var jsonContentType = []string{"application/json"}

// getBody is the request's GetBody: net/http replays the body from it when
// it resends a request on a connection that went stale.
func (cl *call) getBody() (io.ReadCloser, error) {
	return requestBody(bytes.NewReader(cl.req.Body)), nil
}

// beforeAttempt is retryablehttp's RequestLogHook, called before every
// attempt with the request about to be sent. The first attempt was prepared
// by Do; a retry (a shallow copy of the previous request) gets its own trace,
// header map and body reader, so that a late callback or write from an
// earlier attempt cannot touch this one.
func (c *Client) beforeAttempt(_ retryablehttp.Logger, r *http.Request, i int) {
	cl, ok := callOf(r.Context())
	if !ok {
		return
	}
	if i > 0 {
		cl.logRetry()
		a := &attempt{}
		nr := r.WithContext(cl.begin(a))
		nr.Header = cl.header(i)
		if cl.req.Body != nil {
			nr.Body = requestBody(bytes.NewReader(cl.req.Body))
		}
		*r = *nr
		cl.att = a
	}
	cl.attempts = i + 1
	cl.status, cl.complete, cl.body, cl.oversized, cl.lastErr = 0, false, nil, false, nil
	if cl.timed {
		cl.start = time.Now()
	}
}

// takeBody reads the answer's body into the call, within the size cap. An
// oversized answer ends the call (cl.oversized): it may say the write acted,
// and no retry may repeat what it did.
func (c *Client) takeBody(cl *call, resp *http.Response) error {
	cl.status = resp.StatusCode
	b, rerr := readCapped(resp.Body, resp.ContentLength, c.maxBody)
	// Do takes the bytes from the call; retryablehttp may only close it.
	resp.Body = http.NoBody
	switch {
	case rerr != nil:
		return fmt.Errorf("reading response body: %w", rerr)
	case int64(len(b)) > c.maxBody:
		cl.oversized = true
		cl.mayHaveActed = true
		err := fmt.Errorf("response body exceeds %d bytes", c.maxBody)
		cl.lastErr = err
		cl.logAttempt(err)
		return err
	}
	cl.complete = true
	cl.body = b
	return nil
}

// checkRetry is retryablehttp's CheckRetry. It reads and caps the body here,
// so that a body cut short is retried like a reset connection, and decides by
// the request's Retry class. It judges the caller's context, not the
// attempt's: an attempt that ran out of its bound is retried like any
// timeout.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	cl, ok := callOf(ctx)
	if !ok {
		if resp != nil {
			_ = resp.Body.Close()
		}
		return false, errors.New("transport: a request without its call state")
	}
	if cl.timed {
		defer func() { cl.ended = time.Now() }()
	}
	a := cl.att
	sent := a.mayHaveSent()
	if err == nil && resp != nil {
		sent = true
		err = c.takeBody(cl, resp)
	} else if resp != nil {
		// net/http returns a response with an error only for redirect
		// failures; the error wins.
		_ = resp.Body.Close()
	}
	if err != nil && a.timedOut() && cl.ctx.Err() == nil {
		err = attemptTimeout{c.deadlines.timeout}
	}
	a.release()
	var retry bool
	switch {
	case cl.oversized:
		return false, err
	case cl.complete:
		retry, err = cl.decideAnswer(resp)
	default:
		retry, err = c.decideFailure(cl, err, sent)
	}
	if retry && a.end != nil {
		// retryablehttp waits for the next attempt on the request's context,
		// which is this attempt's and may be past its bound: the wait must
		// end only with the caller's. The next attempt gets its own bound.
		cl.rreq.Request = cl.rreq.Request.WithContext(&cl.waiting)
	}
	return retry, err
}

// decideAnswer is checkRetry for an attempt that brought a complete answer.
func (cl *call) decideAnswer(resp *http.Response) (bool, error) {
	if resp.StatusCode >= 500 {
		// A gateway may answer 5xx after the backend acted.
		cl.mayHaveActed = true
	}
	cl.logAttempt(nil)
	if !cl.retryAnswer(resp) {
		return false, nil
	}
	if ctxErr := cl.ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	return true, nil
}

// decideFailure is checkRetry for an attempt that brought no complete
// answer: err says why, sent whether the request may have reached the server.
func (c *Client) decideFailure(cl *call, err error, sent bool) (bool, error) {
	cl.lastErr = c.sanitize(err)
	if sent {
		cl.mayHaveActed = true
	}
	cl.logAttempt(cl.lastErr)
	if ctxErr := cl.ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if permanent(err) {
		return false, err
	}
	switch cl.req.Retry {
	case RetrySafe:
		return true, err
	default:
		return !sent, err
	}
}

// retryableStatus lists the answers that say "try again": rate limits and
// server failures, except 501, which will not change.
func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || (code >= 500 && code <= 599 && code != http.StatusNotImplemented)
}

// retryAnswer decides about a complete answer: only RetrySafe requests are
// repeated, and not when the server asks for a longer pause than the cap.
func (cl *call) retryAnswer(resp *http.Response) bool {
	if cl.req.Retry != RetrySafe || !retryableStatus(resp.StatusCode) {
		return false
	}
	if d, ok := retryAfter(resp, cl.c.now()); ok && d > cl.c.maxRetryAfter {
		cl.c.log.LogAttrs(cl.ctx, slog.LevelWarn, "payments http: Retry-After above cap, not retrying",
			cl.attrs(slog.Duration("retry_after", d), slog.Duration("cap", cl.c.maxRetryAfter))...)
		return false
	}
	return true
}

// backoff is retryablehttp's Backoff. It needs nothing of the call: the wait
// depends on the attempt and the answer only. The retry is logged when it
// starts (beforeAttempt), where the call is at hand.
func (c *Client) backoff(min, max time.Duration, attemptNum int, resp *http.Response) time.Duration {
	return computeBackoff(min, max, attemptNum, resp, c.maxRetryAfter, c.now(), jitter)
}

// logRetry logs, as a retry starts, the failure of the attempt before it
// and how long the call waited since.
func (cl *call) logRetry() {
	if cl.c.quiet || !cl.c.log.Enabled(cl.ctx, slog.LevelWarn) {
		return
	}
	attrs := cl.attrs(slog.Duration("waited", time.Since(cl.ended)))
	if cl.lastErr != nil {
		attrs = append(attrs, slog.String("error", cl.lastErr.Error()))
	}
	cl.c.log.LogAttrs(cl.ctx, slog.LevelWarn, "payments http: retrying", attrs...)
}

// errorHandler is retryablehttp's ErrorHandler: it hands back the last
// complete answer (a 429 or 5xx when retries ran out; checkRetry returns an
// error for every other outcome) instead of a "giving up" error, and the
// failure otherwise.
func errorHandler(resp *http.Response, err error, _ int) (*http.Response, error) {
	if resp != nil && err == nil {
		return resp, nil
	}
	if resp != nil {
		_ = resp.Body.Close()
	}
	if err == nil {
		err = errors.New("no usable answer")
	}
	return nil, err
}

// failure turns a Do that ended without a usable answer into a *payments.Error.
func (cl *call) failure(err error) error {
	c := cl.c
	e := &payments.Error{Provider: c.provider, Op: cl.req.Op}
	ambiguous := cl.write && cl.mayHaveActed
	n := plural(cl.attempts, "attempt")
	var cause error
	switch ctxErr := cl.ctx.Err(); {
	case ctxErr != nil:
		e.Code = payments.CodeCanceled
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			e.Code = payments.CodeDeadlineExceeded
		}
		e.Message = fmt.Sprintf("%s after %s", ctxErr.Error(), n)
		if ambiguous {
			// What the caller must act on is that money may have moved; the
			// context error stays in the chain for errors.Is.
			e.Code = payments.CodeOutcomeUnknown
			e.Message += "; the request was sent and may have been acted on"
		}
		cause = ctxErr
	case cl.oversized:
		e.Code = payments.CodeUnavailable
		if cl.write {
			e.Code = payments.CodeOutcomeUnknown
		}
		e.HTTPStatus = cl.status
		e.Message = fmt.Sprintf("response body exceeds %d bytes", c.maxBody)
	default:
		cause = cl.lastErr
		if cause == nil && err != nil {
			cause = c.sanitize(err)
		}
		switch {
		case ambiguous:
			e.Code = payments.CodeOutcomeUnknown
			e.Message = fmt.Sprintf("no complete answer after %s; the request was sent and may have been acted on", n)
		case cl.write:
			e.Code = payments.CodeUnavailable
			e.Message = fmt.Sprintf("request not sent after %s", n)
		default:
			e.Code = payments.CodeUnavailable
			e.Message = fmt.Sprintf("no complete answer after %s", n)
		}
	}
	if ambiguous {
		cause = &ambiguity{err: cause}
	}
	e.Err = cause
	return e
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// attrs are the fields of every log record: never headers, bodies or queries.
func (cl *call) attrs(extra ...slog.Attr) []slog.Attr {
	a := make([]slog.Attr, 0, 8+len(extra))
	a = append(a,
		slog.String("provider", cl.c.provider),
		slog.String("op", string(cl.req.Op)),
		slog.String("method", cl.req.Method),
		slog.String("path", pathForLog(cl.req.Path)),
		slog.Int("attempt", cl.attempts),
		slog.Int("status", cl.status),
		slog.Duration("duration", time.Since(cl.start)),
	)
	return append(a, extra...)
}

func (cl *call) logAttempt(err error) {
	if cl.c.quiet || !cl.c.log.Enabled(cl.ctx, slog.LevelDebug) {
		return
	}
	attrs := cl.attrs(slog.String("retry", cl.req.Retry.String()))
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	cl.c.log.LogAttrs(cl.ctx, slog.LevelDebug, "payments http: attempt", attrs...)
}

// readCapped reads the body whole, or limit+1 bytes of it, so the caller can
// tell a body that fits from one that is too long without holding all of it,
// and closes it. A body that announces its length is read into one buffer of
// that size (plus the byte that detects a longer one), never regrown.
func readCapped(body io.ReadCloser, length, limit int64) ([]byte, error) {
	defer body.Close()
	n := limit
	if n < math.MaxInt64 {
		n++
	}
	size := int64(512)
	if length >= 0 {
		size = min(length+1, n)
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) >= n {
				return buf, nil
			}
			buf = append(buf, 0)[:len(buf)] // let append pick the growth
			if int64(cap(buf)) > n {
				buf = buf[:len(buf):int(n)]
			}
		}
		m, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// permanent reports failures that no retry can fix: the server's certificate
// is not trusted, or the request itself is malformed.
func permanent(err error) bool {
	var (
		unknownAuthority x509.UnknownAuthorityError
		invalidCert      x509.CertificateInvalidError
		hostname         x509.HostnameError
		verify           *tls.CertificateVerificationError
		recordHeader     tls.RecordHeaderError
	)
	return errors.As(err, &unknownAuthority) ||
		errors.As(err, &invalidCert) ||
		errors.As(err, &hostname) ||
		errors.As(err, &verify) ||
		errors.As(err, &recordHeader)
}

// sanitize drops the URL net/http puts in front of transport errors (it may
// carry a query) and scrubs secrets from the rest, keeping the cause
// reachable for errors.Is and errors.As.
func (c *Client) sanitize(err error) error {
	if err == nil {
		return nil
	}
	inner := err
	var ue *url.Error
	if errors.As(err, &ue) {
		inner = ue.Err
	}
	return &causeError{msg: c.Redact(inner.Error()), err: inner}
}

// causeError shows a scrubbed message for an underlying error.
type causeError struct {
	msg string
	err error
}

func (e *causeError) Error() string { return e.msg }
func (e *causeError) Unwrap() error { return e.err }

// ambiguity marks an error of a request that was sent and may have acted.
type ambiguity struct{ err error }

func (a *ambiguity) Error() string {
	if a.err == nil {
		return "the request may have been acted on"
	}
	return a.err.Error()
}

func (a *ambiguity) Unwrap() error { return a.err }

// Ambiguous reports whether err (from Do) means the request may have reached
// the server and acted: it was sent but no complete answer came back (reset
// after send, timeout after send, truncated or oversized body), also when the
// context ended after sending. Adapters reconcile such writes through a status
// read. Any *payments.Error with CodeOutcomeUnknown counts as ambiguous too.
func Ambiguous(err error) bool {
	if err == nil {
		return false // before errors.As, whose target would escape on every call
	}
	var a *ambiguity
	if errors.As(err, &a) {
		return true
	}
	return payments.CodeOf(err) == payments.CodeOutcomeUnknown
}
