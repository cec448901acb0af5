package rustoretest_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/rustore/rustoretest"
)

// outcome is what one action does to one raw status: either a new status or
// a refusal message.
type outcome struct {
	to      string
	message string
}

const (
	mustBePaid      = "Purchase status must be PAID"
	mustBeConfirmed = "Invoice status must be CONFIRMED"
	alreadyRefunded = "Invoice has already been refunded"
)

// machine is RuStore's state machine as seeds 000/001 and the refund notes
// describe it, written out independently of the emulator's table.
var machine = map[string]map[string]outcome{
	"created":         {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: mustBeConfirmed}},
	"invoice_created": {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: mustBeConfirmed}},
	"executed":        {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: mustBeConfirmed}},
	"executing":       {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: mustBeConfirmed}},
	"processing":      {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: mustBeConfirmed}},
	"paid":            {"confirm": {to: "confirmed"}, "cancel": {to: "reversed"}, "refund": {message: mustBeConfirmed}},
	"PAID":            {"confirm": {to: "CONFIRMED"}, "cancel": {to: "REVERSED"}, "refund": {message: mustBeConfirmed}},
	"Paid":            {"confirm": {to: "confirmed"}, "cancel": {to: "reversed"}, "refund": {message: mustBeConfirmed}},
	"confirmed":       {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {to: "refunded"}},
	"CONFIRMED":       {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {to: "REFUNDED"}},
	"consumed":        {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {to: "refunded"}},
	"refunding":       {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: mustBeConfirmed}},
	"refunded":        {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: alreadyRefunded}},
	"REFUNDED":        {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: alreadyRefunded}},
	"reversed":        {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: mustBeConfirmed}},
	"cancelled":       {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: mustBeConfirmed}},
	"rejected":        {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: mustBeConfirmed}},
	"expired":         {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: mustBeConfirmed}},
	"archived_v9":     {"confirm": {message: mustBePaid}, "cancel": {message: mustBePaid}, "refund": {message: mustBeConfirmed}},
}

func TestStateMachine(t *testing.T) {
	for _, sandbox := range []bool{false, true} {
		s := newServer(t, &rustoretest.Options{FreezeClock: true})
		tok := login(t, s)
		for raw, actions := range machine {
			for action, want := range actions {
				t.Run(prefix(sandbox)+"/"+raw+"/"+action, func(t *testing.T) {
					p := s.AddPurchase(rustoretest.Purchase{Status: raw, Sandbox: sandbox})
					require.NotEmpty(t, p.PurchaseID)
					method, path := actionRequest(s, action, p)
					a := call(t, s, method, path, tok, nil)
					got, _ := s.Purchase(p.PurchaseID)
					if want.message != "" {
						assert.Equal(t, http.StatusBadRequest, a.status)
						assert.Equal(t, "ERROR", a.env.Code)
						assert.Equal(t, want.message, a.env.msg())
						assert.Equal(t, raw, got.Status, "a refused action changes nothing")
						assert.Equal(t, 0, s.Count(p.PurchaseID, action))
						assert.Equal(t, raw, readStatus(t, s, tok, p))
						return
					}
					assert.Equal(t, http.StatusOK, a.status)
					assert.Equal(t, "OK", a.env.Code)
					assert.Nil(t, a.env.Message)
					assert.JSONEq(t, `{}`, string(a.env.Body))
					assert.Equal(t, want.to, got.Status)
					assert.Equal(t, 1, s.Count(p.PurchaseID, action))
					assert.Equal(t, want.to, readStatus(t, s, tok, p))
					if action == rustoretest.ActionRefund {
						assert.True(t, got.RefundDate.Equal(s.Now()), "refund stamps refundDate")
					}
				})
			}
		}
	}
}

