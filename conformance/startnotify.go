package conformance

import (
	"strings"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

// testStartPaidIsNotified: a payment the buyer pays on the page (a change
// the merchant's server did not make, so the only way it learns of it
// without polling) reaches the app as a verified event whose status is what
// Status reads afterwards.
func testStartPaidIsNotified(t *testing.T, newHarness NewHarness) {
	h, sh := startHarness(t, newHarness)
	nh := notificationHarness(t, h)
	app := serveApp(t, nh, 0)
	ctx := ctxFor(t)
	res, err := payments.Start(ctx, h.Provider(), sh.StartRequest(t, amount))
	if err != nil {
		t.Fatal(err)
	}
	sh.Pay(t, res.Ref)
	nh.WaitNotifications()
	after := mustStatus(t, ctx, h.Provider(), res.Ref)
	if after.Status != status.Authorized && after.Status != status.Captured {
		t.Fatalf("after paying: %s; want Authorized or Captured", after.Status)
	}
	ev, ok := lastPaymentEvent(app.got(), res.Ref)
	if !ok {
		t.Fatalf("paying on the page sent the app no payment status event (got %d events)", len(app.got()))
	}
	if ev.Status != after.Status || !strings.EqualFold(ev.RawStatus, after.RawStatus) {
		t.Errorf("the event says %s (raw %q), Status reads %s (raw %q)", ev.Status, ev.RawStatus, after.Status, after.RawStatus)
	}
}
