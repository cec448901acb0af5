package payments_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/regionpay/payments"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cfgLeakedKey is a recognisable credential; no output may ever contain it.
const cfgLeakedKey = "sk_live_LEAK_0123456789abcdef"

func TestParseConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		json string
		want string
	}{
		{"empty", "  \n", "config: empty config: expected a JSON object"},
		{"not an object", `["ru"]`, "config: the config must be a JSON object"},
		{"syntax error with position", "{\n  \"regions\": {\n    \"ru\": {\"provider\": \"fakepay\",}\n  }\n}",
			`config: line 3, column 34: malformed JSON: invalid character '}' looking for beginning of object key string`},
		{"missing comma", "{\"regions\": {\"ru\": {\"provider\": \"fakepay\" \"sandbox\": true}}}",
			`config: line 1, column 43: malformed JSON: invalid character '"' after object key:value pair`},
		{"truncated", "{\"regions\": {\"ru\": {\"provider\": \"fakepay\"", "config: line 1, column 42: malformed JSON: unexpected end of input"},
		{"trailing data", `{"regions": {"ru": {"provider": "fakepay"}}} {}`, "config: line 1, column 46: unexpected data after the config object"},
		{"unknown top-level field", `{"region": {}}`, `config: field "region": unknown field (known: default_region, regions)`},
		{"unknown top-level field named like a secret", `{"AQVN1Hx-SeCrEt_key99": 1, "regions": {"ru": {"provider": "fakepay"}}}`,
			`config: field "[name hidden: 20 bytes, not a plain lower-case field name; it may be a secret]": unknown field (known: default_region, regions)`},
		{"default_region not a string", `{"default_region": 1, "regions": {"ru": {"provider": "fakepay"}}}`, `config: field "default_region": must be a string, got a JSON number`},
		{"regions not an object", `{"regions": ["ru"]}`, `config: field "regions": must be an object mapping region names to settings, got a JSON array`},
		{"no regions", `{"regions": {}}`, `config: field "regions": no regions configured: add at least one under "regions"`},
		{"regions absent", `{}`, `config: field "regions": no regions configured: add at least one under "regions"`},
		{"region not an object", `{"regions": {"ru": "fakepay"}}`, `config: region "ru": must be an object of settings, got a JSON string`},
		{"bad region name", `{"regions": {"r u": {"provider": "fakepay"}}}`, `config: region "r u": region names may use only letters, digits, '-', '_' and '.', found ' '`},
		{"empty region name", `{"regions": {"": {"provider": "fakepay"}}}`, `config: empty region name`},
		{"missing provider", `{"regions": {"ru": {"sandbox": true}}}`, `config: region "ru": field "provider": missing: name the adapter, e.g. "rustore" or "yandexpay"`},
		{"provider not a string", `{"regions": {"ru": {"provider": ["fakepay"]}}}`, `config: region "ru": field "provider": must be a string, got a JSON array`},
		{"sandbox not a bool", `{"regions": {"ru": {"provider": "fakepay", "sandbox": "yes"}}}`, `config: region "ru": field "sandbox": must be true or false, got a JSON string`},
		{"base_url plain http", `{"regions": {"ru": {"provider": "fakepay", "base_url": "http://pay.example.com/api"}}}`,
			`config: region "ru": field "base_url": plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost), got host "pay.example.com": use https`},
		{"base_url http to a LAN address", `{"regions": {"ru": {"provider": "fakepay", "base_url": "http://10.0.0.1:8080"}}}`,
			`config: region "ru": field "base_url": plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost), got host "10.0.0.1": use https`},
		{"base_url other scheme", `{"regions": {"ru": {"provider": "fakepay", "base_url": "ftp://127.0.0.1/"}}}`, `config: region "ru": field "base_url": scheme "ftp" is not allowed: use https`},
		{"base_url relative", `{"regions": {"ru": {"provider": "fakepay", "base_url": "/api"}}}`, `config: region "ru": field "base_url": has no scheme: must be an absolute URL like https://host/path`},
		{"base_url with credentials", `{"regions": {"ru": {"provider": "fakepay", "base_url": "https://user:` + cfgLeakedKey + `@pay.example.com"}}}`, `config: region "ru": field "base_url": must not carry a user name or password`},
		{"base_url with query", `{"regions": {"ru": {"provider": "fakepay", "base_url": "https://pay.example.com/?key=1"}}}`, `config: region "ru": field "base_url": must not have a query or fragment`},
		{"base_url unparsable", `{"regions": {"ru": {"provider": "fakepay", "base_url": "https://[::1"}}}`, `config: region "ru": field "base_url": not a valid URL`},
		{"unknown default_region", `{"default_region": "kz", "regions": {"ru": {"provider": "fakepay"}, "by": {"provider": "fakepay"}}}`, `config: field "default_region": "kz" is not a configured region (regions: by, ru)`},
		{"default_region needed", `{"regions": {"ru": {"provider": "fakepay"}, "by": {"provider": "fakepay"}}}`, `config: field "default_region": missing: required when there is more than one region (regions: by, ru)`},
		{"duplicate region", "{\"regions\": {\"ru\": {\"provider\": \"fakepay\"},\n \"ru\": {}}}", `config: line 2, column 2: region "ru": region appears twice`},
		{"duplicate field", `{"regions": {"ru": {"provider": "fakepay", "key_id": "a", "key_id": "b"}}}`, `config: line 1, column 59: region "ru": field "key_id": appears twice`},
		{"duplicate top-level field", `{"default_region": "ru", "default_region": "ru", "regions": {}}`, `config: line 1, column 26: field "default_region": appears twice`},
		{"duplicate nested key", `{"regions": {"ru": {"provider": "fakepay", "extra": {"a": 1, "a": 2}}}}`, `config: line 1, column 62: key "a" appears twice in regions.ru.extra`},
		{"too deep", `{"regions": {"ru": {"provider": "fakepay", "x": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}}`, `config: line 1, column 111: nested deeper than 64 levels`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := payments.ParseConfig([]byte(c.json))
			require.Error(t, err)
			assert.Nil(t, cfg)
			assert.Equal(t, c.want, err.Error())
			var ce *payments.ConfigError
			assert.True(t, errors.As(err, &ce), "want a *ConfigError, got %T", err)
			assert.NotContains(t, err.Error(), cfgLeakedKey)
		})
	}
}

