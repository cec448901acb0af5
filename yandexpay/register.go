package yandexpay

import (
	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
)

// init registers the adapter as "yandexpay", so that importing the package
// is all a config needs:
//
//	"ru-web": {"provider": "yandexpay", "api_key": "${YANDEX_PAY_API_KEY}", "default_timeout": "10s"}
//
// Fields: the API key as api_key ("${ENV_VAR}") or api_key_file (a path) —
// in the sandbox the key is the merchant id — and default_timeout (a
// duration, 1s to 10s), sent as X-Request-Timeout when a call's context has
// no deadline. The common sandbox and base_url fields apply.
//
// Webhooks: merchant_id (string) turns on verification of Yandex Pay's
// webhooks for that merchant; jwks_url (https, or http to a loopback host)
// overrides where the signing keys are read, which by default follows
// sandbox and base_url.
func init() { payments.Register(Name, registryOpen) }

// registryOpen maps a config region onto Config. Every field is read before
// anything is checked, so that payments.Open can name a misspelt field.
func registryOpen(s *payments.Settings) (payments.Provider, error) {
	key, errKey := s.Secret("api_key")
	timeout, errTimeout := s.Duration("default_timeout")
	merchantID, errMerchant := s.String("merchant_id")
	jwksURL, errJWKS := s.String("jwks_url")
	if err := driver.FirstError(errKey, errTimeout, errMerchant, errJWKS); err != nil {
		return nil, err
	}
	c, err := New(Config{
		APIKey:         key,
		Sandbox:        s.Sandbox,
		DefaultTimeout: timeout,
		HTTPOptions:    s.HTTPOptions(),
		MerchantID:     merchantID,
		JWKSURL:        jwksURL,
		Now:            s.Now,
	})
	if err != nil {
		return nil, driver.OpenError(s, err, configFields)
	}
	return c, nil
}

// configFields maps Config fields to the config file's names for them.
var configFields = map[string]string{
	"APIKey": "api_key", "DefaultTimeout": "default_timeout", "MerchantID": "merchant_id", "JWKSURL": "jwks_url",
}
