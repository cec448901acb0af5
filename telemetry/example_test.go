package telemetry_test

import (
	"context"
	"fmt"
	"log"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/telemetry"
	_ "github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// Trace every call of every region: pass Wrap to Open. Here the spans go to
// an in-memory recorder; an app passes its own TracerProvider and
// MeterProvider (or UseGlobal).
func Example() {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()
	order := srv.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 5000})

	spans := tracetest.NewSpanRecorder()
	tel, err := telemetry.New(telemetry.Options{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
	})
	if err != nil {
		log.Fatal(err)
	}

	cfg, err := payments.ParseConfig([]byte(`{"regions": {"ru-web": {"provider": "yandexpay",
		"base_url": "` + srv.BaseURL() + `", "api_key": "${YANDEX_PAY_API_KEY}"}}}`))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	regions, err := payments.Open(ctx, cfg, &payments.OpenOptions{
		Wrap:   tel.Wrap,
		Getenv: func(string) string { return srv.APIKey() }, // an app leaves this out
	})
	if err != nil {
		log.Fatal(err)
	}
	defer regions.Close()

	p := regions.Default()
	if _, err := p.Capture(ctx, payments.Ref{ID: order.OrderID}, nil); err != nil {
		log.Fatal(err)
	}
	for _, s := range spans.Ended() {
		fmt.Print(s.Name())
		for _, kv := range s.Attributes() {
			switch kv.Key {
			case telemetry.AttrProvider, telemetry.AttrRegion, telemetry.AttrResultCode, telemetry.AttrAttempts, telemetry.AttrHTTPStatus:
				fmt.Printf(" %s=%s", kv.Key, kv.Value.String())
			}
		}
		fmt.Println()
	}
	// A Yandex Pay capture reads the order (which picks /capture or, for a
	// Split order, /submit) and then writes: two HTTP requests.

	// Output:
	// payments.capture payments.provider=yandexpay payments.region=ru-web payments.result_code=OK payments.http.attempts=2 http.response.status_code=200
}
