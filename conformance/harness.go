package conformance

import (
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/status"
)

// Op names a portable action, for fault targeting and for counting. It is
// payments.Operation: the suite speaks the same operation names as errors
// and logs.
type Op = payments.Operation

// The actions a harness counts and injects faults into.
const (
	OpCapture  = payments.OpCapture  // payments.OpCapture: captures, whole or partial
	OpVoid     = payments.OpVoid     // payments.OpVoid: voids of an authorization
	OpRollback = payments.OpRollback // payments.OpRollback: rollbacks, whatever the payment's state
	OpRefund   = payments.OpRefund   // payments.OpRefund: refunds, whole or partial
	OpStatus   = payments.OpStatus   // payments.OpStatus: status reads
)

// Fault is one injected failure: the next Times requests for Op fail as Kind.
// The suite speaks in portable ops; a harness names the emulator action an
// op maps to with ForAction.
type Fault struct {
	// Kind is the failure class, one of package fault's.
	Kind fault.Kind
	// Op selects the requests that fail.
	Op Op
	// Times is how many matching requests fail in a row; 0 means 1.
	Times int
	// Delay is how long [fault.Slow] waits.
	Delay time.Duration
	// RetryAfter is what [fault.TooManyRequests] asks for.
	RetryAfter time.Duration
	// Status is the HTTP status of [fault.Refuse], [fault.ResetThenRefuse]
	// and [fault.GatewayErrorApplyLater].
	Status int
}

// ForAction is f aimed at one of the emulator's own actions (the one Op
// maps to), ready for the InjectFault or TryInjectFault of the emulators in
// this module.
func (f Fault) ForAction(action string) fault.Fault {
	return fault.Fault{Kind: f.Kind, Action: action, Times: f.Times, Delay: f.Delay, RetryAfter: f.RetryAfter, Status: f.Status}
}

// Facts are what the suite must know of a harness that its provider cannot
// say itself. What the provider can do (refund, partial capture, ...) the
// suite asks the provider, through payments.Capabilities, as apps do.
type Facts struct {
	// TokenAuth: the provider authenticates with expiring tokens, so the
	// token-expiry subtests run.
	TokenAuth bool
	// States lists the normalized states Seed can create.
	States []status.Status
}

// Has reports whether st is among the states Seed can create.
func (c Facts) Has(st status.Status) bool {
	for _, s := range c.States {
		if s == st {
			return true
		}
	}
	return false
}

// Harness wires one adapter to its emulator for the suite. Run calls the
// constructor once per subtest, so every subtest has a fresh emulator.
type Harness interface {
	// Provider is the adapter under test, pointed at the emulator, with short
	// retry waits so the suite runs fast.
	Provider() payments.Provider
	// ProviderWithBadCredentials is the same adapter with credentials the
	// emulator rejects.
	ProviderWithBadCredentials() payments.Provider
	// Facts says what the harness can seed and how its provider
	// authenticates.
	Facts() Facts
	// Seed creates a payment in the given normalized state, holding or having
	// charged amount, and returns its ref.
	Seed(t testing.TB, st status.Status, amount payments.Money) payments.Ref
	// MissingRef returns a well-formed ref that names no payment.
	MissingRef() payments.Ref
	// Applied counts how many times the emulator changed the payment's state
	// through op (a capture applied twice counts 2).
	Applied(ref payments.Ref, op Op) int
	// InjectFault arms a failure in the emulator.
	InjectFault(f Fault)
	// ExpireCredentials makes the emulator reject the credentials currently
	// cached by Provider (RuStore: the token), as if they had expired.
	ExpireCredentials()
	// Secrets lists the values that must never appear in an error or a log
	// line: keys, tokens, signatures.
	Secrets() []string
	// Logs returns everything the Provider has logged so far.
	Logs() string
	// Close stops the emulator.
	Close()
}
