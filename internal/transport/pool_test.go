package transport

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/connserver"
)

// connServer answers status reads. Every tenth request of a failing server
// is answered 503, and a request for /503 always is; the others pass its
// gate (connserver.Gate) first.
type connServer struct {
	*connserver.Server
	requests atomic.Int64
}

func newConnServer(t *testing.T, failing bool, gate int) *connServer {
	t.Helper()
	s := &connServer{}
	g := connserver.NewGate(gate)
	s.Server = connserver.Start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := s.requests.Add(1)
		switch {
		case r.URL.Path == "/503":
			w.WriteHeader(http.StatusServiceUnavailable)
		case !g.Hold(r.Context()):
		case failing && n%10 == 0:
			http.Error(w, `{"status":"fail"}`, http.StatusServiceUnavailable)
		default:
			_, _ = w.Write([]byte(`{"status":"success"}`))
		}
	}))
	return s
}

func statusRequest() *Request {
	return &Request{Op: payments.OpStatus, Method: http.MethodGet, Path: "/v1/orders/1", Retry: RetrySafe}
}

// round makes n concurrent status calls and returns the new connections the
// server accepted meanwhile.
func round(t *testing.T, c *Client, s *connServer, n int) int64 {
	t.Helper()
	return s.Round(t, n, func() error {
		_, err := c.Do(context.Background(), statusRequest())
		return err
	})
}

// TestFailedCallKeepsPool is the partial outage: 100 rounds of nine good
// reads and one answered 503 that fails its call (no retries left). A
// failed call must not close the idle connections of the pool, so the
// whole run needs the one connection it started with.
func TestFailedCallKeepsPool(t *testing.T) {
	s := newConnServer(t, true, 0)
	cfg := testConfig(s.URL)
	cfg.MaxRetries = -1
	c := newTestClient(t, cfg)
	failed := 0
	for i := 0; i < 1000; i++ {
		resp, err := c.Do(context.Background(), statusRequest())
		require.NoError(t, err)
		if resp.StatusCode == http.StatusServiceUnavailable {
			failed++
		}
	}
	require.Equal(t, 100, failed, "every tenth call gets the 503")

	t.Logf("connections opened over 100 rounds: %d", s.Conns())
	assert.LessOrEqual(t, s.Conns(), int64(2), "connections opened over 100 rounds with one failed call each")
}

// TestFailedCallKeepsOtherIdleConnections fills the pool with 16 idle
// connections, fails a call, and checks the next 16 concurrent calls find
// all of them.
func TestFailedCallKeepsOtherIdleConnections(t *testing.T) {
	s := newConnServer(t, false, 16)
	cfg := testConfig(s.URL)
	cfg.MaxRetries = -1
	c := newTestClient(t, cfg)
	require.Equal(t, int64(16), round(t, c, s, 16))

	bad := &Request{Op: payments.OpStatus, Method: http.MethodGet, Path: "/503", Retry: RetrySafe}
	resp, err := c.Do(context.Background(), bad)
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "the call failed with no retry left")

	assert.Equal(t, int64(0), round(t, c, s, 16), "new connections after the failed call")
}

// TestPoolServesConcurrentCallers checks the pool is sized for concurrency:
// after a round of 64 concurrent calls, the next round finds a connection
// for each in the pool; a pool made smaller through MaxIdleConns keeps only
// that many, and Close empties it.
func TestPoolServesConcurrentCallers(t *testing.T) {
	const callers = 64
	t.Run("default", func(t *testing.T) {
		s := newConnServer(t, false, callers)
		c := newTestClient(t, testConfig(s.URL))
		require.Equal(t, int64(callers), round(t, c, s, callers))
		assert.Equal(t, int64(0), round(t, c, s, callers), "new connections in the second round")
		c.Close()
		assert.Equal(t, int64(callers), round(t, c, s, callers), "Close empties the pool")
	})
	t.Run("MaxIdleConns", func(t *testing.T) {
		s := newConnServer(t, false, callers)
		cfg := testConfig(s.URL)
		cfg.MaxIdleConns = 4
		c := newTestClient(t, cfg)
		require.Equal(t, int64(callers), round(t, c, s, callers))
		assert.Equal(t, int64(callers-4), round(t, c, s, callers), "new connections in the second round")
	})
	t.Run("negative MaxIdleConns refused", func(t *testing.T) {
		_, err := New(Config{BaseURL: "https://pay.example", MaxIdleConns: -1})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "MaxIdleConns must not be negative")
	})
}
