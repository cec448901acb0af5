package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/testlog"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// TestEmulateNotifiesTheApp: with -notify, a capture through payctl reaches
// an app endpoint built from the printed config, for both regions, and a
// captured body decodes with "payctl notification".
func TestEmulateNotifiesTheApp(t *testing.T) {
	p := startInProcess(t, nil)
	cfg, err := payments.LoadConfig(p.configPath)
	require.NoError(t, err)
	regions, err := payments.Open(context.Background(), cfg, nil)
	require.NoError(t, err)
	defer regions.Close()
	var mu sync.Mutex
	var events []payments.Event
	h, err := regions.NotificationHandler(func(_ context.Context, ev payments.Event) error {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, ev)
		return nil
	}, nil)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/notify/", http.StripPrefix("/notify", h))
	app := httptest.NewServer(mux)
	defer app.Close()
	require.NoError(t, checkNotifyURL(app.URL+"/notify"))
	p.em.notifyTo(app.URL + "/notify")

	paid := p.em.rs.AddPurchase(rustoretest.Purchase{Status: "paid"})
	order := p.em.ys.AddOrder(yandexpaytest.Order{Status: "AUTHORIZED"})
	invoice := strconv.FormatInt(paid.InvoiceID, 10)
	require.Equal(t, 0, p.run(t, "capture", "-id", paid.PurchaseID, "-invoice", invoice).code)
	require.Equal(t, 0, p.run(t, "capture", "-region", emulateRegionYaPa, "-id", order.OrderID).code)
	p.em.rs.WaitNotifications()
	p.em.ys.WaitWebhooks()

	mu.Lock()
	got := append([]payments.Event(nil), events...)
	mu.Unlock()
	byRegion := map[string]payments.Event{}
	for _, ev := range got {
		if ev.Kind == payments.EventPaymentStatus {
			byRegion[ev.Region] = ev
		}
	}
	assert.Equal(t, paid.PurchaseID, byRegion[emulateRegionRu].Ref.ID)
	assert.Equal(t, "Captured", byRegion[emulateRegionRu].Status.String())
	assert.Equal(t, order.OrderID, byRegion[emulateRegionYaPa].Ref.ID)
	assert.Equal(t, "Captured", byRegion[emulateRegionYaPa].Status.String())

	// The captured bodies decode with payctl notification.
	for region, body := range map[string][]byte{
		emulateRegionRu:   p.em.rs.NotificationAttempts()[0].Body,
		emulateRegionYaPa: p.em.ys.WebhookAttempts()[0].Body,
	} {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"-config", p.configPath, "notification", "-region", region}, bytes.NewReader(body), &stdout, &stderr)
		require.Equal(t, 0, code, stderr.String())
		var ev payments.Event
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &ev), stdout.String())
		assert.Equal(t, region, ev.Region)
		assert.NotEmpty(t, ev.ID)

		// The middle of either body is inside its base64 payload.
		tampered := append([]byte(nil), body...)
		mid := len(tampered) / 2
		tampered[mid] = map[bool]byte{true: 'B', false: 'A'}[tampered[mid] == 'A']
		stdout.Reset()
		stderr.Reset()
		code = run(context.Background(), []string{"-config", p.configPath, "notification", "-region", region}, bytes.NewReader(tampered), &stdout, &stderr)
		assert.Equal(t, exitPayment, code, "a tampered notification is refused: %s", stderr.String())
		assert.Contains(t, stderr.String(), "Unauthenticated")
		assert.Empty(t, stdout.String())
	}
}

