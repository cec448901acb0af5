package driver_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
)

func refusal(code payments.Code) *payments.Error {
	return &payments.Error{Code: code, Provider: "p", Op: payments.OpRefund, HTTPStatus: 429, ProviderCode: "TOO_MANY",
		Message: "slow down", RequestID: "req-1", RetryAfter: time.Minute}
}

// TestFailAfterReached: once an attempt may have acted, every refusal and
// every "unavailable" becomes OutcomeUnknown with the key, and no longer
// matches its old sentinel.
func TestFailAfterReached(t *testing.T) {
	codes := []payments.Code{
		payments.CodeResourceExhausted, payments.CodeConflict, payments.CodeInvalidArgument,
		payments.CodeUnauthenticated, payments.CodePermissionDenied, payments.CodeNotFound,
		payments.CodeFailedPrecondition, payments.CodeUnavailable, payments.CodeUnknown,
	}
	for _, code := range codes {
		t.Run(code.String(), func(t *testing.T) {
			w := driver.NewWrite("p", payments.OpRefund, "K-1")
			w.Reached()
			err := w.Fail(refusal(code))
			var pe *payments.Error
			if !errors.As(err, &pe) {
				t.Fatalf("Fail returned %T", err)
			}
			if pe.Code != payments.CodeOutcomeUnknown {
				t.Fatalf("code = %s; want OutcomeUnknown", pe.Code)
			}
			if pe.IdempotencyKey != "K-1" {
				t.Errorf("IdempotencyKey = %q; want K-1", pe.IdempotencyKey)
			}
			if errors.Is(err, &payments.Error{Code: code}) && code != payments.CodeOutcomeUnknown {
				t.Errorf("errors.Is(err, Err%s) is true for an unknown outcome: a caller would repeat with a new key", code)
			}
			if !errors.Is(err, payments.ErrOutcomeUnknown) {
				t.Error("errors.Is(err, ErrOutcomeUnknown) = false")
			}
			if pe.HTTPStatus != 429 || pe.ProviderCode != "TOO_MANY" || pe.RequestID != "req-1" || pe.RetryAfter != time.Minute {
				t.Errorf("the answer's details were lost: %+v", pe)
			}
			if !strings.Contains(pe.Message, code.String()) || !strings.Contains(pe.Message, "slow down") {
				t.Errorf("message %q does not say what the last answer was", pe.Message)
			}
		})
	}
}

// TestFailNotReached: a refusal of a write that never reached the provider
// keeps its code, and gains the key.
func TestFailNotReached(t *testing.T) {
	w := driver.NewWrite("p", payments.OpCapture, "")
	if w.Key() == "" || w.Given() {
		t.Fatalf("a generated key: Key %q, Given %t", w.Key(), w.Given())
	}
	err := w.Fail(refusal(payments.CodeResourceExhausted))
	if payments.CodeOf(err) != payments.CodeResourceExhausted {
		t.Fatalf("code = %s; want ResourceExhausted", payments.CodeOf(err))
	}
	var pe *payments.Error
	if !errors.As(err, &pe) || pe.IdempotencyKey != w.Key() {
		t.Errorf("the error does not carry the generated key %q: %v", w.Key(), err)
	}
	if w.Fail(nil) != nil {
		t.Error("Fail(nil) is not nil")
	}
}

// TestFailProven: a proven outcome keeps its code after Reached.
func TestFailProven(t *testing.T) {
	w := driver.NewWrite("p", payments.OpCapture, "K")
	w.Reached()
	err := w.Fail(driver.Proven(refusal(payments.CodeFailedPrecondition)))
	if payments.CodeOf(err) != payments.CodeFailedPrecondition {
		t.Fatalf("code = %s; want FailedPrecondition", payments.CodeOf(err))
	}
	if _, ok := err.(*payments.Error); !ok {
		t.Errorf("Fail returned %T; want the *payments.Error without its mark", err)
	}
	if driver.Proven(nil) != nil {
		t.Error("Proven(nil) is not nil")
	}
}

// TestFailKeepsContext: a write cut off by the context after it may have
// acted is OutcomeUnknown, and errors.Is still sees the context's error.
func TestFailKeepsContext(t *testing.T) {
	w := driver.NewWrite("p", payments.OpVoid, "K")
	w.Reached()
	cause := &payments.Error{Code: payments.CodeCanceled, Provider: "p", Op: payments.OpVoid, Message: "canceled",
		Err: fmt.Errorf("wrapped: %w", errors.Join(context.Canceled, refusal(payments.CodeUnavailable)))}
	err := w.Fail(cause)
	if payments.CodeOf(err) != payments.CodeOutcomeUnknown {
		t.Fatalf("code = %s", payments.CodeOf(err))
	}
	if !errors.Is(err, context.Canceled) || !errors.Is(err, payments.ErrCanceled) {
		t.Errorf("the context error is not reachable: %v", err)
	}
	if errors.Is(err, payments.ErrUnavailable) {
		t.Errorf("a refusal inside the cause still matches ErrUnavailable: %v", err)
	}
}

// TestFinish fills the key into a Result and turns an error into Fail's.
func TestFinish(t *testing.T) {
	w := driver.NewWrite("p", payments.OpRefund, "K")
	res, err := w.Finish(&payments.Result{}, nil)
	if err != nil || res.IdempotencyKey != "K" {
		t.Fatalf("Finish(success) = %+v, %v", res, err)
	}
	w.Reached()
	res, err = w.Finish(&payments.Result{}, errors.New("boom"))
	if res != nil || payments.CodeOf(err) != payments.CodeOutcomeUnknown {
		t.Fatalf("Finish(error) = %v, %v", res, err)
	}
}

// A 429 that answers the retry of a refund whose first answer was lost is
// not a plain refusal: the first attempt may have refunded.
func ExampleWrite_Fail() {
	w := driver.NewWrite("yandexpay", payments.OpRefund, "order-7-refund")
	w.Reached() // the first attempt's answer was lost
	err := w.Fail(&payments.Error{Code: payments.CodeResourceExhausted, Provider: "yandexpay", Op: payments.OpRefund,
		HTTPStatus: 429, Message: "too many requests"})
	fmt.Println(payments.CodeOf(err), errors.Is(err, payments.ErrResourceExhausted))
	// Output: OutcomeUnknown false
}
