package payments_test

// Side-by-side benchmarks: every call goes once through the library and once
// through a hand-written net/http client that sends the identical request
// (method, path, headers, body) and decodes the answer once into a small
// struct, against one canned loopback server that answers from memory. The
// raw client is the floor a library can reach, so the ratio library/raw is
// the library's own cost. Run and compare them with
//
//	go test -run '^$' -bench 'Call|Answer|Throughput' -count 6 . > perf.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /impl perf.txt
//
// TestRawBaselineIsIdentical keeps the raw requests honest: it fails when the
// library starts sending something the baseline does not.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/connserver"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/yandexpay"
)

// Fixed ids of the canned answers.
const (
	perfAppID     = 1704024
	perfPurchase  = "3aa0c7bd-964e-4562-b218-fe365adb4ae3"
	perfInvoice   = "700001"
	perfOrder     = "order-1"
	perfKey       = "bench-key-1" // the externalOperationId of every Yandex Pay capture
	perfToken     = "eyJhbGciOiJSU0EtT0FFUC0yNTYifQ.token"
	perfAPIKey    = "bench-api-key"
	perfKeyID     = "bench-key-id"
	rawPoolSize   = 256 // the raw clients' idle pool, per host
	rawTimeout    = 30 * time.Second
	answerPadding = "padding"
)

// Answer sizes of the large-answer benchmarks: 64 KB and just under the
// library's 1 MiB answer cap.
var perfSizes = []struct {
	name string
	size int
}{
	{"64KB", 64 << 10},
	{"1MiB", 1<<20 - 64},
}

// cannedServer answers each "METHOD path" with fixed bytes and counts the
// connections it accepted and the requests it saw.
type cannedServer struct {
	*connserver.Server
	answers  map[string][]byte
	requests atomic.Int64

	mu   sync.Mutex
	seen []seenRequest // every request since the last takeRequests
}

// seenRequest is one request as the canned server saw it.
type seenRequest struct {
	method, path string
	header       http.Header
	body         string
}

func newCannedServer(tb testing.TB, answers map[string][]byte) *cannedServer {
	tb.Helper()
	s := &cannedServer{answers: answers}
	s.Server = connserver.Start(tb, http.HandlerFunc(s.serve))
	return s
}

func (s *cannedServer) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	body, _ := io.ReadAll(r.Body)
	answer, ok := s.answers[r.Method+" "+r.URL.EscapedPath()]
	if !ok {
		http.Error(w, "no canned answer", http.StatusNotFound)
		return
	}
	s.mu.Lock()
	if len(s.seen) < 16 { // the benchmarks' calls are not kept
		s.seen = append(s.seen, seenRequest{method: r.Method, path: r.URL.EscapedPath(), header: r.Header.Clone(), body: string(body)})
	}
	s.mu.Unlock()
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(answer))}
	_, _ = w.Write(answer)
}

// takeRequests returns the requests seen since the last call and forgets them.
func (s *cannedServer) takeRequests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := s.seen
	s.seen = nil
	return seen
}

// padding is a JSON array of n bytes or a little less, the bulk of a large
// answer: objects with strings and numbers, like a long cart.
func padding(n int) string {
	const item = `{"productId":"sku-0000001","title":"Item of the order with a readable name","quantity":{"count":"1.00"},"total":"100.00"}`
	if n < 2 {
		return `[]`
	}
	var b strings.Builder
	b.WriteByte('[')
	for b.Len()+len(item)+2 <= n {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.WriteString(item)
	}
	b.WriteByte(']')
	return b.String()
}

// sized pads a JSON answer built by build(pad) to about size bytes.
func sized(size int, build func(pad string) string) []byte {
	base := len(build(`[]`))
	return []byte(build(padding(size - base)))
}

// RuStore's canned answers.

func rustoreStatusAnswer(pad string) string {
	return `{"code":"OK","message":null,"body":{"invoiceId":` + perfInvoice + `,"invoiceDate":"2026-01-02T10:00:00.000+03:00",` +
		`"invoiceStatus":"PAID","developerPayload":"","appId":` + strconv.Itoa(perfAppID) + `,"ownerCode":1,` +
		`"paymentInfo":{"paymentDate":"2026-01-02T10:01:00.000+03:00","maskedPan":"**** 1234","paymentSystem":"MIR"},` +
		`"order":{"orderId":"o-1","orderNumber":"42","visualName":"Coins","amountCreate":9900,"amountCurrent":9900,"currency":"RUB","itemCode":"coins"},` +
		`"` + answerPadding + `":` + pad + `},"timestamp":"2026-01-02T10:02:00.000+03:00"}`
}

