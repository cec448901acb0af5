package payments_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// A web checkout through Yandex Pay, from nothing to a captured payment: the
// server starts the order, the buyer pays on the payment page, the server
// captures. The emulator stands in for Yandex Pay; its Pay is the page's Pay
// button, pressed from code.
func ExampleStart() {
	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()
	p, err := yandexpay.New(yandexpay.Config{
		APIKey:      payments.Secret(ys.APIKey()),
		HTTPOptions: payments.HTTPOptions{BaseURL: ys.BaseURL()},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()

	rub := func(minor int64) payments.Money { return payments.Money{Minor: minor, Currency: "RUB"} }
	started, err := payments.Start(ctx, p, &payments.StartRequest{
		OrderID: "order-1042", // the shop's own id: the idempotency key of the start
		Cart: payments.Cart{
			Items: []payments.CartItem{
				{ID: "tea", Title: "Green tea", Quantity: 2, Total: rub(30000)},
				{ID: "cup", Title: "Cup", Quantity: 1, Total: rub(9999)},
			},
			Total: rub(39999),
		},
		Redirects: payments.Redirects{OnSuccess: "https://shop.example/paid", OnError: "https://shop.example/failed"},
		TTL:       30 * time.Minute, // 3 minutes to 24 hours; zero: Yandex Pay's 30 minutes
	})
	// redirect the buyer to started.PaymentURL (valid until started.ExpiresAt);
	// once paid, the order is Authorized: Capture it, as for any payment.
	if err != nil {
		log.Fatal(err)
	}
	// Here the buyer pays at once, as the page's Pay button does.
	fmt.Println("payment page:", strings.HasPrefix(started.PaymentURL, ys.PageURL()), started.Status)
	if err := ys.Pay(started.Ref.ID); err != nil {
		log.Fatal(err)
	}

	pay, err := p.Status(ctx, started.Ref)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("paid:", pay.Status, pay.Amount)
	res, err := p.Capture(ctx, started.Ref, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("captured:", res.Status)
	// Output:
	// payment page: true Pending
	// paid: Authorized 399.99 RUB
	// captured: Captured
}

// From a bare RuStore purchaseId (all a support ticket says) to a refunded
// purchase: the app user's purchase list gives the invoiceId that status
// and refund need.
func ExampleFindRef() {
	rs := rustoretest.NewServer(nil)
	defer rs.Close()
	bought := rs.AddPurchase(rustoretest.Purchase{AppUserID: "user-77", Status: "confirmed", AmountCreate: 29900})
	p, err := rustore.New(rustore.Config{
		KeyID:       rs.KeyID(),
		PrivateKey:  payments.Secret(rs.PrivateKeyBase64()),
		AppID:       rs.AppID(),
		HTTPOptions: payments.HTTPOptions{BaseURL: rs.URL},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()
	ctx := context.Background()

	purchaseID := bought.PurchaseID
	ref, err := payments.FindRef(ctx, p, payments.FindQuery{AppUserID: "user-77"}, purchaseID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("found the invoice:", ref.InvoiceID != "")
	pay, err := p.Status(ctx, ref)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("before:", pay.Status, pay.Amount)
	res, err := payments.Refund(ctx, p, ref, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("after:", res.Status)
	// Output:
	// found the invoice: true
	// before: Captured 299.00 RUB
	// after: Refunded
}

// Listing one app user's purchases: pages are fetched as the loop goes, and
// breaking out of it fetches no more.
func ExampleFind() {
	rs := rustoretest.NewServer(nil)
	defer rs.Close()
	for _, st := range []string{"paid", "confirmed", "refunded"} {
		rs.AddPurchase(rustoretest.Purchase{AppUserID: "user-77", Status: st, ProductID: "gems"})
	}
	p, err := rustore.New(rustore.Config{
		KeyID:       rs.KeyID(),
		PrivateKey:  payments.Secret(rs.PrivateKeyBase64()),
		AppID:       rs.AppID(),
		HTTPOptions: payments.HTTPOptions{BaseURL: rs.URL},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()

	for fp, err := range payments.Find(context.Background(), p, payments.FindQuery{AppUserID: "user-77", PageSize: 2}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(fp.ProductID, fp.Status)
	}
	// Output:
	// gems Authorized
	// gems Captured
	// gems Refunded
}
