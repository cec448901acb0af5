package yandexpay

import "github.com/regionpay/payments"

// Capabilities says what Yandex Pay supports through this adapter: full and
// partial capture and refund with carts, asynchronous operations (v2 refunds
// answer PENDING), and stopping an unpaid order.
func (c *Client) Capabilities() []payments.Capability {
	return []payments.Capability{
		payments.CapRefund, payments.CapPartialCapture, payments.CapPartialRefund,
		payments.CapAsyncOperations, payments.CapCarts, payments.CapRollbackPending,
	}
}
