package rustoretest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/rustore/rustoretest"
)

// listPage is a purchase list body as the emulator writes it.
type listPage struct {
	Purchases []struct {
		PurchaseID     string `json:"purchaseId"`
		InvoiceID      int64  `json:"invoiceId"`
		ProductID      string `json:"productId"`
		OrderID        string `json:"orderId"`
		PurchaseType   int    `json:"purchaseType"`
		ProductType    string `json:"productType"`
		PurchaseStatus string `json:"purchaseStatus"`
	} `json:"purchases"`
	ContinuationToken string `json:"continuationToken"`
}

func listPath(s *rustoretest.Server, sandbox bool, q url.Values) string {
	return prefix(sandbox) + "/applications/" + strconv.FormatInt(s.AppID(), 10) + "/purchases?" + q.Encode()
}

func TestPurchaseList(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	var want []rustoretest.Purchase
	for _, st := range []string{"paid", "CONFIRMED", "refunded", "confirmed", "paid"} {
		want = append(want, s.AddPurchase(rustoretest.Purchase{AppUserID: "u-1", Status: st, ItemCode: "gems"}))
		s.AddPurchase(rustoretest.Purchase{AppUserID: "u-2"})
	}
	test := s.AddPurchase(rustoretest.Purchase{AppUserID: "u-1", Sandbox: true, ProductType: "SUBSCRIPTION"})

	// Pages of two, oldest invoice first, the token on every page but the last.
	var got []rustoretest.Purchase
	q := url.Values{"appUserId": {"u-1"}, "limit": {"2"}}
	for pages := 1; ; pages++ {
		a := call(t, s, http.MethodGet, listPath(s, false, q), tok, nil)
		require.Equal(t, http.StatusOK, a.status, string(a.raw))
		var pg listPage
		require.NoError(t, json.Unmarshal(a.env.Body, &pg))
		for _, p := range pg.Purchases {
			stored, ok := s.Purchase(p.PurchaseID)
			require.True(t, ok)
			require.Equal(t, stored.InvoiceID, p.InvoiceID)
			require.Equal(t, "gems", p.ProductID)
			require.Equal(t, stored.OrderID, p.OrderID)
			require.Equal(t, stored.Status, p.PurchaseStatus)
			require.Equal(t, 0, p.PurchaseType)
			require.Equal(t, "CONSUMABLE", p.ProductType)
			got = append(got, stored)
		}
		if pg.ContinuationToken == "" {
			require.Equal(t, 3, pages)
			break
		}
		require.Len(t, pg.Purchases, 2)
		q.Set("continuation", pg.ContinuationToken)
	}
	require.Equal(t, want, got)

	// The status filter ignores letter case; the sandbox lists test purchases only.
	a := call(t, s, http.MethodGet, listPath(s, false, url.Values{"appUserId": {"u-1"}, "purchaseStatus": {"confirmed"}}), tok, nil)
	var pg listPage
	require.NoError(t, json.Unmarshal(a.env.Body, &pg))
	require.Len(t, pg.Purchases, 2)
	a = call(t, s, http.MethodGet, listPath(s, true, url.Values{"appUserId": {"u-1"}}), tok, nil)
	require.NoError(t, json.Unmarshal(a.env.Body, &pg))
	require.Len(t, pg.Purchases, 1)
	require.Equal(t, test.PurchaseID, pg.Purchases[0].PurchaseID)
	require.Equal(t, 1, pg.Purchases[0].PurchaseType)
	require.Equal(t, "SUBSCRIPTION", pg.Purchases[0].ProductType)
	require.Equal(t, 5, s.ListReads())
}

func TestPurchaseListRefusals(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	cases := []struct {
		name   string
		path   string
		token  string
		status int
	}{
		{"no app user", listPath(s, false, url.Values{}), tok, http.StatusBadRequest},
		{"bad limit", listPath(s, false, url.Values{"appUserId": {"u"}, "limit": {"0"}}), tok, http.StatusBadRequest},
		{"foreign token", listPath(s, false, url.Values{"appUserId": {"u"}, "continuation": {"not-ours"}}), tok, http.StatusBadRequest},
		{"no Public-Token", listPath(s, false, url.Values{"appUserId": {"u"}}), "", http.StatusUnauthorized},
		{"another app", "/public/applications/1/purchases?appUserId=u", tok, http.StatusForbidden},
	}
	for _, tc := range cases {
		a := call(t, s, http.MethodGet, tc.path, tc.token, nil)
		require.Equal(t, tc.status, a.status, "%s: %s", tc.name, a.raw)
		require.NotEqual(t, "OK", a.env.Code, tc.name)
	}
	a := call(t, s, http.MethodPost, listPath(s, false, url.Values{"appUserId": {"u"}}), tok, nil)
	require.Equal(t, http.StatusMethodNotAllowed, a.status)

	// An over-large limit is capped, not refused.
	for i := 0; i < rustoretest.MaxListLimit+1; i++ {
		s.AddPurchase(rustoretest.Purchase{AppUserID: "many"})
	}
	a = call(t, s, http.MethodGet, listPath(s, false, url.Values{"appUserId": {"many"}, "limit": {"100000"}}), tok, nil)
	var pg listPage
	require.NoError(t, json.Unmarshal(a.env.Body, &pg))
	require.Len(t, pg.Purchases, rustoretest.MaxListLimit)
	require.NotEmpty(t, pg.ContinuationToken)
}
