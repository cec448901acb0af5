package transport

import (
	"context"
	"net/http"
	"testing"

	"github.com/regionpay/payments"
)

// TestCallerClientWithoutTimeoutIsBounded: a caller's http.Client without a
// Timeout and a context without a deadline must not let a silent server
// hold a call forever (issue 7, item 9).
func TestCallerClientWithoutTimeoutIsBounded(t *testing.T) {
	shortenAttemptBound(t)
	err := doSilent(t, &http.Client{}, context.Background(), &Request{Op: payments.OpStatus, Method: http.MethodGet, Path: "/x", Retry: RetrySafe})
	if payments.CodeOf(err) != payments.CodeUnavailable {
		t.Errorf("err = %v; want Unavailable after the attempt's bound", err)
	}
}
