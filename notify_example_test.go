package payments_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"sync"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// notifyConfig adds each provider's notification settings: RuStore's key
// (shown once in its console) as a secret reference, Yandex Pay's merchant
// id. Yandex Pay's signing keys are fetched from its JWKS, which for an
// emulator lives beside base_url.
const notifyConfig = `{
  "default_region": "ru-android",
  "regions": {
    "ru-android": {"provider": "rustore", "key_id": "3741629", "app_id": 1704024,
                   "private_key": "${RUSTORE_PRIVATE_KEY}",
                   "notification_key": "${RUSTORE_NOTIFICATION_KEY}"},
    "ru-web":     {"provider": "yandexpay", "api_key": "${YANDEX_PAY_API_KEY}",
                   "merchant_id": "5f0d3c1e-7a52-4a9b-9c43-0b6a5e2d8f17"}
  }
}`

// An app hears both providers through one handler: mounted under /notify/,
// it takes the region from the next path segment, verifies the notification
// with that region's keys and hands the app one normalized Event. The
// provider consoles are given https://app.example/notify/ru-android (RuStore)
// and https://app.example/notify/ru-web (Yandex Pay, which appends
// /v1/webhook).
func ExampleRegions_NotificationHandler() {
	rs := rustoretest.NewServer(nil)
	defer rs.Close()
	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()
	cfg, err := payments.ParseConfig([]byte(notifyConfig))
	if err != nil {
		log.Fatal(err)
	}
	cfg.Regions["ru-android"].BaseURL = rs.URL
	cfg.Regions["ru-web"].BaseURL = ys.BaseURL()
	env := map[string]string{"RUSTORE_PRIVATE_KEY": rs.PrivateKeyBase64(),
		"RUSTORE_NOTIFICATION_KEY": rs.NotificationKeyBase64(), "YANDEX_PAY_API_KEY": ys.APIKey()}
	ctx := context.Background()
	regions, err := payments.Open(ctx, cfg, &payments.OpenOptions{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		log.Fatal(err)
	}
	defer regions.Close()

	// The app's side: de-duplicate on ev.ID (providers deliver again after
	// any failure), then read the payment before acting, since
	// notifications carry no amount.
	var mu sync.Mutex
	seen := map[string]bool{}
	var heard []string
	handler, err := regions.NotificationHandler(func(ctx context.Context, ev payments.Event) error {
		mu.Lock()
		defer mu.Unlock()
		if seen[ev.ID] || ev.Kind != payments.EventPaymentStatus {
			return nil
		}
		seen[ev.ID] = true
		heard = append(heard, fmt.Sprintf("%-10s %-9s %s (%s)", ev.Region, ev.Provider, ev.Status, ev.RawStatus))
		return nil
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/notify/", http.StripPrefix("/notify", handler))
	app := httptest.NewServer(mux)
	defer app.Close()
	rs.SetCallbackURL(app.URL + "/notify/ru-android")
	ys.SetCallbackURL(app.URL + "/notify/ru-web")

	purchase := rs.AddPurchase(rustoretest.Purchase{Status: "paid"})
	order := ys.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED"})
	refs := map[string]payments.Ref{
		"ru-android": {ID: purchase.PurchaseID, InvoiceID: strconv.FormatInt(purchase.InvoiceID, 10)},
		"ru-web":     {ID: order.OrderID},
	}
	for region, ref := range refs {
		p, err := regions.Provider(region)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := p.Capture(ctx, ref, nil); err != nil {
			log.Fatal(err)
		}
	}
	rs.WaitNotifications()
	ys.WaitWebhooks()

	sort.Strings(heard)
	for _, line := range heard {
		fmt.Println(line)
	}
	// Output:
	// ru-android rustore   Captured (confirmed)
	// ru-web     yandexpay Captured (CAPTURED)
}
