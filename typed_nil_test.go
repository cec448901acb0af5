package payments_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/memory"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/yandexpay"
)

// TestTypedNilProvidersDoNotPanic: a nil adapter pointer held in a Provider
// (a field never set by New) answers the package-level entry points with an
// error. The adapters' Capabilities read the notification settings of the
// client and used to dereference the nil, so Supports, Refund, Find,
// ParseNotification and NotificationHandler all panicked.
func TestTypedNilProvidersDoNotPanic(t *testing.T) {
	ctx := context.Background()
	app := func(context.Context, payments.Event) error { return nil }
	calls := []struct {
		name string
		run  func(p payments.Provider) error
	}{
		{"Refund", func(p payments.Provider) error {
			_, err := payments.Refund(ctx, p, payments.Ref{ID: "x"}, nil)
			return err
		}},
		{"Start", func(p payments.Provider) error {
			_, err := payments.Start(ctx, p, &payments.StartRequest{})
			return err
		}},
		{"Find", func(p payments.Provider) error {
			for _, err := range payments.Find(ctx, p, payments.FindQuery{AppUserID: "u"}) {
				return err
			}
			return nil
		}},
		{"FindRef", func(p payments.Provider) error {
			_, err := payments.FindRef(ctx, p, payments.FindQuery{AppUserID: "u"}, "x")
			return err
		}},
		{"ParseNotification", func(p payments.Provider) error {
			_, err := payments.ParseNotification(ctx, p, http.Header{}, []byte("{}"))
			return err
		}},
		{"NotificationHandler", func(p payments.Provider) error {
			_, err := payments.NotificationHandler(p, app, nil)
			return err
		}},
	}
	for _, p := range []payments.Provider{(*rustore.Client)(nil), (*yandexpay.Client)(nil), (*memory.Provider)(nil)} {
		t.Run(p.Name(), func(t *testing.T) {
			for _, c := range calls {
				t.Run(c.name, func(t *testing.T) {
					defer func() {
						if v := recover(); v != nil {
							t.Fatalf("panicked: %v", v)
						}
					}()
					if err := c.run(p); err == nil {
						t.Fatal("a nil client succeeded")
					}
				})
			}
			if payments.Supports(p, payments.CapNotifications) {
				t.Error("a nil client claims to verify notifications")
			}
		})
	}
}
