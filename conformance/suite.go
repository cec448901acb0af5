// Package conformance is the suite every payments adapter passes, so that
// "works like the others" is checked, not hoped for.
//
// An adapter's test wires its emulator to a [Harness] and calls [Run]:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, func(t *testing.T) conformance.Harness { return newHarness(t) })
//	}
//
// Run then checks every action from every state the provider can be seeded
// in (legal moves reach the expected status, illegal ones fail with
// CodeFailedPrecondition and change nothing), status reads of missing and
// unrecognised payments, idempotent replay, each fault class (retried or
// classified, against capture, void and refund: never applied twice, never a
// success that did not happen), compound faults against every write (an
// answer lost and the retry refused; a gateway's 5xx for a write applied
// later: at most one effect, an effect never reported as a refusal or
// Unavailable, and a repeat with the key from the error ending with exactly
// one effect), that every error of a write carries its idempotency key,
// context cancellation and deadlines,
// credential expiry, concurrency, that no secret reaches an error or a
// log line, and, for harnesses that implement [NotificationHarness], that
// every state change is heard as a verified event agreeing with Status,
// that forged notifications are refused and that a failed delivery comes
// again with the same event ID. Providers that declare payments.CapStart
// start payments (new, repeated, the same order with another cart, invalid
// requests, paid then captured) through their [StartHarness]; those that
// declare payments.CapFind list and find a user's payments through their
// [FindHarness]; the others must answer CodeUnimplemented. A subtest is
// skipped only where the harness declares the provider lacks a capability,
// and the skip message says which.
//
// [RunSandbox] is the part of the suite that needs no emulator, for an
// adapter pointed at a provider's real sandbox: nothing is seeded, and every
// write names a payment that does not exist.
//
// The suite imports only payments, status and fault: it knows providers
// through the portable API alone, and names failures in the vocabulary the
// emulators share.
package conformance

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/regionpay/payments"
)

// NewHarness builds a fresh harness (a fresh emulator) for one subtest.
type NewHarness func(t *testing.T) Harness

// opTimeout bounds every call the suite makes, so a hung adapter fails a
// subtest instead of the whole run.
const opTimeout = 20 * time.Second

// amount is what the suite seeds payments with: 500.00 RUB.
var amount = payments.Money{Minor: 50000, Currency: "RUB"}

// Run runs the whole suite against the adapter newHarness wires up.
func Run(t *testing.T, newHarness NewHarness) {
	runSubtests(t, newHarness, []subtest{
		{"Name", testName},
		{"Actions", testActions},
		{"PartialCapture", testPartialCapture},
		{"PartialRefund", testPartialRefund},
		{"Status", testStatus},
		{"InvalidArgument", testInvalidArgument},
		{"Idempotency", testIdempotency},
		{"Faults", testFaults},
		{"Compound", testCompound},
		{"KeyReuse", testKeyReuse},
		{"WriteErrorsCarryKey", testWriteErrorsCarryKey},
		{"Context", testContext},
		{"Credentials", testCredentials},
		{"Concurrency", testConcurrency},
		{"NoSecretLeaks", testNoSecretLeaks},
		{"Notifications", testNotifications},
		{"Start", testStart},
		{"Find", testFind},
		{"Carts", testCarts},
	})
}

// open builds a harness for one subtest and closes it when the subtest ends.
// subtest is one named part of the suite.
type subtest struct {
	name string
	run  func(*testing.T, NewHarness)
}

// runSubtests runs each subtest under t.Run with its name.
func runSubtests(t *testing.T, newHarness NewHarness, subtests []subtest) {
	for _, st := range subtests {
		t.Run(st.name, func(t *testing.T) { st.run(t, newHarness) })
	}
}

func open(t *testing.T, newHarness NewHarness) Harness {
	t.Helper()
	h := newHarness(t)
	t.Cleanup(h.Close)
	return h
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	t.Cleanup(cancel)
	return ctx
}

func testName(t *testing.T, newHarness NewHarness) {
	h := open(t, newHarness)
	if name := h.Provider().Name(); name == "" || strings.ToLower(name) != name || strings.ContainsAny(name, " \t") {
		t.Fatalf("Name() = %q; want a non-empty lower-case word", name)
	}
}
