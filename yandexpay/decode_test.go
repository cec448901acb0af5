package yandexpay

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
)

// TestStatusDecodesOnce checks that a status answer is decoded in one pass
// and that Payment.Raw is the order's bytes exactly as received, spacing
// and unknown fields included, not a re-encoding.
func TestStatusDecodesOnce(t *testing.T) {
	order := `{ "orderId" : "o-1", "orderAmount":"12.30", "currencyCode":"RUB", "paymentStatus":"AUTHORIZED",
		"cart":{"items":[{"title":"} \" {"}]}, "created":"2026-01-02T10:00:00Z" }`
	answer := `{"code":200,"status":"success","data":{"order":` + order + `,"operations":[{"order":1}]}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(answer))
	}))
	defer srv.Close()
	c, err := New(Config{APIKey: "k", HTTPOptions: payments.HTTPOptions{BaseURL: srv.URL}})
	require.NoError(t, err)
	defer c.Close()
	p, err := c.Status(context.Background(), payments.Ref{ID: "o-1"})
	require.NoError(t, err)
	assert.Equal(t, "AUTHORIZED", p.RawStatus)
	assert.Equal(t, payments.Money{Minor: 1230, Currency: "RUB"}, p.Amount)
	assert.Equal(t, order, string(p.Raw))
}

func TestDecimal(t *testing.T) {
	tests := []struct {
		json    string
		want    decimal
		wantErr bool
	}{
		{`"123.45"`, "123.45", false},
		{`" 1.0 "`, " 1.0 ", false},
		{`"1\u0030"`, "10", false},
		{`99.90`, "99.90", false},
		{`null`, "", false},
		{`true`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var v struct {
				D decimal `json:"d"`
			}
			err := json.Unmarshal([]byte(`{"d":`+tt.json+`}`), &v)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, v.D)
		})
	}
}
