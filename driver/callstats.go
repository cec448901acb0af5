package driver

import (
	"context"
	"sync/atomic"
)

// CallStats counts what one portable call did on the wire: HTTP attempts,
// retries, the last HTTP status, token refreshes. Telemetry (package
// telemetry) puts one in the call's context and reads it when the call
// returns; the shared HTTP path and an adapter's auth code add to it. Any
// adapter, also one written outside this module, reports through the same
// methods, so its calls are measured like the built-in ones.
//
// Every method is safe for concurrent use and does nothing on a nil
// *CallStats, which is what StatsFrom returns when no one is counting: the
// reporting side never needs to check.
type CallStats struct {
	attempts       atomic.Int64
	retries        atomic.Int64
	httpStatus     atomic.Int64
	tokenRefreshes atomic.Int64
}

// callStatsKey is the context key of a call's *CallStats.
type callStatsKey struct{}

// WithCallStats returns a context that carries a new CallStats, and it.
func WithCallStats(ctx context.Context) (context.Context, *CallStats) {
	s := &CallStats{}
	return context.WithValue(ctx, callStatsKey{}, s), s
}

// StatsFrom returns the CallStats of ctx, or nil when no one is counting.
func StatsFrom(ctx context.Context) *CallStats {
	if ctx == nil {
		return nil
	}
	s, _ := ctx.Value(callStatsKey{}).(*CallStats)
	return s
}

// AddRequest records one HTTP request of the call: how many attempts it
// took (retries are all but the first) and the HTTP status of the answer
// that ended it, 0 when none came.
func (s *CallStats) AddRequest(attempts, httpStatus int) {
	if s == nil || attempts <= 0 {
		return
	}
	s.attempts.Add(int64(attempts))
	s.retries.Add(int64(attempts - 1))
	if httpStatus != 0 {
		s.httpStatus.Store(int64(httpStatus))
	}
}

// TokenRefreshed records that the call had to obtain a new access token
// (RuStore's), because there was none or the provider refused the old one.
func (s *CallStats) TokenRefreshed() {
	if s != nil {
		s.tokenRefreshes.Add(1)
	}
}

// Attempts is the number of HTTP attempts the call made, reads included.
func (s *CallStats) Attempts() int {
	if s == nil {
		return 0
	}
	return int(s.attempts.Load())
}

// Retries is the number of attempts that repeated an earlier one.
func (s *CallStats) Retries() int {
	if s == nil {
		return 0
	}
	return int(s.retries.Load())
}

// HTTPStatus is the status of the last answer the call got, 0 when none came.
func (s *CallStats) HTTPStatus() int {
	if s == nil {
		return 0
	}
	return int(s.httpStatus.Load())
}

// TokenRefreshes is the number of access tokens the call obtained.
func (s *CallStats) TokenRefreshes() int {
	if s == nil {
		return 0
	}
	return int(s.tokenRefreshes.Load())
}
