package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/testlog"
)

// wait429 is a Retry-After far above the default 30s cap.
const wait429 = "3600"

func TestDoRetries(t *testing.T) {
	farDate := time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		method     string
		retry      Retry
		maxBody    int64
		steps      []step
		wantStatus int // 0: an error is expected
		wantCode   payments.Code
		wantAmbig  bool
		wantMsg    string
		wantHits   int
	}{
		{name: "503 then 200 retried", method: "POST", retry: RetrySafe,
			steps: []step{{status: 503}, {status: 200, body: `{"ok":true}`}}, wantStatus: 200, wantHits: 2},
		{name: "500 502 504 then 200 retried", method: "GET", retry: RetrySafe,
			steps: []step{{status: 500}, {status: 502}, {status: 504}, {status: 200}}, wantStatus: 200, wantHits: 4},
		{name: "501 not retried", method: "GET", retry: RetrySafe,
			steps: []step{{status: 501}, {status: 200}}, wantStatus: 501, wantHits: 1},
		{name: "5xx until retries run out returns the last answer", method: "GET", retry: RetrySafe,
			steps: []step{{status: 503}, {status: 500}, {status: 502}, {status: 500, body: "last"}}, wantStatus: 500, wantHits: 4},
		{name: "429 with Retry-After 0 retried", method: "GET", retry: RetrySafe,
			steps: []step{{status: 429, header: map[string]string{"Retry-After": "0"}}, {status: 200}}, wantStatus: 200, wantHits: 2},
		{name: "429 with Retry-After above cap returned", method: "GET", retry: RetrySafe,
			steps: []step{{status: 429, header: map[string]string{"Retry-After": wait429}}, {status: 200}}, wantStatus: 429, wantHits: 1},
		{name: "503 with HTTP-date Retry-After above cap returned", method: "POST", retry: RetrySafe,
			steps: []step{{status: 503, header: map[string]string{"Retry-After": farDate}}, {status: 200}}, wantStatus: 503, wantHits: 1},
		{name: "4xx not retried", method: "POST", retry: RetrySafe,
			steps: []step{{status: 400, body: `{"code":"BAD"}`}, {status: 200}}, wantStatus: 400, wantHits: 1},
		{name: "unsent-only write: 503 not retried", method: "POST", retry: RetryUnsent,
			steps: []step{{status: 503}, {status: 200}}, wantStatus: 503, wantHits: 1},
		{name: "unsent-only write: 429 not retried", method: "POST", retry: RetryUnsent,
			steps: []step{{status: 429, header: map[string]string{"Retry-After": "0"}}, {status: 200}}, wantStatus: 429, wantHits: 1},
		{name: "unsent-only write: reset after send not retried", method: "POST", retry: RetryUnsent,
			steps: []step{{reset: true}, {status: 200}}, wantCode: payments.CodeOutcomeUnknown, wantAmbig: true, wantHits: 1},
		{name: "unsent-only write: truncated body not retried", method: "POST", retry: RetryUnsent,
			steps: []step{{truncate: true}, {status: 200}}, wantCode: payments.CodeOutcomeUnknown, wantAmbig: true, wantHits: 1},
		{name: "safe read: reset retried", method: "GET", retry: RetrySafe,
			steps: []step{{reset: true}, {status: 200}}, wantStatus: 200, wantHits: 2},
		{name: "safe read: truncated body retried", method: "GET", retry: RetrySafe,
			steps: []step{{truncate: true}, {status: 200, body: `{"status":"PAID"}`}}, wantStatus: 200, wantHits: 2},
		{name: "safe write: truncated body retried", method: "POST", retry: RetrySafe,
			steps: []step{{truncate: true}, {truncate: true}, {status: 200}}, wantStatus: 200, wantHits: 3},
		{name: "safe read: resets exhaust retries → Unavailable", method: "GET", retry: RetrySafe,
			steps: []step{{reset: true}}, wantCode: payments.CodeUnavailable, wantHits: 4},
		{name: "safe write: resets exhaust retries → OutcomeUnknown", method: "POST", retry: RetrySafe,
			steps: []step{{reset: true}}, wantCode: payments.CodeOutcomeUnknown, wantAmbig: true, wantHits: 4},
		{name: "oversized body on a read", method: "GET", retry: RetrySafe, maxBody: 16,
			steps: []step{{status: 200, body: strings.Repeat("x", 17)}}, wantCode: payments.CodeUnavailable,
			wantMsg: "response body exceeds 16 bytes", wantHits: 1},
		{name: "oversized body on a write", method: "POST", retry: RetrySafe, maxBody: 16,
			steps: []step{{status: 200, body: strings.Repeat("x", 4096)}}, wantCode: payments.CodeOutcomeUnknown,
			wantAmbig: true, wantMsg: "response body exceeds 16 bytes", wantHits: 1},
		{name: "body exactly at the cap", method: "GET", retry: RetrySafe, maxBody: 16,
			steps: []step{{status: 200, body: strings.Repeat("x", 16)}}, wantStatus: 200, wantHits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, tt.steps...)
			cfg := testConfig(srv.URL)
			cfg.MaxResponseBytes = tt.maxBody
			c := newTestClient(t, cfg)
			reqBody := []byte(`{"amount":"10.00"}`)
			header := http.Header{"X-Request-Id": {"req-1"}, "Authorization": {"Bearer tok"}}
			resp, err := c.Do(context.Background(), &Request{
				Op: "capture", Method: tt.method, Path: "/v1/orders/a%2Fb/capture",
				Header: header, Body: reqBody, Retry: tt.retry,
			})
			hits := srv.Hits()
			require.Len(t, hits, tt.wantHits, "server hits")
			for i, h := range hits {
				assert.Equal(t, "/v1/orders/a%2Fb/capture", h.path, "hit %d path", i)
				assert.Equal(t, tt.method, h.method, "hit %d method", i)
				assert.Equal(t, "req-1", h.header.Get("X-Request-Id"), "hit %d X-Request-Id", i)
				assert.Equal(t, "Bearer tok", h.header.Get("Authorization"), "hit %d Authorization", i)
				assert.Equal(t, "application/json", h.header.Get("Content-Type"), "hit %d Content-Type", i)
				assert.Equal(t, reqBody, h.body, "hit %d body", i)
			}
			if tt.wantStatus != 0 {
				require.NoError(t, err)
				assert.Equal(t, tt.wantStatus, resp.StatusCode)
				assert.Equal(t, tt.wantHits, resp.Attempts)
				assert.Equal(t, tt.steps[min(tt.wantHits, len(tt.steps))-1].body, string(resp.Body))
				return
			}
			require.Error(t, err)
			assert.Nil(t, resp)
			var pe *payments.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.wantCode, pe.Code, "code of %v", err)
			assert.Equal(t, "testpay", pe.Provider)
			assert.Equal(t, payments.OpCapture, pe.Op)
			assert.Equal(t, tt.wantAmbig, Ambiguous(err), "Ambiguous(%v)", err)
			if tt.wantMsg != "" {
				assert.Equal(t, tt.wantMsg, pe.Message)
				assert.Equal(t, 200, pe.HTTPStatus)
			}
			assert.NotContains(t, err.Error(), "Bearer")
			assert.NotContains(t, err.Error(), srv.URL, "errors carry no URL")
		})
	}
}

