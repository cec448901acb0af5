package transport

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// step is what the test server does for one hit.
type step struct {
	status   int
	header   map[string]string
	body     string
	reset    bool // read the request, then reset the connection without answering
	truncate bool // promise a longer body than is sent, then close
	hold     bool // read the request, then answer only when the client gives up
}

// hit is one request as the server saw it.
type hit struct {
	method string
	path   string
	query  string
	header http.Header
	body   []byte
}

// scriptServer plays its steps in order, repeating the last one, and records
// every request.
type scriptServer struct {
	*httptest.Server
	mu    sync.Mutex
	steps []step
	hits  []hit
	held  chan struct{} // receives once per hold step reached
}

func newScriptServer(t testing.TB, steps ...step) *scriptServer {
	t.Helper()
	s := &scriptServer{steps: steps, held: make(chan struct{}, 16)}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *scriptServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.hits = append(s.hits, hit{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.RawQuery, header: r.Header.Clone(), body: body})
	st := step{status: http.StatusOK}
	if n := len(s.hits); len(s.steps) > 0 {
		st = s.steps[min(n, len(s.steps))-1]
	}
	s.mu.Unlock()
	switch {
	case st.hold:
		s.held <- struct{}{}
		<-r.Context().Done()
	case st.reset:
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // RST instead of FIN: a connection reset after the request was read
		}
		_ = conn.Close()
	case st.truncate:
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"status\":")
		_ = buf.Flush()
		_ = conn.Close()
	default:
		for k, v := range st.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(st.status)
		_, _ = io.WriteString(w, st.body)
	}
}

func (s *scriptServer) Hits() []hit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]hit(nil), s.hits...)
}

// testConfig has waits short enough that retries cost nothing.
func testConfig(baseURL string) Config {
	return Config{
		Provider:     "testpay",
		BaseURL:      baseURL,
		MaxRetries:   3,
		RetryWaitMin: time.Millisecond,
		RetryWaitMax: 5 * time.Millisecond,
	}
}

func newTestClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c
}

// refusedAddr returns a loopback address nothing listens on: a listener that
// was opened and closed.
func refusedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// refusingTransport dials a dead address for the first refusals dials, then
// the real one, counting dials.
func refusingTransport(t *testing.T, refusals int) (*http.Transport, func() int) {
	dead := refusedAddr(t)
	var mu sync.Mutex
	dials := 0
	d := &net.Dialer{Timeout: 10 * time.Second}
	tr := &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			mu.Lock()
			dials++
			n := dials
			mu.Unlock()
			if n <= refusals {
				addr = dead
			}
			return d.DialContext(ctx, network, addr)
		},
	}
	return tr, func() int {
		mu.Lock()
		defer mu.Unlock()
		return dials
	}
}
