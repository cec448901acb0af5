package rustore

import (
	"context"

	"github.com/regionpay/payments"
)

// Start always fails with payments.CodeUnimplemented: a RuStore purchase is
// started on the buyer's phone, by the app through the RuStore Pay SDK, and
// RuStore's Public API offers the server no way to create one. The server
// learns of it from the app (purchaseId, invoiceId), from RuStore's server
// notification, or by listing the buyer's purchases with Find.
func (c *Client) Start(context.Context, *payments.StartRequest) (*payments.StartResult, error) {
	return nil, &payments.Error{Code: payments.CodeUnimplemented, Provider: Name, Op: payments.OpStart,
		Message: "RuStore purchases are started on the phone with the RuStore Pay SDK, not from the server; " +
			"have the app send the purchaseId and invoiceId from the SDK's purchase result, or find the purchase with Find"}
}