func TestDoDoesNotTouchCallerHeader(t *testing.T) {
	srv := newScriptServer(t, step{status: 503}, step{status: 200})
	cfg := testConfig(srv.URL)
	cfg.AttemptHeader = "X-Request-Attempt"
	c := newTestClient(t, cfg)
	header := http.Header{"X-Request-Id": {"r"}}
	_, err := c.Do(context.Background(), &Request{Retry: RetrySafe, Op: "status", Method: "POST", Path: "/x", Header: header, Body: []byte(`{}`)})
	require.NoError(t, err)
	assert.Equal(t, http.Header{"X-Request-Id": {"r"}}, header)
}

func TestAttemptHeader(t *testing.T) {
	srv := newScriptServer(t, step{status: 503}, step{status: 502}, step{status: 200})
	cfg := testConfig(srv.URL)
	cfg.AttemptHeader = "X-Request-Attempt"
	c := newTestClient(t, cfg)
	resp, err := c.Do(context.Background(), &Request{Retry: RetrySafe, Op: "capture", Method: "POST", Path: "/capture", Body: []byte(`{}`)})
	require.NoError(t, err)
	assert.Equal(t, 3, resp.Attempts)
	var got []string
	for _, h := range srv.Hits() {
		got = append(got, h.header.Get("X-Request-Attempt"))
	}
	assert.Equal(t, []string{"0", "1", "2"}, got)

	// Without AttemptHeader nothing is added.
	srv2 := newScriptServer(t)
	c2 := newTestClient(t, testConfig(srv2.URL))
	_, err = c2.Do(context.Background(), &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "/s"})
	require.NoError(t, err)
	assert.Empty(t, srv2.Hits()[0].header.Get("X-Request-Attempt"))
	assert.Empty(t, srv2.Hits()[0].header.Get("Content-Type"), "no body, no Content-Type")
}

