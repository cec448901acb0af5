package rustore

import "github.com/regionpay/payments"

// Capabilities says what RuStore supports through this adapter: full refunds
// only (RuStore's refund page documents no amount), no partial capture, no
// carts, and no way to stop an unpaid purchase from the server.
func (c *Client) Capabilities() []payments.Capability {
	return []payments.Capability{payments.CapRefund}
}
