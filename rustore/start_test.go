package rustore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/regionpay/payments"
)

func TestStartPointsAtThePaySDK(t *testing.T) {
	e := newEnv(t, nil, nil)
	_, err := payments.Start(context.Background(), e.client, &payments.StartRequest{OrderID: "o-1"})
	pe := asError(t, err)
	if pe.Code != payments.CodeUnimplemented || !strings.Contains(pe.Message, "Pay SDK") {
		t.Fatalf("got %v; want Unimplemented pointing at the RuStore Pay SDK", err)
	}
	if payments.Supports(e.client, payments.CapStart) {
		t.Fatal("RuStore must not list the start capability")
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent, want 0", n)
	}
}
