// Package emukit is what every provider emulator (rustoretest,
// yandexpaytest) shares and is not the provider's: a loopback server's
// lifecycle with a silenced error log, the request log with its body cap,
// the per-payment counters of applied state changes, and the fault queue
// with its fail-loudly arming. The state machines stay in the emulators, and
// nothing here knows an adapter.
package emukit

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/internal/faultinject"
)

// MaxBody caps what an emulator reads of a request body: provider requests
// are small JSON, so anything near this is a test's mistake or an attack.
const MaxBody = 1 << 20

// Server is a running loopback HTTP server for an emulator's handler.
type Server struct {
	// URL is http://127.0.0.1:port.
	URL string

	hs        *httptest.Server
	done      chan struct{}
	closeOnce sync.Once
}

// Start serves h on 127.0.0.1. net/http's error log is silenced: it would
// print handler panics and hijack errors, which the emulators cause on
// purpose (a reset connection), and nothing an emulator handles may reach a
// log.
func Start(h http.Handler) *Server {
	hs := httptest.NewUnstartedServer(h)
	hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	hs.Start()
	return &Server{URL: hs.URL, hs: hs, done: make(chan struct{})}
}

// Done is closed by Close, so that requests a fault holds end then.
func (s *Server) Done() <-chan struct{} { return s.done }

// Client returns an http.Client for the server (no proxy, loopback only).
func (s *Server) Client() *http.Client { return s.hs.Client() }

// Close ends held requests, drops open connections and stops the server.
// Later calls do nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.hs.CloseClientConnections()
		s.hs.Close()
	})
}

// Request is one HTTP request an emulator received, recorded for tests'
// assertions.
type Request struct {
	// Method is the HTTP method.
	Method string
	// Path is the escaped path exactly as received, without the query.
	Path string
	// RawQuery is the query as received.
	RawQuery string
	// Header is a copy of the request headers, credentials included: keep
	// it out of logs (String leaves it out).
	Header http.Header
	// Body is what was read of the body, at most MaxBody bytes.
	Body []byte
}

// String names the request without its headers or body, so printing one
// never shows a credential.
func (r Request) String() string { return r.Method + " " + r.Path }

// GoString keeps %#v from printing the headers (Api-Key, Public-Token) and
// the body (RuStore's auth signature).
func (r Request) GoString() string { return "emukit.Request{" + r.String() + "}" }

// Format prints String for every other verb too (%+v, %x, %d...), which fmt
// would otherwise answer by printing the fields, credentials included.
func (r Request) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(r.GoString()))
		return
	}
	_, _ = f.Write([]byte(r.String()))
}

// Log records the requests an emulator receives. The zero value is ready;
// it is safe for concurrent use.
type Log struct {
	mu   sync.Mutex
	reqs []Request
}

// Read reads r's body up to MaxBody and records the request. ok is false
// when the body could not be read whole or is larger than MaxBody: the
// emulator then answers with its provider's refusal.
func (l *Log) Read(r *http.Request) (body []byte, ok bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	ok = err == nil && len(body) <= MaxBody
	if len(body) > MaxBody {
		body = body[:MaxBody]
	}
	l.mu.Lock()
	l.reqs = append(l.reqs, Request{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
		Header: r.Header.Clone(), Body: body})
	l.mu.Unlock()
	return body, ok
}

// Requests returns copies of every request recorded so far, oldest first.
func (l *Log) Requests() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Request, len(l.reqs))
	for i, r := range l.reqs {
		r.Header = r.Header.Clone()
		r.Body = append([]byte(nil), r.Body...)
		out[i] = r
	}
	return out
}

// Counter counts the state changes an emulator applied, per payment and
// action, so tests can assert that a write acted exactly once. The zero
// value is ready; it is safe for concurrent use.
type Counter struct {
	mu sync.Mutex
	n  map[[2]string]int
}

// Add counts one change of action applied to the payment id.
func (c *Counter) Add(id, action string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[[2]string]int{}
	}
	c.n[[2]string{id, action}]++
}

// Count returns how many changes of action were applied to the payment id.
func (c *Counter) Count(id, action string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[[2]string{id, action}]
}

// MustArm arms f on in, or panics with the reason, as httptest does on a
// setup failure: a fault aimed at a mistyped action must fail the test that
// armed it, not arm nothing and let the test pass.
func MustArm(in *faultinject.Injector, f fault.Fault) {
	if err := in.Arm(f); err != nil {
		panic(fmt.Sprintf("InjectFault: %v", err))
	}
}