func rustoreAnswers(statusSize int) map[string][]byte {
	status := []byte(rustoreStatusAnswer(`[]`))
	if statusSize > 0 {
		status = sized(statusSize, rustoreStatusAnswer)
	}
	return map[string][]byte{
		"POST /public/auth":                      []byte(`{"code":"OK","message":null,"body":{"jwe":"` + perfToken + `","ttl":900},"timestamp":"2026-01-02T10:00:00.000+03:00"}`),
		"GET /public/v2/purchase/" + perfInvoice: status,
		"PUT /public/applications/" + strconv.Itoa(perfAppID) + "/purchases/" + perfPurchase + ":confirm": []byte(`{"code":"OK","message":null,"body":{},"timestamp":"2026-01-02T10:00:00.000+03:00"}`),
	}
}

// Yandex Pay's canned answers.

func yandexStatusAnswer(pad string) string {
	return `{"code":200,"status":"success","data":{"order":{"orderId":"` + perfOrder + `","merchantId":"m-1","orderAmount":"99.00",` +
		`"currencyCode":"RUB","paymentStatus":"AUTHORIZED","paymentMethod":{"methodType":"CARD"},` +
		`"created":"2026-01-02T10:00:00Z","updated":"2026-01-02T10:01:00Z","cart":{"items":` + pad + `}},"operations":[]}}`
}

func yandexAnswers(statusSize int) map[string][]byte {
	status := []byte(yandexStatusAnswer(`[]`))
	if statusSize > 0 {
		status = sized(statusSize, yandexStatusAnswer)
	}
	return map[string][]byte{
		"GET /v1/orders/" + perfOrder: status,
		"POST /v1/orders/" + perfOrder + "/capture": []byte(`{"code":200,"status":"success","data":{"operation":{"operationId":"op-1",` +
			`"externalOperationId":"` + perfKey + `","orderId":"` + perfOrder + `","operationType":"CAPTURE","status":"SUCCESS","amount":"99.00"}}}`),
	}
}

// rawClient is what a careful hand-written client would use: its own pool,
// as large as the library's default, and a timeout.
func rawClient() *http.Client {
	return &http.Client{Timeout: rawTimeout, Transport: &http.Transport{
		MaxIdleConns:        rawPoolSize,
		MaxIdleConnsPerHost: rawPoolSize,
		IdleConnTimeout:     90 * time.Second,
	}}
}

var perfRSAKey = sync.OnceValue(func() string {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(der)
})

// perfCase is one call made both ways against one canned server.
type perfCase struct {
	srv     *cannedServer // nil in memory
	library func(ctx context.Context) error
	raw     func(ctx context.Context) error
}

// perfTarget is where a case's calls go: a canned loopback server, or, in
// memory, a RoundTripper that answers the same bytes without a network, so
// that only the clients' own CPU is measured.
type perfTarget struct {
	url     string
	srv     *cannedServer // nil in memory
	libHTTP *http.Client  // the library's client; nil: its own pool
	rawHTTP *http.Client
}

func newPerfTarget(tb testing.TB, answers map[string][]byte, inMemory bool) perfTarget {
	tb.Helper()
	if inMemory {
		hc := &http.Client{Transport: cannedTransport(answers)}
		// Never dialed: the transport answers every request itself.
		return perfTarget{url: "http://127.0.0.1:9", libHTTP: hc, rawHTTP: hc}
	}
	srv := newCannedServer(tb, answers)
	hc := rawClient()
	tb.Cleanup(hc.CloseIdleConnections)
	return perfTarget{url: srv.URL, srv: srv, rawHTTP: hc}
}

// cannedTransport answers each "METHOD path" from memory, as cannedServer
// does over the network.
type cannedTransport map[string][]byte

// RoundTrip implements http.RoundTripper.
func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	answer, ok := c[r.Method+" "+r.URL.EscapedPath()]
	if !ok {
		return nil, fmt.Errorf("no canned answer for %s %s", r.Method, r.URL.EscapedPath())
	}
	return &http.Response{
		StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		ContentLength: int64(len(answer)), Body: io.NopCloser(bytes.NewReader(answer)), Request: r,
	}, nil
}

