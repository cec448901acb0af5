package driver

import (
	"strings"
	"time"
)

// ParseTime reads an RFC 3339 time, as both providers' documentation gives
// them. An unreadable one is zero rather than an error: a payment's times
// move no money, so a status read must not fail over one.
func ParseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		// Absent is common (refundDate until a refund): no parse error to build.
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
