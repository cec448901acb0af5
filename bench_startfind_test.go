package payments_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/rustore/rustoretest"
)

// BenchmarkStart is one new Yandex Pay order: the read that checks the
// order id is free, then the creation.
func BenchmarkStart(b *testing.B) {
	_, p := benchYandexPay(b)
	ctx := context.Background()
	rub := payments.Money{Minor: 10000, Currency: "RUB"}
	req := payments.StartRequest{
		Cart:      payments.Cart{Items: []payments.CartItem{{ID: "a", Title: "A", Quantity: 1, Total: rub}}, Total: rub},
		Redirects: payments.Redirects{OnSuccess: "https://shop.example/ok", OnError: "https://shop.example/err"},
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := req
		r.OrderID = "bench-" + strconv.Itoa(i)
		if _, err := payments.Start(ctx, p, &r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFind lists one app user's 1050 purchases in pages of 100: one
// op is the whole listing (11 requests).
func BenchmarkFind(b *testing.B) {
	srv, p := benchRuStore(b)
	for i := 0; i < 1050; i++ {
		if _, err := srv.TryAddPurchase(rustoretest.Purchase{AppUserID: "bench-user", Status: "confirmed"}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		for _, err := range payments.Find(ctx, p, payments.FindQuery{AppUserID: "bench-user", PageSize: 100}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 1050 {
			b.Fatalf("listed %d purchases, want 1050", n)
		}
	}
}
