package telemetry

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"go.opentelemetry.io/otel/attribute"

	"github.com/regionpay/payments"
)

// Provider is a payments.Provider whose calls are traced and measured; Wrap
// makes one. It implements every optional interface of package payments,
// answering for one its provider lacks exactly as the package-level helper
// would (CodeUnimplemented), and reports its provider's Capabilities, so
// that payments.Supports and the helpers keep telling the truth.
type Provider struct {
	inner  payments.Provider
	t      *Telemetry
	region string
	base   []attribute.KeyValue
}

var (
	_ payments.Provider         = (*Provider)(nil)
	_ payments.Refunder         = (*Provider)(nil)
	_ payments.OperationChecker = (*Provider)(nil)
	_ payments.Closer           = (*Provider)(nil)
	_ payments.Capabler         = (*Provider)(nil)
	_ payments.Starter          = (*Provider)(nil)
	_ payments.Finder           = (*Provider)(nil)
	_ payments.Notifier         = (*Provider)(nil)
)

// Unwrap returns the provider Wrap was given.
func (p *Provider) Unwrap() payments.Provider { return p.inner }

// Name returns the wrapped provider's name.
func (p *Provider) Name() string { return p.inner.Name() }

// String describes the wrapped provider as it describes itself (adapters
// print no credential).
func (p *Provider) String() string {
	return fmt.Sprintf("telemetry(%s, region %q)", fmt.Sprint(p.inner), p.region)
}

// CheckRef asks the wrapped provider, when it checks ids, and records no
// span: nothing is sent.
func (p *Provider) CheckRef(op payments.Operation, ref payments.Ref) error {
	if rc, ok := p.inner.(payments.RefChecker); ok {
		return rc.CheckRef(op, ref)
	}
	return nil
}

// Capabilities are the wrapped provider's.
func (p *Provider) Capabilities() []payments.Capability { return payments.Capabilities(p.inner) }

// Close closes the wrapped provider when it holds resources.
func (p *Provider) Close() error {
	if c, ok := p.inner.(payments.Closer); ok {
		return c.Close()
	}
	return nil
}

// traced runs one call of op inside a span. A nil context goes to the
// provider untouched: it refuses one with its own error, and a span cannot
// start from nothing.
func traced[T any](ctx context.Context, p *Provider, op payments.Operation, id string, call func(context.Context) (T, error)) (T, error) {
	if ctx == nil {
		return call(ctx)
	}
	ctx, o := p.t.observe(ctx, p.base, op, id)
	res, err := call(ctx)
	o.end(err)
	return res, err
}

// Capture is the wrapped provider's Capture, traced.
func (p *Provider) Capture(ctx context.Context, ref payments.Ref, opts *payments.CaptureOptions) (*payments.Result, error) {
	return traced(ctx, p, payments.OpCapture, ref.ID, func(ctx context.Context) (*payments.Result, error) {
		return p.inner.Capture(ctx, ref, opts)
	})
}

// Void is the wrapped provider's Void, traced.
func (p *Provider) Void(ctx context.Context, ref payments.Ref, opts *payments.VoidOptions) (*payments.Result, error) {
	return traced(ctx, p, payments.OpVoid, ref.ID, func(ctx context.Context) (*payments.Result, error) {
		return p.inner.Void(ctx, ref, opts)
	})
}

// Rollback is the wrapped provider's Rollback, traced.
func (p *Provider) Rollback(ctx context.Context, ref payments.Ref, opts *payments.RollbackOptions) (*payments.Result, error) {
	return traced(ctx, p, payments.OpRollback, ref.ID, func(ctx context.Context) (*payments.Result, error) {
		return p.inner.Rollback(ctx, ref, opts)
	})
}

// Status is the wrapped provider's Status, traced.
func (p *Provider) Status(ctx context.Context, ref payments.Ref) (*payments.Payment, error) {
	return traced(ctx, p, payments.OpStatus, ref.ID, func(ctx context.Context) (*payments.Payment, error) {
		return p.inner.Status(ctx, ref)
	})
}

// Refund is payments.Refund through the wrapped provider, traced.
func (p *Provider) Refund(ctx context.Context, ref payments.Ref, opts *payments.RefundOptions) (*payments.Result, error) {
	return traced(ctx, p, payments.OpRefund, ref.ID, func(ctx context.Context) (*payments.Result, error) {
		return payments.Refund(ctx, p.inner, ref, opts)
	})
}

// Operation is the wrapped provider's Operation, traced; CodeUnimplemented
// when it has none.
func (p *Provider) Operation(ctx context.Context, ref payments.Ref, operationID string) (*payments.Result, error) {
	return traced(ctx, p, payments.OpOperation, ref.ID, func(ctx context.Context) (*payments.Result, error) {
		oc, ok := p.inner.(payments.OperationChecker)
		if !ok {
			return nil, &payments.Error{Code: payments.CodeUnimplemented, Provider: p.inner.Name(), Op: payments.OpOperation,
				Message: "this provider has no operations to read"}
		}
		return oc.Operation(ctx, ref, operationID)
	})
}

// Start is payments.Start through the wrapped provider, traced.
func (p *Provider) Start(ctx context.Context, req *payments.StartRequest) (*payments.StartResult, error) {
	return traced(ctx, p, payments.OpStart, "", func(ctx context.Context) (*payments.StartResult, error) {
		return payments.Start(ctx, p.inner, req)
	})
}

// Find is payments.Find through the wrapped provider. One span covers the
// whole iteration, from its first page to its end, its first error or the
// caller's break; a Find that is never iterated records nothing.
func (p *Provider) Find(ctx context.Context, q payments.FindQuery) iter.Seq2[*payments.FoundPayment, error] {
	return func(yield func(*payments.FoundPayment, error) bool) {
		if ctx == nil {
			for fp, err := range payments.Find(ctx, p.inner, q) {
				if !yield(fp, err) {
					return
				}
			}
			return
		}
		ctx, o := p.t.observe(ctx, p.base, payments.OpFind, "")
		var last error
		defer func() { o.end(last) }()
		for fp, err := range payments.Find(ctx, p.inner, q) {
			if err != nil {
				last = err
			}
			if !yield(fp, err) {
				return
			}
		}
	}
}

// ParseNotification is payments.ParseNotification through the wrapped
// provider, traced.
func (p *Provider) ParseNotification(ctx context.Context, header http.Header, body []byte) (*payments.Event, error) {
	return traced(ctx, p, payments.OpNotification, "", func(ctx context.Context) (*payments.Event, error) {
		return payments.ParseNotification(ctx, p.inner, header, body)
	})
}

// NotificationAck is the wrapped provider's, or an empty body when it
// verifies no notifications.
func (p *Provider) NotificationAck() (contentType string, body []byte) {
	if n, ok := p.inner.(payments.Notifier); ok {
		return n.NotificationAck()
	}
	return "", nil
}
