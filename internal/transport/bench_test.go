package transport

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkDo measures one successful request through the whole retry
// machinery against a loopback server, the overhead every adapter call pays.
func BenchmarkDo(b *testing.B) {
	srv := newScriptServer(b, step{status: 200, body: `{"status":"AUTHORIZED"}`})
	cfg := testConfig(srv.URL)
	cfg.AttemptHeader = "X-Request-Attempt"
	c, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req := &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "/v1/orders/1", Header: http.Header{"Authorization": {"Api-Key k"}}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Do(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExcerpt measures scrubbing a large error body.
func BenchmarkExcerpt(b *testing.B) {
	c, err := New(Config{BaseURL: "https://pay.example", Secrets: func() []string { return []string{"sk_live_1", "token-2"} }})
	if err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"items":[` + strings.Repeat(`{"token":"abc","name":"x sk_live_1"},`, 500) + `{}]}`)
	r := &Response{Body: body, client: c}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = r.Excerpt()
	}
}
