// Package connserver is the loopback test server of the connection-pool
// tests: it counts the connections it accepts, and its Gate holds requests
// until a number of them are in flight together, so that a round of that
// many concurrent calls needs that many connections at once. The transport's
// pool tests, the adapters' and the benchmarks' canned servers share it.
package connserver

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// Server is a started httptest.Server that counts accepted connections.
type Server struct {
	*httptest.Server
	conns atomic.Int64
}

// Start starts a loopback server answering with h, closed when the test ends.
func Start(tb testing.TB, h http.Handler) *Server {
	tb.Helper()
	s := &Server{Server: httptest.NewUnstartedServer(h)}
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

// Conns is how many connections the server has accepted.
func (s *Server) Conns() int64 { return s.conns.Load() }

// Round makes n concurrent calls of call and returns the connections the
// server accepted meanwhile; any call's error fails the test.
func (s *Server) Round(tb testing.TB, n int, call func() error) int64 {
	tb.Helper()
	before := s.Conns()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- call()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			tb.Fatalf("a call of the round failed: %v", err)
		}
	}
	return s.Conns() - before
}

// Gate holds each request until n are waiting, then lets them all go. A
// zero Gate, or one of n <= 0, never waits.
type Gate struct {
	n int

	mu      sync.Mutex
	waiting int
	release chan struct{}
}

// NewGate returns a gate for n requests at a time.
func NewGate(n int) *Gate { return &Gate{n: n, release: make(chan struct{})} }

// Hold waits until the gate opens, and reports false when ctx (the
// request's) ends first.
func (g *Gate) Hold(ctx context.Context) bool {
	if g == nil || g.n <= 0 {
		return true
	}
	g.mu.Lock()
	g.waiting++
	release := g.release
	if g.waiting == g.n {
		close(g.release)
		g.waiting, g.release = 0, make(chan struct{})
	}
	g.mu.Unlock()
	select {
	case <-release:
		return true
	case <-ctx.Done():
		return false
	}
}
