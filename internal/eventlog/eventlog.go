// Package eventlog is an app's notification function for tests: it records
// every event the library hands it and fails its first calls on demand, so
// a test can see what reached the app and that a failed delivery comes
// again. The conformance suite and the adapters' own tests share it.
package eventlog

import (
	"context"
	"errors"
	"sync"

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
