package rustore

import (
	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
)

// init registers the adapter as "rustore", so that importing the package is
// all a config needs:
//
//	"ru": {"provider": "rustore", "key_id": "...", "app_id": 1704024,
//	       "private_key_file": "/run/secrets/rustore.key"}
//
// Fields: key_id (string, required), app_id (integer, required), and the
// private key as private_key ("${ENV_VAR}") or private_key_file (a path), in
// any form New accepts. The common sandbox and base_url fields apply.
func init() { payments.Register(Name, registryOpen) }

// registryOpen maps a config region onto Config. Every field is read before
// anything is checked, so that payments.Open can name a misspelt field.
func registryOpen(s *payments.Settings) (payments.Provider, error) {
	keyID, errKeyID := s.String("key_id")
	appID, errAppID := s.Int("app_id")
	key, errKey := s.Secret("private_key")
	notifyKey, errNotify := s.OptionalSecret("notification_key")
	if err := driver.FirstError(errKeyID, errAppID, errKey, errNotify); err != nil {
		return nil, err
	}
	if keyID == "" {
		return nil, s.Errorf("key_id", "missing: set it to the API key id from the RuStore console")
	}
	if appID <= 0 {
		return nil, s.Errorf("app_id", "missing or not positive: set it to the number in console.rustore.ru/apps/{appId}/versions")
	}
	c, err := New(Config{
		KeyID:           keyID,
		PrivateKey:      key,
		AppID:           appID,
		Sandbox:         s.Sandbox,
		NotificationKey: notifyKey,
		HTTPOptions:     s.HTTPOptions(),
	})
	if err != nil {
		return nil, driver.OpenError(s, err, configFields)
	}
	return c, nil
}

// configFields maps Config fields to the config file's names for them.
var configFields = map[string]string{
	"KeyID": "key_id", "AppID": "app_id", "PrivateKey": "private_key", "NotificationKey": "notification_key",
}
