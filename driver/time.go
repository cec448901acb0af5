package driver

import (
	"strings"
	"time"
)

// ParseTime reads an RFC 3339 time, as both providers' documentation gives
// them. An unreadable one is zero rather than an error: a payment's times
// move no money, so a status read must not fail over one.
func ParseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t
}