func TestEmulateAdminTriggers(t *testing.T) {
	p := startInProcess(t, nil)
	resp, err := http.Post(p.em.url+adminYaPaRotate, "application/json", nil)
	require.NoError(t, err)
	var out map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	resp.Body.Close()
	assert.Equal(t, p.em.ys.WebhookKeyID(), out["kid"])

	resp, err = http.Post(p.em.url+adminRuStoreTest, "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "no -notify: nothing to send to")

	resp, err = http.Get(p.em.url + adminYaPaTest)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	assert.Error(t, checkNotifyURL("ftp://x"))
	assert.Error(t, checkNotifyURL("http://x/?a=1"))
	assert.True(t, strings.HasPrefix(p.em.url, "http://127.0.0.1:"))
}

// TestEmulateBannerPrintsNoKey: with -notify the banner says where the
// RuStore notification key is, as it does for the other keys, and prints no
// key itself: stderr ends up in CI logs and terminal scrollback.
func TestEmulateBannerPrintsNoKey(t *testing.T) {
	stdinR, stdinW := io.Pipe()
	stdoutR, stdoutW := io.Pipe()
	var stderr testlog.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(context.Background(), []string{"emulate", "-addr", "127.0.0.1:0", "-notify", "http://127.0.0.1:1/notify"},
			stdinR, stdoutW, &stderr)
		stdoutW.Close()
	}()
	var cfg emulateConfig
	require.NoError(t, json.NewDecoder(stdoutR).Decode(&cfg), "stderr: %s", stderr.String())
	go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
	keyFile, _ := cfg.Regions[emulateRegionRu]["notification_key_file"].(string)
	require.NotEmpty(t, keyFile)
	key, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	// The banner follows the config: wait for its last line.
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "Yandex Pay keys:") }, 10*time.Second, 10*time.Millisecond)
	stdinW.Close()
	require.Equal(t, 0, <-done, stderr.String())

	assert.Contains(t, stderr.String(), "RuStore notification key (AES-256, base64): in "+keyFile)
	assert.NotContains(t, stderr.String(), strings.TrimSpace(string(key)))
}

// TestNotificationCommandExitStatus: a refused notification is exit status
// 1, input that is no notification of the region's provider at all is 2,
// as the usage text and the README say. A Yandex Pay body captured an hour
// ago is expired now, and decodes when -at names the time of its capture.
func TestNotificationCommandExitStatus(t *testing.T) {
	p := startInProcess(t, nil)
	payload := `{"merchantId":"` + p.em.ys.MerchantID() + `","event":"ORDER_STATUS_UPDATED","eventTime":"2026-11-29T10:00:00Z","order":{"orderId":"o-1","paymentStatus":"CAPTURED"}}`
	fresh, err := p.em.ys.SignWebhook([]byte(payload), time.Now())
	require.NoError(t, err)
	signed := time.Now().Add(-time.Hour).Truncate(time.Second)
	expired, err := p.em.ys.SignWebhook([]byte(payload), signed)
	require.NoError(t, err)
	capturedAt := signed.Add(time.Minute).UTC().Format(time.RFC3339)
	cases := []struct {
		name, region, body string
		args               []string
		want               int
		says               string // in stderr
		prints             string // in stdout
	}{
		{"genuine", emulateRegionYaPa, fresh, nil, exitOK, "", `"o-1"`},
		{"expired", emulateRegionYaPa, expired, nil, exitPayment, "expired", ""},
		{"expired, checked as of its capture", emulateRegionYaPa, expired, []string{"-at", capturedAt}, exitOK, "", `"o-1"`},
		{"fresh, checked as of an hour before it was signed", emulateRegionYaPa, fresh, []string{"-at", signed.UTC().Format(time.RFC3339)}, exitPayment, "", ""},
		{"-at not a time", emulateRegionYaPa, fresh, []string{"-at", "yesterday"}, exitUsage, "-at", ""},
		{"empty, Yandex Pay", emulateRegionYaPa, "", nil, exitUsage, "empty body", ""},
		{"empty, RuStore", emulateRegionRu, "", nil, exitUsage, "not a notification", ""},
		{"Yandex Pay's body to the RuStore region", emulateRegionRu, fresh, nil, exitUsage, "not a notification", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"-config", p.configPath, "notification", "-region", tc.region}, tc.args...)
			code := run(context.Background(), args, strings.NewReader(tc.body), &stdout, &stderr)
			assert.Equal(t, tc.want, code, stderr.String())
			assert.Contains(t, stderr.String(), tc.says)
			assert.Contains(t, stdout.String(), tc.prints)
		})
	}
}
