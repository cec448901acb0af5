package yandexpay

import "github.com/regionpay/payments/status"

// statusTable is the one place the paymentStatus values of Yandex Pay's
// order page meet the normalized enum. Anything else maps to status.Unknown
// with the raw value kept.
var statusTable = status.Table{
	"PENDING":            status.Pending,
	"AUTHORIZED":         status.Authorized,
	"CONFIRMED":          status.Authorized, // Split: held for payment on delivery; captured via /submit
	"CAPTURED":           status.Captured,
	"PARTIALLY_REFUNDED": status.PartiallyRefunded,
	"REFUNDED":           status.Refunded,
	"VOIDED":             status.Voided,
	"FAILED":             status.Failed,
}

// Raw paymentStatus values the adapter acts on.
const (
	rawConfirmed = "CONFIRMED"
	rawFailed    = "FAILED"
)

// The raw statuses each write is documented for (Yandex Pay's capture,
// submit, cancel and refund pages). A refusal from any other status is
// CodeFailedPrecondition.
var (
	capturable = []string{"AUTHORIZED", rawConfirmed}
	voidable   = []string{"AUTHORIZED"}
	refundable = []string{"CAPTURED", "PARTIALLY_REFUNDED"}
)

// normalize maps a raw paymentStatus; unknown values give status.Unknown.
func normalize(raw string) status.Status {
	st, _ := statusTable.Lookup(raw)
	return st
}

// Operation statuses (operation.status).
const (
	opPending = "PENDING"
	opSuccess = "SUCCESS"
	opFail    = "FAIL"
)

// Operation types (operation.operationType) the adapter creates.
const (
	opTypeCapture = "CAPTURE"
	opTypeSubmit  = "SUBMIT"
	opTypeVoid    = "VOID"
	opTypeRefund  = "REFUND"
)

// statusAfter is the raw order status a successful operation of each type
// leaves behind. A refund is absent on purpose: whether it left the order
// PARTIALLY_REFUNDED or REFUNDED depends on the order, so it is read back.
var statusAfter = map[string]string{
	opTypeCapture: "CAPTURED",
	opTypeSubmit:  "CAPTURED",
	opTypeVoid:    "VOIDED",
}
