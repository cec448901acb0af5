package rustore

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

func TestStatusTableRowByRow(t *testing.T) {
	// Every invoice status RuStore documents, plus values no table knows.
	cases := []struct {
		raw  string
		want status.Status
	}{
		{"CREATED", status.Pending},
		{"INVOICE_CREATED", status.Pending},
		{"EXECUTED", status.Pending},
		{"EXECUTING", status.Pending},
		{"PROCESSING", status.Pending},
		{"PAID", status.Authorized},
		{"CONFIRMED", status.Captured},
		{"CONSUMED", status.Captured},
		{"REFUNDING", status.Captured},
		{"REFUNDED", status.Refunded},
		{"REVERSED", status.Voided},
		{"REJECTED", status.Failed},
		{"CANCELLED", status.Failed},
		{"EXPIRED", status.Expired},
		{"archived_v9", status.Unknown},
		{"", status.Unknown},
		{"PAIDX", status.Unknown},
	}
	known := 0
	for _, tc := range cases {
		for _, raw := range []string{tc.raw, strings.ToLower(tc.raw), " " + tc.raw + " "} {
			assert.Equal(t, tc.want, normalize(raw), "raw %q", raw)
		}
		if tc.want != status.Unknown {
			known++
		}
	}
	assert.Equal(t, len(statusTable), known, "every table row is tested")
}

func TestParsePurchase(t *testing.T) {
	full := `{
		"invoiceId": 2850,
		"invoiceDate": "2023-07-18T14:31:33+03:00",
		"refundDate": null,
		"invoiceStatus": "confirmed",
		"developerPayload": null,
		"appId": "3399750",
		"ownerCode": 4384191,
		"paymentInfo": {"paymentDate": "2024-10-24T14:31:33.123456+03:00", "maskedPan": "XX1111"},
		"order": {"orderId": "a090a93c-ca06-493d-a90a-ce2bac722358", "amountCreate": 10000, "amountCurrent": 9000, "currency": "RUB", "itemCode": "1day"}
	}`
	ref := payments.Ref{ID: "3aa0c7bd-964e-4562-b218-fe365adb4ae3", InvoiceID: "2850"}
	p, err := parsePurchase(ref, json.RawMessage(full))
	require.NoError(t, err)
	assert.Equal(t, ref, p.Ref)
	assert.Equal(t, Name, p.Provider)
	assert.Equal(t, status.Captured, p.Status)
	assert.Equal(t, "confirmed", p.RawStatus)
	assert.Equal(t, payments.Money{Minor: 9000, Currency: "RUB"}, p.Amount)
	msk := time.FixedZone("", 3*3600)
	assert.True(t, p.Created.Equal(time.Date(2023, 7, 18, 14, 31, 33, 0, msk)), "created %s", p.Created)
	assert.True(t, p.Updated.Equal(time.Date(2024, 10, 24, 14, 31, 33, 123456000, msk)), "updated %s", p.Updated)
	assert.JSONEq(t, full, string(p.Raw))

	cases := []struct {
		name  string
		body  string
		check func(t *testing.T, p *payments.Payment)
		err   string
	}{
		{"invoice id as string, upper-case status", `{"invoiceId":"2850","invoiceStatus":"PAID","appId":3399750}`, func(t *testing.T, p *payments.Payment) {
			assert.Equal(t, status.Authorized, p.Status)
			assert.Equal(t, "PAID", p.RawStatus)
			assert.Equal(t, "2850", p.Ref.InvoiceID)
		}, ""},
		{"refund date wins as Updated", `{"invoiceId":2850,"invoiceStatus":"refunded","refundDate":"2025-04-01T15:02:09.427Z","paymentInfo":{"paymentDate":"2024-10-24T14:31:33+03:00"}}`, func(t *testing.T, p *payments.Payment) {
			assert.True(t, p.Updated.Equal(time.Date(2025, 4, 1, 15, 2, 9, 427000000, time.UTC)))
		}, ""},
		{"created: no payment info", `{"invoiceId":2850,"invoiceStatus":"created","invoiceDate":"not a date"}`, func(t *testing.T, p *payments.Payment) {
			assert.Equal(t, status.Pending, p.Status)
			assert.True(t, p.Created.IsZero())
			assert.True(t, p.Updated.IsZero())
		}, ""},
		{"no amountCurrent: amountCreate", `{"invoiceId":2850,"invoiceStatus":"paid","order":{"amountCreate":500,"currency":"rub"}}`, func(t *testing.T, p *payments.Payment) {
			assert.Equal(t, payments.Money{Minor: 500, Currency: "RUB"}, p.Amount)
		}, ""},
		{"integral amount with a fraction", `{"invoiceId":2850,"invoiceStatus":"paid","order":{"amountCurrent":9000.00,"currency":"RUB"}}`, func(t *testing.T, p *payments.Payment) {
			assert.Equal(t, int64(9000), p.Amount.Minor)
		}, ""},
		{"amount as string", `{"invoiceId":2850,"invoiceStatus":"paid","order":{"amountCurrent":"9000","currency":"RUB"}}`, func(t *testing.T, p *payments.Payment) {
			assert.Equal(t, int64(9000), p.Amount.Minor)
		}, ""},
		{"no invoice id in body: the asked one", `{"invoiceStatus":"paid"}`, func(t *testing.T, p *payments.Payment) {
			assert.Equal(t, "2850", p.Ref.InvoiceID)
		}, ""},
		{"leading zeros are the same invoice", `{"invoiceId":"002850","invoiceStatus":"paid"}`, nil, ""},
		{"split kopeck", `{"invoiceId":2850,"invoiceStatus":"paid","order":{"amountCurrent":90.5}}`, nil, `"90.5" is not a whole number`},
		{"no status", `{"invoiceId":2850}`, nil, "no invoiceStatus"},
		{"another invoice", `{"invoiceId":2851,"invoiceStatus":"paid"}`, nil, "asked for invoice 2850, RuStore answered about invoice 2851"},
		{"invoice id of the wrong type", `{"invoiceId":{"a":1},"invoiceStatus":"paid"}`, nil, "does not parse"},
		{"not an object", `[1,2]`, nil, "does not parse"},
		{"null body", `null`, nil, "no invoiceStatus"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parsePurchase(ref, json.RawMessage(tc.body))
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

func TestParseTTL(t *testing.T) {
	cases := []struct {
		raw  string
		want time.Duration
	}{
		{`900`, 900 * time.Second},
		{`"600"`, 600 * time.Second},
		{`1.5`, 1500 * time.Millisecond},
		{``, defaultTokenTTL},
		{`null`, defaultTokenTTL},
		{`0`, defaultTokenTTL},
		{`-5`, defaultTokenTTL},
		{`"soon"`, defaultTokenTTL},
		{`1e12`, defaultTokenTTL},
		// NaN passes "<= 0" and "> a week" alike; a tiny ttl rounds to zero
		// and would make every call fetch a token.
		{`"NaN"`, defaultTokenTTL},
		{`1e-12`, defaultTokenTTL},
		{`0.5`, defaultTokenTTL},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, parseTTL(json.RawMessage(tc.raw)), "ttl %s", tc.raw)
	}
}

func TestRenewMargin(t *testing.T) {
	assert.Equal(t, refreshAhead, renewMargin(900*time.Second))
	assert.Equal(t, refreshAhead, renewMargin(2*refreshAhead))
	assert.Equal(t, 30*time.Second, renewMargin(60*time.Second), "short tokens are used for half their life")
}
