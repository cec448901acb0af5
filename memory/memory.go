// Package memory is a payments provider that keeps its payments in memory,
// for applications' unit tests: no HTTP, no emulator, no credentials to
// provision. It behaves as the real adapters do through the portable API
// (the same state machine, idempotency keys, errors and capabilities: it
// passes the conformance suite), and a test seeds payments with [Provider.Add]
// and makes calls fail with [Provider.InjectFault], in the vocabulary of
// package fault.
//
// A fault acts on the exchange between the provider and an imagined remote
// service, as it would on the wire: an answer lost after the write applied
// is retried with the same idempotency key and settles as one write, a
// service that keeps failing ends in payments.CodeOutcomeUnknown, a refusal
// is returned as the error the adapters return for it.
//
//	p := memory.New(nil)
//	ref := p.Add(memory.Payment{Status: status.Authorized, Amount: payments.Money{Minor: 50000, Currency: "RUB"}})
//	p.InjectFault(fault.Fault{Kind: fault.ServerError, Action: "capture", Times: 100})
//	_, err := p.Capture(ctx, ref, nil) // payments.CodeOutcomeUnknown
package memory

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/internal/emukit"
	"github.com/regionpay/payments/internal/faultinject"
	"github.com/regionpay/payments/status"
)

// Name is the provider's name in errors and Results.
const Name = "memory"

// Options tune New; a nil *Options means the defaults.
type Options struct {
	// APIKey is the only key the provider accepts; see WithAPIKey. Empty
	// means any key, none included.
	APIKey payments.Secret
	// MaxRetries bounds the retries of one call after a lost or 5xx answer,
	// as HTTPOptions.MaxRetries does for the adapters: 0 means 3, negative
	// means none.
	MaxRetries int
}

// Provider is an in-memory payments provider. Its methods are safe for
// concurrent use; it implements payments.Provider, payments.Refunder and
// payments.Capabler.
type Provider struct {
	*store
	key payments.Secret // what this view presents
}

// store is what every view of one provider shares.
type store struct {
	mu       sync.Mutex
	apiKey   payments.Secret
	retries  int
	payments map[string]*payment
	keys     map[string]*keyed
	pending  map[string][]pendingAct // writes applied later, by key
	faults   *faultinject.Injector
	applied  emukit.Counter
}

// payment is one stored payment.
type payment struct {
	ref     payments.Ref
	status  status.Status
	amount  payments.Money // held, then charged, less what was refunded
	created time.Time
	updated time.Time
}

// keyed is the write an idempotency key names, and what it returned.
type keyed struct {
	op     payments.Operation
	id     string
	amount payments.Money
	result payments.Result
}

// Actions are the fault actions the provider knows: the portable operations.
var actions = []string{string(payments.OpCapture), string(payments.OpVoid), string(payments.OpRollback),
	string(payments.OpRefund), string(payments.OpStatus)}

// New returns an empty provider.
func New(opts *Options) *Provider {
	o := driver.Options(opts)
	retries := o.MaxRetries
	switch {
	case retries == 0:
		retries = 3
	case retries < 0:
		retries = 0
	}
	s := &store{
		apiKey:   o.APIKey,
		retries:  retries,
		payments: map[string]*payment{},
		keys:     map[string]*keyed{},
		pending:  map[string][]pendingAct{},
		faults: faultinject.NewInjector(faultinject.Config{Name: Name, Actions: actions,
			StatusAction: string(payments.OpStatus), DefaultDelay: time.Second, DefaultRetryAfter: time.Second}),
	}
	return &Provider{store: s, key: o.APIKey}
}

// WithAPIKey returns a view of the same payments that presents key: every
// call through it fails with payments.CodeUnauthenticated unless key is
// Options.APIKey, to test how an app handles rejected credentials.
func (p *Provider) WithAPIKey(key payments.Secret) *Provider {
	return &Provider{store: p.store, key: key}
}

// Name returns "memory".
func (p *Provider) Name() string { return Name }

// Capabilities lists what the provider supports: refunds, partial capture
// and refund, and stopping an unpaid payment.
func (p *Provider) Capabilities() []payments.Capability {
	return []payments.Capability{payments.CapRefund, payments.CapPartialCapture, payments.CapPartialRefund,
		payments.CapRollbackPending}
}

// String describes the provider without its key.
func (p *Provider) String() string { return "memory.Provider" }

// GoString keeps %#v from printing the key.
func (p *Provider) GoString() string { return p.String() }

// Payment is a payment to Add.
type Payment struct {
	// ID names the payment; a new UUID when empty.
	ID string
	// Status is its state; Authorized when Unknown.
	Status status.Status
	// Amount is what it holds or charged: a positive amount of a currency.
	Amount payments.Money
}

// TryAdd stores a payment and returns its ref. It fails, storing nothing,
// on an ID already stored, a status that is not defined, or an amount that
// is not positive.
func (p *Provider) TryAdd(pay Payment) (payments.Ref, error) {
	if pay.ID == "" {
		pay.ID = uuid.NewString()
	}
	if pay.Status == status.Unknown {
		pay.Status = status.Authorized
	}
	if !pay.Status.Valid() {
		return payments.Ref{}, fmt.Errorf("memory: status %s is not defined", pay.Status)
	}
	if err := pay.Amount.Validate(); err != nil {
		return payments.Ref{}, fmt.Errorf("memory: %v", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, dup := p.payments[pay.ID]; dup {
		return payments.Ref{}, fmt.Errorf("memory: payment %q is already stored", pay.ID)
	}
	now := time.Now()
	ref := payments.Ref{ID: pay.ID}
	p.payments[pay.ID] = &payment{ref: ref, status: pay.Status, amount: pay.Amount, created: now, updated: now}
	return ref, nil
}

// Add is TryAdd for tests: it panics on what TryAdd refuses, as httptest
// does on a setup failure, so a bad seed fails where it is made.
func (p *Provider) Add(pay Payment) payments.Ref {
	ref, err := p.TryAdd(pay)
	if err != nil {
		panic("Add: " + err.Error())
	}
	return ref
}

// Count returns how many times op changed the payment id (a capture applied
// twice counts 2), so a test can check that a write acted exactly once.
func (p *Provider) Count(id string, op payments.Operation) int {
	return p.applied.Count(id, string(op))
}

// TryInjectFault arms f, or says why it cannot: f.Action must be one of
// "capture", "void", "rollback", "refund" and "status", or empty for all;
// fault.UnknownStatus applies to "status" only.
func (p *Provider) TryInjectFault(f fault.Fault) error { return p.faults.Arm(f) }

// InjectFault arms f: the next f.Times calls of f.Action meet f.Kind. It
// panics on a fault TryInjectFault rejects, so a mistyped action fails the
// test that armed it.
func (p *Provider) InjectFault(f fault.Fault) { emukit.MustArm(p.faults, f) }

// check is what every call checks before anything else.
func (p *Provider) check(ctx context.Context, op payments.Operation, ref payments.Ref) error {
	if err := driver.Check(ctx, Name, op, p != nil && p.store != nil); err != nil {
		return err
	}
	if p.apiKey != "" && p.key != p.apiKey {
		return &payments.Error{Code: payments.CodeUnauthenticated, Provider: Name, Op: op,
			Message: "the API key was not accepted"}
	}
	if strings.TrimSpace(ref.ID) == "" {
		return driver.InvalidArgument(Name, op, "Ref.ID is empty")
	}
	return nil
}
