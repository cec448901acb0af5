package rustore

import "github.com/regionpay/payments"

// Capabilities says what RuStore supports through this adapter: full refunds
// only (RuStore's refund page documents no amount), listing an app user's
// purchases (Find), no partial capture, no carts, no way to stop an unpaid
// purchase from the server, and no server-side start (purchases start in the
// Pay SDK).
//
// With a notification key configured it also decrypts RuStore's server
// notifications.
func (c *Client) Capabilities() []payments.Capability {
	caps := []payments.Capability{payments.CapRefund, payments.CapFind}
	if c != nil && c.notify != nil {
		caps = append(caps, payments.CapNotifications)
	}
	return caps
}
