// Package telemetry shows what the payments library does, through
// OpenTelemetry: a span for every portable call (capture, void, rollback,
// refund, status, operation, start, find, notification) and metrics for call
// durations, results by code, HTTP retries and token refreshes.
//
// It is off unless the app asks for it: New with no providers (and without
// UseGlobal) returns a Telemetry whose Wrap hands providers back unchanged,
// so nothing is recorded and nothing costs anything.
//
//	tel, err := telemetry.New(telemetry.Options{TracerProvider: tp, MeterProvider: mp})
//	regions, err := payments.Open(ctx, cfg, &payments.OpenOptions{Wrap: tel.Wrap})
//
// Open applies Wrap to every region, whatever its provider, so an adapter
// added later is measured the same way; a provider built directly with an
// adapter's New is wrapped with tel.Wrap("region", p). The wrapped provider
// keeps what the provider can do: payments.Capabilities, payments.Supports
// and the package-level helpers (payments.Refund, payments.Start,
// payments.Find, payments.ParseNotification, payments.Wait) answer as they
// would for the provider itself, and Unwrap returns it.
//
// Spans are named after the operation ("payments.capture"), never after a
// payment, so their names stay few. They carry the provider, the region, the
// operation, the result code, the number of HTTP attempts and retries and the
// last HTTP status (which the adapter's HTTP path reports through
// driver.CallStats), and the payment id where the call names one. No
// credential, header or body is ever recorded: only those values.
package telemetry

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
)

// ScopeName is the instrumentation scope of every span and metric.
const ScopeName = "github.com/regionpay/payments/telemetry"

// Attribute keys of the spans and metrics.
const (
	// AttrProvider is the adapter's name: "rustore", "yandexpay".
	AttrProvider = attribute.Key("payments.provider")
	// AttrRegion is the config region the provider serves ("" when wrapped without one).
	AttrRegion = attribute.Key("payments.region")
	// AttrOperation is the portable operation: "capture", "refund"...
	AttrOperation = attribute.Key("payments.operation")
	// AttrResultCode is "OK" or the payments.Code of the error: "OutcomeUnknown"...
	AttrResultCode = attribute.Key("payments.result_code")
	// AttrAttempts is how many HTTP attempts the call made, reads included (spans only).
	AttrAttempts = attribute.Key("payments.http.attempts")
	// AttrRetries is how many of those attempts repeated an earlier one (spans only).
	AttrRetries = attribute.Key("payments.http.retries")
	// AttrHTTPStatus is the status of the last HTTP answer, OpenTelemetry's
	// own key for it (spans only; absent when no answer came).
	AttrHTTPStatus = attribute.Key("http.response.status_code")
	// AttrPaymentID is the payment's id at the provider (spans only: ids are
	// never a metric attribute nor a span name, there are too many of them).
	AttrPaymentID = attribute.Key("payments.payment.id")
)

// Metric names.
const (
	// MetricDuration is a histogram of call durations in seconds, by
	// provider, region, operation and result code.
	MetricDuration = "payments.call.duration"
	// MetricCalls counts calls by provider, region, operation and result code.
	MetricCalls = "payments.calls"
	// MetricRetries counts HTTP retries by provider, region and operation.
	MetricRetries = "payments.http.retries"
	// MetricTokenRefreshes counts access tokens obtained (RuStore's) by
	// provider and region.
	MetricTokenRefreshes = "payments.auth.token_refreshes"
)

// Options chooses where spans and metrics go.
type Options struct {
	// TracerProvider receives a span per call; nil records no spans.
	TracerProvider trace.TracerProvider
	// MeterProvider receives the metrics; nil records none.
	MeterProvider metric.MeterProvider
	// UseGlobal takes OpenTelemetry's global providers (otel.SetTracerProvider,
	// otel.SetMeterProvider) for the ones left nil.
	UseGlobal bool
}

// Telemetry wraps providers so that their calls are traced and measured. It
// is safe for concurrent use; one serves every region.
type Telemetry struct {
	on        bool
	tracer    trace.Tracer
	duration  metric.Float64Histogram
	calls     metric.Int64Counter
	retries   metric.Int64Counter
	refreshes metric.Int64Counter
}