func rustoreCase(tb testing.TB, op string, statusSize int, inMemory bool) *perfCase {
	tb.Helper()
	t := newPerfTarget(tb, rustoreAnswers(statusSize), inMemory)
	p, err := rustore.New(rustore.Config{KeyID: perfKeyID, PrivateKey: payments.Secret(perfRSAKey()), AppID: perfAppID,
		HTTPOptions: payments.HTTPOptions{BaseURL: t.url, HTTPClient: t.libHTTP}})
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = p.Close() })
	hc, srvURL := t.rawHTTP, t.url
	ref := payments.Ref{ID: perfPurchase, InvoiceID: perfInvoice}
	c := &perfCase{srv: t.srv}
	switch op {
	case "status":
		c.library = func(ctx context.Context) error {
			pay, err := p.Status(ctx, ref)
			if err == nil && pay.RawStatus != "PAID" {
				err = fmt.Errorf("status %q", pay.RawStatus)
			}
			return err
		}
		c.raw = func(ctx context.Context) error {
			var v struct {
				Code string `json:"code"`
				Body struct {
					InvoiceID     json.Number `json:"invoiceId"`
					InvoiceDate   string      `json:"invoiceDate"`
					InvoiceStatus string      `json:"invoiceStatus"`
					Order         struct {
						AmountCurrent json.Number `json:"amountCurrent"`
						Currency      string      `json:"currency"`
					} `json:"order"`
				} `json:"body"`
			}
			err := rawDo(ctx, hc, http.MethodGet, srvURL+"/public/v2/purchase/"+perfInvoice, http.Header{"Public-Token": {perfToken}}, nil, &v)
			if err == nil && (v.Code != "OK" || v.Body.InvoiceStatus != "PAID") {
				err = fmt.Errorf("answer %+v", v)
			}
			return err
		}
	case "capture":
		c.library = func(ctx context.Context) error {
			_, err := p.Capture(ctx, payments.Ref{ID: perfPurchase}, nil)
			return err
		}
		c.raw = func(ctx context.Context) error {
			var v struct {
				Code string `json:"code"`
			}
			err := rawDo(ctx, hc, http.MethodPut, srvURL+"/public/applications/"+strconv.Itoa(perfAppID)+"/purchases/"+perfPurchase+":confirm",
				http.Header{"Public-Token": {perfToken}}, nil, &v)
			if err == nil && v.Code != "OK" {
				err = fmt.Errorf("code %q", v.Code)
			}
			return err
		}
	default:
		panic("unknown op " + op)
	}
	// The token is fetched once and cached, by the library as by a careful
	// hand-written client: warm it before measuring.
	require.NoError(tb, c.library(context.Background()))
	return c
}

// yandexHeader is the header a hand-written Yandex Pay client sends: the
// ones the API documents, a fresh X-Request-Id per call, the attempt number
// and the time the caller is willing to wait.
func yandexHeader() http.Header {
	return http.Header{
		"Authorization":     {"Api-Key " + perfAPIKey},
		"X-Request-Id":      {uuid.NewString()},
		"X-Request-Timeout": {"10000"},
		"X-Request-Attempt": {"0"},
		"Accept":            {"application/json"},
	}
}

