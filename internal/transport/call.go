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

// readMethods are the methods that cannot act; any other method is a write
// whose unanswered failure is OutcomeUnknown rather than Unavailable, unless
// the request says it has no effect (Request.NoEffect).
var readMethods = map[string]bool{
	http.MethodGet:     true,
	http.MethodHead:    true,
	http.MethodOptions: true,
}

// call is the state of one Do: retryablehttp runs its hooks one after another
// on the caller's goroutine, so only the per-attempt trace flags, which the
// transport sets from its own goroutines, need to be atomic.
type call struct {
	c     *Client
	ctx   context.Context
	req   *Request
	path  string // req.Path without query, for logs
	write bool

	attempts int
	att      *attempt
	start    time.Time

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

// attempt records what the connection trace saw during one attempt.
type attempt struct {
	gotConn atomic.Bool
	wrote   atomic.Bool
}

// mayHaveSent reports whether any byte of the request could have left: a
// connection was obtained (the write may be under way when the context ends
// or the attempt times out) or the write finished. Only a failure before that
// (dial error, connection refused) is certainly unsent.
func (a *attempt) mayHaveSent() bool { return a.gotConn.Load() || a.wrote.Load() }

func newCall(c *Client, ctx context.Context, req *Request) *call {
	return &call{
		c:     c,
		ctx:   ctx,
		req:   req,
		path:  pathForLog(req.Path),
		write: !readMethods[req.Method] && !req.NoEffect,
		att:   &attempt{},
	}
}

// beforeAttempt is retryablehttp's RequestLogHook, called before every
// attempt with the request about to be sent (a fresh shallow copy on each
// retry). It gives the attempt its own trace and header map so that a late
// callback or write from an earlier attempt cannot touch this one.
func (cl *call) beforeAttempt(_ retryablehttp.Logger, r *http.Request, i int) {
	cl.attempts = i + 1
	a := &attempt{}
	cl.att = a
	cl.status, cl.complete, cl.body, cl.oversized, cl.lastErr = 0, false, nil, false, nil
	trace := &httptrace.ClientTrace{
		GotConn:      func(httptrace.GotConnInfo) { a.gotConn.Store(true) },
		WroteRequest: func(httptrace.WroteRequestInfo) { a.wrote.Store(true) },
	}
	nr := r.WithContext(httptrace.WithClientTrace(cl.ctx, trace))
	nr.Header = r.Header.Clone()
	if cl.c.attemptHeader != "" {
		nr.Header.Set(cl.c.attemptHeader, strconv.Itoa(i))
	}
	*r = *nr
	cl.start = time.Now()
}

// checkRetry is retryablehttp's CheckRetry. It reads and caps the body here,
// so that a body cut short is retried like a reset connection, and decides by
// the request's Retry class.
func (cl *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	a := cl.att
	sent := a.mayHaveSent()
	if err == nil && resp != nil {
		sent = true
		cl.status = resp.StatusCode
		b, rerr := readCapped(resp.Body, cl.c.maxBody)
		switch {
		case rerr != nil:
			err = fmt.Errorf("reading response body: %w", rerr)
			resp.Body = io.NopCloser(bytes.NewReader(nil))
		case int64(len(b)) > cl.c.maxBody:
			cl.oversized = true
			cl.mayHaveActed = true
			resp.Body = io.NopCloser(bytes.NewReader(nil))
			err = fmt.Errorf("response body exceeds %d bytes", cl.c.maxBody)
			cl.lastErr = err
			cl.logAttempt(err)
			return false, err
		default:
			cl.complete = true
			cl.body = b
			resp.Body = io.NopCloser(bytes.NewReader(b))
		}
	} else if resp != nil {
		// net/http returns a response with an error only for redirect
		// failures; the error wins.
		_ = resp.Body.Close()
	}

	if cl.complete {
		if resp.StatusCode >= 500 {
			// A gateway may answer 5xx after the backend acted.
			cl.mayHaveActed = true
		}
		cl.logAttempt(nil)
		if !cl.retryAnswer(resp) {
			return false, nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return false, ctxErr
		}
		return true, nil
	}

	cl.lastErr = cl.c.sanitize(err)
	if sent {
		cl.mayHaveActed = true
	}
	cl.logAttempt(cl.lastErr)
	if ctxErr := ctx.Err(); ctxErr != nil {
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

// backoff is retryablehttp's Backoff; it logs the retry it is about to wait for.
func (cl *call) backoff(min, max time.Duration, attemptNum int, resp *http.Response) time.Duration {
	d := computeBackoff(min, max, attemptNum, resp, cl.c.maxRetryAfter, cl.c.now(), jitter)
	if !cl.c.log.Enabled(cl.ctx, slog.LevelWarn) {
		return d
	}
	attrs := cl.attrs(slog.Duration("wait", d))
	if cl.lastErr != nil {
		attrs = append(attrs, slog.String("error", cl.lastErr.Error()))
	}
	cl.c.log.LogAttrs(cl.ctx, slog.LevelWarn, "payments http: retrying", attrs...)
	return d
}

// errorHandler is retryablehttp's ErrorHandler: it hands back the last
// complete answer (a 429 or 5xx when retries ran out) instead of a "giving
// up" error, and the failure otherwise.
func (cl *call) errorHandler(resp *http.Response, err error, _ int) (*http.Response, error) {
	if resp != nil && cl.complete && err == nil {
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
		slog.String("path", cl.path),
		slog.Int("attempt", cl.attempts),
		slog.Int("status", cl.status),
		slog.Duration("duration", time.Since(cl.start)),
	)
	return append(a, extra...)
}

func (cl *call) logAttempt(err error) {
	if !cl.c.log.Enabled(cl.ctx, slog.LevelDebug) {
		return
	}
	attrs := cl.attrs(slog.String("retry", cl.req.Retry.String()))
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	cl.c.log.LogAttrs(cl.ctx, slog.LevelDebug, "payments http: attempt", attrs...)
}

// readCapped reads at most limit+1 bytes, so the caller can tell a body that
// fits from one that is too long without holding all of it, and closes body.
func readCapped(body io.ReadCloser, limit int64) ([]byte, error) {
	defer body.Close()
	n := limit
	if n < math.MaxInt64 {
		n++
	}
	return io.ReadAll(io.LimitReader(body, n))
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
	var a *ambiguity
	if errors.As(err, &a) {
		return true
	}
	return payments.CodeOf(err) == payments.CodeOutcomeUnknown
}
