package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// cmd runs payctl against p's emulators.
func (p *inProcess) cmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	r := p.run(t, args...)
	return r.code, r.stdout, r.stderr
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestPayctlStart(t *testing.T) {
	p := startInProcess(t, nil)
	args := []string{"start", "-region", emulateRegionYaPa, "-order", "web-1",
		"-item", "tea:2:300.00:Green tea: large", "-item", "cup:1:99.99:Cup",
		"-success-url", "https://shop.example/ok", "-error-url", "https://shop.example/err", "-ttl", "10m"}
	code, out, errOut := p.cmd(t, args...)
	require.Equal(t, exitOK, code, errOut)
	url := strings.TrimSpace(out)
	require.True(t, strings.HasPrefix(url, p.em.ys.PageURL()+"/pay/"), "stdout is the payment URL: %q", out)
	o, ok := p.em.ys.Order("web-1")
	require.True(t, ok)
	require.Equal(t, int64(39999), o.Amount)
	require.Equal(t, "Green tea: large", o.Cart.Items[0].Title)

	// Again, as JSON: the same order, created once.
	code, out, errOut = p.cmd(t, append(args, "-json")...)
	require.Equal(t, exitOK, code, errOut)
	var res payments.StartResult
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Equal(t, url, res.PaymentURL)
	require.True(t, res.Existing)
	require.Equal(t, "web-1", res.Ref.ID)

	// Other items under the same order: refused as bad input (exit 2), with the order id to repeat.
	code, _, errOut = p.cmd(t, "start", "-region", emulateRegionYaPa, "-order", "web-1", "-item", "tea:1:150.00:Tea",
		"-success-url", "https://shop.example/ok", "-error-url", "https://shop.example/err")
	require.Equal(t, exitUsage, code, errOut)
	require.Contains(t, errOut, "already names another order")
	require.Contains(t, errOut, "idempotency key: web-1 (nothing was done: fix what the message names first)")
	require.NotContains(t, errOut, "repeat safely with", "a repeat is refused the same way")

	// A start that fails says how to repeat it safely: the same command.
	p.em.ys.InjectFault(fault.Fault{Kind: fault.ServerError, Action: yandexpaytest.ActionOrder, Times: 100})
	code, _, errOut = p.cmd(t, append(args[:4:4], "web-2", "-item", "tea:1:150.00:Green tea", "-success-url", "https://shop.example/ok", "-error-url", "https://shop.example/err")...)
	require.Equal(t, exitPayment, code, errOut)
	require.Contains(t, errOut, "idempotency key: web-2")
	require.Contains(t, errOut, "repeat safely with: payctl -config "+p.configPath+" start -region yandexpay-ru -order web-2 -item 'tea:1:150.00:Green tea'")

	// RuStore cannot start payments.
	code, _, errOut = p.cmd(t, "start", "-order", "x", "-item", "a:1:1.00:A", "-success-url", "https://s/", "-error-url", "https://e/")
	require.Equal(t, exitUsage, code, "a provider without the action is bad input for it: nothing was sent")
	require.Contains(t, errOut, "Pay SDK")
	require.Contains(t, errOut, "nothing was done")
	require.NotContains(t, errOut, "repeat safely with", "RuStore never starts a payment, so nothing is worth repeating")
	require.NotContains(t, errOut, "to retry")

	for _, bad := range [][]string{
		{"start", "-item", "a:1:1.00:A"},
		{"start", "-order", "x"},
		{"start", "-order", "x", "-item", "a:1:1.00"},
		{"start", "-order", "x", "-item", "a:one:1.00:A"},
	} {
		code, _, errOut := p.cmd(t, bad...)
		require.Equal(t, exitUsage, code, "%v: %s", bad, errOut)
	}
}

func TestPayctlListAndFind(t *testing.T) {
	p := startInProcess(t, nil)
	var ids []rustoretest.Purchase
	for i, st := range []string{"paid", "confirmed", "confirmed"} {
		pur, err := p.em.rs.TryAddPurchase(rustoretest.Purchase{AppUserID: "user-9", Status: st, ProductID: "gems", OrderID: "app-" + st})
		require.NoError(t, err, i)
		ids = append(ids, pur)
	}
	code, out, errOut := p.cmd(t, "list", "-user", "user-9", "-page-size", "2")
	require.Equal(t, exitOK, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3)
	require.Equal(t, ids[0].PurchaseID+"\t"+itoa(ids[0].InvoiceID)+"\tAuthorized(paid)\tgems\tapp-paid", lines[0])

	code, out, errOut = p.cmd(t, "list", "-user", "user-9", "-status", "confirmed", "-json")
	require.Equal(t, exitOK, code, errOut)
	lines = strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	var fp payments.FoundPayment
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &fp))
	require.Equal(t, ids[1].PurchaseID, fp.Ref.ID)

	code, out, errOut = p.cmd(t, "find", "-user", "user-9", "-purchase", ids[2].PurchaseID)
	require.Equal(t, exitOK, code, errOut)
	require.Equal(t, ids[2].PurchaseID+" "+itoa(ids[2].InvoiceID)+"\n", out)

	code, _, errOut = p.cmd(t, "find", "-user", "someone-else", "-purchase", ids[2].PurchaseID)
	require.Equal(t, exitPayment, code)
	require.Contains(t, errOut, "NotFound")

	// A purchase id that is not a UUID is bad input, found before any listing.
	reads := p.em.rs.ListReads()
	code, _, errOut = p.cmd(t, "find", "-user", "user-9", "-purchase", "not-a-uuid")
	require.Equal(t, exitUsage, code, errOut)
	require.Contains(t, errOut, "-purchase must be a RuStore purchaseId")
	require.Equal(t, reads, p.em.rs.ListReads())

	code, _, _ = p.cmd(t, "list")
	require.Equal(t, exitUsage, code)
	code, _, errOut = p.cmd(t, "list", "-region", emulateRegionYaPa, "-user", "u")
	require.Equal(t, exitUsage, code, "a provider without the action is bad input for it: nothing was sent")
	require.Contains(t, errOut, "Unimplemented")
}