func TestRetryUnsentRetriesConnectionRefused(t *testing.T) {
	tests := []struct {
		name      string
		refusals  int
		wantDials int
		wantHits  int
		wantCode  payments.Code // 0 with wantHits 1: success
	}{
		{name: "refused once then answered", refusals: 1, wantDials: 2, wantHits: 1},
		{name: "refused three times then answered", refusals: 3, wantDials: 4, wantHits: 1},
		{name: "always refused", refusals: 100, wantDials: 4, wantCode: payments.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, step{status: 200, body: "done"})
			tr, dials := refusingTransport(t, tt.refusals)
			cfg := testConfig(srv.URL)
			cfg.HTTPClient = &http.Client{Transport: tr}
			c := newTestClient(t, cfg)
			resp, err := c.Do(context.Background(), &Request{Op: "capture", Method: "POST", Path: "/c", Body: []byte(`{}`), Retry: RetryUnsent})
			assert.Equal(t, tt.wantDials, dials())
			assert.Len(t, srv.Hits(), tt.wantHits)
			if tt.wantCode == 0 {
				require.NoError(t, err)
				assert.Equal(t, "done", string(resp.Body))
				assert.Equal(t, tt.wantDials, resp.Attempts)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tt.wantCode, payments.CodeOf(err))
			assert.False(t, Ambiguous(err), "a request never sent is not ambiguous")
			assert.True(t, errors.Is(err, payments.ErrUnavailable))
		})
	}
}

