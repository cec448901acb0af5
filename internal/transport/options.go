package transport

import (
	"strings"

	"github.com/regionpay/payments"
)

// FromOptions fills the Config fields every adapter shares from the
// payments.HTTPOptions its Config embeds; defaultBase is used when
// o.BaseURL is empty. The adapter adds what is its own (Secrets,
// AttemptHeader) to the result.
func FromOptions(provider, defaultBase string, o payments.HTTPOptions) Config {
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
	}
}
