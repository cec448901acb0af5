package payments_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/regionpay/payments"
)

// TestTypedNilErrorDoesNotPanic: a typed-nil *payments.Error returned as an
// error (a bug in whoever returned it) must not crash the caller that
// inspects it.
func TestTypedNilErrorDoesNotPanic(t *testing.T) {
	var pe *payments.Error
	var err error = pe
	if got := payments.CodeOf(err); got != payments.CodeUnknown {
		t.Errorf("CodeOf(typed nil) = %s; want Unknown", got)
	}
	if errors.Is(err, payments.ErrNotFound) {
		t.Error("errors.Is(typed nil, ErrNotFound) = true")
	}
	wrapped := fmt.Errorf("wrapped: %w", err)
	if got := payments.CodeOf(wrapped); got != payments.CodeUnknown {
		t.Errorf("CodeOf(wrapped typed nil) = %s", got)
	}
	if errors.Is(wrapped, payments.ErrOutcomeUnknown) {
		t.Error("errors.Is(wrapped typed nil, ErrOutcomeUnknown) = true")
	}
	if payments.RetryAfterOf(wrapped) != 0 {
		t.Error("RetryAfterOf(typed nil) != 0")
	}
	if s := err.Error(); s == "" {
		t.Error("Error() of a typed nil is empty")
	}
	if errors.Unwrap(err) != nil {
		t.Error("Unwrap of a typed nil is not nil")
	}
	// A real error compared with a typed-nil target.
	real := &payments.Error{Code: payments.CodeNotFound}
	if errors.Is(real, pe) {
		t.Error("errors.Is(real, typed nil) = true")
	}
}

// TestZeroRegionsDoNotPanic: Regions not made by Open answer every method
// without dereferencing nil.
func TestZeroRegionsDoNotPanic(t *testing.T) {
	for _, r := range []*payments.Regions{{}, nil} {
		if p := r.Default(); p != nil {
			t.Errorf("Default() = %v; want nil", p)
		}
		if _, err := r.Provider("ru"); err == nil {
			t.Error("Provider of empty Regions succeeded")
		}
		_ = r.DefaultName()
		_ = r.Names()
		_ = r.String()
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}
}
