package rustore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/status"
)

// statusTable maps RuStore's invoiceStatus values (and the Pay SDK's purchase
// statuses) to normalized ones. Lookup ignores case: RuStore documents
// upper case and sends lower case. A value not listed is status.Unknown with
// the raw value kept.
var statusTable = status.Table{
	"CREATED":         status.Pending,
	"INVOICE_CREATED": status.Pending,
	"EXECUTED":        status.Pending,
	"EXECUTING":       status.Pending,
	"PROCESSING":      status.Pending,
	"PAID":            status.Authorized,
	"CONFIRMED":       status.Captured,
	"CONSUMED":        status.Captured,
	"REFUNDING":       status.Captured,
	"REFUNDED":        status.Refunded,
	"REVERSED":        status.Voided,
	"REJECTED":        status.Failed,
	"CANCELLED":       status.Failed,
	"EXPIRED":         status.Expired,
}

// normalize looks a raw status up in statusTable.
func normalize(raw string) status.Status {
	st, _ := statusTable.Lookup(raw)
	return st
}

// flexString accepts a JSON string or number (RuStore's docs disagree on
// the type of invoiceId and appId) and keeps its text.
type flexString string

// UnmarshalJSON reads a string, a number or null. The decoder hands it one
// valid JSON value, so a plain number or a string without escapes is taken
// as it stands, without a nested decoding.
func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b, '\\') < 0 {
		*f = flexString(bytes.TrimSpace(b[1 : n-1]))
		return nil
	}
	if len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
		*f = flexString(b)
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(strings.TrimSpace(s))
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or a number, got %s", b)
	}
	*f = flexString(n.String())
	return nil
}

// purchaseBody is the body of GET /public/v2/purchase/{invoiceId}, reduced to
// the fields the adapter reads; Payment.Raw keeps the rest.
type purchaseBody struct {
	InvoiceID     flexString `json:"invoiceId"`
	InvoiceDate   string     `json:"invoiceDate"`
	RefundDate    string     `json:"refundDate"`
	InvoiceStatus string     `json:"invoiceStatus"`
	AppID         flexString `json:"appId"`
	// Values, not pointers: an absent object reads as empty fields, which
	// is what parsePurchase makes of it, without an allocation per call.
	PaymentInfo struct {
		PaymentDate string `json:"paymentDate"`
	} `json:"paymentInfo"`
	Order struct {
		OrderID       string     `json:"orderId"`
		AmountCreate  flexString `json:"amountCreate"`
		AmountCurrent flexString `json:"amountCurrent"`
		Currency      string     `json:"currency"`
	} `json:"order"`
}

// parsePurchase turns a v2 purchase body into a Payment. ref is the caller's
// ref: its ID is kept (the body has no purchaseId).
func parsePurchase(ref payments.Ref, raw json.RawMessage) (*payments.Payment, error) {
	var b purchaseBody
	return purchaseFrom(ref, &b, json.Unmarshal(raw, &b), raw)
}

// purchaseFrom turns a decoded purchase body into a Payment; decodeErr is
// what decoding it said, raw its bytes, kept as Payment.Raw as they are.
func purchaseFrom(ref payments.Ref, b *purchaseBody, decodeErr error, raw json.RawMessage) (*payments.Payment, error) {
	if decodeErr != nil {
		return nil, fmt.Errorf("purchase body does not parse: %v", decodeErr)
	}
	if strings.TrimSpace(b.InvoiceStatus) == "" {
		return nil, fmt.Errorf("purchase body has no invoiceStatus")
	}
	invoice := string(b.InvoiceID)
	if invoice == "" {
		invoice = ref.InvoiceID
	} else if ref.InvoiceID != "" && !sameNumber(invoice, ref.InvoiceID) {
		return nil, fmt.Errorf("asked for invoice %s, RuStore answered about invoice %s", ref.InvoiceID, invoice)
	}
	p := &payments.Payment{
		Ref:       payments.Ref{ID: ref.ID, InvoiceID: invoice},
		Provider:  Name,
		Status:    normalize(b.InvoiceStatus),
		RawStatus: b.InvoiceStatus,
		Created:   driver.ParseTime(b.InvoiceDate),
		Raw:       raw,
	}
	amount := b.Order.AmountCurrent
	if amount == "" {
		amount = b.Order.AmountCreate
	}
	if amount != "" {
		minor, err := parseMinor(string(amount))
		if err != nil {
			return nil, fmt.Errorf("order amount: %v", err)
		}
		p.Amount.Minor = minor
	}
	p.Amount.Currency = strings.ToUpper(strings.TrimSpace(b.Order.Currency))
	if t := driver.ParseTime(b.RefundDate); !t.IsZero() {
		p.Updated = t
	} else {
		p.Updated = driver.ParseTime(b.PaymentInfo.PaymentDate)
	}
	return p, nil
}

// parseMinor reads an amount in minor units. RuStore documents integers but
// types amountCurrent as "number", so an integral value written with a
// zero fraction ("9000.0") is accepted; a real fraction is an error, since
// minor units cannot be split.
func parseMinor(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	whole, frac, ok := strings.Cut(s, ".")
	if ok && strings.Trim(frac, "0") == "" {
		if n, err := strconv.ParseInt(whole, 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%q is not a whole number of minor units", s)
}

// sameNumber compares two digit strings ignoring leading zeros.
func sameNumber(a, b string) bool {
	trim := func(s string) string {
		s = strings.TrimLeft(s, "0")
		if s == "" {
			return "0"
		}
		return s
	}
	return trim(a) == trim(b)
}
