package payments

import (
	"log/slog"
	"net/http"
	"time"
)

// DefaultHTTPTimeout bounds one HTTP attempt when the caller set no deadline
// and gave no client of its own, through an adapter's New and through Open
// alike. RuStore's documentation says a purchase may take about 30 seconds to
// confirm, so the default leaves room for that; callers bound each call with
// their context.
const DefaultHTTPTimeout = 60 * time.Second

// HTTPOptions are the HTTP settings every adapter's Config embeds, so that
// they are named, documented and defaulted once for every provider. The zero
// value means the defaults given.
type HTTPOptions struct {
	// BaseURL overrides the provider's address, e.g. with an emulator's. It
	// must be https, except plain http to a loopback host.
	BaseURL string
	// HTTPClient sends every request; nil means a pooled client whose
	// Timeout is DefaultHTTPTimeout. A client of your own should keep its
	// timeout above 30 s for RuStore (see DefaultHTTPTimeout).
	HTTPClient *http.Client
	// Logger receives one record per HTTP attempt (never headers, bodies or
	// credentials); nil means no logs.
	Logger *slog.Logger
	// MaxRetries bounds the retries of one request after the first attempt:
	// 0 means 3, negative means none.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the pause between retries; zero
	// means 200 ms and 5 s. Negative values, or a minimum above the maximum,
	// are refused.
	RetryWaitMin, RetryWaitMax time.Duration
	// AppInfo, when set, names the app in the User-Agent of every request,
	// after the library's name and Version. Nil sends the library's alone.
	AppInfo *AppInfo
}
