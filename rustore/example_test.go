package rustore_test

import (
	"context"
	"fmt"
	"log"
	"strconv"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
)

// Capture a purchase the buyer has paid (money on hold), against the
// emulator. In production, leave BaseURL and Now empty and pass the key id,
// key and app id from the RuStore console.
func ExampleClient_Capture() {
	srv := rustoretest.NewServer(nil)
	defer srv.Close()
	paid := srv.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 29900})

	client, err := rustore.New(rustore.Config{
		KeyID:       srv.KeyID(),
		PrivateKey:  payments.Secret(srv.PrivateKeyBase64()),
		AppID:       srv.AppID(),
		HTTPOptions: payments.HTTPOptions{BaseURL: srv.URL},
		Now:         srv.Now,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	// Keep both ids from the SDK's purchase result: the invoice id lets the
	// adapter settle an unclear answer instead of reporting OutcomeUnknown.
	ref := payments.Ref{ID: paid.PurchaseID, InvoiceID: strconv.FormatInt(paid.InvoiceID, 10)}
	ctx := context.Background()
	res, err := client.Capture(ctx, ref, &payments.CaptureOptions{IdempotencyKey: "order-1001"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("capture:", res.Status)

	p, err := client.Status(ctx, ref)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("status:", p.Status, p.RawStatus, p.Amount)

	// Partial capture does not exist at RuStore.
	_, err = client.Capture(ctx, ref, &payments.CaptureOptions{Amount: &payments.Money{Minor: 100, Currency: "RUB"}})
	fmt.Println("partial:", payments.CodeOf(err))
	// Output:
	// capture: Captured
	// status: Captured confirmed 299.00 RUB
	// partial: Unimplemented
}

// Roll back purchases in whatever state they are: a hold is released, a
// charge refunded, a reversed purchase left alone.
func ExampleClient_Rollback() {
	srv := rustoretest.NewServer(nil)
	defer srv.Close()
	client, err := rustore.New(rustore.Config{
		KeyID:       srv.KeyID(),
		PrivateKey:  payments.Secret(srv.PrivateKeyPEM()),
		AppID:       srv.AppID(),
		HTTPOptions: payments.HTTPOptions{BaseURL: srv.URL},
		Now:         srv.Now,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	for _, raw := range []string{"paid", "confirmed", "reversed", "created"} {
		p := srv.AddPurchase(rustoretest.Purchase{Status: raw})
		ref := payments.Ref{ID: p.PurchaseID, InvoiceID: strconv.FormatInt(p.InvoiceID, 10)}
		res, err := client.Rollback(context.Background(), ref, nil)
		if err != nil {
			fmt.Printf("%-9s → %s\n", raw, payments.CodeOf(err))
			continue
		}
		fmt.Printf("%-9s → %s (nothing to do: %t)\n", raw, res.Status, res.NoOp)
	}
	// Output:
	// paid      → Voided (nothing to do: false)
	// confirmed → Refunded (nothing to do: false)
	// reversed  → Voided (nothing to do: true)
	// created   → FailedPrecondition
}
