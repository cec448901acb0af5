package transport

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewBaseURLRule(t *testing.T) {
	tests := []struct {
		url     string
		wantErr string // "" means accepted
	}{
		{"https://public-api.rustore.ru", ""},
		{"https://pay.yandex.ru/api/merchant", ""},
		{"HTTPS://pay.yandex.ru/api/merchant/", ""},
		{"http://127.0.0.1:8080", ""},
		{"http://127.9.8.7", ""},
		{"http://localhost:9000/api", ""},
		{"http://LocalHost", ""},
		{"http://[::1]:8443", ""},
		{"http://[::1]", ""},
		{"http://example.com", "plain http is allowed only to a loopback host"},
		{"http://localhost.example.com", "plain http is allowed only to a loopback host"},
		{"http://127.0.0.1.nip.io", "plain http is allowed only to a loopback host"},
		{"http://10.0.0.1", "plain http is allowed only to a loopback host"},
		{"ftp://127.0.0.1/x", `scheme "ftp"`},
		{"file:///etc/passwd", `scheme "file"`},
		{"127.0.0.1:8080", "not a valid URL"},
		{"localhost:8080", `scheme "localhost"`},
		{"::garbage::", "not a valid URL"},
		{"https://exa mple.com", "not a valid URL"},
		{"", "BaseURL is empty"},
		{"https://", "no host"},
		{"https://:443", "no host"},
		{"/relative/path", "no scheme"},
		{"pay.yandex.ru/api", "no scheme"},
		{"https://user:hunter2@pay.yandex.ru", "must not carry a user name or password"},
		{"https://pay.yandex.ru/api?key=hunter2", "query or fragment"},
		{"https://pay.yandex.ru/api#frag", "query or fragment"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			c, err := New(Config{BaseURL: tt.url})
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.NotNil(t, c)
				c.Close()
				return
			}
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Contains(t, err.Error(), "BaseURL")
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

func TestNewConfigChecks(t *testing.T) {
	base := "https://pay.example"
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"negative RetryWaitMin", Config{BaseURL: base, RetryWaitMin: -1}, "RetryWaitMin must not be negative"},
		{"negative RetryWaitMax", Config{BaseURL: base, RetryWaitMax: -time.Second}, "RetryWaitMax must not be negative"},
		{"negative MaxRetryAfter", Config{BaseURL: base, MaxRetryAfter: -time.Second}, "MaxRetryAfter must not be negative"},
		{"min above max", Config{BaseURL: base, RetryWaitMin: time.Minute, RetryWaitMax: time.Second}, "must not exceed RetryWaitMax"},
		{"min above default max", Config{BaseURL: base, RetryWaitMin: time.Minute}, "must not exceed RetryWaitMax"},
		{"negative MaxResponseBytes", Config{BaseURL: base, MaxResponseBytes: -5}, "MaxResponseBytes must not be negative"},
		{"bad AttemptHeader", Config{BaseURL: base, AttemptHeader: "X Attempt:"}, "AttemptHeader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestNewDefaults(t *testing.T) {
	tests := []struct {
		name        string
		cfg         Config
		wantRetries int
		wantMin     time.Duration
		wantMax     time.Duration
		wantCap     time.Duration
		wantBody    int64
	}{
		{"zero values", Config{}, 3, 200 * time.Millisecond, 5 * time.Second, 30 * time.Second, 1 << 20},
		{"negative retries mean none", Config{MaxRetries: -2}, 0, 200 * time.Millisecond, 5 * time.Second, 30 * time.Second, 1 << 20},
		{"explicit values kept", Config{MaxRetries: 7, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Second,
			MaxRetryAfter: time.Minute, MaxResponseBytes: 10}, 7, time.Millisecond, time.Second, time.Minute, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.BaseURL = "https://pay.example"
			c, err := New(tt.cfg)
			require.NoError(t, err)
			assert.Equal(t, tt.wantRetries, c.maxRetries)
			assert.Equal(t, tt.wantMin, c.waitMin)
			assert.Equal(t, tt.wantMax, c.waitMax)
			assert.Equal(t, tt.wantCap, c.maxRetryAfter)
			assert.Equal(t, tt.wantBody, c.maxBody)
		})
	}
}

func TestNewHTTPClient(t *testing.T) {
	t.Run("default client is pooled with a timeout", func(t *testing.T) {
		c, err := New(Config{BaseURL: "https://pay.example"})
		require.NoError(t, err)
		assert.Equal(t, DefaultTimeout, c.http.Timeout)
		tr, ok := c.http.Transport.(*http.Transport)
		require.True(t, ok)
		assert.NotSame(t, http.DefaultTransport, tr)
		assert.Equal(t, uint16(0x0303), tr.TLSClientConfig.MinVersion, "TLS 1.2 at least")
		assert.Equal(t, http.ErrUseLastResponse, c.http.CheckRedirect(nil, nil))
	})
	t.Run("given client is copied, not changed", func(t *testing.T) {
		given := &http.Client{Timeout: 7 * time.Second}
		c, err := New(Config{BaseURL: "https://pay.example", HTTPClient: given})
		require.NoError(t, err)
		assert.Nil(t, given.CheckRedirect)
		assert.Equal(t, 7*time.Second, c.http.Timeout)
		assert.Equal(t, http.ErrUseLastResponse, c.http.CheckRedirect(nil, nil))
	})
}

func TestRetryString(t *testing.T) {
	for r, want := range map[Retry]string{RetrySafe: "safe", RetryUnsent: "unsent", Retry(9): "Retry(9)"} {
		assert.Equal(t, want, r.String())
	}
}