func TestParseConfigAccepts(t *testing.T) {
	cases := []struct {
		name        string
		json        string
		wantDefault string
		wantRegions []string
	}{
		{"single region needs no default", `{"regions": {"ru": {"provider": "fakebare"}}}`, "ru", []string{"ru"}},
		{"explicit default", `{"default_region": "by", "regions": {"ru": {"provider": "fakebare"}, "by": {"provider": "fakebare"}}}`, "by", []string{"by", "ru"}},
		{"https base_url", `{"regions": {"ru": {"provider": "fakebare", "base_url": "https://pay.example.com/api"}}}`, "ru", []string{"ru"}},
		{"http to 127.0.0.1", `{"regions": {"ru": {"provider": "fakebare", "base_url": "http://127.0.0.1:8080"}}}`, "ru", []string{"ru"}},
		{"http to localhost", `{"regions": {"ru": {"provider": "fakebare", "base_url": "http://localhost:8080/x"}}}`, "ru", []string{"ru"}},
		{"http to ::1", `{"regions": {"ru": {"provider": "fakebare", "base_url": "http://[::1]:8080"}}}`, "ru", []string{"ru"}},
		{"names with punctuation", `{"regions": {"ru-web_2.test": {"provider": "fakebare"}}}`, "ru-web_2.test", []string{"ru-web_2.test"}},
	}
	cfgRegisterFakes()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := payments.ParseConfig([]byte(c.json))
			require.NoError(t, err)
			regions, err := payments.Open(context.Background(), cfg, nil)
			require.NoError(t, err)
			defer regions.Close()
			assert.Equal(t, c.wantDefault, regions.DefaultName())
			assert.Equal(t, c.wantRegions, regions.Names())
			def, err := regions.Provider(c.wantDefault)
			require.NoError(t, err)
			assert.Same(t, def, regions.Default())
		})
	}
}

