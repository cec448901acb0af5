package yandexpay_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// TestUserAgentThroughOpen: the app named in OpenOptions.AppInfo reaches
// the provider in every request's User-Agent, after the library's name.
func TestUserAgentThroughOpen(t *testing.T) {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()
	o := srv.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 100})
	cfg, err := payments.ParseConfig([]byte(`{"regions": {"web": {"provider": "yandexpay", "base_url": "` + srv.BaseURL() + `", "api_key": "${UA_TEST_KEY}"}}}`))
	require.NoError(t, err)
	regions, err := payments.Open(context.Background(), cfg, &payments.OpenOptions{
		Getenv:  func(string) string { return srv.APIKey() },
		AppInfo: &payments.AppInfo{Name: "shop", Version: "2.3"},
	})
	require.NoError(t, err)
	defer regions.Close()
	_, err = regions.Default().Status(context.Background(), payments.Ref{ID: o.OrderID})
	require.NoError(t, err)

	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	ua := reqs[len(reqs)-1].Header.Get("User-Agent")
	assert.True(t, strings.HasPrefix(ua, "regionpay-payments/"+payments.Version+" "), ua)
	assert.True(t, strings.HasSuffix(ua, " shop/2.3"), ua)
}
