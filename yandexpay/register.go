package yandexpay

import (
	"time"

	"github.com/regionpay/payments"
)

// init registers the adapter as "yandexpay", so that importing the package
// is all a config needs:
//
//	"ru-web": {"provider": "yandexpay", "api_key": "${YANDEX_PAY_API_KEY}", "default_timeout": "15s"}
//
// Fields: the API key as api_key ("${ENV_VAR}") or api_key_file (a path) —
// in the sandbox the key is the merchant id — and default_timeout (a
// duration, at least 1s), sent as X-Request-Timeout when a call's context has
// no deadline. The common sandbox and base_url fields apply.
func init() { payments.Register(Name, registryOpen) }

// registryOpen maps a config region onto Config. Every field is read before
// anything is checked, so that payments.Open can name a misspelt field.
func registryOpen(s *payments.Settings) (payments.Provider, error) {
	key, errKey := s.Secret("api_key")
	timeout, errTimeout := s.Duration("default_timeout")
	switch {
	case errKey != nil:
		return nil, errKey
	case errTimeout != nil:
		return nil, errTimeout
	case timeout > 0 && timeout < time.Second:
		return nil, s.Errorf("default_timeout", "must be at least 1s (Yandex Pay's minimum X-Request-Timeout), got %s", timeout)
	}
	c, err := New(Config{
		APIKey:         key,
		Sandbox:        s.Sandbox,
		BaseURL:        s.BaseURL,
		HTTPClient:     s.HTTPClient,
		Logger:         s.Logger,
		DefaultTimeout: timeout,
	})
	if err != nil {
		return nil, s.Errorf("", "%v", err)
	}
	return c, nil
}
