package conformance

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/eventlog"
	"github.com/regionpay/payments/status"
)

// NotificationHarness is implemented by harnesses whose emulator sends the
// provider's notifications. The Notifications subtests run when the harness
// implements it and its Provider supports payments.CapNotifications, and
// are skipped, saying so, otherwise.
type NotificationHarness interface {
	Harness
	// SetCallbackURL makes the emulator send its notifications to url, as a
	// provider sends them to the URL configured in its console.
	SetCallbackURL(url string)
	// WaitNotifications returns once every notification the emulator has
	// queued was accepted or given up.
	WaitNotifications()
	// ForgedNotifications returns notifications about ref that the
	// provider's verification must refuse, named by what is wrong with them.
	// Every harness gives "tampered" (a genuine notification altered) and
	// "wrong key" (made with a key the provider did not configure); with
	// SignedNotifications also "expired", "unknown kid" and "alg none".
	ForgedNotifications(t testing.TB, ref payments.Ref) map[string][]byte
	// SignedNotifications says the provider's notifications are signed
	// tokens with a key id, an algorithm and a lifetime (Yandex Pay's JWS),
	// rather than sealed with a shared key (RuStore).
	SignedNotifications() bool
}

// notificationHarness returns h as a NotificationHarness, or skips the test.
func notificationHarness(t *testing.T, h Harness) NotificationHarness {
	nh, ok := h.(NotificationHarness)
	switch {
	case !ok:
		t.Skip("the harness does not implement NotificationHarness: its emulator sends no notifications")
	case !payments.Supports(h.Provider(), payments.CapNotifications):
		t.Skip("the provider declares no notifications capability")
	}
	return nh
}

// appEndpoint is an app's notification endpoint: the library's handler, at
// url, in front of a function that records every event and fails its first
// calls on demand.
type appEndpoint struct {
	eventlog.App
	url string
}

// got lists the events the app's function was handed.
func (a *appEndpoint) got() []payments.Event { return a.Events() }

