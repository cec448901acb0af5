package yandexpay

import "github.com/regionpay/payments"

// Capabilities says what Yandex Pay supports through this adapter: full and
// partial capture and refund with carts, asynchronous operations (v2 refunds
// answer PENDING), stopping an unpaid order, starting orders with a payment
// link (Start), and, with a merchant id configured, verified webhooks.
func (c *Client) Capabilities() []payments.Capability {
	caps := []payments.Capability{
		payments.CapRefund, payments.CapPartialCapture, payments.CapPartialRefund,
		payments.CapAsyncOperations, payments.CapCarts, payments.CapRollbackPending,
		payments.CapStart,
	}
	if c != nil && c.notify != nil {
		caps = append(caps, payments.CapNotifications)
	}
	return caps
}
