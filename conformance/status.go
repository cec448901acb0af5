package conformance

import (
	"context"
	"errors"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/status"
)

func testStatus(t *testing.T, newHarness NewHarness) {
	t.Run("Seeded", func(t *testing.T) {
		h := open(t, newHarness)
		ctx := ctxFor(t)
		for _, st := range h.Facts().States {
			ref := h.Seed(t, st, amount)
			pay := mustStatus(t, ctx, h.Provider(), ref)
			if pay.Status != st {
				t.Errorf("seeded %s, Status reports %s (raw %q)", st, pay.Status, pay.RawStatus)
			}
			if pay.RawStatus == "" {
				t.Errorf("seeded %s: RawStatus is empty; the provider's value must be kept", st)
			}
			if pay.Provider != h.Provider().Name() {
				t.Errorf("Payment.Provider = %q; want %q", pay.Provider, h.Provider().Name())
			}
			if pay.Ref.ID != ref.ID {
				t.Errorf("Payment.Ref.ID = %q; want %q", pay.Ref.ID, ref.ID)
			}
			if (st == status.Authorized || st == status.Captured) && pay.Amount != amount {
				t.Errorf("seeded %s with %s, Status reports %s", st, amount, pay.Amount)
			}
		}
	})
	t.Run("Missing", func(t *testing.T) {
		h := open(t, newHarness)
		_, err := h.Provider().Status(ctxFor(t), h.MissingRef())
		wantCode(t, err, payments.CodeNotFound)
		if !errors.Is(err, payments.ErrNotFound) {
			t.Errorf("errors.Is(err, ErrNotFound) = false for %v", err)
		}
	})
	t.Run("UnknownRaw", func(t *testing.T) {
		h := open(t, newHarness)
		ref := h.Seed(t, status.Authorized, amount)
		h.InjectFault(Fault{Kind: fault.UnknownStatus, Op: OpStatus})
		pay, err := h.Provider().Status(ctxFor(t), ref)
		if err != nil {
			t.Fatalf("an unknown raw status must not be an error: %v", err)
		}
		if pay.Status != status.Unknown || pay.RawStatus == "" {
			t.Errorf("got Status %s, RawStatus %q; want Unknown with the raw value kept", pay.Status, pay.RawStatus)
		}
	})
}

func testInvalidArgument(t *testing.T, newHarness NewHarness) {
	negative := payments.Money{Minor: -100, Currency: "RUB"}
	zero := payments.Money{Minor: 0, Currency: "RUB"}
	cases := []struct {
		name string
		run  func(ctx context.Context, p payments.Provider, ref payments.Ref) error
		ref  func(payments.Ref) payments.Ref
	}{
		{"CaptureEmptyRef", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Capture(ctx, ref, nil)
			return err
		}, func(payments.Ref) payments.Ref { return payments.Ref{} }},
		{"VoidEmptyRef", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Void(ctx, ref, nil)
			return err
		}, func(payments.Ref) payments.Ref { return payments.Ref{} }},
		{"StatusEmptyRef", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Status(ctx, ref)
			return err
		}, func(payments.Ref) payments.Ref { return payments.Ref{} }},
		{"RollbackEmptyRef", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Rollback(ctx, ref, nil)
			return err
		}, func(payments.Ref) payments.Ref { return payments.Ref{} }},
		{"CaptureNegativeAmount", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Capture(ctx, ref, &payments.CaptureOptions{Amount: &negative})
			return err
		}, nil},
		{"CaptureZeroAmount", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			_, err := p.Capture(ctx, ref, &payments.CaptureOptions{Amount: &zero})
			return err
		}, nil},
		{"IDWithPathSeparators", func(ctx context.Context, p payments.Provider, ref payments.Ref) error {
			// Either refused up front or escaped so that it names no payment:
			// it must never reach another payment.
			_, err := p.Capture(ctx, ref, nil)
			return err
		}, func(r payments.Ref) payments.Ref { return payments.Ref{ID: "../" + r.ID, InvoiceID: r.InvoiceID} }},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			h := open(t, newHarness)
			seeded := h.Seed(t, status.Authorized, amount)
			ref := seeded
			if c.ref != nil {
				ref = c.ref(seeded)
			}
			ctx := ctxFor(t)
			err := c.run(ctx, h.Provider(), ref)
			if c.name == "IDWithPathSeparators" {
				if code := payments.CodeOf(err); err == nil || (code != payments.CodeInvalidArgument && code != payments.CodeNotFound) {
					t.Fatalf("capture of %q: %v (code %s); want InvalidArgument or NotFound", ref.ID, err, code)
				}
			} else {
				wantCode(t, err, payments.CodeInvalidArgument)
				if !errors.Is(err, payments.ErrInvalidArgument) {
					t.Errorf("errors.Is(err, ErrInvalidArgument) = false for %v", err)
				}
			}
			if n := h.Applied(seeded, OpCapture) + h.Applied(seeded, OpVoid) + h.Applied(seeded, OpRollback); n != 0 {
				t.Errorf("bad input changed the seeded payment %d times", n)
			}
			if st := mustStatus(t, ctx, h.Provider(), seeded).Status; st != status.Authorized {
				t.Errorf("bad input moved the seeded payment to %s", st)
			}
		})
	}
}