// serveApp starts an app endpoint for h's provider and points the emulator at it.
func serveApp(t *testing.T, h NotificationHarness, failFirst int) *appEndpoint {
	t.Helper()
	app := &appEndpoint{App: eventlog.App{FailFirst: failFirst}}
	handler, err := payments.NotificationHandler(h.Provider(), app.Handle, nil)
	if err != nil {
		t.Fatalf("NotificationHandler: %v", err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	app.url = srv.URL
	h.SetCallbackURL(srv.URL)
	return app
}

// lastPaymentEvent is the last payment status event about ref.
func lastPaymentEvent(events []payments.Event, ref payments.Ref) (payments.Event, bool) {
	for i := len(events) - 1; i >= 0; i-- {
		ev := events[i]
		if ev.Kind == payments.EventPaymentStatus && sameRef(ev.Ref, ref) {
			return ev, true
		}
	}
	return payments.Event{}, false
}

// sameRef matches an event's ref to a seeded one by whichever ids both carry.
func sameRef(a, b payments.Ref) bool {
	return (a.ID != "" && a.ID == b.ID) || (a.InvoiceID != "" && a.InvoiceID == b.InvoiceID)
}

func testNotifications(t *testing.T, newHarness NewHarness) {
	runSubtests(t, newHarness, []subtest{
		{"StateChanges", testNotifiedStateChanges},
		{"Refused", testNotificationsRefused},
		{"Redelivery", testNotificationRedelivery},
	})
}

// testNotifiedStateChanges: every action that changes a payment is heard as
// an event whose status is what Status reads afterwards.
func testNotifiedStateChanges(t *testing.T, newHarness NewHarness) {
	probe := open(t, newHarness)
	notificationHarness(t, probe)
	facts := probe.Facts()
	for _, a := range actions {
		a := a
		t.Run(a.name, func(t *testing.T) {
			if lacks(probe, a.needs) {
				t.Skipf("provider declares no %s capability", a.name)
			}
			for _, st := range facts.States {
				want := a.expect(st, probe.Provider())
				if want.code != 0 || want.noop {
					continue
				}
				st := st
				t.Run("From"+st.String(), func(t *testing.T) {
					h := notificationHarness(t, open(t, newHarness))
					ref := h.Seed(t, st, amount)
					app := serveApp(t, h, 0)
					ctx := ctxFor(t)
					res, err := a.run(ctx, h.Provider(), ref)
					settle(t, ctx, h.Provider(), res, err)
					h.WaitNotifications()
					after := mustStatus(t, ctx, h.Provider(), ref)
					ev, ok := lastPaymentEvent(app.got(), ref)
					if !ok {
						t.Fatalf("%s from %s: no payment status event reached the app (got %d events)", a.name, st, len(app.got()))
					}
					if ev.Status != after.Status || !strings.EqualFold(ev.RawStatus, after.RawStatus) {
						t.Errorf("%s from %s: last event says %s (raw %q), Status reads %s (raw %q)",
							a.name, st, ev.Status, ev.RawStatus, after.Status, after.RawStatus)
					}
					if ev.ID == "" || ev.Provider != h.Provider().Name() {
						t.Errorf("event ID %q, provider %q; want an ID and provider %q", ev.ID, ev.Provider, h.Provider().Name())
					}
				})
			}
		})
	}
}

// testNotificationsRefused: forged, tampered, expired, oversized and
// malformed notifications get a 4xx and never reach the app.
func testNotificationsRefused(t *testing.T, newHarness NewHarness) {
	h := notificationHarness(t, open(t, newHarness))
	ref := h.Seed(t, h.Facts().States[0], amount)
	app := serveApp(t, h, 0)
	forged := h.ForgedNotifications(t, ref)
	required := []string{"tampered", "wrong key"}
	if h.SignedNotifications() {
		required = append(required, "expired", "unknown kid", "alg none")
	}
	for _, name := range required {
		if _, ok := forged[name]; !ok {
			t.Errorf("ForgedNotifications gives no %q notification", name)
		}
	}
	forged["oversized"] = []byte(strings.Repeat("A", payments.DefaultMaxNotificationSize+1))
	forged["malformed"] = []byte("\x00{not a notification")
	forged["empty"] = nil
	for name, body := range forged {
		name, body := name, body
		t.Run(name, func(t *testing.T) {
			resp, err := http.Post(app.url, "application/octet-stream", strings.NewReader(string(body)))
			if err != nil {
				t.Fatalf("POST: %v", err)
			}
			resp.Body.Close()
			if resp.StatusCode < 400 || resp.StatusCode > 499 {
				t.Errorf("a %s notification was answered %d; want a 4xx", name, resp.StatusCode)
			}
			// An oversized body is refused for its size, before it is read
			// whole or verified; any other 4xx would mean the cap did not act.
			if name == "oversized" && resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("an oversized notification was answered %d; want %d", resp.StatusCode, http.StatusRequestEntityTooLarge)
			}
		})
	}
	if got := app.got(); len(got) != 0 {
		t.Errorf("%d refused notifications reached the app", len(got))
	}
}

// testNotificationRedelivery: an app function that fails gets the
// notification again, with the same event ID.
func testNotificationRedelivery(t *testing.T, newHarness NewHarness) {
	h := notificationHarness(t, open(t, newHarness))
	if !h.Facts().Has(status.Authorized) {
		t.Skip("the harness cannot seed Authorized")
	}
	ref := h.Seed(t, status.Authorized, amount)
	app := serveApp(t, h, 1)
	ctx := ctxFor(t)
	res, err := h.Provider().Capture(ctx, ref, nil)
	settle(t, ctx, h.Provider(), res, err)
	h.WaitNotifications()
	got := app.got()
	if len(got) < 2 {
		t.Fatalf("the app failed the first notification and got %d in all; want it delivered again", len(got))
	}
	if got[0].ID != got[1].ID {
		t.Errorf("the redelivery has event ID %q, the first delivery %q; want the same", got[1].ID, got[0].ID)
	}
	if got[0].Status != got[1].Status || got[0].Kind != got[1].Kind {
		t.Errorf("the redelivery differs: %s/%s, first %s/%s", got[1].Kind, got[1].Status, got[0].Kind, got[0].Status)
	}
}
