package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// goFieldNames are the adapters' names for what payctl's flags fill: a
// payctl user can pass none of them.
var goFieldNames = regexp.MustCompile(`opts\.[A-Z]|Ref\.(ID|InvoiceID)|(Amount|Cart) nil`)

// An adapter's refusal names the Go option it refused ("opts.Cart is
// missing ... leave opts.Amount nil"); payctl says which flag that is, so
// the user of a command line is told what to type.
func TestPayctlNamesItsFlags(t *testing.T) {
	p := startInProcess(t, nil)
	authorized := p.em.ys.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 5000})
	captured := p.em.ys.AddOrder(yandexpaytest.Order{Status: "CAPTURED", Amount: 5000})
	paid := p.em.rs.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 10000})
	cart := filepath.Join(t.TempDir(), "cart.json")
	require.NoError(t, os.WriteFile(cart, []byte(`{"items":[{"id":"a","title":"A","quantity":1,"total":{"minor":100,"currency":"RUB"}}],"total":{"minor":100,"currency":"RUB"}}`), 0o600))
	usdCart := filepath.Join(t.TempDir(), "usd.json")
	require.NoError(t, os.WriteFile(usdCart, []byte(`{"items":[{"id":"a","title":"A","quantity":1,"total":{"minor":100,"currency":"USD"}}],"total":{"minor":100,"currency":"USD"}}`), 0o600))

	cases := []struct {
		name string
		args []string
		want []string // substrings of stderr
	}{
		{"capture amount without a cart", []string{"capture", "-region", "yandexpay-ru", "-id", authorized.OrderID, "-amount", "1.00"},
			[]string{"-cart is missing", "pass -cart, or leave out -amount"}},
		{"refund amount without a cart", []string{"refund", "-region", "yandexpay-ru", "-id", captured.OrderID, "-amount", "1.00"},
			[]string{"-cart is missing", "pass -cart, or leave out -amount"}},
		{"capture amount in another currency", []string{"capture", "-region", "yandexpay-ru", "-id", authorized.OrderID, "-amount", "1.00", "-currency", "USD", "-cart", usdCart},
			[]string{"-currency USD"}},
		{"capture amount that is not the cart's total", []string{"capture", "-region", "yandexpay-ru", "-id", authorized.OrderID, "-amount", "2.00", "-cart", cart},
			[]string{"-amount 2.00 RUB differs from -cart's total 1.00 RUB"}},
		{"RuStore and a cart", []string{"capture", "-id", paid.PurchaseID, "-cart", cart},
			[]string{"leave out -cart", "nothing was done"}},
		{"RuStore partial refund", []string{"refund", "-id", paid.PurchaseID, "-invoice", "1", "-amount", "1.00"},
			[]string{"leave out -amount"}},
		{"RuStore status without -invoice", []string{"status", "-id", paid.PurchaseID},
			[]string{"-invoice is empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := p.run(t, c.args...)
			require.NotZero(t, r.code, "stdout %q", r.stdout)
			for _, w := range c.want {
				assert.Contains(t, r.stderr, w)
			}
			assert.NotRegexp(t, goFieldNames, r.stderr, "payctl names a Go field its user cannot set")
			assert.NotContains(t, r.stderr, "repeat safely with", "a refusal before sending is not repeated as is")
		})
	}
	assert.Zero(t, p.em.ys.Count(authorized.OrderID, yandexpaytest.ActionCapture))
	assert.Zero(t, p.em.ys.Count(captured.OrderID, yandexpaytest.ActionRefund))
}

// A key that already names another action is refused without acting, and
// payctl does not advise repeating the command with that very key.
func TestPayctlReusedKeyIsNotAdvisedForARepeat(t *testing.T) {
	p := startInProcess(t, nil)
	a := p.em.ys.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 5000})
	b := p.em.ys.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 5000})
	r := p.run(t, "capture", "-region", "yandexpay-ru", "-id", a.OrderID, "-idempotency-key", "reused-1")
	require.Equal(t, 0, r.code, r.stderr)
	r = p.run(t, "capture", "-region", "yandexpay-ru", "-id", b.OrderID, "-idempotency-key", "reused-1")
	require.Equal(t, 2, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
	assert.Contains(t, r.stderr, "code: InvalidArgument")
	assert.Contains(t, r.stderr, "already names another operation")
	assert.Contains(t, r.stderr, "idempotency key: reused-1")
	assert.NotContains(t, r.stderr, "repeat the command with the same key")
	assert.NotContains(t, r.stderr, "repeat safely with")
	assert.Zero(t, p.em.ys.Count(b.OrderID, yandexpaytest.ActionCapture), "the reused key captured the second order")
}