func TestClosedListenerUnavailable(t *testing.T) {
	c := newTestClient(t, testConfig("http://"+refusedAddr(t)))
	for _, method := range []string{"GET", "POST"} {
		_, err := c.Do(context.Background(), &Request{Op: "status", Method: method, Path: "/s", Retry: RetryUnsent})
		require.Error(t, err)
		assert.Equal(t, payments.CodeUnavailable, payments.CodeOf(err), method)
		assert.False(t, Ambiguous(err), method)
		assert.Contains(t, err.Error(), "4 attempts", method)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	other := newScriptServer(t, step{status: 200, body: "elsewhere"})
	srv := newScriptServer(t, step{status: http.StatusFound, header: map[string]string{"Location": other.URL + "/steal"}})
	cfg := testConfig(srv.URL)
	followAll := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
	cfg.HTTPClient = followAll
	c := newTestClient(t, cfg)
	resp, err := c.Do(context.Background(), &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "/s", Header: http.Header{"Authorization": {"Bearer x"}}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, other.URL+"/steal", resp.Header.Get("Location"))
	assert.Empty(t, other.Hits(), "the redirect target must not be contacted")
	assert.NoError(t, followAll.CheckRedirect(nil, nil), "the caller's client is left as it was")
}

func TestContextEnds(t *testing.T) {
	t.Run("canceled during backoff wait", func(t *testing.T) {
		srv := newScriptServer(t, step{status: 503})
		cfg := testConfig(srv.URL)
		cfg.RetryWaitMin, cfg.RetryWaitMax = time.Hour, time.Hour
		c := newTestClient(t, cfg)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := c.Do(ctx, &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "/s"})
			done <- err
		}()
		require.Eventually(t, func() bool { return len(srv.Hits()) == 1 }, 10*time.Second, time.Millisecond)
		cancel()
		select {
		case err := <-done:
			require.Error(t, err)
			assert.Equal(t, payments.CodeCanceled, payments.CodeOf(err))
			assert.ErrorIs(t, err, context.Canceled)
			assert.False(t, Ambiguous(err), "a read is never ambiguous")
		case <-time.After(30 * time.Second):
			t.Fatal("Do kept waiting out its backoff after the context was canceled")
		}
		assert.Len(t, srv.Hits(), 1)
	})
	t.Run("deadline during backoff wait", func(t *testing.T) {
		srv := newScriptServer(t, step{status: 503})
		cfg := testConfig(srv.URL)
		cfg.RetryWaitMin, cfg.RetryWaitMax = time.Hour, time.Hour
		c := newTestClient(t, cfg)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := c.Do(ctx, &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "/s"})
		require.Error(t, err)
		assert.Equal(t, payments.CodeDeadlineExceeded, payments.CodeOf(err))
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("canceled after a write was sent", func(t *testing.T) {
		err := cancelWhileHeld(t, &Request{Op: "capture", Method: "POST", Path: "/c", Body: []byte(`{}`), Retry: RetryUnsent})
		// The capture may have happened: that is the code; the cancellation
		// stays visible through errors.Is.
		assert.Equal(t, payments.CodeOutcomeUnknown, payments.CodeOf(err))
		assert.True(t, Ambiguous(err), "the capture may have happened")
		assert.ErrorIs(t, err, context.Canceled)
		assert.ErrorIs(t, err, payments.ErrCanceled)
		assert.NotErrorIs(t, err, payments.ErrDeadlineExceeded)
	})
	t.Run("canceled after a request with no effect was sent", func(t *testing.T) {
		err := cancelWhileHeld(t, &Request{Op: "auth", Method: "POST", Path: "/auth", Body: []byte(`{}`), Retry: RetrySafe, NoEffect: true})
		// A token request moves no money: the context's code, not OutcomeUnknown.
		assert.Equal(t, payments.CodeCanceled, payments.CodeOf(err))
		assert.False(t, Ambiguous(err))
		assert.ErrorIs(t, err, context.Canceled)
	})
	t.Run("canceled before Do", func(t *testing.T) {
		srv := newScriptServer(t)
		c := newTestClient(t, testConfig(srv.URL))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.Do(ctx, &Request{Retry: RetrySafe, Op: "capture", Method: "POST", Path: "/c", Body: []byte(`{}`)})
		assert.Equal(t, payments.CodeCanceled, payments.CodeOf(err))
		assert.False(t, Ambiguous(err))
		assert.Empty(t, srv.Hits())
	})
}

