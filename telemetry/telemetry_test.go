package telemetry_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/telemetry"
	"github.com/regionpay/payments/yandexpay"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// recorder is an in-memory OpenTelemetry SDK: finished spans and a manual
// metric reader.
type recorder struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tel    *telemetry.Telemetry
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	tel, err := telemetry.New(telemetry.Options{TracerProvider: tp, MeterProvider: mp})
	require.NoError(t, err)
	require.True(t, tel.Enabled())
	r.tel = tel
	return r
}

// span returns the attributes of the one finished span named name.
func (r *recorder) span(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, s := range r.spans.Ended() {
		if s.Name() == name {
			found = append(found, s)
		}
	}
	require.Len(t, found, 1, "spans named %s", name)
	return found[0]
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// eachMetric collects the recorded metrics and calls f with the data of
// every one named name.
func (r *recorder) eachMetric(t *testing.T, name string, f func(metricdata.Aggregation)) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				f(m.Data)
			}
		}
	}
}

// sums returns the data points of an Int64 sum metric, keyed by their
// attributes printed as "k=v,k=v" in sorted order.
func (r *recorder) sums(t *testing.T, name string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	r.eachMetric(t, name, func(data metricdata.Aggregation) {
		sum, ok := data.(metricdata.Sum[int64])
		require.True(t, ok, "%s is a %T", name, data)
		for _, dp := range sum.DataPoints {
			out[dp.Attributes.Encoded(attribute.DefaultEncoder())] = dp.Value
		}
	})
	return out
}

// histogramCounts returns how many values each data point of a float64
// histogram holds, keyed like sums.
func (r *recorder) histogramCounts(t *testing.T, name string) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	r.eachMetric(t, name, func(data metricdata.Aggregation) {
		h, ok := data.(metricdata.Histogram[float64])
		require.True(t, ok, "%s is a %T", name, data)
		for _, dp := range h.DataPoints {
			out[dp.Attributes.Encoded(attribute.DefaultEncoder())] = dp.Count
		}
	})
	return out
}

