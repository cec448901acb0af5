package urlcheck

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBaseURL(t *testing.T) {
	tests := []struct {
		raw     string
		wantErr string // "" means accepted
	}{
		{"https://public-api.rustore.ru", ""},
		{"https://pay.yandex.ru/api/merchant/", ""},
		{"HTTPS://pay.yandex.ru/api/merchant", ""},
		{"http://127.0.0.1:8080", ""},
		{"http://127.9.8.7", ""},
		{"http://localhost:9000/api", ""},
		{"http://LocalHost", ""},
		{"http://[::1]:8443", ""},
		{"http://example.com", `plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost), got host "example.com": use https`},
		{"http://localhost.example.com", `plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost), got host "localhost.example.com": use https`},
		{"http://127.0.0.1.nip.io", `plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost), got host "127.0.0.1.nip.io": use https`},
		{"http://10.0.0.1:8080", `plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost), got host "10.0.0.1": use https`},
		{"ftp://127.0.0.1/x", `scheme "ftp" is not allowed: use https`},
		{"file:///etc/passwd", `scheme "file" is not allowed: use https`},
		{"localhost:8080", `scheme "localhost" is not allowed: use https`},
		{"127.0.0.1:8080", "not a valid URL"},
		{"https://[::1", "not a valid URL"},
		{"", "has no scheme: must be an absolute URL like https://host/path"},
		{"/relative/path", "has no scheme: must be an absolute URL like https://host/path"},
		{"pay.yandex.ru/api", "has no scheme: must be an absolute URL like https://host/path"},
		{"https://", "has no host: must be an absolute URL like https://host/path"},
		{"https://:443", "has no host: must be an absolute URL like https://host/path"},
		{"https://user:hunter2@pay.yandex.ru", "must not carry a user name or password"},
		{"http://user@example.com", "must not carry a user name or password"},
		{"https://pay.yandex.ru/api?key=hunter2", "must not have a query or fragment"},
		{"https://pay.yandex.ru/api?", "must not have a query or fragment"},
		{"https://pay.yandex.ru/api#frag", "must not have a query or fragment"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			u, err := BaseURL(tt.raw)
			if tt.wantErr == "" {
				require.NoError(t, err)
				require.NotNil(t, u)
				assert.NotEmpty(t, u.Hostname())
				return
			}
			require.Error(t, err)
			assert.Nil(t, u)
			assert.Equal(t, tt.wantErr, err.Error())
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

func TestIsLoopbackHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"LOCALHOST", true},
		{"127.0.0.1", true},
		{"127.255.255.254", true},
		{"::1", true},
		{"", false},
		{"localhost.example.com", false},
		{"127.0.0.1.nip.io", false},
		{"10.0.0.1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"example.com", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, IsLoopbackHost(tt.host), "%q", tt.host)
	}
}

func TestRedacted(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"", ""},
		{"https://pay.yandex.ru/api/merchant", "https://pay.yandex.ru/api/merchant"},
		{"https://user:hunter2@proxy.example/api", "https://[redacted]@proxy.example/api"},
		// The user name may be the key itself: it is hidden too.
		{"https://user@proxy.example", "https://[redacted]@proxy.example"},
		{"https://user:hunter2@[::1", "[unparsable URL]"},
	}
	for _, tt := range tests {
		got := Redacted(tt.raw)
		assert.Equal(t, tt.want, got, "%q", tt.raw)
		assert.NotContains(t, got, "hunter2")
	}
}
