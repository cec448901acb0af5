package payments_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
)

// TestOpenOnly: a tool that acts on one region opens only that one, so a
// secret missing for another region does not stop it; an app that opens
// every region still has the whole config checked at start-up.
func TestOpenOnly(t *testing.T) {
	cfgRegisterFakes()
	cfg, err := payments.ParseConfig([]byte(`{"default_region": "web", "regions": {
		"ru": {"provider": "fakebare"},
		"web": {"provider": "fakepay", "api_key": "${ONLY_TEST_UNSET_KEY}"}}}`))
	require.NoError(t, err)
	env := cfgMapEnv(nil)

	_, err = payments.Open(context.Background(), cfg, &payments.OpenOptions{Getenv: env})
	require.Error(t, err, "opening every region checks every secret")
	assert.Contains(t, err.Error(), `region "web": field "api_key": environment variable ONLY_TEST_UNSET_KEY is not set or empty`)

	regions, err := payments.Open(context.Background(), cfg, &payments.OpenOptions{Getenv: env, Only: []string{"ru", "ru"}})
	require.NoError(t, err, "the region in use opens although another lacks its secret")
	defer regions.Close()
	p, err := regions.Provider("ru")
	require.NoError(t, err)
	assert.Equal(t, "fakebare", p.Name())
	_, err = regions.Provider("web")
	require.Error(t, err)
	assert.Equal(t, `config: region "web": not opened: OpenOptions.Only left it out`, err.Error())
	assert.Nil(t, regions.Default(), "the default region was left out")
	assert.Equal(t, []string{"ru", "web"}, regions.Names(), "Names lists the config, opened or not")
	assert.Equal(t, "web", cfg.DefaultName())

	_, err = payments.Open(context.Background(), cfg, &payments.OpenOptions{Getenv: env, Only: []string{"kz"}})
	require.Error(t, err)
	assert.Equal(t, `config: region "kz": unknown region (configured: ru, web)`, err.Error())
}

func TestConfigDefaultName(t *testing.T) {
	one, err := payments.ParseConfig([]byte(`{"regions": {"only": {"provider": "fakebare"}}}`))
	require.NoError(t, err)
	assert.Equal(t, "only", one.DefaultName(), "a config with one region needs no default_region")
}
