package transport

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
)

// TestFixedHeaderSentOnEveryAttempt: a fixed header travels as it was fixed,
// with the User-Agent added once, on every attempt of every call, alongside
// the attempt header and a body's Content-Type.
func TestFixedHeaderSentOnEveryAttempt(t *testing.T) {
	srv := newScriptServer(t, step{status: http.StatusServiceUnavailable}, step{status: http.StatusOK, body: `{}`})
	cfg := testConfig(srv.URL)
	cfg.UserAgent = "fixed-test/1"
	cfg.AttemptHeader = "X-Attempt"
	c := newTestClient(t, cfg)
	h, err := c.FixHeader("status", http.Header{"Public-Token": {"tok-1"}})
	require.NoError(t, err)

	resp, err := c.Do(context.Background(), &Request{Op: "status", Method: http.MethodPost, Path: "/p", Fixed: h, Body: []byte(`{}`), Retry: RetrySafe})
	require.NoError(t, err)
	require.Equal(t, 2, resp.Attempts)
	_, err = c.Do(context.Background(), &Request{Op: "status", Method: http.MethodGet, Path: "/p", Fixed: h, Retry: RetrySafe})
	require.NoError(t, err)

	hits := srv.Hits()
	require.Len(t, hits, 3)
	for i, want := range []struct{ attempt, contentType string }{{"0", "application/json"}, {"1", "application/json"}, {"0", ""}} {
		got := hits[i].header
		require.Equal(t, "tok-1", got.Get("Public-Token"), "hit %d", i)
		require.Equal(t, "fixed-test/1", got.Get("User-Agent"), "hit %d", i)
		require.Equal(t, want.attempt, got.Get("X-Attempt"), "hit %d", i)
		require.Equal(t, want.contentType, got.Get("Content-Type"), "hit %d", i)
	}
	// The fixed map itself is never added to: a later call must not send an
	// earlier call's attempt number or Content-Type.
	require.Equal(t, http.Header{"Public-Token": {"tok-1"}, "User-Agent": {"fixed-test/1"}}, h.h)
}

// TestFixHeaderRefusesWhatDoRefuses: a header Do would refuse is refused when
// it is fixed, by name and never by value; a request cannot carry both kinds.
func TestFixHeaderRefusesWhatDoRefuses(t *testing.T) {
	c := newTestClient(t, testConfig("http://127.0.0.1:9"))
	for name, h := range map[string]http.Header{
		"control character": {"Public-Token": {"secret-tok\r\nX-Evil: 1"}},
		"bad name":          {"Public Token": {"v"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.FixHeader("status", h)
			require.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err), "%v", err)
			require.NotContains(t, err.Error(), "secret-tok")
		})
	}
	h, err := c.FixHeader("status", nil)
	require.NoError(t, err)
	for name, req := range map[string]*Request{
		"with Header":    {Op: "status", Method: http.MethodGet, Path: "/p", Fixed: h, Header: http.Header{"A": {"b"}}},
		"with OwnHeader": {Op: "status", Method: http.MethodGet, Path: "/p", Fixed: h, OwnHeader: true},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := c.Do(context.Background(), req)
			require.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err), "%v", err)
			require.Contains(t, err.Error(), "FixedHeader")
		})
	}
}

// TestEachAttemptRunsOnASharedHeader: EachAttempt runs even when the
// caller's header needs nothing else added, on a copy, never on the
// caller's map.
func TestEachAttemptRunsOnASharedHeader(t *testing.T) {
	srv := newScriptServer(t)
	c := newTestClient(t, testConfig(srv.URL))
	shared := http.Header{"User-Agent": {"own"}}
	_, err := c.Do(context.Background(), &Request{Op: "status", Method: http.MethodGet, Path: "/p", Header: shared, Retry: RetrySafe,
		EachAttempt: func(_ context.Context, h http.Header) { h.Set("X-Per-Attempt", "yes") }})
	require.NoError(t, err)
	require.Equal(t, "yes", srv.Hits()[0].header.Get("X-Per-Attempt"))
	require.Equal(t, http.Header{"User-Agent": {"own"}}, shared)
}