// cfgOpenCase describes one Open run: a region's extra fields and the world it sees.
type cfgOpenCase struct {
	name     string
	provider string
	fields   string                 // JSON members after "provider", e.g. `, "key_id": "k"`
	env      map[string]string      // what Getenv sees
	files    map[string]string      // files written into the config's directory
	modes    map[string]os.FileMode // their modes, where not 0600
	want     string
}

func TestOpenErrors(t *testing.T) {
	cfgRegisterFakes()
	okKey := `, "api_key": "${FAKE_KEY}"`
	okEnv := map[string]string{"FAKE_KEY": cfgLeakedKey}
	cases := []cfgOpenCase{
		{name: "unknown provider", provider: "stripe", want: `region "ru": field "provider": "stripe" is not a registered provider (registered: ` +
			strings.Join(payments.Adapters(), ", ") + `); import the adapter's package, e.g. _ "github.com/regionpay/payments/rustore"`},
		{name: "unknown field", fields: okKey + `, "colour": "blue"`, env: okEnv,
			want: `region "ru": field "colour": unknown field for provider fakepay (known: provider, sandbox, base_url, api_key, api_key_file, app_id, key_id, live, timeout)`},
		// A secret pasted in place of a field name is not echoed (issue 7, item 5).
		{name: "unknown field named like a secret", fields: okKey + `, "sk_live_51HxQ7Lk2eZvKYlo2C": "x"`, env: okEnv,
			want: `region "ru": field "[name hidden: 26 bytes, not a plain lower-case field name; it may be a secret]": unknown field for provider fakepay (known: provider, sandbox, base_url, api_key, api_key_file, app_id, key_id, live, timeout)`},
		{name: "misspelt secret is reported as unknown, not missing", fields: `, "api_kye": "${FAKE_KEY}"`, env: okEnv,
			want: `region "ru": field "api_kye": unknown field for provider fakepay (known: provider, sandbox, base_url, api_key, api_key_file, app_id, key_id, live, timeout)`},
		{name: "missing secret", want: `region "ru": field "api_key": missing: set api_key to "${ENV_VAR}" or api_key_file to a file path`},
		{name: "secret null is missing", fields: `, "api_key": null`, want: `region "ru": field "api_key": missing: set api_key to "${ENV_VAR}" or api_key_file to a file path`},
		{name: "env variable unset", fields: okKey, want: `region "ru": field "api_key": environment variable FAKE_KEY is not set or empty`},
		{name: "env variable blank", fields: okKey, env: map[string]string{"FAKE_KEY": " \n"}, want: `region "ru": field "api_key": environment variable FAKE_KEY is not set or empty`},
		{name: "literal secret refused", fields: `, "api_key": "` + cfgLeakedKey + `"`,
			want: `region "ru": field "api_key": must be an environment variable reference like "${API_KEY}" (the config file must not hold the secret itself); or use api_key_file`},
		{name: "malformed env reference", fields: `, "api_key": "${1BAD}"`,
			want: `region "ru": field "api_key": must be an environment variable reference like "${API_KEY}" (the config file must not hold the secret itself); or use api_key_file`},
		{name: "secret not a string", fields: `, "api_key": 42`, want: `region "ru": field "api_key": must be a string "${ENV_VAR}", got a JSON number`},
		{name: "both secret forms", fields: okKey + `, "api_key_file": "key.txt"`, env: okEnv, files: map[string]string{"key.txt": cfgLeakedKey},
			want: `region "ru": field "api_key": set either api_key or api_key_file, not both`},
		{name: "secret file missing", fields: `, "api_key_file": "absent.key"`, want: `region "ru": field "api_key_file": cannot read file {dir}/absent.key: no such file or directory`},
		{name: "secret file readable by others", fields: `, "api_key_file": "open.key"`, files: map[string]string{"open.key": cfgLeakedKey}, modes: map[string]os.FileMode{"open.key": 0o644},
			want: `region "ru": field "api_key_file": file {dir}/open.key is open to other users (mode 0644): restrict it with "chmod 600 {dir}/open.key" (or mount it with mode 0400 or 0440), as ssh requires of a private key`},
		{name: "secret file writable by everyone", fields: `, "api_key_file": "open.key"`, files: map[string]string{"open.key": cfgLeakedKey}, modes: map[string]os.FileMode{"open.key": 0o666},
			want: `region "ru": field "api_key_file": file {dir}/open.key is open to other users (mode 0666): restrict it with "chmod 600 {dir}/open.key" (or mount it with mode 0400 or 0440), as ssh requires of a private key`},
		{name: "secret file empty", fields: `, "api_key_file": "empty.key"`, files: map[string]string{"empty.key": "\n"}, want: `region "ru": field "api_key_file": file {dir}/empty.key is empty`},
		{name: "secret file path empty", fields: `, "api_key_file": ""`, want: `region "ru": field "api_key_file": empty file path`},
		{name: "secret file not a string", fields: `, "api_key_file": true`, want: `region "ru": field "api_key_file": must be a file path string, got a JSON boolean`},
		{name: "string field wrong type", fields: okKey + `, "key_id": 7`, env: okEnv, want: `region "ru": field "key_id": must be a string, got a JSON number`},
		{name: "int field wrong type", fields: okKey + `, "app_id": "1704024"`, env: okEnv, want: `region "ru": field "app_id": must be an integer, got a JSON string`},
		{name: "int field with fraction", fields: okKey + `, "app_id": 1.5`, env: okEnv, want: `region "ru": field "app_id": must be an integer, got a number with a fraction or exponent`},
		{name: "int field overflow", fields: okKey + `, "app_id": 92233720368547758070`, env: okEnv, want: `region "ru": field "app_id": integer out of range`},
		{name: "adapter check on a field", fields: okKey + `, "app_id": -3`, env: okEnv, want: `region "ru": field "app_id": must be positive, got -3`},
		{name: "bool field wrong type", fields: okKey + `, "live": "true"`, env: okEnv, want: `region "ru": field "live": must be true or false, got a JSON string`},
		{name: "duration not a string", fields: okKey + `, "timeout": 15`, env: okEnv, want: `region "ru": field "timeout": must be a duration string like "15s", got a JSON number`},
		{name: "duration unparsable", fields: okKey + `, "timeout": "15 seconds"`, env: okEnv, want: `region "ru": field "timeout": must be a duration like "15s" or "1m30s", got "15 seconds"`},
		{name: "duration negative", fields: okKey + `, "timeout": "-1s"`, env: okEnv, want: `region "ru": field "timeout": must not be negative, got -1s`},
		{name: "adapter error gets the region", provider: "fakeerr", want: `region "ru": fakeerr refuses region ru`},
		{name: "adapter returns nothing", provider: "fakenil", want: `region "ru": provider fakenil returned no Provider and no error`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := cfgLoadCase(t, dir, c)
			regions, err := payments.Open(context.Background(), cfg, &payments.OpenOptions{Getenv: cfgMapEnv(c.env)})
			require.Error(t, err)
			assert.Nil(t, regions)
			want := "config " + filepath.Join(dir, "payments.json") + ": " + strings.ReplaceAll(c.want, "{dir}", dir)
			// Open errors do not know the file name: LoadConfig only adds it to parse errors.
			want = strings.Replace(want, "config "+filepath.Join(dir, "payments.json")+": ", "config: ", 1)
			assert.Equal(t, want, err.Error())
			var ce *payments.ConfigError
			require.True(t, errors.As(err, &ce), "want a *ConfigError, got %T", err)
			assert.Equal(t, "ru", ce.Region)
			assert.NotContains(t, err.Error(), cfgLeakedKey)
		})
	}
}

