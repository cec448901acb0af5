package rustore

import "github.com/regionpay/payments"

// Capabilities says what RuStore supports through this adapter: full refunds
// only (RuStore's refund page documents no amount), no partial capture, no
// carts, and no way to stop an unpaid purchase from the server.
//
// With a notification key configured it also decrypts RuStore's server
// notifications.
func (c *Client) Capabilities() []payments.Capability {
	caps := []payments.Capability{payments.CapRefund}
	if c.notify != nil {
		caps = append(caps, payments.CapNotifications)
	}
	return caps
}
