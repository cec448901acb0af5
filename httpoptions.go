package payments

import (
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// DefaultHTTPTimeout bounds one HTTP attempt when the caller set no deadline
// and gave no client of its own, through an adapter's New and through Open
// alike. RuStore's documentation says a purchase may take about 30 seconds to
// confirm, so the default leaves room for that; callers bound each call with
// their context.
const DefaultHTTPTimeout = 60 * time.Second

// DefaultMaxIdleConns is how many idle connections per host the pooled
// client (NewHTTPClient) keeps when none is asked for: enough that 256
// concurrent callers reuse connections instead of opening new ones (and new
// TLS handshakes). Connections idle for 90 s close.
const DefaultMaxIdleConns = 256

// NewHTTPClient returns the client an adapter's New and Open build when the
// app gives none: its own connection pool (never http.DefaultTransport,
// which others may change) keeping maxIdle idle connections per host (0
// means DefaultMaxIdleConns, a negative value is taken as 0), bounded dial
// and TLS handshake times, TLS 1.2 at least, and DefaultHTTPTimeout per
// attempt. An app that wants a client of its own can start from it.
func NewHTTPClient(maxIdle int) *http.Client {
	if maxIdle <= 0 {
		maxIdle = DefaultMaxIdleConns
	}
	return &http.Client{Timeout: DefaultHTTPTimeout, Transport: &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          maxIdle,
		MaxIdleConnsPerHost:   maxIdle,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}}
}

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
	// MaxIdleConns is how many idle connections per host the pooled client
	// built when HTTPClient is nil keeps for reuse (NewHTTPClient); 0 means
	// DefaultMaxIdleConns, negative values are refused. A client of your
	// own keeps its own pool.
	MaxIdleConns int
}