// cfgLoadCase writes the case's config and files into dir and loads it.
func cfgLoadCase(t *testing.T, dir string, c cfgOpenCase) *payments.Config {
	t.Helper()
	provider := c.provider
	if provider == "" {
		provider = "fakepay"
	}
	for name, content := range c.files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
		if mode, ok := c.modes[name]; ok {
			// Chmod, not WriteFile's mode: the umask would narrow it.
			require.NoError(t, os.Chmod(filepath.Join(dir, name), mode))
		}
	}
	path := filepath.Join(dir, "payments.json")
	body := fmt.Sprintf(`{"regions": {"ru": {"provider": %q%s}}}`, provider, c.fields)
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	cfg, err := payments.LoadConfig(path)
	require.NoError(t, err)
	return cfg
}

func cfgMapEnv(env map[string]string) func(string) string {
	return func(name string) string { return env[name] }
}

func TestOpenResolvesSettings(t *testing.T) {
	cfgRegisterFakes()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "by.key"), []byte(cfgLeakedKey+"-by\n"), 0o600))
	path := filepath.Join(dir, "payments.json")
	require.NoError(t, os.WriteFile(path, []byte(`{
		"default_region": "ru",
		"regions": {
			"ru": {"provider": "fakepay", "sandbox": true, "base_url": "http://127.0.0.1:9/api",
			       "key_id": "kid-1", "app_id": 1704024, "api_key": "${FAKE_KEY}", "timeout": "1m30s", "live": true},
			"by": {"provider": "fakepay", "api_key_file": "by.key"}
		}
	}`), 0o600))
	cfg, err := payments.LoadConfig(path)
	require.NoError(t, err)

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	regions, err := payments.Open(context.Background(), cfg, &payments.OpenOptions{
		Logger: logger,
		Getenv: cfgMapEnv(map[string]string{"FAKE_KEY": cfgLeakedKey}),
	})
	require.NoError(t, err)
	defer regions.Close()

	ru := cfgFakeOf(t, regions, "ru")
	by := cfgFakeOf(t, regions, "by")
	assert.Equal(t, cfgFakeValues{KeyID: "kid-1", AppID: 1704024, APIKey: cfgLeakedKey, Timeout: "1m30s", Live: true}, ru.values)
	assert.Equal(t, cfgFakeValues{APIKey: cfgLeakedKey + "-by", Timeout: "0s"}, by.values, "file secrets are trimmed and relative to the config")
	assert.Equal(t, "ru", ru.settings.Region)
	assert.Equal(t, "fakepay", ru.settings.Provider)
	assert.True(t, ru.settings.Sandbox)
	assert.False(t, by.settings.Sandbox)
	assert.Equal(t, "http://127.0.0.1:9/api", ru.settings.BaseURL)
	require.NotNil(t, ru.settings.HTTPClient)
	assert.NotSame(t, ru.settings.HTTPClient, by.settings.HTTPClient, "each region gets its own client")
	require.NotNil(t, ru.settings.Logger)
	ru.settings.Logger.Info("hello")
	assert.Contains(t, logs.String(), "region=ru")
}