func TestAttemptTimeout(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		retry    Retry
		wantCode payments.Code
		wantHits int
	}{
		{name: "read retried then Unavailable", method: "GET", retry: RetrySafe, wantCode: payments.CodeUnavailable, wantHits: 3},
		{name: "unsent-only write not retried after send", method: "POST", retry: RetryUnsent, wantCode: payments.CodeOutcomeUnknown, wantHits: 1},
		{name: "keyed write retried then OutcomeUnknown", method: "POST", retry: RetrySafe, wantCode: payments.CodeOutcomeUnknown, wantHits: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, step{hold: true})
			cfg := testConfig(srv.URL)
			cfg.MaxRetries = 2
			// ResponseHeaderTimeout starts only once the request is written, so
			// the attempt always times out after sending, however slow the machine.
			cfg.HTTPClient = &http.Client{Transport: &http.Transport{ResponseHeaderTimeout: 100 * time.Millisecond}}
			c := newTestClient(t, cfg)
			_, err := c.Do(context.Background(), &Request{Op: "capture", Method: tt.method, Path: "/c", Retry: tt.retry})
			require.Error(t, err)
			assert.Equal(t, tt.wantCode, payments.CodeOf(err), "%v", err)
			assert.Equal(t, tt.wantCode == payments.CodeOutcomeUnknown, Ambiguous(err))
			assert.Len(t, srv.Hits(), tt.wantHits)
		})
	}
}

func TestDoRejectsBadRequests(t *testing.T) {
	srv := newScriptServer(t)
	c := newTestClient(t, testConfig(srv.URL))
	tests := []struct {
		name    string
		ctx     context.Context
		req     *Request
		wantMsg string
	}{
		{"nil request", context.Background(), nil, "nil request"},
		{"nil context", nil, &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "/s"}, "nil context"},
		{"empty method", context.Background(), &Request{Retry: RetrySafe, Op: "status", Path: "/s"}, "method is empty"},
		{"bad method", context.Background(), &Request{Retry: RetrySafe, Op: "status", Method: "G T", Path: "/s"}, `method "G T" is not a valid HTTP method`},
		{"relative path", context.Background(), &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "s"}, `must start with "/"`},
		{"bad escape", context.Background(), &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "/a%zz"}, "not a valid escaped path"},
		{"unknown retry class", context.Background(), &Request{Op: "status", Method: "GET", Path: "/s", Retry: Retry(7)}, "unknown retry class 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.Do(tt.ctx, tt.req)
			assert.Nil(t, resp)
			require.Error(t, err)
			assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err))
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
	assert.Empty(t, srv.Hits())
}

func TestPathStaysOnHost(t *testing.T) {
	srv := newScriptServer(t)
	c := newTestClient(t, testConfig(srv.URL))
	resp, err := c.Do(context.Background(), &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "//evil.example/x?a=b"})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	hits := srv.Hits()
	require.Len(t, hits, 1)
	assert.Equal(t, "//evil.example/x", hits[0].path)
	assert.Equal(t, "a=b", hits[0].query)
}

func TestBasePathKept(t *testing.T) {
	srv := newScriptServer(t)
	c := newTestClient(t, testConfig(srv.URL+"/api/merchant/"))
	_, err := c.Do(context.Background(), &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "/v1/orders/o%201"})
	require.NoError(t, err)
	assert.Equal(t, "/api/merchant/v1/orders/o%201", srv.Hits()[0].path)
}

func TestConcurrentDo(t *testing.T) {
	// Each request id fails once with 503 and then succeeds.
	var mu sync.Mutex
	seen := map[string]int{}
	var total atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		total.Add(1)
		id := r.Header.Get("X-Request-Id")
		mu.Lock()
		seen[id]++
		n := seen[id]
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(503)
			return
		}
		_, _ = fmt.Fprintf(w, `{"id":%q}`, id)
	}))
	defer srv.Close()
	cfg := testConfig(srv.URL)
	cfg.AttemptHeader = "X-Request-Attempt"
	cfg.Logger, _ = testlog.New(slog.LevelDebug)
	c := newTestClient(t, cfg)
	const n = 24
	var wg sync.WaitGroup
	errs := make([]error, n)
	resps := make([]*Response, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := fmt.Sprintf("id-%d", i)
			resps[i], errs[i] = c.Do(context.Background(), &Request{
				Retry: RetrySafe,
				Op:    "capture", Method: "POST", Path: "/c", Header: http.Header{"X-Request-Id": {id}}, Body: []byte(`{}`),
			})
		}(i)
	}
	wg.Wait()
	for i := 0; i < n; i++ {
		require.NoError(t, errs[i])
		assert.Equal(t, 2, resps[i].Attempts)
		assert.Equal(t, fmt.Sprintf(`{"id":"id-%d"}`, i), string(resps[i].Body))
	}
	assert.EqualValues(t, 2*n, total.Load())
}