// New creates the instruments. With no provider at all it returns a
// Telemetry that is off: Wrap returns providers unchanged.
func New(opts Options) (*Telemetry, error) {
	tp, mp := opts.TracerProvider, opts.MeterProvider
	if opts.UseGlobal {
		if tp == nil {
			tp = otel.GetTracerProvider()
		}
		if mp == nil {
			mp = otel.GetMeterProvider()
		}
	}
	t := &Telemetry{on: tp != nil || mp != nil}
	if !t.on {
		return t, nil
	}
	if tp == nil {
		tp = tracenoop.NewTracerProvider()
	}
	if mp == nil {
		mp = metricnoop.NewMeterProvider()
	}
	t.tracer = tp.Tracer(ScopeName, trace.WithInstrumentationVersion(payments.Version))
	m := mp.Meter(ScopeName, metric.WithInstrumentationVersion(payments.Version))
	var err error
	if t.duration, err = m.Float64Histogram(MetricDuration, metric.WithUnit("s"),
		metric.WithDescription("Duration of a portable payments call, retries and reads included.")); err != nil {
		return nil, fmt.Errorf("telemetry: %s: %w", MetricDuration, err)
	}
	if t.calls, err = m.Int64Counter(MetricCalls, metric.WithUnit("{call}"),
		metric.WithDescription("Portable payments calls by result code.")); err != nil {
		return nil, fmt.Errorf("telemetry: %s: %w", MetricCalls, err)
	}
	if t.retries, err = m.Int64Counter(MetricRetries, metric.WithUnit("{retry}"),
		metric.WithDescription("HTTP attempts that repeated an earlier one.")); err != nil {
		return nil, fmt.Errorf("telemetry: %s: %w", MetricRetries, err)
	}
	if t.refreshes, err = m.Int64Counter(MetricTokenRefreshes, metric.WithUnit("{token}"),
		metric.WithDescription("Access tokens obtained from the provider.")); err != nil {
		return nil, fmt.Errorf("telemetry: %s: %w", MetricTokenRefreshes, err)
	}
	return t, nil
}

// Enabled reports whether t records anything.
func (t *Telemetry) Enabled() bool { return t != nil && t.on }

// Wrap returns p with every call traced and measured, labelled with region.
// Its signature is that of payments.OpenOptions.Wrap. When t is off (or nil)
// or p is nil, p is returned as it is; a provider already wrapped is not
// wrapped twice.
func (t *Telemetry) Wrap(region string, p payments.Provider) payments.Provider {
	if !t.Enabled() || p == nil {
		return p
	}
	if w, ok := p.(*Provider); ok && w.t == t && w.region == region {
		return p
	}
	return &Provider{inner: p, t: t, region: region,
		base: []attribute.KeyValue{AttrProvider.String(p.Name()), AttrRegion.String(region)}}
}

// observation is one call being traced and measured.
type observation struct {
	t     *Telemetry
	ctx   context.Context
	span  trace.Span
	stats *driver.CallStats
	base  []attribute.KeyValue // provider, region
	op    payments.Operation
	start time.Time
}

// observe starts the span of one call and puts a driver.CallStats into its
// context, for the adapter's HTTP path to report into.
func (t *Telemetry) observe(ctx context.Context, base []attribute.KeyValue, op payments.Operation, paymentID string) (context.Context, *observation) {
	ctx, stats := driver.WithCallStats(ctx)
	attrs := make([]attribute.KeyValue, 0, len(base)+2)
	attrs = append(append(attrs, base...), AttrOperation.String(string(op)))
	if paymentID != "" {
		attrs = append(attrs, AttrPaymentID.String(paymentID))
	}
	ctx, span := t.tracer.Start(ctx, "payments."+string(op), trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	return ctx, &observation{t: t, ctx: ctx, span: span, stats: stats, base: base, op: op, start: time.Now()}
}

// end closes the span and records the metrics of a call that returned err.
func (o *observation) end(err error) {
	code := "OK"
	if err != nil {
		code = payments.CodeOf(err).String()
	}
	attempts, retries, status, refreshes := o.stats.Attempts(), o.stats.Retries(), o.stats.HTTPStatus(), o.stats.TokenRefreshes()
	o.span.SetAttributes(AttrResultCode.String(code), AttrAttempts.Int(attempts), AttrRetries.Int(retries))
	if status != 0 {
		o.span.SetAttributes(AttrHTTPStatus.Int(status))
	}
	if err != nil {
		// The code only: it says what happened in the same words for every
		// provider, and carries no provider text.
		o.span.SetStatus(codes.Error, code)
	}
	o.span.End()

	opAttr := AttrOperation.String(string(o.op))
	withCode := metric.WithAttributes(o.base[0], o.base[1], opAttr, AttrResultCode.String(code))
	ctx := context.WithoutCancel(o.ctx) // a canceled call is still counted
	o.t.duration.Record(ctx, time.Since(o.start).Seconds(), withCode)
	o.t.calls.Add(ctx, 1, withCode)
	if retries > 0 {
		o.t.retries.Add(ctx, int64(retries), metric.WithAttributes(o.base[0], o.base[1], opAttr))
	}
	if refreshes > 0 {
		o.t.refreshes.Add(ctx, int64(refreshes), metric.WithAttributes(o.base...))
	}
}
