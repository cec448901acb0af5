package transport

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/regionpay/payments"
)

// countingConn counts the writes a connection makes.
type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// TestBodySentWithHeaders: a request's headers and body leave in one write,
// on the first attempt and on a retry. net/http sends them in two (the
// headers flushed alone) for a body it does not know to be in memory, which
// costs the server an extra wake-up on every write call.
func TestBodySentWithHeaders(t *testing.T) {
	srv := newScriptServer(t, step{status: 503}, step{status: 200, body: `{}`})
	var writes atomic.Int64
	dialer := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: conn, writes: &writes}, nil
	}}}
	cfg := testConfig(srv.URL)
	cfg.HTTPClient = hc
	c := newTestClient(t, cfg)
	body := []byte(`{"externalOperationId":"k-1","amount":"10.00"}`)
	resp, err := c.Do(context.Background(), &Request{Op: payments.OpCapture, Method: http.MethodPost, Path: "/capture", Body: body, Retry: RetrySafe})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Attempts != 2 {
		t.Fatalf("attempts = %d; want the 503 retried once", resp.Attempts)
	}
	if got := writes.Load(); got != 2 {
		t.Errorf("2 attempts took %d writes; want one each, headers and body together", got)
	}
	for i, h := range srv.hits {
		if string(h.body) != string(body) {
			t.Errorf("attempt %d sent body %q; want %q", i, h.body, body)
		}
	}
}