func cfgFakeOf(t *testing.T, regions *payments.Regions, name string) *cfgFake {
	t.Helper()
	p, err := regions.Provider(name)
	require.NoError(t, err)
	fp, ok := p.(*cfgFake)
	require.True(t, ok, "region %s: got %T", name, p)
	return fp
}

func TestOpenClientOptions(t *testing.T) {
	cfgRegisterFakes()
	cfg, err := payments.ParseConfig([]byte(`{"default_region": "a", "regions": {"a": {"provider": "fakebare"}, "b": {"provider": "fakebare"}}}`))
	require.NoError(t, err)

	rt := &cfgNoNetTransport{}
	regions, err := payments.Open(context.Background(), cfg, &payments.OpenOptions{Transport: rt})
	require.NoError(t, err)
	for _, name := range []string{"a", "b"} {
		assert.Same(t, rt, cfgFakeOf(t, regions, name).settings.HTTPClient.Transport)
	}
	require.NoError(t, regions.Close())

	asked := map[string]*http.Client{}
	regions, err = payments.Open(context.Background(), cfg, &payments.OpenOptions{
		Transport: rt, // ignored: the factory wins
		HTTPClient: func(region string) *http.Client {
			c := &http.Client{}
			asked[region] = c
			return c
		},
	})
	require.NoError(t, err)
	defer regions.Close()
	require.Len(t, asked, 2)
	for name, c := range asked {
		assert.Same(t, c, cfgFakeOf(t, regions, name).settings.HTTPClient)
	}
}

type cfgNoNetTransport struct{}

func (*cfgNoNetTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no network in tests")
}

