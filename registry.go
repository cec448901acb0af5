package payments

import (
	"fmt"
	"sync"
)

// OpenFunc builds a Provider for one region of a config. Adapters pass one to
// Register. It should read every field it knows through the Settings getters
// before it validates anything, so that Open can tell a misspelt field (one
// nobody read) from a missing one and name both.
type OpenFunc func(s *Settings) (Provider, error)

// The registry is global, like database/sql's, because adapters register
// from init functions: importing a package is all an app does to enable it.
var (
	driversMu sync.RWMutex
	drivers   = map[string]OpenFunc{}
)

// Register makes an adapter available to Open under name, the value of a
// region's "provider" field. Adapters call it from init, so an app enables one
// by importing it (import _ "github.com/regionpay/payments/rustore").
//
// Register panics when name is empty, open is nil or name is taken: each is a
// programming error that must not wait for a config to reveal it.
func Register(name string, open OpenFunc) {
	if name == "" {
		panic("payments: Register called with an empty provider name")
	}
	if open == nil {
		panic(fmt.Sprintf("payments: Register called with a nil OpenFunc for provider %q", name))
	}
	driversMu.Lock()
	defer driversMu.Unlock()
	if _, dup := drivers[name]; dup {
		panic(fmt.Sprintf("payments: Register called twice for provider %q", name))
	}
	drivers[name] = open
}

// Drivers returns the names of the registered adapters, sorted.
func Drivers() []string {
	driversMu.RLock()
	defer driversMu.RUnlock()
	return sortedKeys(drivers)
}

// lookupDriver returns the OpenFunc registered under name.
func lookupDriver(name string) (OpenFunc, bool) {
	driversMu.RLock()
	defer driversMu.RUnlock()
	open, ok := drivers[name]
	return open, ok
}
