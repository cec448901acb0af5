package transport

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestComputeBackoff(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	const (
		min = 100 * time.Millisecond
		max = 2 * time.Second
		cap = 30 * time.Second
	)
	answer := func(code int, retryAfter string) *http.Response {
		h := http.Header{}
		if retryAfter != "" {
			h.Set("Retry-After", retryAfter)
		}
		return &http.Response{StatusCode: code, Header: h}
	}
	full := func(n time.Duration) time.Duration { return n } // the largest jitter
	none := func(time.Duration) time.Duration { return 0 }
	tests := []struct {
		name    string
		attempt int
		resp    *http.Response
		rnd     func(time.Duration) time.Duration
		want    time.Duration
	}{
		{"first retry waits min", 0, nil, full, min},
		{"second retry up to 2×min", 1, nil, full, 2 * min},
		{"second retry at least min", 1, nil, none, min},
		{"third retry up to 4×min", 2, answer(500, ""), full, 4 * min},
		{"growth capped at max", 10, nil, full, max},
		{"huge attempt does not overflow", 200, nil, full, max},
		{"429 Retry-After seconds obeyed", 0, answer(429, "3"), full, 3 * time.Second},
		{"503 Retry-After seconds obeyed", 5, answer(503, "7"), full, 7 * time.Second},
		{"503 Retry-After HTTP-date obeyed", 0, answer(503, now.Add(12*time.Second).Format(http.TimeFormat)), full, 12 * time.Second},
		{"Retry-After date in the past means now", 0, answer(429, now.Add(-time.Hour).Format(http.TimeFormat)), full, 0},
		{"Retry-After 0 means now", 3, answer(429, "0"), full, 0},
		{"Retry-After above cap clamped", 0, answer(429, "3600"), full, cap},
		{"Retry-After on 500 ignored", 0, answer(500, "9"), full, min},
		{"garbage Retry-After ignored", 1, answer(503, "soon"), full, 2 * min},
		{"negative Retry-After ignored", 0, answer(429, "-4"), full, min},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, computeBackoff(min, max, tt.attempt, tt.resp, cap, now, tt.rnd))
		})
	}
}

func TestBackoffJitterStaysInRange(t *testing.T) {
	const min, max = 10 * time.Millisecond, 80 * time.Millisecond
	for attempt := 0; attempt < 6; attempt++ {
		upper := min << attempt
		if upper > max {
			upper = max
		}
		seen := map[time.Duration]bool{}
		for i := 0; i < 200; i++ {
			d := computeBackoff(min, max, attempt, nil, time.Minute, time.Now(), jitter)
			assert.GreaterOrEqual(t, d, min, "attempt %d", attempt)
			assert.LessOrEqual(t, d, upper, "attempt %d", attempt)
			seen[d] = true
		}
		if attempt > 0 {
			assert.Greater(t, len(seen), 1, "attempt %d: waits must vary", attempt)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"0", 0, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"Sat, 01 Mar 2025 12:00:30 GMT", 30 * time.Second, true},
		{"Saturday, 01-Mar-25 12:01:00 GMT", time.Minute, true}, // RFC 850, still valid HTTP-date
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"99999999999999999999", 0, false},
		{"9223372036854775807", time.Duration(9223372036854775807/int64(time.Second)) * time.Second, true},
		{"", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"tomorrow", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		assert.Equal(t, tt.wantOK, ok, "%q", tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
	}
}

func TestResponseRetryAfter(t *testing.T) {
	tests := []struct {
		resp *Response
		want time.Duration
	}{
		{nil, 0},
		{&Response{StatusCode: 429, Header: http.Header{"Retry-After": {"15"}}}, 15 * time.Second},
		{&Response{StatusCode: 503, Header: http.Header{"Retry-After": {"900"}}}, 15 * time.Minute},
		{&Response{StatusCode: 200, Header: http.Header{"Retry-After": {"15"}}}, 0},
		{&Response{StatusCode: 429}, 0},
	}
	for i, tt := range tests {
		assert.Equal(t, tt.want, tt.resp.RetryAfter(), "case %d", i)
	}
}
