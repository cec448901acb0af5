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
	adaptersMu sync.RWMutex
	adapters   = map[string]OpenFunc{}
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
	adaptersMu.Lock()
	defer adaptersMu.Unlock()
	if _, dup := adapters[name]; dup {
		panic(fmt.Sprintf("payments: Register called twice for provider %q", name))
	}
	adapters[name] = open
}

// Adapters returns the names of the registered adapters, sorted.
func Adapters() []string {
	adaptersMu.RLock()
	defer adaptersMu.RUnlock()
	return sortedKeys(adapters)
}

// lookupAdapter returns the OpenFunc registered under name.
func lookupAdapter(name string) (OpenFunc, bool) {
	adaptersMu.RLock()
	defer adaptersMu.RUnlock()
	open, ok := adapters[name]
	return open, ok
}
