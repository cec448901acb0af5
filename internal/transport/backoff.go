package transport

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// jitter returns a random duration in [0, n]; a variable so tests can pin it.
var jitter = func(n time.Duration) time.Duration {
	if n <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(n) + 1))
}

// computeBackoff is the wait before retry attemptNum+1. A 429 or 503 that
// carries a Retry-After within maxRetryAfter is obeyed (checkRetry has already
// refused to retry above the cap; the clamp keeps this function safe alone).
// Otherwise the wait grows exponentially from min, capped at max, with a
// random part so that many clients do not retry in step.
func computeBackoff(min, max time.Duration, attemptNum int, resp *http.Response, maxRetryAfter time.Duration, now time.Time, rnd func(time.Duration) time.Duration) time.Duration {
	if d, ok := retryAfter(resp, now); ok {
		if d > maxRetryAfter {
			d = maxRetryAfter
		}
		return d
	}
	upper := min
	for i := 0; i < attemptNum && upper < max; i++ {
		upper *= 2
		if upper <= 0 { // overflow
			upper = max
		}
	}
	if upper > max {
		upper = max
	}
	if upper <= min {
		return min
	}
	return min + rnd(upper-min)
}

// retryAfter returns the pause a 429 or 503 answer asks for. Retry-After is
// either delay-seconds or an HTTP-date; a date in the past means no pause.
// Other statuses, a missing header or a value that parses as neither give
// ok == false.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil || (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable) {
		return 0, false
	}
	return ParseRetryAfter(resp.Header.Get("Retry-After"), now)
}

// ParseRetryAfter parses a Retry-After value (delay-seconds or an HTTP-date,
// relative to now) into a non-negative duration. Adapters use it to fill
// payments.Error.RetryAfter.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		const maxSecs = int64(1<<63-1) / int64(time.Second)
		if secs > maxSecs {
			secs = maxSecs
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// RetryAfter returns the pause the answer asks for through Retry-After, or 0
// when it names none (or is not a 429/503).
func (r *Response) RetryAfter() time.Duration {
	if r == nil {
		return 0
	}
	d, _ := retryAfter(&http.Response{StatusCode: r.StatusCode, Header: r.Header}, time.Now())
	return d
}