func yandexCase(tb testing.TB, op string, statusSize int, inMemory bool) *perfCase {
	tb.Helper()
	t := newPerfTarget(tb, yandexAnswers(statusSize), inMemory)
	p, err := yandexpay.New(yandexpay.Config{APIKey: perfAPIKey, HTTPOptions: payments.HTTPOptions{BaseURL: t.url, HTTPClient: t.libHTTP}})
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = p.Close() })
	hc, srvURL := t.rawHTTP, t.url
	ref := payments.Ref{ID: perfOrder}
	c := &perfCase{srv: t.srv}
	// A hand-written client reads the order as the library does, both
	// before a capture (Yandex Pay's submit page: a Split order is
	// completed by /submit, not /capture) and for a status.
	rawStatus := func(ctx context.Context) error {
		var v struct {
			Status string `json:"status"`
			Data   struct {
				Order struct {
					OrderID       string `json:"orderId"`
					OrderAmount   string `json:"orderAmount"`
					CurrencyCode  string `json:"currencyCode"`
					PaymentStatus string `json:"paymentStatus"`
					Created       string `json:"created"`
					Updated       string `json:"updated"`
				} `json:"order"`
			} `json:"data"`
		}
		err := rawDo(ctx, hc, http.MethodGet, srvURL+"/v1/orders/"+perfOrder, yandexHeader(), nil, &v)
		if err == nil && (v.Status != "success" || v.Data.Order.PaymentStatus != "AUTHORIZED") {
			err = fmt.Errorf("answer %+v", v)
		}
		return err
	}
	switch op {
	case "status":
		c.library = func(ctx context.Context) error {
			pay, err := p.Status(ctx, ref)
			if err == nil && pay.RawStatus != "AUTHORIZED" {
				err = fmt.Errorf("status %q", pay.RawStatus)
			}
			return err
		}
		c.raw = rawStatus

	case "capture":
		c.library = func(ctx context.Context) error {
			res, err := p.Capture(ctx, ref, &payments.CaptureOptions{IdempotencyKey: perfKey})
			if err == nil && res.RawStatus != "CAPTURED" {
				err = fmt.Errorf("status %q", res.RawStatus)
			}
			return err
		}
		c.raw = func(ctx context.Context) error {
			body, err := json.Marshal(struct {
				ExternalOperationID string `json:"externalOperationId"`
			}{perfKey})
			if err != nil {
				return err
			}
			var v struct {
				Status string `json:"status"`
				Data   struct {
					Operation struct {
						ExternalOperationID string `json:"externalOperationId"`
						OrderID             string `json:"orderId"`
						OperationType       string `json:"operationType"`
						Status              string `json:"status"`
					} `json:"operation"`
				} `json:"data"`
			}
			if err := rawStatus(ctx); err != nil {
				return err
			}
			h := yandexHeader()
			h["Content-Type"] = []string{"application/json"}
			err = rawDo(ctx, hc, http.MethodPost, srvURL+"/v1/orders/"+perfOrder+"/capture", h, body, &v)
			if err == nil && (v.Status != "success" || v.Data.Operation.Status != "SUCCESS") {
				err = fmt.Errorf("answer %+v", v)
			}
			return err
		}
	default:
		panic("unknown op " + op)
	}
	return c
}

// rawUserAgent is the User-Agent the library sends.
var rawUserAgent = []string{payments.UserAgentName + "/" + payments.Version + " " + runtime.Version()}

