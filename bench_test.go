package payments_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// The benchmarks measure one whole portable call through adapter, transport
// and loopback HTTP against the emulators: the library's own overhead per
// call, since a real provider's latency only adds to it.

func benchRuStore(b *testing.B) (*rustoretest.Server, payments.Provider) {
	b.Helper()
	srv := rustoretest.NewServer(nil)
	b.Cleanup(srv.Close)
	p, err := rustore.New(rustore.Config{KeyID: srv.KeyID(), PrivateKey: payments.Secret(srv.PrivateKeyBase64()),
		AppID: srv.AppID(), HTTPOptions: payments.HTTPOptions{BaseURL: srv.URL}, Now: srv.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return srv, p
}

func benchYandexPay(b *testing.B) (*yandexpaytest.Server, payments.Provider) {
	b.Helper()
	srv := yandexpaytest.NewServer(nil)
	b.Cleanup(srv.Close)
	p, err := yandexpay.New(yandexpay.Config{APIKey: payments.Secret(srv.APIKey()), HTTPOptions: payments.HTTPOptions{BaseURL: srv.BaseURL()}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	return srv, p
}

func rustoreRef(p rustoretest.Purchase) payments.Ref {
	return payments.Ref{ID: p.PurchaseID, InvoiceID: strconv.FormatInt(p.InvoiceID, 10)}
}

// BenchmarkStatusRuStore is a status read with a cached token.
func BenchmarkStatusRuStore(b *testing.B) {
	srv, p := benchRuStore(b)
	ref := rustoreRef(srv.AddPurchase(rustoretest.Purchase{Status: "paid"}))
	ctx := context.Background()
	if _, err := p.Status(ctx, ref); err != nil { // warm the token
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Status(ctx, ref); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCaptureRuStore is one confirm of a fresh PAID purchase.
func BenchmarkCaptureRuStore(b *testing.B) {
	srv, p := benchRuStore(b)
	ctx := context.Background()
	refs := make([]payments.Ref, b.N)
	for i := range refs {
		refs[i] = rustoreRef(srv.AddPurchase(rustoretest.Purchase{Status: "paid"}))
	}
	if _, err := p.Status(ctx, refs[0]); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Capture(ctx, refs[i], nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatusYandexPay is an order read.
func BenchmarkStatusYandexPay(b *testing.B) {
	srv, p := benchYandexPay(b)
	ref := payments.Ref{ID: srv.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED"}).OrderID}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Status(ctx, ref); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCaptureYandexPay is one capture of a fresh AUTHORIZED order.
func BenchmarkCaptureYandexPay(b *testing.B) {
	srv, p := benchYandexPay(b)
	ctx := context.Background()
	refs := make([]payments.Ref, b.N)
	for i := range refs {
		refs[i] = payments.Ref{ID: srv.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED"}).OrderID}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := p.Capture(ctx, refs[i], nil); err != nil {
			b.Fatal(err)
		}
	}
}
