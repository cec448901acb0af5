package rustore

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/transport"
)

func testTransport(t *testing.T, secrets ...string) *transport.Client {
	t.Helper()
	tr, err := transport.New(transport.Config{Provider: Name, BaseURL: "http://127.0.0.1:1", Secrets: func() []string { return secrets }})
	require.NoError(t, err)
	return tr
}

func answer(status int, body string, header ...string) *transport.Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &transport.Response{StatusCode: status, Header: h, Body: []byte(body)}
}

func envelopeJSON(code, message string) string {
	return `{"code":"` + code + `","message":"` + message + `","body":null,"timestamp":"2025-04-01T15:02:09.427Z"}`
}

func TestErrorRulesRowByRow(t *testing.T) {
	cases := []struct {
		message    string
		status     int
		code       payments.Code
		retryAfter time.Duration
		reauth     bool
	}{
		{"Purchase status must be PAID", 400, payments.CodeFailedPrecondition, 0, false},
		{"Invoice status must be CONFIRMED", 400, payments.CodeFailedPrecondition, 0, false},
		{"Invoice cannot be refunded", 400, payments.CodeFailedPrecondition, 0, false},
		{"Invoice has already been refunded", 400, payments.CodeFailedPrecondition, 0, false},
		{"Purchase not found", 404, payments.CodeNotFound, 0, false},
		{"Invoice not found", 404, payments.CodeNotFound, 0, false},
		{"You can confirm purchase only once every 15 minutes. Try again later", 400, payments.CodeResourceExhausted, 15 * time.Minute, false},
		{"Forbidden", 403, payments.CodePermissionDenied, 0, false},
		{"Key does not have rights for this method", 403, payments.CodePermissionDenied, 0, false},
		{"Jwe token is expired", 401, payments.CodeUnauthenticated, 0, true},
		{"Token is empty", 401, payments.CodeUnauthenticated, 0, true},
		{"Range timestamp not valid", 401, payments.CodeUnauthenticated, 0, true},
		{"Cannot refund now. Try again later", 400, payments.CodeUnavailable, 0, false},
		{"Refund amount cannot exceed payment amount", 400, payments.CodeInvalidArgument, 0, false},
		{"Something went wrong", 500, payments.CodeUnavailable, 0, false},
		// Case and a 2xx status do not hide a known message.
		{"PURCHASE STATUS MUST BE PAID", 200, payments.CodeFailedPrecondition, 0, false},
		{"jwe TOKEN is expired", 200, payments.CodeUnauthenticated, 0, true},
	}
	require.GreaterOrEqual(t, len(cases), len(errorRules), "every rule has a row")
	tr := testTransport(t)
	for _, tc := range cases {
		t.Run(tc.message, func(t *testing.T) {
			resp := answer(tc.status, envelopeJSON("ERROR", tc.message))
			env, perr := decodeEnvelope(resp, nil)
			require.NoError(t, perr)
			e := classify(tr, "capture", resp, env, perr)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.retryAfter, e.RetryAfter)
			assert.Equal(t, tc.message, e.Message, "RuStore's message stays readable")
			assert.Equal(t, "ERROR", e.ProviderCode)
			assert.Equal(t, tc.status, e.HTTPStatus)
			assert.Equal(t, Name, e.Provider)
			assert.Equal(t, payments.OpCapture, e.Op)
			assert.Equal(t, tc.reauth, tokenRejected(resp, env))
		})
	}
}

func TestUnknownMessagesAreClassifiedByHTTPStatus(t *testing.T) {
	cases := []struct {
		status     int
		header     []string
		code       payments.Code
		retryAfter time.Duration
	}{
		{400, nil, payments.CodeInvalidArgument, 0},
		{401, nil, payments.CodeUnauthenticated, 0},
		{403, nil, payments.CodePermissionDenied, 0},
		{404, nil, payments.CodeNotFound, 0},
		{405, nil, payments.CodeUnknown, 0},
		{409, nil, payments.CodeConflict, 0},
		{422, nil, payments.CodeInvalidArgument, 0},
		{429, []string{"Retry-After", "7"}, payments.CodeResourceExhausted, 7 * time.Second},
		{500, nil, payments.CodeUnavailable, 0},
		{501, nil, payments.CodeUnimplemented, 0},
		{502, nil, payments.CodeUnavailable, 0},
		{503, []string{"Retry-After", "2"}, payments.CodeUnavailable, 2 * time.Second},
		{200, nil, payments.CodeUnknown, 0},
	}
	tr := testTransport(t)
	for _, tc := range cases {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			resp := answer(tc.status, envelopeJSON("SOMETHING_NEW", "a message nobody documented"), tc.header...)
			env, perr := decodeEnvelope(resp, nil)
			require.NoError(t, perr)
			e := classify(tr, "void", resp, env, perr)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.retryAfter, e.RetryAfter)
			assert.Equal(t, "a message nobody documented", e.Message)
			assert.Equal(t, "SOMETHING_NEW", e.ProviderCode)
		})
	}
}

