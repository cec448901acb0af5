package memory_test

import (
	"context"
	"fmt"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/memory"
	"github.com/regionpay/payments/status"
)

// An app's unit test seeds a payment, makes the provider's answers get lost,
// and checks that the app's capture settles as one capture.
func Example() {
	p := memory.New(nil)
	ref := p.Add(memory.Payment{Status: status.Authorized, Amount: payments.Money{Minor: 50000, Currency: "RUB"}})
	p.InjectFault(fault.Fault{Kind: fault.ResetAfterApply, Action: string(payments.OpCapture)})

	res, err := p.Capture(context.Background(), ref, &payments.CaptureOptions{IdempotencyKey: "order-42-capture"})
	fmt.Println(res.Status, err, p.Count(ref.ID, payments.OpCapture))

	// A service that never answers leaves the outcome unknown, and says so.
	other := p.Add(memory.Payment{Amount: payments.Money{Minor: 100, Currency: "RUB"}})
	p.InjectFault(fault.Fault{Kind: fault.ServerError, Action: string(payments.OpVoid), Times: 100})
	_, err = p.Void(context.Background(), other, nil)
	fmt.Println(payments.CodeOf(err))
	// Output:
	// Captured <nil> 1
	// OutcomeUnknown
}
