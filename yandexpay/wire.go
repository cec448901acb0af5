package yandexpay

import (
	"bytes"
	"encoding/json"
	"errors"
)

// envelope is every Yandex Pay answer: {"code","status":"success","data"} or
// {"code","status":"fail","reasonCode","reason","details"}.
//
// Data is where the caller wants "data" decoded (a pointer), so an answer is
// decoded in one pass; JSON null leaves it nil.
type envelope struct {
	Code       int             `json:"code"`
	Status     string          `json:"status"`
	Data       any             `json:"data"`
	ReasonCode string          `json:"reasonCode"`
	Reason     string          `json:"reason"`
	Details    json.RawMessage `json:"details"`
}

// present decodes a value into nothing, noting that one came: the data of
// an answer whose caller decodes none of it.
type present struct{ seen bool }

func (p *present) UnmarshalJSON([]byte) error {
	p.seen = true
	return nil
}

const envelopeSuccess = "success"

// decimal holds an amount exactly as sent. Yandex Pay sends strings
// ("123.45"); a bare JSON number is accepted as its literal text, so it never
// passes through a float either.
type decimal string

// UnmarshalJSON keeps the literal text of a string or number.
func (d *decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*d = ""
	case len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0:
		// The decoder hands over one valid value: a string without escapes
		// is its bytes between the quotes, no nested decoding needed.
		*d = decimal(b[1 : len(b)-1])
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = decimal(s)
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		*d = decimal(b)
	default:
		return errors.New("amount is neither a string nor a number")
	}
	return nil
}

// orderData is the data of GET /v1/orders/{id}.
type orderData struct {
	Order *order `json:"order"`
}

// order holds the fields of an order the adapter reads; the rest stays in
// the raw JSON handed to callers as Payment.Raw.
type order struct {
	OrderID       string  `json:"orderId"`
	OrderAmount   decimal `json:"orderAmount"`
	CurrencyCode  string  `json:"currencyCode"`
	PaymentStatus *string `json:"paymentStatus"`
	Created       string  `json:"created"`
	Updated       string  `json:"updated"`
}

// operationData is the data of a write and of GET /v1/operations/{id}.
type operationData struct {
	Operation *operation `json:"operation"`
}

// operation is Yandex Pay's record of one capture, cancel, submit or refund.
type operation struct {
	OperationID         string  `json:"operationId"`
	ExternalOperationID string  `json:"externalOperationId"`
	OrderID             string  `json:"orderId"`
	OperationType       string  `json:"operationType"`
	Status              string  `json:"status"`
	Reason              string  `json:"reason"`
	Amount              decimal `json:"amount"`
}

// Request bodies. Amounts are decimal strings, never numbers.
type (
	captureBody struct {
		OrderAmount         string    `json:"orderAmount,omitempty"`
		Cart                *wireCart `json:"cart,omitempty"`
		ExternalOperationID string    `json:"externalOperationId"`
	}
	cancelBody struct {
		Reason              string `json:"reason"`
		ExternalOperationID string `json:"externalOperationId"`
	}
	refundBody struct {
		RefundAmount        string          `json:"refundAmount"`
		TargetCart          *wireTargetCart `json:"targetCart,omitempty"`
		ExternalOperationID string          `json:"externalOperationId"`
	}
)