func TestFullLifecycle(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{})
	steps := []struct {
		action, status string
		http           int
	}{
		{rustoretest.ActionConfirm, "confirmed", 200},
		{rustoretest.ActionConfirm, "confirmed", 400},
		{rustoretest.ActionCancel, "confirmed", 400},
		{rustoretest.ActionRefund, "refunded", 200},
		{rustoretest.ActionRefund, "refunded", 400},
	}
	for i, st := range steps {
		method, path := actionRequest(s, st.action, p)
		a := call(t, s, method, path, tok, nil)
		assert.Equal(t, st.http, a.status, "step %d", i)
		assert.Equal(t, st.status, readStatus(t, s, tok, p), "step %d", i)
	}
	assert.Equal(t, 1, s.Count(p.PurchaseID, rustoretest.ActionConfirm))
	assert.Equal(t, 0, s.Count(p.PurchaseID, rustoretest.ActionCancel))
	assert.Equal(t, 1, s.Count(p.PurchaseID, rustoretest.ActionRefund))
}

func TestNotFound(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	ghost := rustoretest.Purchase{PurchaseID: "3aa0c7bd-964e-4562-b218-fe365adb4ae3", InvoiceID: 999999}
	for _, action := range []string{rustoretest.ActionConfirm, rustoretest.ActionCancel, rustoretest.ActionRefund, rustoretest.ActionStatus} {
		method, path := actionRequest(s, action, ghost)
		a := call(t, s, method, path, tok, nil)
		assert.Equal(t, http.StatusNotFound, a.status, action)
		assert.Equal(t, "NOT_FOUND", a.env.Code, action)
		assert.Equal(t, "Purchase not found", a.env.msg(), action)
	}
}

func TestSandboxIsolation(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	for _, sandbox := range []bool{false, true} {
		for _, action := range []string{rustoretest.ActionConfirm, rustoretest.ActionCancel, rustoretest.ActionRefund, rustoretest.ActionStatus} {
			p := s.AddPurchase(rustoretest.Purchase{Sandbox: sandbox, Status: "paid"})
			if action == rustoretest.ActionRefund {
				require.NoError(t, s.SetStatus(p.PurchaseID, "confirmed"))
			}
			other := p
			other.Sandbox = !sandbox
			method, path := actionRequest(s, action, other)
			a := call(t, s, method, path, tok, nil)
			assert.Equal(t, http.StatusNotFound, a.status, "%s under the other prefix", action)
			assert.Equal(t, "Purchase not found", a.env.msg())
			assert.Equal(t, 0, s.Count(p.PurchaseID, action))

			method, path = actionRequest(s, action, p)
			a = call(t, s, method, path, tok, nil)
			assert.Equal(t, http.StatusOK, a.status, "%s under its own prefix", action)
		}
	}
}

func TestAccessChecks(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{})
	id := p.PurchaseID
	cases := []struct {
		name, method, path string
		status             int
		code, message      string
	}{
		{"confirm other app", http.MethodPut, "/public/applications/1/purchases/" + id + ":confirm", 403, "ERROR", "Forbidden"},
		{"cancel other app", http.MethodPut, "/public/sandbox/applications/1/purchases/" + id + ":cancel", 403, "ERROR", "Forbidden"},
		{"refund other app", http.MethodPatch, "/public/applications/1/invoices/" + strconv.FormatInt(p.InvoiceID, 10), 403, "ERROR", "Forbidden"},
		{"appId not a number", http.MethodPut, "/public/applications/abc/purchases/" + id + ":confirm", 400, "BAD_REQUEST", "appId must be a positive number"},
		{"invoice not a number", http.MethodGet, "/public/v2/purchase/12ab", 400, "BAD_REQUEST", "invoiceId must be a positive number"},
		{"invoice negative", http.MethodGet, "/public/v2/purchase/-5", 400, "BAD_REQUEST", "invoiceId must be a positive number"},
		{"refund invoice not a number", http.MethodPatch, "/public/applications/1704024/invoices/x1", 400, "BAD_REQUEST", "invoiceId must be a positive number"},
		{"escaped slash is one segment", http.MethodPut, "/public/applications/1704024/purchases/..%2F" + id + ":confirm", 404, "NOT_FOUND", "Purchase not found"},
		{"escaped colon", http.MethodPut, "/public/applications/1704024/purchases/" + id + "%3Acancel", 200, "OK", ""},
		{"unknown verb", http.MethodPut, "/public/applications/1704024/purchases/" + id + ":consume", 404, "NOT_FOUND", "Resource not found"},
		{"no verb", http.MethodPut, "/public/applications/1704024/purchases/" + id, 404, "NOT_FOUND", "Resource not found"},
		{"unknown root", http.MethodGet, "/", 404, "NOT_FOUND", "Resource not found"},
		{"v1 purchase", http.MethodGet, "/public/purchase/1", 404, "NOT_FOUND", "Resource not found"},
		{"double sandbox", http.MethodGet, "/public/sandbox/sandbox/v2/purchase/1", 404, "NOT_FOUND", "Resource not found"},
		{"status wrong method", http.MethodPost, "/public/v2/purchase/1", 405, "ERROR", "Method not allowed"},
		{"confirm wrong method", http.MethodPost, "/public/applications/1704024/purchases/" + id + ":confirm", 405, "ERROR", "Method not allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, s, tc.method, tc.path, tok, nil)
			assert.Equal(t, tc.status, a.status)
			assert.Equal(t, tc.code, a.env.Code)
			assert.Equal(t, tc.message, a.env.msg())
			if tc.status == 405 {
				assert.NotEmpty(t, a.header.Get("Allow"))
			}
		})
	}
	got, _ := s.Purchase(id)
	assert.Equal(t, "reversed", got.Status, "only the escaped-colon cancel applied")
	assert.Equal(t, 0, s.Count(id, rustoretest.ActionConfirm))
}

