package payments_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/testlog"
	"github.com/regionpay/payments/status"
)

// notifyFake verifies bodies of the form "ok:<id>"; anything else is forged.
type notifyFake struct {
	bareProvider
	name string
}

func (f notifyFake) Name() string { return f.name }
func (notifyFake) Capabilities() []payments.Capability {
	return []payments.Capability{payments.CapNotifications}
}
func (f notifyFake) ParseNotification(_ context.Context, _ http.Header, body []byte) (*payments.Event, error) {
	id, ok := strings.CutPrefix(string(body), "ok:")
	if !ok {
		return nil, &payments.Error{Code: payments.CodeUnauthenticated, Provider: f.name, Op: payments.OpNotification, Message: "bad signature"}
	}
	return &payments.Event{ID: id, Provider: f.name, Kind: payments.EventPaymentStatus, Status: status.Captured}, nil
}
func (notifyFake) NotificationAck() (string, []byte) {
	return "application/json", []byte(`{"status":"success"}`)
}

// recorder is an app function that records what it got and fails on demand.
type recorder struct {
	mu     sync.Mutex
	events []payments.Event
	fail   error
	panics bool
}

func (r *recorder) handle(_ context.Context, ev payments.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.panics {
		panic("app bug")
	}
	r.events = append(r.events, ev)
	return r.fail
}

func (r *recorder) got() []payments.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]payments.Event(nil), r.events...)
}

func post(t *testing.T, h http.Handler, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, path, strings.NewReader(body)))
	return w
}

func TestNotificationHandlerAnswers(t *testing.T) {
	secretBody := "forged-token-value-that-must-not-be-logged"
	cases := []struct {
		name     string
		method   string
		body     string
		fail     error
		panics   bool
		wantCode int
		wantBody string
		reaches  bool
	}{
		{name: "verified", body: "ok:e1", wantCode: 200, wantBody: `{"status":"success"}`, reaches: true},
		{name: "forged", body: secretBody, wantCode: 401},
		{name: "oversized", body: "ok:" + strings.Repeat("x", 100), wantCode: 413},
		{name: "app fails", body: "ok:e2", fail: errors.New("db down"), wantCode: 500, reaches: true},
		{name: "app panics", body: "ok:e3", panics: true, wantCode: 500},
		{name: "GET", method: http.MethodGet, body: "ok:e4", wantCode: 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logs testlog.Buffer
			rec := &recorder{fail: c.fail, panics: c.panics}
			h, err := payments.NotificationHandler(notifyFake{name: "fake"}, rec.handle,
				&payments.NotificationHandlerOptions{MaxBodySize: 64, Logger: logs.Logger(slog.LevelDebug)})
			require.NoError(t, err)
			method := c.method
			if method == "" {
				method = http.MethodPost
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(method, "/hook/v1/webhook", strings.NewReader(c.body)))
			assert.Equal(t, c.wantCode, w.Code)
			if c.wantBody != "" {
				assert.JSONEq(t, c.wantBody, w.Body.String())
			}
			if c.wantCode != 200 {
				assert.NotContains(t, w.Body.String(), "signature", "refusals carry no detail")
			}
			got := rec.got()
			if c.reaches {
				require.Len(t, got, 1)
				assert.Equal(t, c.body[3:], got[0].ID)
			} else {
				assert.Empty(t, got, "a refused notification must not reach the app")
			}
			assert.NotContains(t, logs.String(), secretBody)
			if c.wantCode == 401 || c.wantCode == 413 {
				assert.Contains(t, logs.String(), "notification refused")
			}
		})
	}
}

func TestNotificationHandlerRefusesBadSetup(t *testing.T) {
	var rec recorder
	_, err := payments.NotificationHandler(nil, rec.handle, nil)
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err))
	_, err = payments.NotificationHandler(notifyFake{name: "fake"}, nil, nil)
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err))
	_, err = payments.NotificationHandler(notifyFake{name: "fake"}, rec.handle, &payments.NotificationHandlerOptions{MaxBodySize: -1})
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err))
	_, err = payments.NotificationHandler(bareProvider{}, rec.handle, nil)
	assert.Equal(t, payments.CodeUnimplemented, payments.CodeOf(err))
	_, err = payments.NotificationHandler(silentNotifier{notifyFake{name: "silent"}}, rec.handle, nil)
	assert.Equal(t, payments.CodeUnimplemented, payments.CodeOf(err))
	_, err = payments.ParseNotification(context.Background(), bareProvider{}, nil, []byte("ok:x"))
	assert.Equal(t, payments.CodeUnimplemented, payments.CodeOf(err))
}

// silentNotifier has the method but does not claim CapNotifications (an
// adapter whose notification settings are not configured).
type silentNotifier struct{ notifyFake }

func (silentNotifier) Capabilities() []payments.Capability { return nil }

func TestParseNotificationCapsBody(t *testing.T) {
	p := notifyFake{name: "fake"}
	ev, err := payments.ParseNotification(context.Background(), p, nil, []byte("ok:abc"))
	require.NoError(t, err)
	assert.Equal(t, "abc", ev.ID)
	_, err = payments.ParseNotification(context.Background(), p, nil, []byte("ok:"+strings.Repeat("a", payments.DefaultMaxNotificationSize)))
	assert.Equal(t, payments.CodeResourceExhausted, payments.CodeOf(err))
}

func TestRegionsNotificationHandlerRoutesByRegion(t *testing.T) {
	payments.Register("notifyfake", func(s *payments.Settings) (payments.Provider, error) {
		return notifyFake{name: "notifyfake"}, nil
	})
	cfg, err := payments.ParseConfig([]byte(`{"default_region":"a","regions":{"a":{"provider":"notifyfake"},"b":{"provider":"notifyfake"}}}`))
	require.NoError(t, err)
	rs, err := payments.Open(context.Background(), cfg, nil)
	require.NoError(t, err)
	defer rs.Close()
	var rec recorder
	h, err := rs.NotificationHandler(rec.handle, nil)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/notify/", http.StripPrefix("/notify", h))

	assert.Equal(t, 200, post(t, mux, "/notify/b/v1/webhook", "ok:1").Code)
	assert.Equal(t, 200, post(t, mux, "/notify/a", "ok:2").Code)
	assert.Equal(t, 404, post(t, mux, "/notify/c", "ok:3").Code)
	got := rec.got()
	require.Len(t, got, 2)
	assert.Equal(t, "b", got[0].Region)
	assert.Equal(t, "a", got[1].Region)
}

func TestNotificationFuncGetsTheHandlerDeadline(t *testing.T) {
	var left time.Duration
	var hasDeadline bool
	h, err := payments.NotificationHandler(notifyFake{name: "fake"}, func(ctx context.Context, _ payments.Event) error {
		var d time.Time
		d, hasDeadline = ctx.Deadline()
		left = time.Until(d)
		return nil
	}, &payments.NotificationHandlerOptions{Timeout: 300 * time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, 200, post(t, h, "/", "ok:1").Code)
	assert.True(t, hasDeadline)
	assert.True(t, left > 0 && left <= 300*time.Millisecond, "deadline %s away", left)

	//lint:ignore SA1012 a nil context is what this checks
	_, err = payments.ParseNotification(nil, notifyFake{name: "fake"}, nil, []byte("ok:1"))
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err))
}
