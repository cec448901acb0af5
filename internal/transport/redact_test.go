package transport

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExcerpt(t *testing.T) {
	secrets := []string{"sk_live_ABC", "tok/with/slash", "sk_live_ABCDEF"}
	c := newTestClient(t, Config{BaseURL: "https://pay.example", Secrets: func() []string { return secrets }})
	long := strings.Repeat("a", 250)
	tests := []struct {
		name string
		body string
		want string
	}{
		{"empty", "", ""},
		{"plain text kept", `{"code":"NOT_FOUND","message":"order 42 not found"}`, `{"code":"NOT_FOUND","message":"order 42 not found"}`},
		{"configured secret", `{"message":"bad key sk_live_ABC"}`, `{"message":"bad key [redacted]"}`},
		{"longer secret replaced whole", `key sk_live_ABCDEF here`, `key [redacted] here`},
		{"JSON-escaped secret", `{"message":"tok\/with\/slash rejected"}`, `{"message":"[redacted] rejected"}`},
		{"token key", `{"token":"eyJhbGciOi","ttl":900}`, `{"token":"[redacted]","ttl":900}`},
		{"keys case-insensitive", `{"AccessToken": "x1", "APIKEY":"x2", "Api_Key" : "x3"}`,
			`{"AccessToken": "[redacted]", "APIKEY":"[redacted]", "Api_Key" : "[redacted]"}`},
		{"every listed key", `{"jwe":"a","signature":"b","privateKey":"c","private_key":"d","key":"e","password":"f","secret":"g","authorization":"h","apiKey":"i","accessToken":"j"}`,
			`{"jwe":"[redacted]","signature":"[redacted]","privateKey":"[redacted]","private_key":"[redacted]","key":"[redacted]","password":"[redacted]","secret":"[redacted]","authorization":"[redacted]","apiKey":"[redacted]","accessToken":"[redacted]"}`},
		{"non-string value", `{"signature":12345,"n":1}`, `{"signature":"[redacted]","n":1}`},
		{"object value", `{"privateKey":{"n":"AQAB","d":"zz\"}"},"ok":true}`, `{"privateKey":"[redacted]","ok":true}`},
		{"array value", `{"secret":["a","b]"],"ok":true}`, `{"secret":"[redacted]","ok":true}`},
		{"nested", `{"body":{"auth":{"token":"deep"}},"status":"PAID"}`, `{"body":{"auth":{"token":"[redacted]"}},"status":"PAID"}`},
		{"escaped key", `{"to\u006ben":"v"}`, `{"to\u006ben":"[redacted]"}`},
		{"key text as a value is not a key", `{"field":"token","value":"kept"}`, `{"field":"token","value":"kept"}`},
		{"quote inside a value", `{"msg":"say \"token\": now","token":"t"}`, `{"msg":"say \"token\": now","token":"[redacted]"}`},
		{"other key names kept", `{"keyId":"k1","tokenType":"Bearer"}`, `{"keyId":"k1","tokenType":"Bearer"}`},
		{"value cut off", `{"token":"abc`, `{"token":"[redacted]"`},
		{"object cut off", `{"key":{"a":"b"`, `{"key":"[redacted]"`},
		{"missing value", `{"token":`, `{"token":"[redacted]"`},
		{"not JSON", `<html>token: abc</html>`, `<html>token: abc</html>`},
		{"cut at 256 bytes", long + `,"message":"more text here"`, (long + `,"message":"more text here"`)[:256]},
		{"secret scrubbed before the cut", long + "sk_live_ABC", long + "[redac"},
		{"no split rune", strings.Repeat("a", 255) + "é", strings.Repeat("a", 255)},
		{"invalid UTF-8 replaced", "bad \xff byte", "bad \uFFFD byte"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Response{Body: []byte(tt.body), client: c}
			got := r.Excerpt()
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, len(got), 256)
		})
	}
}

func TestExcerptWithoutClient(t *testing.T) {
	var nilResp *Response
	assert.Equal(t, "", nilResp.Excerpt())
	r := &Response{Body: []byte(`{"password":"p"}`)}
	assert.Equal(t, `{"password":"[redacted]"}`, r.Excerpt())
}

func TestExcerptOfDoResponse(t *testing.T) {
	token := "tkn-" + strings.Repeat("9", 20)
	srv := newScriptServer(t, step{status: 401, body: `{"error":"token ` + token + ` expired","jwe":"header.payload.sig"}`})
	cfg := testConfig(srv.URL)
	cfg.Secrets = func() []string { return []string{token, ""} }
	c := newTestClient(t, cfg)
	resp, err := c.Do(context.Background(), &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "/s"})
	require.NoError(t, err)
	assert.Equal(t, `{"error":"token [redacted] expired","jwe":"[redacted]"}`, resp.Excerpt())
	assert.Contains(t, string(resp.Body), token, "Body itself stays as received")
}

func TestRedact(t *testing.T) {
	rotating := []string{"old-token"}
	c := newTestClient(t, Config{BaseURL: "https://pay.example", Secrets: func() []string { return rotating }})
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"no secret", "nothing here", "nothing here"},
		{"one", "Bearer old-token", "Bearer [redacted]"},
		{"twice", "old-token,old-token", "[redacted],[redacted]"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, c.Redact(tt.in), tt.name)
	}
	rotating = []string{"new-token"}
	assert.Equal(t, "Bearer [redacted] old-token", c.Redact("Bearer new-token old-token"), "secrets are read on every call")

	noSecrets := newTestClient(t, Config{BaseURL: "https://pay.example"})
	assert.Equal(t, "as is", noSecrets.Redact("as is"))
	var nilClient *Client
	assert.Equal(t, "as is", nilClient.Redact("as is"))
	empty := newTestClient(t, Config{BaseURL: "https://pay.example", Secrets: func() []string { return []string{""} }})
	assert.Equal(t, "abc", empty.Redact("abc"), "an empty secret matches nothing")
}