func TestStatusBody(t *testing.T) {
	start := time.Date(2024, 10, 24, 11, 31, 33, 0, time.UTC)
	s := newServer(t, &rustoretest.Options{Start: start, FreezeClock: true})
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{
		InvoiceID: 2850, Status: "confirmed", AmountCreate: 10000, AmountCurrent: 9000,
		ItemCode: "1day", Description: "100 crystals", OrderNumber: "311", DeveloperPayload: "cart-7",
		Language: "en-US",
	})
	a := call(t, s, http.MethodGet, "/public/v2/purchase/2850", tok, nil)
	require.Equal(t, http.StatusOK, a.status)
	want := `{
		"invoiceId": 2850,
		"invoiceDate": "2024-10-24T14:31:33+03:00",
		"refundDate": null,
		"invoiceStatus": "confirmed",
		"developerPayload": "cart-7",
		"appId": 1704024,
		"ownerCode": 4384191,
		"paymentInfo": {"paymentDate": "2024-10-24T14:31:33+03:00", "maskedPan": "**1111", "paymentSystem": "MIR",
			"paymentWay": "Bank card", "paymentWayCode": "CARD", "bankName": "Test Bank"},
		"order": {"orderId": "` + p.OrderID + `", "orderNumber": "311", "visualName": "100 crystals",
			"amountCreate": 10000, "amountCurrent": 9000, "currency": "RUB", "itemCode": "1day",
			"description": "100 crystals", "language": "en-US"}
	}`
	assert.JSONEq(t, want, string(a.env.Body))

	s.Advance(time.Hour)
	tok = login(t, s)
	refund := call(t, s, http.MethodPatch, refundPath(s, p), tok, nil)
	require.Equal(t, http.StatusOK, refund.status)
	var body map[string]any
	require.NoError(t, json.Unmarshal(call(t, s, http.MethodGet, statusPath(p), tok, nil).env.Body, &body))
	assert.Equal(t, "2024-10-24T15:31:33+03:00", body["refundDate"], "refundDate appears once refunded")
	assert.Equal(t, "refunded", body["invoiceStatus"])
}

func TestPaymentInfoPresence(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	cases := []struct {
		status  string
		present bool
	}{
		{"created", false}, {"CREATED", false}, {"invoice_created", false}, {"cancelled", false},
		{"executed", true}, {"paid", true}, {"confirmed", true}, {"rejected", true},
	}
	for _, tc := range cases {
		p := s.AddPurchase(rustoretest.Purchase{Status: tc.status})
		a := call(t, s, http.MethodGet, statusPath(p), tok, nil)
		var body map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(a.env.Body, &body))
		_, has := body["paymentInfo"]
		assert.Equal(t, tc.present, has, tc.status)
		assert.Equal(t, "null", string(body["refundDate"]), tc.status)
	}
	// A purchase seeded with a payment tool still hides it while CREATED.
	p := s.AddPurchase(rustoretest.Purchase{Status: "created", PaymentInfo: &rustoretest.PaymentInfo{MaskedPan: "**4242"}})
	a := call(t, s, http.MethodGet, statusPath(p), tok, nil)
	assert.NotContains(t, string(a.env.Body), "paymentInfo")
	require.NoError(t, s.SetStatus(p.PurchaseID, "paid"))
	a = call(t, s, http.MethodGet, statusPath(p), tok, nil)
	assert.Contains(t, string(a.env.Body), `"maskedPan":"**4242"`)
}