func yandexClient(t *testing.T, srv *yandexpaytest.Server) *yandexpay.Client {
	t.Helper()
	c, err := yandexpay.New(yandexpay.Config{
		APIKey:      payments.Secret(srv.APIKey()),
		HTTPOptions: payments.HTTPOptions{BaseURL: srv.BaseURL(), RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func rustoreClient(t *testing.T, srv *rustoretest.Server) *rustore.Client {
	t.Helper()
	c, err := rustore.New(rustore.Config{
		KeyID: srv.KeyID(), PrivateKey: payments.Secret(srv.PrivateKeyBase64()), AppID: srv.AppID(), Now: srv.Now,
		HTTPOptions: payments.HTTPOptions{BaseURL: srv.URL, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestOffUnlessAsked(t *testing.T) {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()
	c := yandexClient(t, srv)
	tel, err := telemetry.New(telemetry.Options{})
	require.NoError(t, err)
	assert.False(t, tel.Enabled())
	assert.Same(t, c, tel.Wrap("web", c), "off: the provider itself, nothing in between")
	var none *telemetry.Telemetry
	assert.Same(t, c, none.Wrap("web", c))
	assert.Nil(t, newRecorder(t).tel.Wrap("web", nil))
}

// TestSpanAndMetricsPerCall: each portable call is one span named after its
// operation, with provider, region, operation, result code, attempts,
// retries and HTTP status; the metrics count results by code, durations
// and retries.
func TestSpanAndMetricsPerCall(t *testing.T) {
	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()
	r := newRecorder(t)
	p := r.tel.Wrap("ru-web", yandexClient(t, srv))
	o := srv.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 5000})
	ref := payments.Ref{ID: o.OrderID}
	ctx := context.Background()

	// One 503 before the capture lands: retried with the same key.
	srv.InjectFault(fault.Fault{Kind: fault.ServerError, Action: yandexpaytest.ActionCapture})
	_, err := p.Capture(ctx, ref, nil)
	require.NoError(t, err)
	_, err = p.Void(ctx, ref, nil) // a captured order cannot be voided
	require.Error(t, err)
	kept := payments.Money{Minor: 4000, Currency: "RUB"} // what stays charged after refunding 10.00 of 50.00
	cart := &payments.Cart{Items: []payments.CartItem{{ID: "a", Title: "A", Quantity: 1, Total: kept}}, Total: kept}
	res, err := payments.Refund(ctx, p, ref, &payments.RefundOptions{Amount: &payments.Money{Minor: 1000, Currency: "RUB"}, Cart: cart})
	require.NoError(t, err)
	require.True(t, res.Pending, "Yandex Pay refunds run asynchronously")
	_, err = payments.Wait(ctx, p, res, &payments.WaitOptions{Interval: 5 * time.Millisecond})
	require.NoError(t, err, "Wait settles through the wrapper")

	capture := r.span(t, "payments.capture")
	a := attrs(capture)
	assert.Equal(t, "yandexpay", a[telemetry.AttrProvider].AsString())
	assert.Equal(t, "ru-web", a[telemetry.AttrRegion].AsString())
	assert.Equal(t, "capture", a[telemetry.AttrOperation].AsString())
	assert.Equal(t, "OK", a[telemetry.AttrResultCode].AsString())
	assert.Equal(t, o.OrderID, a[telemetry.AttrPaymentID].AsString())
	assert.GreaterOrEqual(t, a[telemetry.AttrAttempts].AsInt64(), int64(2), "the 503 and the retry")
	assert.GreaterOrEqual(t, a[telemetry.AttrRetries].AsInt64(), int64(1))
	assert.Equal(t, int64(200), a[telemetry.AttrHTTPStatus].AsInt64())
	assert.Equal(t, codes.Unset, capture.Status().Code)

	void := r.span(t, "payments.void")
	assert.Equal(t, "FailedPrecondition", attrs(void)[telemetry.AttrResultCode].AsString())
	assert.Equal(t, codes.Error, void.Status().Code)
	assert.Equal(t, "FailedPrecondition", void.Status().Description)

	r.span(t, "payments.refund")
	assert.NotEmpty(t, r.spans.Ended(), "operation reads of Wait are spans too")
	for _, s := range r.spans.Ended() {
		assert.True(t, strings.HasPrefix(s.Name(), "payments."), s.Name())
		assert.NotContains(t, s.Name(), o.OrderID, "an id is never a span name")
	}

	base := "payments.operation=%s,payments.provider=yandexpay,payments.region=ru-web,payments.result_code=%s"
	calls := r.sums(t, telemetry.MetricCalls)
	assert.Equal(t, int64(1), calls[fmt.Sprintf(base, "capture", "OK")])
	assert.Equal(t, int64(1), calls[fmt.Sprintf(base, "void", "FailedPrecondition")])
	assert.Equal(t, int64(1), calls[fmt.Sprintf(base, "refund", "OK")])
	assert.Equal(t, uint64(1), r.histogramCounts(t, telemetry.MetricDuration)[fmt.Sprintf(base, "capture", "OK")])
	retries := r.sums(t, telemetry.MetricRetries)
	assert.GreaterOrEqual(t, retries["payments.operation=capture,payments.provider=yandexpay,payments.region=ru-web"], int64(1))
	for key := range calls {
		assert.NotContains(t, key, o.OrderID, "an id is never a metric attribute")
	}
}

// TestTokenRefreshesCounted: RuStore's token is obtained once by the first
// call and again after the provider rejects it.
func TestTokenRefreshesCounted(t *testing.T) {
	srv := rustoretest.NewServer(nil)
	defer srv.Close()
	r := newRecorder(t)
	p := r.tel.Wrap("ru", rustoreClient(t, srv))
	paid := srv.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 100})
	ref := payments.Ref{ID: paid.PurchaseID, InvoiceID: strconv.FormatInt(paid.InvoiceID, 10)}
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		_, err := p.Status(ctx, ref)
		require.NoError(t, err)
	}
	srv.Advance(srv.TokenTTL() + time.Minute) // the token expires
	_, err := p.Status(ctx, ref)
	require.NoError(t, err)

	refreshes := r.sums(t, telemetry.MetricTokenRefreshes)
	assert.Equal(t, map[string]int64{"payments.provider=rustore,payments.region=ru": 2}, refreshes)
	assert.Equal(t, int64(4), r.sums(t, telemetry.MetricCalls)["payments.operation=status,payments.provider=rustore,payments.region=ru,payments.result_code=OK"])
}

// TestWrapperKeepsCapabilities: through the wrapper, what the provider can
// do is unchanged, and the helpers answer as for the provider itself.
func TestWrapperKeepsCapabilities(t *testing.T) {
	rs := rustoretest.NewServer(nil)
	defer rs.Close()
	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()
	r := newRecorder(t)
	inners := []payments.Provider{rustoreClient(t, rs), yandexClient(t, ys)}
	for _, inner := range inners {
		w := r.tel.Wrap("x", inner)
		require.IsType(t, &telemetry.Provider{}, w)
		assert.Same(t, inner, w.(*telemetry.Provider).Unwrap())
		assert.Same(t, w, r.tel.Wrap("x", w), "not wrapped twice")
		assert.Equal(t, payments.Capabilities(inner), payments.Capabilities(w), inner.Name())
		assert.Equal(t, inner.Name(), w.Name())

		_, errInner := payments.Start(context.Background(), inner, &payments.StartRequest{})
		_, errWrapped := payments.Start(context.Background(), w, &payments.StartRequest{})
		assert.Equal(t, payments.CodeOf(errInner), payments.CodeOf(errWrapped), "Start through %s", inner.Name())
	}
	rw := r.tel.Wrap("x", inners[0])
	assert.False(t, payments.Supports(rw, payments.CapAsyncOperations), "RuStore has no operations, wrapped or not")
	_, err := rw.(payments.OperationChecker).Operation(context.Background(), payments.Ref{ID: "x"}, "op")
	assert.Equal(t, payments.CodeUnimplemented, payments.CodeOf(err))
	assert.NoError(t, rw.(payments.Closer).Close())
	// FindRef's id check reaches RuStore through the wrapper; Yandex Pay has none.
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(rw.(payments.RefChecker).CheckRef(payments.OpFind, payments.Ref{ID: "x"})))
	assert.NoError(t, r.tel.Wrap("y", inners[1]).(payments.RefChecker).CheckRef(payments.OpFind, payments.Ref{ID: "x"}))
}

// TestOpenWrapsEveryRegion: Open applies Wrap to each region, whatever the
// adapter, labelled with the region's name.
func TestOpenWrapsEveryRegion(t *testing.T) {
	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()
	o := ys.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 100})
	cfg, err := payments.ParseConfig([]byte(`{"regions": {"web": {"provider": "yandexpay", "base_url": "` + ys.BaseURL() + `", "api_key": "${K}"}}}`))
	require.NoError(t, err)
	r := newRecorder(t)
	regions, err := payments.Open(context.Background(), cfg, &payments.OpenOptions{
		Getenv: func(string) string { return ys.APIKey() },
		Wrap:   r.tel.Wrap,
	})
	require.NoError(t, err)
	defer regions.Close()
	p, err := regions.Provider("web")
	require.NoError(t, err)
	_, err = p.Status(context.Background(), payments.Ref{ID: o.OrderID})
	require.NoError(t, err)
	assert.Equal(t, "web", attrs(r.span(t, "payments.status"))[telemetry.AttrRegion].AsString())
}

