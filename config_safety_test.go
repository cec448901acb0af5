package payments_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
)

// Open asked a nil context for its error and panicked; bad input is an error.
func TestOpenRefusesNilContext(t *testing.T) {
	cfgRegisterFakes()
	cfg, err := payments.ParseConfig([]byte(`{"regions": {"ru": {"provider": "fakepay"}}}`))
	require.NoError(t, err)
	var ctx context.Context // nil, as a caller that forgot one passes it
	regions, err := payments.Open(ctx, cfg, nil)
	assert.Nil(t, regions)
	require.Error(t, err)
	var ce *payments.ConfigError
	require.True(t, errors.As(err, &ce), "%T", err)
	assert.Contains(t, err.Error(), "nil context")
}

// A RegionConfig built or changed in code is printed before Validate ever
// sees it (a log line of the config that failed to open). Its base URL's
// password was hidden but a key in the query or fragment was printed.
func TestRegionConfigStringHidesBaseURLQuery(t *testing.T) {
	rc := &payments.RegionConfig{Provider: "fakepay", BaseURL: "https://proxy.example/api?api_key=" + cfgLeakedKey + "#" + cfgLeakedKey}
	cfg := payments.Config{Regions: map[string]*payments.RegionConfig{"ru": rc}}
	for _, s := range []string{
		rc.String(), fmt.Sprintf("%v", rc), fmt.Sprintf("%+v", *rc), fmt.Sprintf("%#v", *rc),
		cfg.String(), fmt.Sprintf("%v", cfg), fmt.Sprintf("%#v", cfg),
	} {
		assert.NotContains(t, s, cfgLeakedKey)
		assert.Contains(t, s, "https://proxy.example/api?[redacted]")
	}
	err := cfg.Validate()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), cfgLeakedKey)
	assert.Contains(t, err.Error(), `field "base_url": must not have a query or fragment`)
}

// FuzzParseConfig feeds arbitrary bytes to the config parser: it never
// panics, every refusal is a *ConfigError with a message, and an accepted
// config validates and prints.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		`{"default_region":"ru","regions":{"ru":{"provider":"rustore","key_id":"1","private_key_file":"k","app_id":1}}}`,
		`{"regions":{"ru-web":{"provider":"yandexpay","sandbox":true,"api_key":"${YP}","base_url":"http://127.0.0.1:1/x"}}}`,
		`{"regions":{"a":{"provider":"x"},"a":{}}}`,
		`{"regions":{"a":{"provider":"x","base_url":"http://user:pw@example.com?k=v"}}}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`,
		`{"regions":{}} trailing`,
		"{\"regions\":{\"\xff\":{\"provider\":\"x\"}}}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := payments.ParseConfig(data)
		if err != nil {
			var ce *payments.ConfigError
			require.True(t, errors.As(err, &ce), "%T: %v", err, err)
			require.NotEmpty(t, ce.Msg)
			require.NotEmpty(t, err.Error())
			return
		}
		require.NoError(t, cfg.Validate())
		require.NotEmpty(t, cfg.String())
	})
}

// A secret pasted in place of a field name was printed by String (and
// named by Open's "unknown field" error): only its length shows now.
func TestRegionConfigStringHidesSecretLikeFieldNames(t *testing.T) {
	cfg, err := payments.ParseConfig([]byte(`{"regions": {"ru": {"provider": "fakepay", "api_key": "${K}", "` + cfgLeakedKey + `": "x"}}}`))
	require.NoError(t, err)
	for _, s := range []string{cfg.String(), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), cfg.Regions["ru"].String()} {
		assert.NotContains(t, s, cfgLeakedKey)
		assert.Contains(t, s, "api_key", "a plain field name is still shown")
	}
}
