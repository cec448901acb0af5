package transport

import (
	"runtime"
	"strings"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/urlcheck"
)

// FromOptions checks the payments.HTTPOptions an adapter's Config embeds and
// fills the Config fields every adapter shares from them; defaultBase is used
// when o.BaseURL is empty. The adapter adds what is its own (Secrets,
// AttemptHeader) to the result. A refused option is a driver.ConfigError
// naming the field, so the adapter's New can return it as it is.
func FromOptions(provider, defaultBase string, o payments.HTTPOptions) (Config, error) {
	if err := checkOptions(provider, o); err != nil {
		return Config{}, err
	}
	base := strings.TrimRight(strings.TrimSpace(o.BaseURL), "/")
	if base == "" {
		base = defaultBase
	}
	return Config{
		Provider:     provider,
		BaseURL:      base,
		HTTPClient:   o.HTTPClient,
		Logger:       o.Logger,
		MaxRetries:   o.MaxRetries,
		RetryWaitMin: o.RetryWaitMin,
		RetryWaitMax: o.RetryWaitMax,
		MaxIdleConns: o.MaxIdleConns,
		UserAgent:    UserAgent(o.AppInfo),
	}, nil
}

// UserAgent is the User-Agent every request carries: the library's name and
// version, the Go version, and the app's own name when it gave one
// ("regionpay-payments/0.1.0 go1.23.4 shop/2.3 (+https://shop.example)").
func UserAgent(app *payments.AppInfo) string {
	ua := payments.UserAgentName + "/" + payments.Version + " " + runtime.Version()
	if app != nil {
		ua += " " + app.String()
	}
	return ua
}

// checkOptions refuses a base URL that is not https (or http to a loopback
// host), and retry waits that are negative or out of order once the defaults
// are applied, so that a RetryWaitMin above the default maximum is refused
// by name too.
func checkOptions(provider string, o payments.HTTPOptions) error {
	if o.BaseURL != "" {
		if _, err := urlcheck.BaseURL(o.BaseURL); err != nil {
			return driver.ConfigError(provider, "BaseURL", "%v", err)
		}
	}
	if err := o.AppInfo.Validate(); err != nil {
		return driver.ConfigError(provider, "AppInfo", "%v", err)
	}
	waitMin, waitMax := o.RetryWaitMin, o.RetryWaitMax
	if waitMin == 0 {
		waitMin = DefaultRetryWaitMin
	}
	if waitMax == 0 {
		waitMax = DefaultRetryWaitMax
	}
	switch {
	case o.RetryWaitMin < 0:
		return driver.ConfigError(provider, "RetryWaitMin", "must not be negative, got %s", o.RetryWaitMin)
	case o.RetryWaitMax < 0:
		return driver.ConfigError(provider, "RetryWaitMax", "must not be negative, got %s", o.RetryWaitMax)
	case waitMin > waitMax:
		return driver.ConfigError(provider, "RetryWaitMin", "%s is above RetryWaitMax (%s)", waitMin, waitMax)
	case o.MaxIdleConns < 0:
		return driver.ConfigError(provider, "MaxIdleConns", "must not be negative, got %d", o.MaxIdleConns)
	}
	return nil
}