// TestNoSecretInTelemetry: neither the API key nor the RuStore key or token
// reaches a span (name, attributes, status, events) or a metric attribute,
// also when calls fail with bad credentials.
func TestNoSecretInTelemetry(t *testing.T) {
	rs := rustoretest.NewServer(nil)
	defer rs.Close()
	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()
	r := newRecorder(t)
	ctx := context.Background()
	bad, err := yandexpay.New(yandexpay.Config{APIKey: "wrong-key-SECRET-0123456789", HTTPOptions: payments.HTTPOptions{BaseURL: ys.BaseURL()}})
	require.NoError(t, err)
	defer bad.Close()
	providers := []payments.Provider{r.tel.Wrap("a", rustoreClient(t, rs)), r.tel.Wrap("b", yandexClient(t, ys)), r.tel.Wrap("c", bad)}
	paid := rs.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 100})
	o := ys.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED", Amount: 100})
	refs := []payments.Ref{{ID: paid.PurchaseID, InvoiceID: strconv.FormatInt(paid.InvoiceID, 10)}, {ID: o.OrderID}, {ID: o.OrderID}}
	for i, p := range providers {
		_, _ = p.Status(ctx, refs[i])
		_, _ = p.Capture(ctx, refs[i], nil)
	}
	secrets := []string{ys.APIKey(), "wrong-key-SECRET-0123456789", rs.PrivateKeyBase64()[:40]}
	var seen strings.Builder
	for _, s := range r.spans.Ended() {
		fmt.Fprintln(&seen, s.Name(), s.Attributes(), s.Status(), s.Events())
	}
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(ctx, &rm))
	fmt.Fprintf(&seen, "%+v", rm)
	require.Contains(t, seen.String(), "Unauthenticated", "the failing calls were recorded")
	for _, secret := range secrets {
		assert.NotContains(t, seen.String(), secret)
	}
}

