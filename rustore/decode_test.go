package rustore

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/transport"
	"github.com/regionpay/payments/internal/wirejson"
)

// TestDecodeEnvelopeOnePass checks that an answer is decoded once, its body
// straight into the caller's struct, and that Payment.Raw is the body's
// bytes as received (a slice of the answer, not a copy or a re-encoding).
func TestDecodeEnvelopeOnePass(t *testing.T) {
	body := `{ "invoiceId" : 7001, "invoiceStatus":"paid","order":{"amountCurrent":"9000","currency":"rub"}, "extra":[1,{"a":"}"}] }`
	answer := []byte(`{"code":"OK","message":null,"body":` + body + `,"timestamp":"2026-01-02T10:00:00.000+03:00"}`)
	resp := &transport.Response{StatusCode: 200, Body: answer}
	var b purchaseBody
	env, err := decodeEnvelope(resp, &b)
	require.NoError(t, err)
	require.NoError(t, env.bodyErr)
	assert.True(t, env.ok(200))
	assert.Equal(t, "paid", b.InvoiceStatus)
	assert.Equal(t, flexString("7001"), b.InvoiceID)
	assert.Equal(t, body, string(env.Body()))
	p, err := purchaseFrom(payments.Ref{InvoiceID: "7001"}, &b, env.bodyErr, env.Body())
	require.NoError(t, err)
	assert.Equal(t, payments.Money{Minor: 9000, Currency: "RUB"}, p.Amount)
	require.NotEmpty(t, p.Raw)
	assert.Same(t, &answer[len(answer)-len(body)-len(`,"timestamp":"2026-01-02T10:00:00.000+03:00"}`)], &p.Raw[0], "Raw is a slice of the answer")
}

// TestDecodeEnvelopeBodyMismatch checks that a body that does not fit the
// struct asked for leaves the envelope readable: a refusal is still
// classified by its code and message, and the body's error is kept.
func TestDecodeEnvelopeBodyMismatch(t *testing.T) {
	resp := &transport.Response{StatusCode: 400, Body: []byte(`{"body":"not an object","code":"ERROR","message":"Purchase not found"}`)}
	var b purchaseBody
	env, err := decodeEnvelope(resp, &b)
	require.NoError(t, err)
	require.Error(t, env.bodyErr)
	assert.Equal(t, "ERROR", env.Code)
	assert.Equal(t, "Purchase not found", env.Message)
	_, perr := purchaseFrom(payments.Ref{}, &b, env.bodyErr, env.Body())
	assert.ErrorContains(t, perr, "purchase body does not parse")

	_, err = decodeEnvelope(&transport.Response{StatusCode: 200, Body: []byte(`{"message":"no code"}`)}, &b)
	assert.ErrorIs(t, err, errMalformed)
}

// FuzzReadHead: reading an envelope's head from the bytes, where it can,
// gives what decoding it gives, and refuses what decoding refuses.
func FuzzReadHead(f *testing.F) {
	for _, s := range []string{
		`{"code":"OK","message":null,"body":{},"timestamp":"2026-01-02T10:00:00.000+03:00"}`,
		`{"code":"ERROR","message":"Purchase not found","code":null}`, `{"CODE":"ОК","Message":"a\"b"}`,
		`{"code":1}`, `{"co_de":"OK"}`, `[]`, `null`, `{"code":"OK"`, "{\"code\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, answer []byte) {
		var want wireHead
		wantErr := wirejson.Unmarshal(answer, &want)
		got, err := readHead(answer)
		require.Equal(t, wantErr == nil, err == nil, "%q: decoding says %v, readHead %v", answer, wantErr, err)
		if err == nil {
			require.Equal(t, want, got, "in %q", answer)
		}
	})
}

func TestFlexString(t *testing.T) {
	tests := []struct {
		json    string
		want    flexString
		wantErr bool
	}{
		{`123`, "123", false},
		{`-1.50`, "-1.50", false},
		{`" 7001 "`, "7001", false},
		{`"a\u0062c"`, "abc", false},
		{`"\" quoted"`, `" quoted`, false},
		{`null`, "", false},
		{`true`, "", true},
		{`{}`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			var v struct {
				F flexString `json:"f"`
			}
			err := json.Unmarshal([]byte(`{"f":`+tt.json+`}`), &v)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, v.F)
		})
	}
}