func TestAddPurchase(t *testing.T) {
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	s := newServer(t, &rustoretest.Options{Start: start, FreezeClock: true})
	p := s.AddPurchase(rustoretest.Purchase{})
	assert.Len(t, p.PurchaseID, 36)
	assert.Equal(t, "paid", p.Status)
	assert.Equal(t, int64(10000), p.AmountCreate)
	assert.Equal(t, int64(10000), p.AmountCurrent)
	assert.Equal(t, "RUB", p.Currency)
	assert.Equal(t, "ru-RU", p.Language)
	assert.True(t, p.InvoiceDate.Equal(start))
	require.NotNil(t, p.PaymentInfo)
	assert.True(t, p.PaymentInfo.PaymentDate.Equal(start))
	q := s.AddPurchase(rustoretest.Purchase{AmountCreate: 500})
	assert.Greater(t, q.InvoiceID, p.InvoiceID, "invoice ids increase")
	assert.Equal(t, int64(500), q.AmountCurrent)

	taken := s.AddPurchase(rustoretest.Purchase{InvoiceID: q.InvoiceID + 1})
	r := s.AddPurchase(rustoretest.Purchase{})
	assert.NotEqual(t, taken.InvoiceID, r.InvoiceID, "generated ids skip ids in use")

	stored, ok := s.Purchase(p.PurchaseID)
	require.True(t, ok)
	stored.PaymentInfo.MaskedPan = "changed"
	again, _ := s.Purchase(p.PurchaseID)
	assert.Equal(t, "**1111", again.PaymentInfo.MaskedPan, "Purchase returns a copy")
	byInvoice, ok := s.PurchaseByInvoice(p.InvoiceID)
	require.True(t, ok)
	assert.Equal(t, p.PurchaseID, byInvoice.PurchaseID)

	refunded := s.AddPurchase(rustoretest.Purchase{Status: "refunded"})
	assert.True(t, refunded.RefundDate.Equal(start))

	bad := []struct {
		p   rustoretest.Purchase
		err string
	}{
		{rustoretest.Purchase{PurchaseID: "not-a-uuid"}, `purchase id "not-a-uuid" is not a UUID`},
		{rustoretest.Purchase{PurchaseID: p.PurchaseID}, "is already stored"},
		{rustoretest.Purchase{InvoiceID: p.InvoiceID}, "is already used by purchase"},
		{rustoretest.Purchase{InvoiceID: -1}, "invoice id -1 is negative"},
		{rustoretest.Purchase{AmountCreate: -1}, "amounts must not be negative"},
	}
	for _, tc := range bad {
		_, err := s.TryAddPurchase(tc.p)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.err)
		assert.PanicsWithValue(t, "AddPurchase: "+err.Error(), func() { s.AddPurchase(tc.p) }, "AddPurchase must fail loudly for %s", tc.err)
	}

	_, ok = s.Purchase("3aa0c7bd-964e-4562-b218-fe365adb4ae3")
	assert.False(t, ok)
	assert.ErrorContains(t, s.SetStatus("3aa0c7bd-964e-4562-b218-fe365adb4ae3", "paid"), "not found")
	assert.ErrorContains(t, s.SetStatus(p.PurchaseID, " "), "raw status is empty")
	assert.ErrorContains(t, s.MarkConfirmAttempt("nope"), "not found")
	require.NoError(t, s.SetStatus(p.PurchaseID, "archived_v9"))
	got, _ := s.Purchase(p.PurchaseID)
	assert.Equal(t, "archived_v9", got.Status)
	assert.True(t, strings.HasPrefix(s.URL, "http://127.0.0.1:"))
}
