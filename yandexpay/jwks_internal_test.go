package yandexpay

import (
	"testing"

	"github.com/regionpay/payments"
)

// TestJWKSURLChoice: the key set follows the environment, or base_url for
// an emulator or a regional host, unless JWKSURL overrides it.
func TestJWKSURLChoice(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"production", Config{}, ProductionJWKSURL},
		{"sandbox", Config{Sandbox: true}, SandboxJWKSURL},
		{"emulator", Config{HTTPOptions: payments.HTTPOptions{BaseURL: "http://127.0.0.1:8787/yandexpay/api/merchant"}}, "http://127.0.0.1:8787/yandexpay/api/jwks"},
		{"Uzbekistan sandbox", Config{HTTPOptions: payments.HTTPOptions{BaseURL: "https://sandbox.pay.yandex.uz/api/merchant/"}}, "https://sandbox.pay.yandex.uz/api/jwks"},
		{"override", Config{Sandbox: true, JWKSURL: "https://keys.example/jwks"}, "https://keys.example/jwks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.APIKey, tc.cfg.MerchantID = "k", "m"
			c, err := New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.notify.keys.url; got != tc.want {
				t.Errorf("key set at %q; want %q", got, tc.want)
			}
		})
	}
}
