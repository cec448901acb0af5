package payments_test

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/regionpay/payments"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMoneyString(t *testing.T) {
	cases := []struct {
		m    payments.Money
		want string
	}{
		{payments.Money{Minor: 12345, Currency: "RUB"}, "123.45 RUB"},
		{payments.Money{Minor: 5, Currency: "RUB"}, "0.05 RUB"},
		{payments.Money{Minor: 0, Currency: "RUB"}, "0.00 RUB"},
		{payments.Money{Minor: -150, Currency: "RUB"}, "-1.50 RUB"},
		{payments.Money{Minor: math.MaxInt64, Currency: "RUB"}, "92233720368547758.07 RUB"},
		{payments.Money{Minor: math.MinInt64, Currency: "RUB"}, "-92233720368547758.08 RUB"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.m.String())
	}
}

func TestMoneyValidate(t *testing.T) {
	cases := []struct {
		m       payments.Money
		wantErr string
	}{
		{payments.Money{Minor: 1, Currency: "RUB"}, ""},
		{payments.Money{Minor: 0, Currency: "RUB"}, "amount must be positive, got 0 minor units"},
		{payments.Money{Minor: -1, Currency: "RUB"}, "amount must be positive, got -1 minor units"},
		{payments.Money{Minor: 100, Currency: ""}, `currency must be a three-letter ISO 4217 code like "RUB", got ""`},
		{payments.Money{Minor: 100, Currency: "rub"}, `got "rub"`},
		{payments.Money{Minor: 100, Currency: "RUBL"}, `got "RUBL"`},
	}
	for _, c := range cases {
		err := c.m.Validate()
		if c.wantErr == "" {
			assert.NoError(t, err, c.m.String())
		} else {
			assert.ErrorContains(t, err, c.wantErr, c.m.String())
		}
	}
}

func TestRefString(t *testing.T) {
	assert.Equal(t, "abc", payments.Ref{ID: "abc"}.String())
	assert.Equal(t, "abc/42", payments.Ref{ID: "abc", InvoiceID: "42"}.String())
}

var oddVerbs = "%d %x %X %t %10s %-q"

func TestSecretNeverPrints(t *testing.T) {
	const key = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-very-secret"
	s := payments.Secret(key)
	cfg := struct {
		KeyID string
		Key   payments.Secret
	}{"kid", s}
	for _, text := range []string{
		s.String(), fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s),
		fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg),
		// Verbs that do not fit a struct still print its fields; vet would
		// refuse them in a constant format, hence the variable.
		fmt.Sprintf(oddVerbs, cfg, cfg, cfg, cfg, cfg, cfg),
		fmt.Sprintf(oddVerbs, s, s, s, s, s, s),
	} {
		assert.NotContains(t, text, key)
		assert.NotContains(t, text, "very-secret")
	}
	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	assert.NotContains(t, string(b), key)
	assert.Contains(t, string(b), "[redacted]")
	assert.Equal(t, key, s.Reveal())
	assert.Equal(t, "", payments.Secret("").String(), "an empty secret shows as empty, so a missing one is visible")
}