func TestMalformedAnswers(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		code   payments.Code
		want   string
	}{
		{"html 2xx", 200, "<html>hello</html>", payments.CodeUnknown, "<html>hello</html>"},
		{"empty 2xx", 200, "", payments.CodeUnknown, "malformed answer (http 200)"},
		{"json without code", 200, `{"body":{}}`, payments.CodeUnknown, `{"body":{}}`},
		{"message of the wrong type", 200, `{"code":"OK","message":42}`, payments.CodeUnknown, "malformed"},
		{"gateway page", 502, "<html>Bad Gateway</html>", payments.CodeUnavailable, "Bad Gateway"},
		{"credential in a broken body", 400, `{"jwe":"secret-jwe-value","oops`, payments.CodeInvalidArgument, "[redacted]"},
	}
	tr := testTransport(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := answer(tc.status, tc.body)
			env, perr := decodeEnvelope(resp, nil)
			require.Error(t, perr)
			require.Nil(t, env)
			e := classify(tr, "status", resp, env, perr)
			assert.Equal(t, tc.code, e.Code)
			assert.Contains(t, e.Message, tc.want)
			assert.NotContains(t, e.Message, "secret-jwe-value")
		})
	}
}

func TestEchoedSecretsAreRedacted(t *testing.T) {
	tr := testTransport(t, "tok-3f9a1c")
	resp := answer(400, envelopeJSON("tok-3f9a1c", "token tok-3f9a1c is not valid"))
	env, perr := decodeEnvelope(resp, nil)
	require.NoError(t, perr)
	e := classify(tr, "status", resp, env, perr)
	assert.NotContains(t, e.Error(), "tok-3f9a1c")
	assert.Contains(t, e.Message, "[redacted]")
}

func TestEnvelopeOK(t *testing.T) {
	cases := []struct {
		code   string
		status int
		ok     bool
	}{
		{"OK", 200, true},
		{"ok", 200, true},
		{"ОК", 200, true}, // Cyrillic, as one RuStore page prints it
		{" OK ", 204, true},
		{"OK", 400, false},
		{"ERROR", 200, false},
		{"OKAY", 200, false},
	}
	for _, tc := range cases {
		env := &envelope{Code: tc.code}
		assert.Equal(t, tc.ok, env.ok(tc.status), "code %q http %d", tc.code, tc.status)
	}
}

// TestRetryAfterHeader checks that classify reports the wait a 429 asks
// for, in both of Retry-After's forms, and none for values that are not one.
func TestRetryAfterHeader(t *testing.T) {
	cases := []struct {
		value string
		want  func(time.Duration) bool
	}{
		{"", func(d time.Duration) bool { return d == 0 }},
		{"3", func(d time.Duration) bool { return d == 3*time.Second }},
		{"-3", func(d time.Duration) bool { return d == 0 }},
		{"soon", func(d time.Duration) bool { return d == 0 }},
		{time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), func(d time.Duration) bool { return d > 58*time.Minute && d <= time.Hour }},
		{time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), func(d time.Duration) bool { return d == 0 }},
	}
	tr := testTransport(t)
	for _, tc := range cases {
		resp := answer(429, envelopeJSON("ERROR", "a message nobody documented"), "Retry-After", tc.value)
		env, perr := decodeEnvelope(resp, nil)
		require.NoError(t, perr)
		got := classify(tr, "capture", resp, env, perr).RetryAfter
		assert.True(t, tc.want(got), "Retry-After %q gave %s", tc.value, got)
	}
}

func TestRuleMatchingIsCaseInsensitive(t *testing.T) {
	for _, r := range errorRules {
		for _, variant := range []string{r.match, strings.ToUpper(r.match), strings.ToLower(r.match), "prefix: " + r.match + " (details)"} {
			got, ok := ruleFor(variant)
			require.True(t, ok, variant)
			assert.Equal(t, r.code, got.code, variant)
		}
	}
	_, ok := ruleFor("")
	assert.False(t, ok)
}
