package rustore

import (
	"github.com/google/uuid"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
)

// maxInvoiceDigits is the length of the largest int64, RuStore's invoiceId type.
const maxInvoiceDigits = 19

// checkRef validates the ids an operation sends, before anything is sent.
// An id that is present is always checked, also when the operation does not
// need it, so that a mistyped ref fails early and the same way everywhere.
func checkRef(op payments.Operation, ref payments.Ref, needID, needInvoice bool) error {
	switch {
	case ref.ID == "" && needID:
		return driver.InvalidArgument(Name, op, "Ref.ID is empty: RuStore needs the purchaseId (a UUID) for %s", op)
	case ref.ID != "" && !isPurchaseID(ref.ID):
		return driver.InvalidArgument(Name, op, "Ref.ID must be a RuStore purchaseId, a UUID like 3aa0c7bd-964e-4562-b218-fe365adb4ae3; got %.64q", ref.ID)
	case ref.InvoiceID == "" && needInvoice:
		return driver.InvalidArgument(Name, op, "Ref.InvoiceID is empty: RuStore needs the invoiceId (digits) for %s", op)
	case ref.InvoiceID != "" && !isInvoiceID(ref.InvoiceID):
		return driver.InvalidArgument(Name, op, "Ref.InvoiceID must be a RuStore invoiceId, 1 to %d digits; got %.64q", maxInvoiceDigits, ref.InvoiceID)
	}
	return nil
}

// CheckRef reports an id in ref that RuStore could never have issued (a
// purchaseId that is not a UUID, an invoiceId that is not digits), as
// payments.FindRef asks before listing. It sends nothing.
func (c *Client) CheckRef(op payments.Operation, ref payments.Ref) error {
	return checkRef(op, ref, false, false)
}

// isPurchaseID accepts only the canonical 8-4-4-4-12 form: uuid.Parse also
// takes braces, "urn:uuid:" and undashed hex, which RuStore never sends.
func isPurchaseID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

func isInvoiceID(s string) bool {
	if len(s) == 0 || len(s) > maxInvoiceDigits {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
