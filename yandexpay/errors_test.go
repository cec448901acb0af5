package yandexpay_test

import (
	"cmp"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
	"github.com/regionpay/payments/yandexpay"
)

// TestErrorAnswers drives the adapter against canned answers, one row per
// classification rule: known reasonCodes, unknown ones by HTTP status, and
// bodies that are not Yandex Pay JSON.
func TestErrorAnswers(t *testing.T) {
	const key = "canned-answers-api-key-5521"
	failBody := func(code int, reason string) string {
		return `{"code":` + strconv.Itoa(code) + `,"status":"fail","reasonCode":"` + reason + `","reason":"said the provider","details":{}}`
	}
	cases := []struct {
		name       string
		status     int
		header     map[string]string
		body       string
		write      bool // Capture instead of Status
		code       payments.Code
		provider   string        // expected ProviderCode
		message    string        // substring of Message
		retryAfter time.Duration // expected RetryAfter
		order      string        // paymentStatus order reads report to a write; default AUTHORIZED
	}{
		{"AnotherOperation", 409, nil, failBody(409, "ANOTHER_OPERATION_IN_PROGRESS"), true, payments.CodeConflict, "ANOTHER_OPERATION_IN_PROGRESS", "said the provider", 0, ""},
		// No public source names a wrong-status reasonCode: a name that
		// sounds like one is classified by its HTTP status, and a write's
		// refusal by the order's status.
		{"InventedWrongStatusCodeNotTrusted", 400, nil, failBody(400, "ORDER_HAS_WRONG_STATUS"), false, payments.CodeInvalidArgument, "ORDER_HAS_WRONG_STATUS", "said the provider", 0, ""},
		{"WriteRefusedInForbiddingStatus", 400, nil, failBody(400, "ANY_WORDING"), true, payments.CodeFailedPrecondition, "ANY_WORDING", "status VOIDED, which does not allow capture", 0, "VOIDED"},
		{"WriteRefused409InForbiddingStatus", 409, nil, failBody(409, "ORDER_STATUS_CONFLICT"), true, payments.CodeFailedPrecondition, "ORDER_STATUS_CONFLICT", "status CAPTURED", 0, "CAPTURED"},
		{"WriteRefusedInAllowingStatus", 400, nil, failBody(400, "ANY_WORDING"), true, payments.CodeInvalidArgument, "ANY_WORDING", "said the provider", 0, "AUTHORIZED"},
		{"WriteRefused409InAllowingStatus", 409, nil, failBody(409, "ANY_WORDING"), true, payments.CodeConflict, "ANY_WORDING", "said the provider", 0, "AUTHORIZED"},
		{"CartDataErrorIsDocumented", 400, nil, failBody(400, "ORDER_CART_DATA_ERROR"), true, payments.CodeInvalidArgument, "ORDER_CART_DATA_ERROR", "said the provider", 0, "VOIDED"},
		{"Bare404IsRouting", 404, nil, "404 page not found", false, payments.CodeInvalidArgument, "", "no Yandex Pay Merchant API at base URL http://127.0.0.1", 0, ""},
		{"Bare404OnWriteIsRouting", 404, nil, "<html>Not Found</html>", true, payments.CodeInvalidArgument, "", "check the base URL", 0, ""},
		{"OrderNotFound", 404, nil, failBody(404, "ORDER_NOT_FOUND"), false, payments.CodeNotFound, "ORDER_NOT_FOUND", "said the provider", 0, ""},
		{"Unauthenticated", 401, nil, failBody(401, "SOMETHING_NEW"), false, payments.CodeUnauthenticated, "SOMETHING_NEW", "said the provider", 0, ""},
		{"UnknownReason400", 400, nil, failBody(400, "BRAND_NEW_CODE"), false, payments.CodeInvalidArgument, "BRAND_NEW_CODE", "said the provider", 0, ""},
		{"UnknownReason403", 403, nil, failBody(403, "BRAND_NEW_CODE"), false, payments.CodePermissionDenied, "BRAND_NEW_CODE", "said the provider", 0, ""},
		{"UnknownReason404", 404, nil, failBody(404, "BRAND_NEW_CODE"), false, payments.CodeNotFound, "BRAND_NEW_CODE", "said the provider", 0, ""},
		{"UnknownReason409", 409, nil, failBody(409, "BRAND_NEW_CODE"), false, payments.CodeConflict, "BRAND_NEW_CODE", "said the provider", 0, ""},
		{"UnknownReason429", 429, map[string]string{"Retry-After": "7"}, failBody(429, "BRAND_NEW_CODE"), false, payments.CodeResourceExhausted, "BRAND_NEW_CODE", "said the provider", 7 * time.Second, ""},
		{"UnknownReason405", 405, nil, failBody(405, "BRAND_NEW_CODE"), false, payments.CodeUnknown, "BRAND_NEW_CODE", "said the provider", 0, ""},
		{"UnknownReason422", 422, nil, failBody(422, "BRAND_NEW_CODE"), false, payments.CodeInvalidArgument, "BRAND_NEW_CODE", "said the provider", 0, ""},
		{"UnknownReason503", 503, map[string]string{"Retry-After": "3"}, failBody(503, "BRAND_NEW_CODE"), false, payments.CodeUnavailable, "BRAND_NEW_CODE", "said the provider", 3 * time.Second, ""},
		{"UnknownReason500", 500, nil, failBody(500, "BRAND_NEW_CODE"), false, payments.CodeUnavailable, "BRAND_NEW_CODE", "said the provider", 0, ""},
		{"UnknownReason501", 501, nil, failBody(501, "BRAND_NEW_CODE"), false, payments.CodeUnimplemented, "BRAND_NEW_CODE", "said the provider", 0, ""},
		{"HTMLGateway", 502, nil, "<html>bad gateway " + key + "</html>", false, payments.CodeUnavailable, "", "bad gateway", 0, ""},
		{"NotJSONSuccess", 200, nil, "surprise", false, payments.CodeUnknown, "", "malformed", 0, ""},
		{"NoData", 200, nil, `{"code":200,"status":"success"}`, false, payments.CodeUnknown, "", "no data", 0, ""},
		{"OddStatus", 200, nil, `{"code":200,"status":"maybe","data":{}}`, false, payments.CodeUnknown, "", "not success", 0, ""},
		{"NoOrder", 200, nil, `{"code":200,"status":"success","data":{}}`, false, payments.CodeUnknown, "", "no order", 0, ""},
		{"FloatyAmount", 200, nil, `{"code":200,"status":"success","data":{"order":{"orderId":"o","orderAmount":"1.5e2","currencyCode":"RUB","paymentStatus":"CAPTURED"}}}`, false, payments.CodeUnknown, "", "exponent", 0, ""},
		{"FailWithoutReasonOddStatus", 299, nil, `{"code":299,"status":"fail","reasonCode":"BRAND_NEW_CODE"}`, false, payments.CodeUnknown, "BRAND_NEW_CODE", "HTTP 299", 0, ""},
		{"WriteNotJSON", 200, nil, "surprise", true, payments.CodeOutcomeUnknown, "", "may have reached yandexpay and acted", 0, ""},
		{"SecretInReason", 400, nil, `{"code":400,"status":"fail","reasonCode":"BAD_REQUEST","reason":"bad key ` + key + `"}`, false, payments.CodeInvalidArgument, "BAD_REQUEST", "[redacted]", 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.Contains(r.URL.Path, "/operations/") {
					w.WriteHeader(http.StatusNotFound)
					_, _ = w.Write([]byte(failBody(404, "OPERATION_NOT_FOUND")))
					return
				}
				if tc.write && r.Method == http.MethodGet {
					_, _ = w.Write([]byte(orderJSON("o", cmp.Or(tc.order, "AUTHORIZED"), "100.00")))
					return
				}
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(srv.Close)
			c := mustClient(t, yandexpay.Config{APIKey: key, HTTPOptions: payments.HTTPOptions{BaseURL: srv.URL + "/api/merchant", MaxRetries: -1}})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var err error
			if tc.write {
				_, err = c.Capture(ctx, payments.Ref{ID: "o"}, nil)
			} else {
				_, err = c.Status(ctx, payments.Ref{ID: "o"})
			}
			pe := wantCode(t, err, tc.code)
			if pe.ProviderCode != tc.provider {
				t.Errorf("ProviderCode = %q; want %q", pe.ProviderCode, tc.provider)
			}
			if !strings.Contains(pe.Message, tc.message) {
				t.Errorf("Message = %q; want it to contain %q", pe.Message, tc.message)
			}
			if pe.RetryAfter != tc.retryAfter {
				t.Errorf("RetryAfter = %s; want %s", pe.RetryAfter, tc.retryAfter)
			}
			if pe.Provider != yandexpay.Name || pe.RequestID == "" {
				t.Errorf("Provider %q, RequestID %q; want both filled", pe.Provider, pe.RequestID)
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("the key leaked into %q", err)
			}
		})
	}
}