// TestFindIsOneSpan: a Find is one span over the whole iteration, ended when
// the caller stops, and a Find never iterated records nothing.
func TestFindIsOneSpan(t *testing.T) {
	srv := rustoretest.NewServer(nil)
	defer srv.Close()
	r := newRecorder(t)
	p := r.tel.Wrap("ru", rustoreClient(t, srv))
	for i := 0; i < 3; i++ {
		srv.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 100, AppUserID: "user-1"})
	}
	ctx := context.Background()
	_ = payments.Find(ctx, p, payments.FindQuery{AppUserID: "user-1"}) // never iterated
	assert.Empty(t, r.spans.Ended())

	n := 0
	for fp, err := range payments.Find(ctx, p, payments.FindQuery{AppUserID: "user-1", PageSize: 1}) {
		require.NoError(t, err)
		require.NotNil(t, fp)
		n++
		if n == 2 {
			break
		}
	}
	find := r.span(t, "payments.find")
	a := attrs(find)
	assert.Equal(t, "OK", a[telemetry.AttrResultCode].AsString())
	assert.GreaterOrEqual(t, a[telemetry.AttrAttempts].AsInt64(), int64(2), "a page per payment taken")
}

// TestNotificationIsASpan: a notification verified through the wrapper is a
// "payments.notification" span, also when the provider cannot verify any.
func TestNotificationIsASpan(t *testing.T) {
	srv := rustoretest.NewServer(nil)
	defer srv.Close()
	type delivery struct {
		header http.Header
		body   []byte
	}
	got := make(chan delivery, 16)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- delivery{r.Header.Clone(), body}
	}))
	defer hook.Close()
	srv.SetCallbackURL(hook.URL)
	c, err := rustore.New(rustore.Config{
		KeyID: srv.KeyID(), PrivateKey: payments.Secret(srv.PrivateKeyBase64()), AppID: srv.AppID(), Now: srv.Now,
		NotificationKey: payments.Secret(srv.NotificationKeyBase64()),
		HTTPOptions:     payments.HTTPOptions{BaseURL: srv.URL},
	})
	require.NoError(t, err)
	defer c.Close()
	r := newRecorder(t)
	p := r.tel.Wrap("ru", c)
	paid := srv.AddPurchase(rustoretest.Purchase{Status: "paid", AmountCreate: 100})
	ctx := context.Background()
	_, err = p.Capture(ctx, payments.Ref{ID: paid.PurchaseID, InvoiceID: strconv.FormatInt(paid.InvoiceID, 10)}, nil)
	require.NoError(t, err)
	var d delivery
	select {
	case d = <-got:
	case <-time.After(20 * time.Second):
		t.Fatal("the emulator sent no notification")
	}
	ev, err := payments.ParseNotification(ctx, p, d.header, d.body)
	require.NoError(t, err)
	require.NotNil(t, ev)
	assert.Equal(t, "OK", attrs(r.span(t, "payments.notification"))[telemetry.AttrResultCode].AsString())

	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()
	r2 := newRecorder(t)
	_, err = r2.tel.Wrap("web", yandexClient(t, ys)).(payments.Notifier).ParseNotification(ctx, http.Header{}, []byte("{}"))
	assert.Equal(t, payments.CodeUnimplemented, payments.CodeOf(err), "no merchant id: nothing to verify with")
	assert.Equal(t, "Unimplemented", attrs(r2.span(t, "payments.notification"))[telemetry.AttrResultCode].AsString())
}

// TestUseGlobal: with UseGlobal, the providers set with otel.SetTracerProvider
// and otel.SetMeterProvider receive the spans and metrics.
func TestUseGlobal(t *testing.T) {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	prevTP, prevMP := otel.GetTracerProvider(), otel.GetMeterProvider()
	otel.SetTracerProvider(tp)
	otel.SetMeterProvider(mp)
	t.Cleanup(func() {
		otel.SetTracerProvider(prevTP)
		otel.SetMeterProvider(prevMP)
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	tel, err := telemetry.New(telemetry.Options{UseGlobal: true})
	require.NoError(t, err)
	require.True(t, tel.Enabled())

	srv := yandexpaytest.NewServer(nil)
	defer srv.Close()
	_, err = tel.Wrap("web", yandexClient(t, srv)).Status(context.Background(), payments.Ref{ID: "missing"})
	assert.Equal(t, payments.CodeNotFound, payments.CodeOf(err))
	require.Len(t, spans.Ended(), 1)
	assert.Equal(t, "payments.status", spans.Ended()[0].Name())
	r := &recorder{spans: spans, reader: reader, tel: tel}
	assert.Equal(t, int64(1), r.sums(t, telemetry.MetricCalls)["payments.operation=status,payments.provider=yandexpay,payments.region=web,payments.result_code=NotFound"])
}
