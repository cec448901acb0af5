package payments_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strconv"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// regionsConfig is what an app keeps in its config file: one provider per
// region, secrets only as references. The emulators stand in for the
// providers here; in production base_url is left out.
const regionsConfig = `{
  "default_region": "ru-android",
  "regions": {
    "ru-android": {"provider": "rustore", "key_id": "3741629", "app_id": 1704024,
                   "private_key": "${RUSTORE_PRIVATE_KEY}"},
    "ru-web":     {"provider": "yandexpay", "api_key": "${YANDEX_PAY_API_KEY}"}
  }
}`

// An app opens every region of its config and then treats all providers the
// same way: the RuStore purchase and the Yandex Pay order below go through
// one code path and come out with the same normalized statuses.
func Example() {
	rs := rustoretest.NewServer(nil)
	defer rs.Close()
	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()

	cfg, err := payments.ParseConfig([]byte(regionsConfig))
	if err != nil {
		log.Fatal(err)
	}
	cfg.Regions["ru-android"].BaseURL = rs.URL
	cfg.Regions["ru-web"].BaseURL = ys.BaseURL()
	env := map[string]string{"RUSTORE_PRIVATE_KEY": rs.PrivateKeyBase64(), "YANDEX_PAY_API_KEY": ys.APIKey()}

	ctx := context.Background()
	regions, err := payments.Open(ctx, cfg, &payments.OpenOptions{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		log.Fatal(err)
	}
	defer regions.Close()

	// A paid purchase in each region, as the checkout left it.
	purchase := rs.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 29900})
	order := ys.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 29900})
	refs := map[string]payments.Ref{
		"ru-android": {ID: purchase.PurchaseID, InvoiceID: strconv.FormatInt(purchase.InvoiceID, 10)},
		"ru-web":     {ID: order.OrderID},
	}

	for _, region := range regions.Names() {
		p, err := regions.Provider(region)
		if err != nil {
			log.Fatal(err)
		}
		before, err := p.Status(ctx, refs[region])
		if err != nil {
			log.Fatal(err)
		}
		if _, err := p.Capture(ctx, refs[region], nil); err != nil {
			log.Fatal(err)
		}
		after, err := p.Status(ctx, refs[region])
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-10s %-9s %s (%s) -> %s (%s), %s\n", region, p.Name(),
			before.Status, before.RawStatus, after.Status, after.RawStatus, after.Amount)
	}
	// Output:
	// ru-android rustore   Authorized (paid) -> Captured (confirmed), 299.00 RUB
	// ru-web     yandexpay Authorized (AUTHORIZED) -> Captured (CAPTURED), 299.00 RUB
}

// Errors are classified the same way for every provider: decide by code,
// not by the provider's wording, which stays readable in the message.
func ExampleCodeOf() {
	rs := rustoretest.NewServer(nil)
	defer rs.Close()
	p, err := rustore.New(rustore.Config{KeyID: rs.KeyID(), PrivateKey: payments.Secret(rs.PrivateKeyBase64()),
		AppID: rs.AppID(), HTTPOptions: payments.HTTPOptions{BaseURL: rs.URL}, Now: rs.Now})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()

	voided := rs.AddPurchase(rustoretest.Purchase{Status: "reversed"})
	ref := payments.Ref{ID: voided.PurchaseID, InvoiceID: strconv.FormatInt(voided.InvoiceID, 10)}
	_, err = p.Capture(context.Background(), ref, nil)

	switch code := payments.CodeOf(err); {
	case errors.Is(err, payments.ErrFailedPrecondition):
		var pe *payments.Error
		errors.As(err, &pe)
		fmt.Println(code, "-", pe.Message)
	case code == payments.CodeOutcomeUnknown:
		fmt.Println("the capture may have happened: read Status before anything else")
	}
	// Output:
	// FailedPrecondition - Purchase status must be PAID
}

// Yandex Pay refunds run asynchronously: the Result comes back pending, and
// Wait polls the operation until it settles (give it a deadline).
func ExampleWait() {
	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()
	p, err := yandexpay.New(yandexpay.Config{APIKey: payments.Secret(ys.APIKey()), HTTPOptions: payments.HTTPOptions{BaseURL: ys.BaseURL()}})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()

	order := ys.AddOrder(yandexpaytest.Order{Status: "CAPTURED", Amount: 50000})
	ref := payments.Ref{ID: order.OrderID}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// A partial refund names what the buyer keeps: Yandex Pay requires it.
	part := payments.Money{Minor: 15000, Currency: "RUB"}
	kept := payments.Money{Minor: 35000, Currency: "RUB"}
	cart := &payments.Cart{Items: []payments.CartItem{{ID: "kettle", Title: "Kettle", Quantity: 1, Total: kept}}, Total: kept}
	res, err := p.Refund(ctx, ref, &payments.RefundOptions{Amount: &part, Cart: cart, IdempotencyKey: "refund-order-42-1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pending:", res.Pending)

	res, err = payments.Wait(ctx, p, res, &payments.WaitOptions{Interval: 10 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("settled:", res.Status)
	// Output:
	// pending: true
	// settled: PartiallyRefunded
}

func ExampleParseMoney() {
	m, err := payments.ParseMoney("123.45", "RUB")
	fmt.Println(m.Minor, m, err)
	fmt.Println(m.Decimal())

	_, err = payments.ParseMoney("1.5e2", "RUB")
	fmt.Println(err)
	// Output:
	// 12345 123.45 RUB <nil>
	// 123.45
	// amount "1.5e2": exponent notation is not allowed
}