func TestRegionsProviderAndClose(t *testing.T) {
	cfgRegisterFakes()
	cfg, err := payments.ParseConfig([]byte(`{"default_region": "ru", "regions": {"ru": {"provider": "fakebare"}, "by": {"provider": "fakebare"}}}`))
	require.NoError(t, err)
	regions, err := payments.Open(context.Background(), cfg, nil)
	require.NoError(t, err)

	assert.Equal(t, []string{"by", "ru"}, regions.Names())
	assert.Equal(t, "payments.Regions{default: ru, regions: {by: fakebare, ru: fakebare}}", regions.String())
	_, err = regions.Provider("kz")
	require.Error(t, err)
	assert.Equal(t, `config: region "kz": unknown region (configured: by, ru)`, err.Error())

	// Concurrent readers, then one Close racing with them.
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, name := range []string{"ru", "by"} {
				if p, err := regions.Provider(name); err == nil {
					assert.Equal(t, "fakebare", p.Name())
				}
			}
			assert.Equal(t, "fakebare", regions.Default().Name())
		}()
	}
	ru, by := cfgFakeOf(t, regions, "ru"), cfgFakeOf(t, regions, "by")
	wg.Add(2)
	for i := 0; i < 2; i++ {
		go func() {
			defer wg.Done()
			assert.NoError(t, regions.Close())
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), ru.closed.Load(), "Close closes each provider once")
	assert.Equal(t, int32(1), by.closed.Load())
	_, err = regions.Provider("ru")
	require.Error(t, err)
	assert.Equal(t, `config: region "ru": the regions are closed`, err.Error())
	assert.NoError(t, regions.Close())
	assert.Equal(t, int32(1), ru.closed.Load())
}

// cfgCloseTracker opens fakepay providers and remembers them, to see that a
// failed Open closes what it opened.
var cfgCloseTracker struct {
	sync.Mutex
	opened []*cfgFake
}

var cfgRegisterTracked = sync.OnceFunc(func() {
	payments.Register("faketracked", func(s *payments.Settings) (payments.Provider, error) {
		p, err := cfgOpenBare(s)
		if err != nil {
			return nil, err
		}
		cfgCloseTracker.Lock()
		cfgCloseTracker.opened = append(cfgCloseTracker.opened, p.(*cfgFake))
		cfgCloseTracker.Unlock()
		return p, nil
	})
})

func TestOpenFailureClosesOpened(t *testing.T) {
	cfgRegisterFakes()
	cfgRegisterTracked()
	// The registry outlives a test run (-count=N): forget earlier runs' providers.
	cfgCloseTracker.Lock()
	cfgCloseTracker.opened = nil
	cfgCloseTracker.Unlock()
	// Regions open in name order: "a" succeeds, then "b" fails.
	cfg, err := payments.ParseConfig([]byte(`{"default_region": "a", "regions": {
		"a": {"provider": "faketracked"},
		"b": {"provider": "fakeerr"}}}`))
	require.NoError(t, err)
	_, err = payments.Open(context.Background(), cfg, nil)
	require.EqualError(t, err, `config: region "b": fakeerr refuses region b`)
	cfgCloseTracker.Lock()
	defer cfgCloseTracker.Unlock()
	require.Len(t, cfgCloseTracker.opened, 1)
	assert.Equal(t, int32(1), cfgCloseTracker.opened[0].closed.Load())
}

func TestOpenCanceledContext(t *testing.T) {
	cfgRegisterFakes()
	cfg, err := payments.ParseConfig([]byte(`{"regions": {"ru": {"provider": "fakepay"}}}`))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = payments.Open(ctx, cfg, nil)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestOpenChecksConfigBuiltInCode(t *testing.T) {
	cfgRegisterFakes()
	cases := []struct {
		name string
		cfg  *payments.Config
		want string
	}{
		{"nil config", nil, "config: nil Config"},
		{"nil region", &payments.Config{Regions: map[string]*payments.RegionConfig{"ru": nil}}, `config: region "ru": nil region settings`},
		{"base_url changed after load", &payments.Config{Regions: map[string]*payments.RegionConfig{"ru": {Provider: "fakepay", BaseURL: "http://example.com"}}},
			`config: region "ru": field "base_url": plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost), got host "example.com": use https`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := payments.Open(context.Background(), c.cfg, nil)
			assert.EqualError(t, err, c.want)
		})
	}
}

