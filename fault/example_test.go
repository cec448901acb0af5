package fault_test

import (
	"fmt"
	"time"

	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// An emulator arms a fault against one of its own actions, and refuses one
// it cannot deliver with a reason.
func Example() {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()

	// The next two captures are applied, then their connections are reset.
	srv.InjectFault(fault.Fault{Kind: fault.ResetAfterApply, Action: yandexpaytest.ActionCapture, Times: 2})

	err := srv.TryInjectFault(fault.Fault{Kind: fault.ServerError, Action: "confirm"})
	fmt.Println(err)
	// Output:
	// yandexpaytest: fault action "confirm" is not one of create, capture, cancel, refund, rollback, submit, order, operation
}

func ExampleFault_Validate() {
	for _, f := range []fault.Fault{
		{Kind: fault.Slow, Delay: 2 * time.Second},
		{Kind: fault.TooManyRequests, Times: -1},
		{},
	} {
		fmt.Printf("%v: %v\n", f.Kind, f.Validate())
	}
	// Output:
	// Slow: <nil>
	// TooManyRequests: fault times -1 is negative
	// FaultKind(0): fault kind 0 is not defined
}
