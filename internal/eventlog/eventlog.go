// Package eventlog is an app's notification function for tests: it records
// every event the library hands it and fails its first calls on demand, so
// a test can see what reached the app and that a failed delivery comes
// again. The conformance suite and the adapters' own tests share it.
package eventlog

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/regionpay/payments"
)

// ErrNotReady is what App's failing calls return.
var ErrNotReady = errors.New("the app is not ready yet")

// App records events. Its zero value records and never fails. It is safe
// for concurrent use.
type App struct {
	// FailFirst is how many calls fail (with ErrNotReady) before calls
	// succeed; set it before the first call.
	FailFirst int

	mu     sync.Mutex
	events []payments.Event
}

// Handle is a payments.NotificationFunc: it records ev, then fails while
// fewer than FailFirst+1 events have arrived.
func (a *App) Handle(_ context.Context, ev payments.Event) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, ev)
	if len(a.events) <= a.FailFirst {
		return ErrNotReady
	}
	return nil
}

// Events returns a copy of every event handed to Handle, in order, failed
// calls included.
func (a *App) Events() []payments.Event {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]payments.Event(nil), a.events...)
}

// CheckParse fails tb unless ParseNotification's answer for a body is one
// of the two it may be: an event of provider with an id and a kind, or no
// event and a refusal that is an OpNotification *payments.Error with a
// message, of bounded length (a refusal must not echo a forged body back).
// The adapters' notification fuzz targets share it.
func CheckParse(tb testing.TB, provider string, ev *payments.Event, err error) {
	tb.Helper()
	if err == nil {
		if ev == nil || ev.ID == "" || ev.Provider != provider || ev.Kind == "" {
			tb.Fatalf("incomplete event: %+v", ev)
		}
		return
	}
	var pe *payments.Error
	switch {
	case ev != nil:
		tb.Fatalf("an event with an error: %+v", ev)
	case !errors.As(err, &pe):
		tb.Fatalf("want a *payments.Error, got %T: %v", err, err)
	case pe.Op != payments.OpNotification || pe.Message == "":
		tb.Fatalf("want an OpNotification error with a message, got %#v", pe)
	case len(err.Error()) > 400:
		tb.Fatalf("the refusal grew with the body (%d bytes): %.120s", len(err.Error()), err)
	}
}
