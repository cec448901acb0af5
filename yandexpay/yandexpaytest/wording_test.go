package yandexpaytest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// TestWordingIsAPerServerSetting: what the documentation leaves open (the
// wrong-status code, a duplicate key's HTTP status, not-found and amount
// codes, reason texts) follows Options.Wording; documented names do not
// change.
func TestWordingIsAPerServerSetting(t *testing.T) {
	alt := yandexpaytest.AlternateWording()
	for _, tc := range []struct {
		name string
		w    *yandexpaytest.Wording
		want yandexpaytest.Wording
	}{
		{"Default", nil, yandexpaytest.DefaultWording()},
		{"Alternate", &alt, alt},
		{"PartialFilledFromDefault", &yandexpaytest.Wording{WrongStatus: yandexpaytest.Refusal{HTTP: 422, ReasonCode: "X"}},
			func() yandexpaytest.Wording {
				w := yandexpaytest.DefaultWording()
				w.WrongStatus = yandexpaytest.Refusal{HTTP: 422, ReasonCode: "X"}
				return w
			}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := newClient(t, &yandexpaytest.Options{Wording: tc.w})
			voided := s.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusVoided})
			held := s.AddOrder(yandexpaytest.Order{})
			a := c.post(voided.OrderID, "capture", `{"externalOperationId":"k0"}`)
			expectFail(t, a, tc.want.WrongStatus.HTTP, tc.want.WrongStatus.ReasonCode)
			expectOK(t, c.post(held.OrderID, "capture", `{"externalOperationId":"k1"}`))
			expectFail(t, c.post(held.OrderID, "capture", `{"externalOperationId":"k1"}`), tc.want.DuplicateHTTP, yandexpaytest.ReasonDuplicateExternalOperationID)
			expectFail(t, c.post(held.OrderID, "capture", `{"externalOperationId":"k2","orderAmount":"999.00"}`), tc.want.WrongStatus.HTTP, tc.want.WrongStatus.ReasonCode)
			expectFail(t, c.getOrder("missing"), tc.want.OrderNotFound.HTTP, tc.want.OrderNotFound.ReasonCode)
			expectFail(t, c.getOperation("missing"), tc.want.OperationNotFound.HTTP, tc.want.OperationNotFound.ReasonCode)
			paid := s.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusCaptured})
			r := c.post(paid.OrderID, "refund", `{"refundAmount":"0.50","externalOperationId":"k3"}`)
			expectFail(t, r, tc.want.InvalidAmount.HTTP, tc.want.InvalidAmount.ReasonCode)
			if tc.want.Reason != "" && r.Env.Reason != tc.want.Reason {
				t.Errorf("reason %q; want the configured %q", r.Env.Reason, tc.want.Reason)
			}
			expectFail(t, c.post(held.OrderID, "capture", `{"externalOperationId":"k1"}`), tc.want.DuplicateHTTP, yandexpaytest.ReasonDuplicateExternalOperationID)
		})
	}
}

// TestOutsideTheAPIIsAPlain404: a path outside /api/merchant is answered as
// a web server would, without the API's envelope.
func TestOutsideTheAPIIsAPlain404(t *testing.T) {
	s := yandexpaytest.NewServer(nil)
	t.Cleanup(s.Close)
	o := s.AddOrder(yandexpaytest.Order{})
	resp, err := http.Get(s.URL + "/v1/orders/" + o.OrderID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNotFound || len(body) == 0 || body[0] == '{' {
		t.Errorf("GET outside /api/merchant: %d %q; want a plain-text 404", resp.StatusCode, body)
	}
}
