package conformance

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/regionpay/payments"
)

// Sandbox is an adapter pointed at a provider's real test environment (or
// anything else that cannot be seeded), for the part of the suite that needs
// no emulator: nothing is seeded, no fault is injected, and nothing that
// exists is changed, since every write names a payment that does not exist.
type Sandbox struct {
	// Provider is the adapter with working sandbox credentials.
	Provider payments.Provider
	// BadCredentials is the same adapter with credentials the sandbox
	// rejects; nil skips that check.
	BadCredentials payments.Provider
	// MissingRef is a well-formed ref that names no payment (a fresh random
	// id), so that writes against it can change nothing.
	MissingRef payments.Ref
	// Secrets must never appear in an error: the key, the merchant id.
	Secrets []string
}

// RunSandbox runs the checks that hold against any provider without
// seeding: the adapter's name, reads and writes of a payment that does not
// exist (NotFound, or a refusal; never success and never an outcome left
// unknown), input refused before anything is sent, rejected credentials, an
// ended context, and no secret in any error.
//
// An adapter's test calls it when sandbox credentials are in the
// environment and skips otherwise, naming the variables; pointing it at the
// adapter's emulator through a base URL shows the mode works offline.
func RunSandbox(t *testing.T, newSandbox func(t *testing.T) Sandbox) {
	var errs sandboxErrors
	t.Run("Name", func(t *testing.T) { sandboxName(t, newSandbox, &errs) })
	t.Run("StatusOfMissing", func(t *testing.T) { sandboxStatusOfMissing(t, newSandbox, &errs) })
	t.Run("WritesOnMissing", func(t *testing.T) { sandboxWritesOnMissing(t, newSandbox, &errs) })
	t.Run("InvalidArgument", func(t *testing.T) { sandboxInvalidArgument(t, newSandbox, &errs) })
	t.Run("BadCredentials", func(t *testing.T) { sandboxBadCredentials(t, newSandbox, &errs) })
	t.Run("CanceledContext", func(t *testing.T) { sandboxCanceledContext(t, newSandbox, &errs) })
	t.Run("NoSecretInErrors", func(t *testing.T) { sandboxNoSecretInErrors(t, newSandbox, &errs) })
}

func sandboxName(t *testing.T, newSandbox func(t *testing.T) Sandbox, errs *sandboxErrors) {
	sb := newSandbox(t)
	if sb.Provider.Name() == "" {
		t.Fatal("Name() is empty")
	}
}

func sandboxStatusOfMissing(t *testing.T, newSandbox func(t *testing.T) Sandbox, errs *sandboxErrors) {
	sb := newSandbox(t)
	_, err := sb.Provider.Status(ctxFor(t), sb.MissingRef)
	errs.add(err)
	wantCode(t, err, payments.CodeNotFound)
	if !errors.Is(err, payments.ErrNotFound) {
		t.Errorf("errors.Is(err, ErrNotFound) = false for %v", err)
	}
}

func sandboxWritesOnMissing(t *testing.T, newSandbox func(t *testing.T) Sandbox, errs *sandboxErrors) {
	sb := newSandbox(t)
	for _, a := range actions {
		if a.needs != "" && !payments.Supports(sb.Provider, a.needs) {
			continue
		}
		_, err := a.run(ctxFor(t), sb.Provider, sb.MissingRef)
		errs.add(err)
		if code := payments.CodeOf(err); err == nil || (code != payments.CodeNotFound && code != payments.CodeFailedPrecondition) {
			t.Errorf("%s of a payment that does not exist: err = %v (code %s); want NotFound or FailedPrecondition", a.name, err, code)
		}
	}
}

func sandboxInvalidArgument(t *testing.T, newSandbox func(t *testing.T) Sandbox, errs *sandboxErrors) {
	sb := newSandbox(t)
	negative := payments.Money{Minor: -100, Currency: "RUB"}
	calls := map[string]func(ctx context.Context) error{
		"CaptureEmptyRef": func(ctx context.Context) error { _, err := sb.Provider.Capture(ctx, payments.Ref{}, nil); return err },
		"VoidEmptyRef":    func(ctx context.Context) error { _, err := sb.Provider.Void(ctx, payments.Ref{}, nil); return err },
		"StatusEmptyRef":  func(ctx context.Context) error { _, err := sb.Provider.Status(ctx, payments.Ref{}); return err },
		"CaptureNegativeAmount": func(ctx context.Context) error {
			_, err := sb.Provider.Capture(ctx, sb.MissingRef, &payments.CaptureOptions{Amount: &negative})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call(ctxFor(t))
			errs.add(err)
			wantCode(t, err, payments.CodeInvalidArgument)
		})
	}
}

func sandboxBadCredentials(t *testing.T, newSandbox func(t *testing.T) Sandbox, errs *sandboxErrors) {
	sb := newSandbox(t)
	if sb.BadCredentials == nil {
		t.Skip("no adapter with bad credentials given")
	}
	_, err := sb.BadCredentials.Status(ctxFor(t), sb.MissingRef)
	errs.add(err)
	if code := payments.CodeOf(err); code != payments.CodeUnauthenticated && code != payments.CodePermissionDenied {
		t.Fatalf("bad credentials: err = %v (code %s); want Unauthenticated or PermissionDenied", err, code)
	}
}

func sandboxCanceledContext(t *testing.T, newSandbox func(t *testing.T) Sandbox, errs *sandboxErrors) {
	sb := newSandbox(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := sb.Provider.Capture(ctx, sb.MissingRef, nil)
	errs.add(err)
	wantCode(t, err, payments.CodeCanceled)
}

func sandboxNoSecretInErrors(t *testing.T, newSandbox func(t *testing.T) Sandbox, errs *sandboxErrors) {
	sb := newSandbox(t)
	for _, err := range errs.all() {
		for _, s := range sb.Secrets {
			if s != "" && strings.Contains(err.Error(), s) {
				t.Errorf("an error shows a secret: %v", err)
			}
		}
	}
}

// sandboxErrors collects the errors of every check, for the secret check.
type sandboxErrors struct {
	mu   sync.Mutex
	errs []error
}

func (e *sandboxErrors) add(err error) {
	if err == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.errs = append(e.errs, err)
}

func (e *sandboxErrors) all() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.errs...)
}
