package transport

import (
	"context"
	"net/http"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
)

func TestUserAgent(t *testing.T) {
	srv := newScriptServer(t, step{status: 200})
	lib := "regionpay-payments/" + payments.Version + " " + runtime.Version()

	cfg := testConfig(srv.URL)
	plain := newTestClient(t, cfg)
	opts, err := FromOptions("testpay", srv.URL, payments.HTTPOptions{AppInfo: &payments.AppInfo{Name: "shop", Version: "2.3", URL: "https://shop.example"}})
	require.NoError(t, err)
	withApp := newTestClient(t, opts)

	ctx := context.Background()
	_, err = plain.Do(ctx, &Request{Op: payments.OpStatus, Method: "GET", Path: "/a"})
	require.NoError(t, err)
	_, err = withApp.Do(ctx, &Request{Op: payments.OpStatus, Method: "GET", Path: "/b"})
	require.NoError(t, err)
	_, err = withApp.Do(ctx, &Request{Op: payments.OpStatus, Method: "GET", Path: "/c", Header: http.Header{"User-Agent": {"caller/1"}}})
	require.NoError(t, err)

	srv.mu.Lock()
	defer srv.mu.Unlock()
	require.Len(t, srv.hits, 3)
	assert.Equal(t, lib, srv.hits[0].header.Get("User-Agent"), "the library's name and version, never Go-http-client")
	assert.Equal(t, lib+" shop/2.3 (+https://shop.example)", srv.hits[1].header.Get("User-Agent"))
	assert.Equal(t, "caller/1", srv.hits[2].header.Get("User-Agent"), "a request's own User-Agent is kept")
}

func TestAppInfoRefused(t *testing.T) {
	cases := map[string]payments.AppInfo{
		"AppInfo.Name is empty":     {Version: "1"},
		`AppInfo.Name holds '\n'`:   {Name: "shop\nX-Evil: 1"},
		`AppInfo.Version holds ' '`: {Name: "shop", Version: "1 2"},
		`AppInfo.URL holds ')'`:     {Name: "shop", URL: "https://x)"},
	}
	for want, info := range cases {
		_, err := FromOptions("testpay", "https://example.invalid", payments.HTTPOptions{AppInfo: &info})
		if assert.Error(t, err, want) {
			assert.Contains(t, err.Error(), want)
			var pe *payments.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "AppInfo", pe.Field)
		}
	}
}

// TestDoReportsCallStats: a call whose context carries driver.CallStats
// learns the attempts, retries and last status of each request.
func TestDoReportsCallStats(t *testing.T) {
	srv := newScriptServer(t, step{status: 503}, step{status: 503}, step{status: 200})
	c := newTestClient(t, testConfig(srv.URL))
	ctx, stats := driver.WithCallStats(context.Background())
	_, err := c.Do(ctx, &Request{Op: payments.OpStatus, Method: "GET", Path: "/a", Retry: RetrySafe})
	require.NoError(t, err)
	_, err = c.Do(ctx, &Request{Op: payments.OpStatus, Method: "GET", Path: "/a", Retry: RetrySafe})
	require.NoError(t, err)
	assert.Equal(t, 4, stats.Attempts())
	assert.Equal(t, 2, stats.Retries())
	assert.Equal(t, 200, stats.HTTPStatus())
}
