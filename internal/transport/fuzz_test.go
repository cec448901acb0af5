package transport

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
)

// A header value net/http will not send used to fail inside the round trip,
// which the transport took for a connection that failed before sending: the
// write was retried and reported as Unavailable ("try later"), although no
// retry can ever send it. It is the caller's mistake (or a malformed token
// from the provider), refused before any attempt, naming the header and not
// its value.
func TestDoRefusesHeaderNetHTTPWouldRefuse(t *testing.T) {
	srv := newScriptServer(t)
	c := newTestClient(t, testConfig(srv.URL))
	const secret = "tok-SECRET-1234"
	tests := []struct {
		name    string
		header  http.Header
		wantMsg string
	}{
		{"CRLF in value", http.Header{"Public-Token": {secret + "\r\nX-Injected: 1"}}, "request header Public-Token holds a control character"},
		{"LF in value", http.Header{"Public-Token": {secret + "\n"}}, "request header Public-Token holds a control character"},
		{"NUL in value", http.Header{"X-Request-Id": {"a\x00b" + secret}}, "request header X-Request-Id holds a control character"},
		{"bad name", http.Header{"Bad Name": {"v"}}, `request header name "Bad Name" is not a valid HTTP header name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.Do(context.Background(), &Request{Op: "capture", Method: http.MethodPost, Path: "/c", Header: tt.header, Body: []byte(`{}`)})
			assert.Nil(t, resp)
			require.Error(t, err)
			assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err), "%v", err)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.NotContains(t, err.Error(), secret)
		})
	}
	assert.Empty(t, srv.Hits())

	// A tab is allowed, as net/http allows it.
	resp, err := c.Do(context.Background(), &Request{Op: "status", Method: http.MethodGet, Path: "/s", Header: http.Header{"X-Note": {"a\tb"}}, Retry: RetrySafe})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

// fuzzRoundTripper answers every attempt from a script decoded from fuzz
// bytes: a transport error, or a status, a Retry-After and a body that may
// fail part-way.
type fuzzRoundTripper struct {
	script []fuzzAnswer
	n      int
}

type fuzzAnswer struct {
	fail       bool // RoundTrip returns an error
	status     int
	retryAfter string
	location   string
	body       []byte
	bodyErrAt  int // the body read fails after this many bytes; -1 never
}

func (f *fuzzRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	a := f.script[min(f.n, len(f.script)-1)]
	f.n++
	if a.fail {
		return nil, errors.New("connection reset by peer")
	}
	h := http.Header{}
	if a.retryAfter != "" {
		h.Set("Retry-After", a.retryAfter)
	}
	if a.location != "" {
		h.Set("Location", a.location)
	}
	var body io.Reader = strings.NewReader(string(a.body))
	if a.bodyErrAt >= 0 && a.bodyErrAt < len(a.body) {
		body = io.MultiReader(strings.NewReader(string(a.body[:a.bodyErrAt])), errReader{})
	}
	return &http.Response{StatusCode: a.status, Header: h, Body: io.NopCloser(body), Request: r, ContentLength: -1}, nil
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

// decodeScript turns fuzz bytes into up to four answers.
func decodeScript(data []byte) []fuzzAnswer {
	var out []fuzzAnswer
	for len(out) < 4 {
		if len(data) < 4 {
			break
		}
		flags, code := data[0], binary.BigEndian.Uint16(data[1:3])
		n := int(data[3])
		data = data[4:]
		n = min(n, len(data))
		a := fuzzAnswer{fail: flags&1 != 0, status: int(code % 1000), body: data[:n], bodyErrAt: -1}
		data = data[n:]
		if flags&2 != 0 {
			a.bodyErrAt = int(flags>>4) % (n + 1)
		}
		if flags&4 != 0 {
			a.retryAfter = strconv.Itoa(int(flags >> 5))
		}
		if flags&8 != 0 {
			a.location = string(a.body)
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		out = append(out, fuzzAnswer{status: 200, body: data, bodyErrAt: -1})
	}
	return out
}

// FuzzDo feeds arbitrary provider answers (any status, truncated bodies,
// oversized bodies, odd Retry-After and Location headers, transport errors
// between them) through Do's retry and classification. Do must never panic,
// and must return either a complete answer within the cap or a
// *payments.Error with a code and a message, never both, never neither; a
// write without an answer after a sent attempt is never reported as "not
// sent"; no secret reaches the error.
func FuzzDo(f *testing.F) {
	seeds := [][]byte{
		append([]byte{0, 0, 200, 17}, `{"status":"ok"}`...),
		append([]byte{4 | 1<<5, 0x01, 0xF7, 2}, `{}`...),                                   // 503, Retry-After 1
		append([]byte{2 | 3<<4, 0, 200, 20}, `{"token":"SECRETTOK"}`...),                   // 200 cut after 3 bytes
		{1, 0, 0, 0, 0, 0x01, 0xF4, 0},                                                     // reset, then 500
		append([]byte{8, 0x01, 0x2D, 8}, "%zz:/bad"...),                                    // 301 with bad Location
		append([]byte{0, 0x01, 0xAD, 40}, `{"code":"ERROR","message":"SECRETTOK bad"}`...), // 429
		append([]byte{0, 0, 0, 3}, "abc"...),                                               // status 0
		append([]byte{0, 0x03, 0xE7, 64}, strings.Repeat("x", 64)...),                      // 999, over the cap
	}
	for _, s := range seeds {
		f.Add(s, true)
		f.Add(s, false)
	}
	const secret = "SECRETTOK"
	f.Fuzz(func(t *testing.T, data []byte, write bool) {
		rt := &fuzzRoundTripper{script: decodeScript(data)}
		c, err := New(Config{
			Provider:         "fuzzpay",
			BaseURL:          "http://127.0.0.1:1/api",
			HTTPClient:       &http.Client{Transport: rt},
			MaxRetries:       2,
			RetryWaitMin:     time.Nanosecond,
			RetryWaitMax:     time.Nanosecond,
			MaxRetryAfter:    time.Nanosecond, // any Retry-After above zero stops the retries
			MaxResponseBytes: 48,
			Secrets:          func() []string { return []string{secret} },
		})
		require.NoError(t, err)
		req := &Request{Op: "status", Method: http.MethodGet, Path: "/s", Retry: RetrySafe}
		if write {
			req = &Request{Op: "capture", Method: http.MethodPost, Path: "/c", Body: []byte(`{"a":1}`)}
		}
		resp, err := c.Do(context.Background(), req)
		if (resp == nil) == (err == nil) {
			t.Fatalf("Do returned resp %v and err %v", resp, err)
		}
		if err != nil {
			var pe *payments.Error
			require.True(t, errors.As(err, &pe), "error is %T", err)
			require.NotEmpty(t, pe.Message)
			require.NotEmpty(t, pe.Code.String())
			require.NotContains(t, err.Error(), secret)
			if write && rt.n > 0 && pe.Code == payments.CodeUnavailable {
				// Every fake attempt "reached" the server only when the
				// round tripper answered; a fake error is not a sent request
				// for the trace, so Unavailable is allowed only then.
				require.Contains(t, pe.Message, "not sent")
			}
			return
		}
		require.LessOrEqual(t, len(resp.Body), 48)
		require.GreaterOrEqual(t, resp.Attempts, 1)
		require.LessOrEqual(t, resp.Attempts, 3)
		ex := resp.Excerpt()
		require.NotContains(t, ex, secret)
		require.LessOrEqual(t, len(ex), excerptLimit)
	})
}

// FuzzExcerpt checks the scrubber on arbitrary bodies: no panic, never longer
// than the limit, valid UTF-8, and a configured alphanumeric secret never
// survives, wherever it sits (inside JSON strings, keys, escapes, at the cut).
func FuzzExcerpt(f *testing.F) {
	for _, s := range []string{
		`{"status":"fail","reasonCode":"AUTH","reason":"bad key KEY12345"}`,
		`{"token":"KEY12345","nested":{"signature":["a","b"]}}`,
		`{"code":"ERROR","message":"Public-Token KEY12345 expired","body":null}`,
		`{"apiKey":"KEY12345`,
		"\xff\xfeKEY12345\"token\":",
		strings.Repeat("é", 200) + "KEY12345",
	} {
		f.Add([]byte(s), "KEY12345")
	}
	f.Fuzz(func(t *testing.T, body []byte, secret string) {
		r := &Response{StatusCode: 400, Body: body}
		c := &Client{secrets: func() []string { return []string{secret} }}
		r.client = c
		ex := r.Excerpt()
		require.LessOrEqual(t, len(ex), excerptLimit)
		require.True(t, strings.ToValidUTF8(ex, "") == ex, "excerpt is not valid UTF-8: %q", ex)
		if len(secret) >= 4 && strings.IndexFunc(secret, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) < 0 {
			require.NotContains(t, ex, secret)
		}
		_ = scrubCredentialKeys(string(body))
	})
}

// FuzzParseRetryAfter: any header value gives a non-negative pause or none.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "120", "-1", "Wed, 21 Oct 2015 07:28:00 GMT", "99999999999999999999", " 5 ", ""} {
		f.Add(s)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := ParseRetryAfter(v, now)
		require.GreaterOrEqual(t, d, time.Duration(0))
		if !ok {
			require.Zero(t, d)
		}
	})
}
