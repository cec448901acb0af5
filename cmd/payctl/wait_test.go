package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// asyncYandexConfig writes a one-region config for a Yandex Pay emulator.
func asyncYandexConfig(t *testing.T, ys *yandexpaytest.Server) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "yp.key"), []byte(ys.APIKey()+"\n"), 0o600))
	path := filepath.Join(dir, "payments.json")
	cfg := fmt.Sprintf(`{"regions": {"web": {"provider": "yandexpay", "base_url": %q, "api_key_file": "yp.key"}}}`, ys.BaseURL())
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	return path
}

// When -wait ran out while Yandex Pay was still running an accepted capture,
// payctl exited 1 with "DeadlineExceeded" and no idempotency key: it said the
// capture failed, although the provider had accepted it, and a user
// repeating the command got a second capture under a new key. It now reports
// the action pending with its key and operation, as -wait 0 does, and a
// repeat with that key is the same action.
func TestPayctlWaitTimeoutReportsPendingAction(t *testing.T) {
	ys := yandexpaytest.NewServer(&yandexpaytest.Options{Async: true})
	defer ys.Close()
	order := ys.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusAuthorized})
	cfg := asyncYandexConfig(t, ys)

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-config", cfg, "capture", "-id", order.OrderID, "-json", "-wait", "300ms"}, nil, &stdout, &stderr)
	require.Equal(t, exitOK, code, "stdout %q stderr %q", stdout.String(), stderr.String())
	var out map[string]any
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &out), stdout.String())
	assert.Equal(t, true, out["pending"])
	key, _ := out["idempotency_key"].(string)
	require.NotEmpty(t, key, "the generated key is what makes a repeat safe")
	assert.NotEmpty(t, out["operation_id"])
	assert.Contains(t, stderr.String(), "still running")
	assert.Zero(t, ys.Count(order.OrderID, yandexpaytest.ActionCapture), "nothing is captured until the operation completes")

	// The provider finishes the operation; repeating with the printed key
	// reports it and captures nothing more.
	opID, _ := out["operation_id"].(string)
	require.NoError(t, ys.CompleteOperation(opID, true))
	stdout.Reset()
	stderr.Reset()
	code = run(context.Background(), []string{"-config", cfg, "capture", "-id", order.OrderID, "-json", "-idempotency-key", key}, nil, &stdout, &stderr)
	require.Equal(t, exitOK, code, "stdout %q stderr %q", stdout.String(), stderr.String())
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &out), stdout.String())
	assert.Equal(t, "Captured", out["status"])
	assert.Equal(t, 1, ys.Count(order.OrderID, yandexpaytest.ActionCapture))
}

// A wait that fails for another reason (here the operation itself fails) is
// an error, and it names the key the action was sent with.
func TestPayctlWaitFailureCarriesTheKey(t *testing.T) {
	ys := yandexpaytest.NewServer(&yandexpaytest.Options{Async: true})
	defer ys.Close()
	order := ys.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusAuthorized})
	cfg := asyncYandexConfig(t, ys)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		// Fail the capture's operation as soon as it exists.
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for ctx.Err() == nil {
			if ops := ys.Operations(order.OrderID); len(ops) > 0 {
				_ = ys.CompleteOperation(ops[0].OperationID, false)
				return
			}
			select {
			case <-ctx.Done():
			case <-tick.C:
			}
		}
	}()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"-config", cfg, "capture", "-id", order.OrderID, "-json", "-wait", "1m"}, nil, &stdout, &stderr)
	cancel()
	<-done
	require.Equal(t, exitPayment, code, "stdout %q stderr %q", stdout.String(), stderr.String())
	assert.Empty(t, stdout.String())
	assert.Contains(t, stderr.String(), "the provider accepted the action")
	assert.Contains(t, stderr.String(), "idempotency key: ")
	assert.Zero(t, ys.Count(order.OrderID, yandexpaytest.ActionCapture))
}