// TestStatusTable checks every row of the status map through Status, and
// that an unknown or null status is kept raw and normalized to Unknown.
func TestStatusTable(t *testing.T) {
	rows := []struct {
		raw  string // "null" sends JSON null
		want status.Status
	}{
		{"PENDING", status.Pending},
		{"AUTHORIZED", status.Authorized},
		{"CONFIRMED", status.Authorized},
		{"CAPTURED", status.Captured},
		{"PARTIALLY_REFUNDED", status.PartiallyRefunded},
		{"REFUNDED", status.Refunded},
		{"VOIDED", status.Voided},
		{"FAILED", status.Failed},
		{"captured", status.Captured},
		{"REVERSED", status.Unknown},
		{"null", status.Unknown},
	}
	for _, row := range rows {
		t.Run(row.raw, func(t *testing.T) {
			ps := `"` + row.raw + `"`
			if row.raw == "null" {
				ps = "null"
			}
			body := `{"code":200,"status":"success","data":{"order":{"orderId":"o-1","orderAmount":"123.45","currencyCode":"RUB","paymentStatus":` + ps +
				`,"created":"2025-01-02T03:04:05Z","updated":"2025-01-02T03:05:05.5+03:00"},"operations":[]}}`
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(body))
			}))
			t.Cleanup(srv.Close)
			c := mustClient(t, yandexpay.Config{APIKey: "k", HTTPOptions: payments.HTTPOptions{BaseURL: srv.URL}})
			pay, err := c.Status(context.Background(), payments.Ref{ID: "o-1"})
			if err != nil {
				t.Fatal(err)
			}
			wantRaw := row.raw
			if row.raw == "null" {
				wantRaw = ""
			}
			if pay.Status != row.want || pay.RawStatus != wantRaw {
				t.Errorf("Status %s raw %q; want %s raw %q", pay.Status, pay.RawStatus, row.want, wantRaw)
			}
			if pay.Amount != (payments.Money{Minor: 12345, Currency: "RUB"}) || pay.Provider != yandexpay.Name || pay.Ref.ID != "o-1" {
				t.Errorf("Payment = %+v", pay)
			}
			if pay.Created.IsZero() || pay.Updated.Sub(pay.Created) != -3*time.Hour+60500*time.Millisecond {
				t.Errorf("Created %s Updated %s", pay.Created, pay.Updated)
			}
			if !strings.Contains(string(pay.Raw), `"orderId":"o-1"`) {
				t.Errorf("Raw = %s; want the order object", pay.Raw)
			}
		})
	}
}
