package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/fault"
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

// Issue 7, item 4: a refund Yandex Pay accepted, whose outcome polls then
// got 503, exited 1 as if the provider had refused it, with Unavailable. A
// poll that fails proves nothing about an accepted action: payctl reports it
// pending, with its key, and exits 0 as for -wait 0.
func TestPayctlWaitPollsUnavailableReportsPending(t *testing.T) {
	ys := yandexpaytest.NewServer(&yandexpaytest.Options{Async: true})
	defer ys.Close()
	order := ys.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusCaptured, Amount: 50000})
	ys.InjectFault(fault.Fault{Kind: fault.ServerError, Action: yandexpaytest.ActionOperation, Times: 1000})
	cfg := asyncYandexConfig(t, ys)

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-config", cfg, "refund", "-id", order.OrderID, "-json", "-wait", "20s"}, nil, &stdout, &stderr)
	require.Equal(t, exitOK, code, "stdout %q stderr %q", stdout.String(), stderr.String())
	var out map[string]any
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &out), stdout.String())
	assert.Equal(t, true, out["pending"])
	key, _ := out["idempotency_key"].(string)
	require.NotEmpty(t, key)
	assert.NotContains(t, stderr.String(), "refused")
	assert.Contains(t, stderr.String(), "Unavailable")
	assert.Contains(t, stderr.String(), key, "the note names the key to repeat with")
}

// Issue 7: every failed or unknown write prints its idempotency key (also
// one the adapter made up) and the exact command that repeats it safely;
// running that command acts once.
func TestPayctlUnknownWritePrintsKeyAndRepeatCommand(t *testing.T) {
	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()
	order := ys.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusCaptured, Amount: 50000})
	// Every attempt of the first command gets a 503 (the default transport
	// makes four): nothing proves the refund did not happen.
	ys.InjectFault(fault.Fault{Kind: fault.ServerError, Action: yandexpaytest.ActionRefund, Times: 4})
	cfg := asyncYandexConfig(t, ys)

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-config", cfg, "refund", "-id", order.OrderID, "-amount", "30.00", "-cart", keptCart(t, 47000)}, nil, &stdout, &stderr)
	require.Equal(t, exitPayment, code, "stdout %q stderr %q", stdout.String(), stderr.String())
	errText := stderr.String()
	assert.Contains(t, errText, "code: OutcomeUnknown")
	assert.Contains(t, errText, "idempotency key: ")
	var repeat string
	for _, line := range strings.Split(errText, "\n") {
		if r, ok := strings.CutPrefix(line, "repeat safely with: "); ok {
			repeat = r
		}
	}
	require.NotEmpty(t, repeat, "no repeat command in %q", errText)
	args := strings.Fields(repeat)
	require.Equal(t, "payctl", args[0])
	for i, a := range args {
		args[i] = strings.TrimSuffix(strings.TrimPrefix(a, "'"), "'")
	}
	assert.Contains(t, args, "-idempotency-key")
	assert.Contains(t, args, "30.00", "the repeat must ask for the same amount")

	stdout.Reset()
	stderr.Reset()
	code = run(context.Background(), args[1:], nil, &stdout, &stderr)
	require.Equal(t, exitOK, code, "repeat %q: stdout %q stderr %q", repeat, stdout.String(), stderr.String())
	assert.LessOrEqual(t, ys.Count(order.OrderID, yandexpaytest.ActionRefund), 1, "the repeat acted more than once")
	// One refund operation, of the amount asked: the repeat was the same action.
	if ops := ys.Operations(order.OrderID); assert.Len(t, ops, 1) {
		assert.Equal(t, int64(3000), ops[0].Amount)
	}
}

// Issue 7, item 1 through payctl: a refund whose answer was lost and whose
// retry got 429 "retry after 1m" exited 1 with ResourceExhausted and no key,
// inviting a second refund under a new key. The refund happened: payctl
// says so (read back through the operation), with the key.
func TestPayctlRefundLostThenTooManyRequests(t *testing.T) {
	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()
	order := ys.AddOrder(yandexpaytest.Order{Status: yandexpaytest.StatusCaptured, Amount: 50000})
	ys.InjectFault(fault.Fault{Kind: fault.ResetThenRefuse, Action: yandexpaytest.ActionRefund, Status: 429, RetryAfter: time.Minute})
	cfg := asyncYandexConfig(t, ys)

	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-config", cfg, "refund", "-id", order.OrderID, "-amount", "30.00", "-cart", keptCart(t, 47000), "-json"}, nil, &stdout, &stderr)
	require.Equal(t, exitOK, code, "stdout %q stderr %q", stdout.String(), stderr.String())
	assert.NotContains(t, stderr.String(), "ResourceExhausted")
	var out map[string]any
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &out), stdout.String())
	assert.NotEmpty(t, out["idempotency_key"])
	assert.Len(t, ys.Operations(order.OrderID), 1)
}

// keptCart writes a one-line cart of minor kopecks, what stays charged after
// a partial refund, and returns its path for -cart.
func keptCart(t *testing.T, minor int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kept.json")
	body := fmt.Sprintf(`{"items":[{"id":"a","title":"A","quantity":1,"total":{"minor":%d,"currency":"RUB"}}],"total":{"minor":%d,"currency":"RUB"}}`, minor, minor)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