// rawDo is the whole hand-written client: one request, one decode.
func rawDo(ctx context.Context, hc *http.Client, method, url string, h http.Header, body []byte, v any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	req.Header = h
	// A fair baseline names itself as the library does, in one shared value.
	req.Header["User-Agent"] = rawUserAgent
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("http %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// perfCases builds the case of one adapter and op.
var perfCases = map[string]func(tb testing.TB, op string, statusSize int, inMemory bool) *perfCase{
	"rustore":   rustoreCase,
	"yandexpay": yandexCase,
}

var perfAdapters = []string{"rustore", "yandexpay"}

// warmUpCalls is how many calls each client makes, taking turns, before
// either is measured: connections, buffers and the runtime's caches are then
// as warm for one as for the other.
const warmUpCalls = 100

// benchImpls measures the library and the raw client on one case. Both are
// warmed up together first, and each is measured after a collection of the
// garbage left before it, so that neither pays for what ran before it: the
// setup of the case, or the other client's allocations.
func benchImpls(b *testing.B, c *perfCase) {
	ctx := context.Background()
	impls := []struct {
		name string
		call func(context.Context) error
	}{{"library", c.library}, {"raw", c.raw}}
	for i := 0; i < warmUpCalls; i++ {
		for _, impl := range impls {
			if err := impl.call(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, impl := range impls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := impl.call(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCall is Status and Capture of each adapter, one caller, small
// answers: the library's cost per call next to the raw client's.
func BenchmarkCall(b *testing.B) {
	for _, adapter := range perfAdapters {
		for _, op := range []string{"status", "capture"} {
			b.Run("adapter="+adapter+"/op="+op, func(b *testing.B) {
				benchImpls(b, perfCases[adapter](b, op, 0, false))
			})
		}
	}
}

// BenchmarkCallCPU is BenchmarkCall without a network: both clients get
// their answers from an in-memory RoundTripper, so the figures are the
// clients' own CPU alone, free of the loopback's and the scheduler's noise.
// The library uses that RoundTripper through its HTTPOptions.HTTPClient,
// and still bounds, retries and checks as it does with its own pool.
func BenchmarkCallCPU(b *testing.B) {
	for _, adapter := range perfAdapters {
		for _, op := range []string{"status", "capture"} {
			b.Run("adapter="+adapter+"/op="+op, func(b *testing.B) {
				benchImpls(b, perfCases[adapter](b, op, 0, true))
			})
		}
	}
}

// BenchmarkAnswer is Status with a 64 KB and a 1 MiB answer: the cost of
// reading and decoding a large body.
func BenchmarkAnswer(b *testing.B) {
	for _, adapter := range perfAdapters {
		for _, sz := range perfSizes {
			b.Run("adapter="+adapter+"/size="+sz.name, func(b *testing.B) {
				benchImpls(b, perfCases[adapter](b, "status", sz.size, false))
			})
		}
	}
}

// BenchmarkThroughput is Status with 1, 64 and 256 concurrent callers; ns/op
// is wall time per call (its inverse is the throughput) and conns/op the new
// connections the server accepted per call after a warm-up round.
func BenchmarkThroughput(b *testing.B) {
	for _, adapter := range perfAdapters {
		for _, callers := range []int{1, 64, 256} {
			b.Run(fmt.Sprintf("adapter=%s/callers=%d", adapter, callers), func(b *testing.B) {
				c := perfCases[adapter](b, "status", 0, false)
				impls := []struct {
					name string
					call func(context.Context) error
				}{{"library", c.library}, {"raw", c.raw}}
				// Warm-up rounds, taking turns, fill both pools as far as they
				// hold and warm what benchImpls warms.
				for i := 0; i < max(1, warmUpCalls/callers); i++ {
					for _, impl := range impls {
						if err := concurrently(callers, callers, impl.call); err != nil {
							b.Fatal(err)
						}
					}
				}
				for _, impl := range impls {
					b.Run("impl="+impl.name, func(b *testing.B) {
						before := c.srv.Conns()
						runtime.GC()
						b.ReportAllocs()
						b.ResetTimer()
						if err := concurrently(callers, b.N, impl.call); err != nil {
							b.Fatal(err)
						}
						b.StopTimer()
						b.ReportMetric(float64(c.srv.Conns()-before)/float64(b.N), "conns/op")
					})
				}
			})
		}
	}
}

// concurrently makes n calls from callers goroutines and returns the first error.
func concurrently(callers, n int, call func(context.Context) error) error {
	var (
		next     atomic.Int64
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	ctx := context.Background()
	for g := 0; g < callers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := call(ctx); err != nil {
					mu.Lock()
					firstErr = errors.Join(firstErr, err)
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// TestRawBaselineIsIdentical checks that the raw client of the benchmarks
// sends what the library sends (method, path, every header, body), so the
// ratio compares equal work; only X-Request-Id differs, being fresh per call.
func TestRawBaselineIsIdentical(t *testing.T) {
	for _, adapter := range perfAdapters {
		for _, op := range []string{"status", "capture"} {
			t.Run(adapter+"/"+op, func(t *testing.T) {
				c := perfCases[adapter](t, op, 0, false)
				ctx := context.Background()
				c.srv.takeRequests()
				require.NoError(t, c.library(ctx))
				lib := c.srv.takeRequests()
				require.NoError(t, c.raw(ctx))
				raw := c.srv.takeRequests()
				require.NotEmpty(t, lib)
				require.Len(t, raw, len(lib), "the raw client makes the library's requests, no fewer, no more")
				for i := range lib {
					l, r := lib[i], raw[i]
					require.Equal(t, l.method, r.method, "request %d: method", i)
					require.Equal(t, l.path, r.path, "request %d: path", i)
					require.Equal(t, l.body, r.body, "request %d: body", i)
					for _, h := range []http.Header{l.header, r.header} {
						if id := h.Get("X-Request-Id"); id != "" {
							require.NoError(t, uuid.Validate(id), "X-Request-Id")
							h.Set("X-Request-Id", "fresh")
						}
					}
					require.Equal(t, l.header, r.header, "request %d: headers", i)
				}
			})
		}
	}
}