func TestCloseKeepsClientUsable(t *testing.T) {
	srv := newScriptServer(t)
	c := newTestClient(t, testConfig(srv.URL))
	for i := 0; i < 2; i++ {
		resp, err := c.Do(context.Background(), &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "/s"})
		require.NoError(t, err)
		assert.Equal(t, 200, resp.StatusCode)
		c.Close()
	}
	assert.Len(t, srv.Hits(), 2)
}

func TestLogsCarryNoSecrets(t *testing.T) {
	secrets := []string{"SECRET-API-KEY-123", "SECRET-TOKEN-456"}
	srv := newScriptServer(t,
		step{status: 503, body: `{"token":"SECRET-TOKEN-456"}`},
		step{reset: true},
		step{status: 200, body: `{"echo":"SECRET-API-KEY-123"}`})
	logger, buf := testlog.New(slog.LevelDebug)
	cfg := testConfig(srv.URL)
	cfg.Logger = logger
	cfg.Secrets = func() []string { return secrets }
	c := newTestClient(t, cfg)
	resp, err := c.Do(context.Background(), &Request{
		Retry: RetrySafe,
		Op:    "capture", Method: "POST", Path: "/v1/capture?sign=QUERY-SECRET-789",
		Header: http.Header{"Authorization": {"Api-Key SECRET-API-KEY-123"}, "X-Token": {"SECRET-TOKEN-456"}},
		Body:   []byte(`{"jwe":"BODY-SECRET-000"}`),
	})
	require.NoError(t, err)
	assert.Equal(t, `{"echo":"[redacted]"}`, resp.Excerpt())

	out := buf.String()
	for _, want := range []string{"payments http: attempt", "payments http: retrying", "provider=testpay", "op=capture",
		"method=POST", "path=/v1/capture", "attempt=3", "status=503", "duration=", "error="} {
		assert.Contains(t, out, want)
	}
	for _, leak := range []string{"SECRET-API-KEY-123", "SECRET-TOKEN-456", "QUERY-SECRET-789", "BODY-SECRET-000", "Api-Key", "sign=", "Authorization", srv.URL} {
		assert.NotContains(t, out, leak)
	}
}

func TestErrorsCarryNoSecrets(t *testing.T) {
	secret := "SECRET-IN-PATH-ERR"
	cfg := testConfig("http://" + refusedAddr(t))
	cfg.Secrets = func() []string { return []string{secret} }
	cfg.MaxRetries = -1
	c := newTestClient(t, cfg)
	_, err := c.Do(context.Background(), &Request{Retry: RetrySafe, Op: "status", Method: "GET", Path: "/orders/x?token=" + secret,
		Header: http.Header{"Authorization": {secret}}})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, err.Error(), "token=")
	assert.Contains(t, err.Error(), "1 attempt")
}

func TestAmbiguous(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("boom"), false},
		{"unavailable", &payments.Error{Code: payments.CodeUnavailable}, false},
		{"outcome unknown", &payments.Error{Code: payments.CodeOutcomeUnknown}, true},
		{"wrapped marker", fmt.Errorf("ctx: %w", &payments.Error{Code: payments.CodeCanceled, Err: &ambiguity{err: context.Canceled}}), true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Ambiguous(tt.err), tt.name)
	}
}

// cancelWhileHeld sends req to a server that holds it, cancels the context
// once the server has it, and returns Do's error.
func cancelWhileHeld(t *testing.T, req *Request) error {
	t.Helper()
	srv := newScriptServer(t, step{hold: true})
	c := newTestClient(t, testConfig(srv.URL))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.Do(ctx, req)
		done <- err
	}()
	<-srv.held
	cancel()
	err := <-done
	require.Error(t, err)
	return err
}
