package rustore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strconv"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
)

// Example_quickStart is the README's quick start, compiled and run: capture
// a paid purchase and act on each way the capture can fail.
func Example_quickStart() {
	// The emulator stands in for RuStore. In production, leave it and
	// HTTPOptions out, and pass the key id, private key and app id from the RuStore console.
	srv := rustoretest.NewServer(nil)
	defer srv.Close()
	paid := srv.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 29900})

	p, err := rustore.New(rustore.Config{
		KeyID:       srv.KeyID(),                             // os.Getenv("RUSTORE_KEY_ID")
		PrivateKey:  payments.Secret(srv.PrivateKeyBase64()), // base64 PKCS#8 from the console, or PEM
		AppID:       srv.AppID(),                             // 1704024
		HTTPOptions: payments.HTTPOptions{BaseURL: srv.URL},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer p.Close()

	// Both ids come with the SDK's purchase result.
	ref := payments.Ref{ID: paid.PurchaseID, InvoiceID: strconv.FormatInt(paid.InvoiceID, 10)}
	ctx := context.Background()
	res, err := p.Capture(ctx, ref, nil)
	switch {
	case err == nil:
		fmt.Println("captured:", res.Status)
	case errors.Is(err, payments.ErrFailedPrecondition):
		log.Fatal("not capturable in its current state; read p.Status(ctx, ref): ", err)
	case payments.CodeOf(err) == payments.CodeOutcomeUnknown:
		log.Fatal("the capture may have happened; read p.Status(ctx, ref) before anything else: ", err)
	default:
		log.Fatal(err)
	}
	// Output:
	// captured: Captured
}