func TestRegionConfigSet(t *testing.T) {
	cfgRegisterFakes()
	rc := &payments.RegionConfig{Provider: "fakepay"}
	require.NoError(t, rc.Set("api_key", "${FAKE_KEY}"))
	require.NoError(t, rc.Set("app_id", 42))
	assert.Equal(t, []string{"api_key", "app_id"}, rc.Fields())
	assert.EqualError(t, rc.Set("base_url", "http://127.0.0.1"), `payments: "base_url" is a common field: set RegionConfig.BaseURL instead`)
	assert.EqualError(t, rc.Set("x", func() {}), `payments: field "x": json: unsupported type: func()`)

	cfg := &payments.Config{Regions: map[string]*payments.RegionConfig{"ru": rc}}
	regions, err := payments.Open(context.Background(), cfg, &payments.OpenOptions{Getenv: cfgMapEnv(map[string]string{"FAKE_KEY": "k"})})
	require.NoError(t, err)
	defer regions.Close()
	assert.Equal(t, cfgFakeValues{AppID: 42, APIKey: "k", Timeout: "0s"}, cfgFakeOf(t, regions, "ru").values)
}

func TestLoadConfigErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "absent.json")
	_, err := payments.LoadConfig(missing)
	assert.EqualError(t, err, "config "+missing+": cannot read: no such file or directory")

	big := filepath.Join(dir, "big.json")
	require.NoError(t, os.WriteFile(big, bytes.Repeat([]byte(" "), 1<<20+1), 0o600))
	_, err = payments.LoadConfig(big)
	assert.EqualError(t, err, "config "+big+": file is larger than 1048576 bytes")

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{\n\"regions\": {\n}\n"), 0o600))
	_, err = payments.LoadConfig(bad)
	assert.EqualError(t, err, "config "+bad+": line 4, column 1: malformed JSON: unexpected end of input")
}

// A secret put in the config by mistake, a secret resolved from the
// environment, and credentials in a URL must show in no printed form.
func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfgRegisterFakes()
	cfg, err := payments.ParseConfig([]byte(`{"regions": {"ru": {"provider": "fakepay", "key_id": "` + cfgLeakedKey + `", "api_key": "${FAKE_KEY}"}}}`))
	require.NoError(t, err)
	regions, err := payments.Open(context.Background(), cfg, &payments.OpenOptions{Getenv: cfgMapEnv(map[string]string{"FAKE_KEY": cfgLeakedKey})})
	require.NoError(t, err)
	defer regions.Close()
	fp := cfgFakeOf(t, regions, "ru")
	require.Equal(t, payments.Secret(cfgLeakedKey), fp.values.APIKey)

	asJSON, err := json.Marshal(cfg)
	require.NoError(t, err)
	outputs := map[string]string{
		"json":             string(asJSON),
		"regions %+v":      fmt.Sprintf("%+v", regions),
		"settings %v":      fmt.Sprintf("%v", fp.settings),
		"settings %+v":     fmt.Sprintf("%+v", *fp.settings),
		"settings %#v":     fmt.Sprintf("%#v", fp.settings),
		"settings %s":      fmt.Sprintf("%s", fp.settings),
		"region %+v":       fmt.Sprintf("%+v", cfg.Regions["ru"]),
		"region %#v":       fmt.Sprintf("%#v", *cfg.Regions["ru"]),
		"config with user": fmt.Sprintf("%v", payments.Config{Regions: map[string]*payments.RegionConfig{"x": {BaseURL: "https://u:" + cfgLeakedKey + "@h"}}}),
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		outputs["config "+verb] = fmt.Sprintf(verb, cfg)
		outputs["config value "+verb] = fmt.Sprintf(verb, *cfg)
	}
	for name, out := range outputs {
		assert.NotContains(t, out, cfgLeakedKey, name)
		assert.NotContains(t, out, "LEAK", name)
	}
	assert.Equal(t, `payments.Config{default_region: "", regions: {"ru": {provider: "fakepay", sandbox: false, base_url: "", fields: [api_key key_id]}}}`, cfg.String())
	assert.Equal(t, `payments.Settings{region: "ru", provider: "fakepay", sandbox: false, base_url: "", fields: [api_key key_id]}`, outputs["settings %v"])
}
