package yandexpay_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// A checkout test against the emulator: capture a held order, then read it.
func Example() {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()
	srv.AddOrder(yandexpaytest.Order{OrderID: "order-1", Amount: 123450})

	client, err := yandexpay.New(yandexpay.Config{APIKey: payments.Secret(srv.APIKey()), HTTPOptions: payments.HTTPOptions{BaseURL: srv.BaseURL()}})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ref := payments.Ref{ID: "order-1"}
	res, err := client.Capture(ctx, ref, &payments.CaptureOptions{IdempotencyKey: "capture-order-1"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("capture:", res.Status, res.RawStatus)

	pay, err := client.Status(ctx, ref)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", pay.Status, pay.Amount)
	fmt.Println("captured once:", srv.Count("order-1", yandexpaytest.ActionCapture) == 1)
	// Output:
	// capture: Captured CAPTURED
	// status: Captured 1234.50 RUB
	// captured once: true
}

// Refunds are asynchronous at Yandex Pay: the Result is pending until
// payments.Wait settles it through the operation. A partial refund names
// the cart that remains afterwards, as Yandex Pay requires.
func ExampleClient_Refund() {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()
	srv.AddOrder(yandexpaytest.Order{OrderID: "order-2", Status: yandexpaytest.StatusCaptured, Amount: 50000})

	client, err := yandexpay.New(yandexpay.Config{APIKey: payments.Secret(srv.APIKey()), HTTPOptions: payments.HTTPOptions{BaseURL: srv.BaseURL()}})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ref := payments.Ref{ID: "order-2"}
	rub := func(minor int64) payments.Money { return payments.Money{Minor: minor, Currency: "RUB"} }
	// 500.00 was paid for two mugs; one (100.00) comes back, one (400.00) stays.
	kept := &payments.Cart{
		Items: []payments.CartItem{{ID: "mug-large", Title: "Large mug", Quantity: 1, Total: rub(40000)}},
		Total: rub(40000),
	}
	refund := rub(10000)
	res, err := client.Refund(ctx, ref, &payments.RefundOptions{Amount: &refund, Cart: kept})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pending:", res.Pending)

	res, err = payments.Wait(ctx, client, res, &payments.WaitOptions{Interval: 10 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("settled:", res.Status, res.RawStatus)
	// Output:
	// pending: true
	// settled: PartiallyRefunded PARTIALLY_REFUNDED
}

// Rollback picks the action Yandex Pay documents for the order's status: a
// hold is cancelled, a charge refunded under the rollback's key (settle it
// with payments.Wait), an unpaid order stopped.
func ExampleClient_Rollback() {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()
	client, err := yandexpay.New(yandexpay.Config{APIKey: payments.Secret(srv.APIKey()), HTTPOptions: payments.HTTPOptions{BaseURL: srv.BaseURL()}})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	for _, raw := range []string{yandexpaytest.StatusAuthorized, yandexpaytest.StatusCaptured, yandexpaytest.StatusPending, yandexpaytest.StatusVoided} {
		o := srv.AddOrder(yandexpaytest.Order{Status: raw, Amount: 50000})
		res, err := client.Rollback(ctx, payments.Ref{ID: o.OrderID}, nil)
		if err == nil && res.Pending {
			res, err = payments.Wait(ctx, client, res, &payments.WaitOptions{Interval: 10 * time.Millisecond})
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s -> %s (cancel %d, refund %d, rollback %d, no-op %t)\n", raw, res.Status,
			srv.Count(o.OrderID, yandexpaytest.ActionCancel), srv.Count(o.OrderID, yandexpaytest.ActionRefund),
			srv.Count(o.OrderID, yandexpaytest.ActionRollback), res.NoOp)
	}
	// Output:
	// AUTHORIZED -> Voided (cancel 1, refund 0, rollback 0, no-op false)
	// CAPTURED -> Refunded (cancel 0, refund 1, rollback 0, no-op false)
	// PENDING -> Failed (cancel 0, refund 0, rollback 1, no-op false)
	// VOIDED -> Voided (cancel 0, refund 0, rollback 0, no-op true)
}
