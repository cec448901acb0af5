package conformance

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

// settle is for a call that must succeed: it fails the test on err, and
// otherwise waits out a pending result and returns the final one.
func settle(t *testing.T, ctx context.Context, p payments.Provider, res *payments.Result, err error) *payments.Result {
	t.Helper()
	if err != nil {
		t.Fatalf("the call failed: %v", err)
	}
	return settleAny(t, ctx, p, res, err)
}

// settleAny is settle for a call whose error the caller checks itself (a
// table of expected codes): an error passes through as a nil result.
func settleAny(t *testing.T, ctx context.Context, p payments.Provider, res *payments.Result, err error) *payments.Result {
	t.Helper()
	if err != nil {
		return nil
	}
	if res == nil {
		t.Fatal("nil Result with nil error")
	}
	if !res.Pending {
		return res
	}
	final, err := payments.Wait(ctx, p, res, &payments.WaitOptions{Interval: 10 * time.Millisecond, MaxInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("waiting for a pending result: %v", err)
	}
	return final
}

func mustStatus(t *testing.T, ctx context.Context, p payments.Provider, ref payments.Ref) *payments.Payment {
	t.Helper()
	pay, err := p.Status(ctx, ref)
	if err != nil {
		t.Fatalf("Status(%s): %v", ref, err)
	}
	return pay
}

func checkTransition(t *testing.T, from, to status.Status) {
	t.Helper()
	if !status.CanTransition(from, to) {
		t.Errorf("illegal transition %s → %s", from, to)
	}
}

func wantCode(t *testing.T, err error, want payments.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success; want an error with code %s", want)
	}
	var pe *payments.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v (%T); want a *payments.Error", err, err)
	}
	if got := payments.CodeOf(err); got != want {
		t.Fatalf("code = %s; want %s (err: %v)", got, want, err)
	}
	if pe.Message == "" {
		t.Errorf("error with code %s has no message: %v", want, err)
	}
}

func oneOf(s status.Status, set []status.Status) bool {
	for _, x := range set {
		if x == s {
			return true
		}
	}
	return false
}

func oneOfCode(c payments.Code, set []payments.Code) bool {
	for _, x := range set {
		if x == c {
			return true
		}
	}
	return false
}

func codeNames(codes []payments.Code) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		if c == success {
			out[i] = "success"
		} else {
			out[i] = c.String()
		}
	}
	return out
}

// lacks reports whether the harness's provider does not declare c; the
// empty capability, which every provider has, is never lacking.
func lacks(h Harness, c payments.Capability) bool {
	return c != "" && !payments.Supports(h.Provider(), c)
}
