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
	// yandexpaytest: fault action "confirm" is not one of create, capture, cancel, refund, refund_v1, rollback, submit, order, operation
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

// Compound faults hide one failure behind another. Here a refund is applied
// and its answer lost; the retry, sent with the same externalOperationId, is
// refused with 429 before the provider looks at the key. An adapter must
// not report that 429 as "nothing happened".
func ExampleFault_compound() {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()

	srv.InjectFault(fault.Fault{Kind: fault.ResetThenRefuse, Action: yandexpaytest.ActionRefund,
		Status: 429, RetryAfter: time.Minute})
	// A gateway answers 502 with an HTML page; the capture behind it lands
	// 200ms later.
	srv.InjectFault(fault.Fault{Kind: fault.GatewayErrorApplyLater, Action: yandexpaytest.ActionCapture,
		Delay: 200 * time.Millisecond})

	fmt.Println(fault.Fault{Kind: fault.ResetThenRefuse}.Validate())
	// Output:
	// fault.ResetThenRefuse needs a Status from 400 to 599, got 0
}
