package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
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

func TestCheckLoopbackAddr(t *testing.T) {
	cases := []struct {
		addr, wantErr string
	}{
		{"127.0.0.1:8787", ""},
		{"127.0.0.1:0", ""},
		{"127.1.2.3:8787", ""},
		{"[::1]:8787", ""},
		{"localhost:8787", ""},
		{"0.0.0.0:8787", `"0.0.0.0" is not a loopback address`},
		{"10.0.0.5:8787", `"10.0.0.5" is not a loopback address`},
		{"example.com:80", `"example.com" is not a loopback address`},
		{":8787", "no host: an empty host listens on every interface"},
		{"127.0.0.1", "want HOST:PORT on a loopback host"},
		{"127.0.0.1:http", `port "http" is not a number`},
		{"127.0.0.1:70000", `port "70000" is not a number`},
	}
	for _, c := range cases {
		err := checkLoopbackAddr(c.addr)
		if c.wantErr == "" {
			assert.NoError(t, err, c.addr)
			continue
		}
		if assert.Error(t, err, c.addr) {
			assert.Contains(t, err.Error(), c.wantErr, c.addr)
		}
	}
}

func TestEmulateRefusesNonLoopback(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"emulate", "-addr", "0.0.0.0:0"}, strings.NewReader(""), &stdout, &stderr)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), `payctl emulate: -addr: "0.0.0.0" is not a loopback address`)
	assert.Empty(t, stdout.String())
}

func TestEmulateAdminEndpoints(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	em, err := startEmulators(ln)
	require.NoError(t, err)
	defer em.close()

	do := func(method, path, body string) (int, map[string]any) {
		req, err := http.NewRequest(method, em.url+path, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &out), string(raw))
		return resp.StatusCode, out
	}
	code, first := do("POST", adminOrders, `{"order_id":"dup","amount":"1.00"}`)
	require.Equal(t, http.StatusCreated, code)
	assert.Equal(t, map[string]any{"order_id": "dup", "status": "AUTHORIZED", "amount": "1.00", "currency": "RUB"}, first)
	code, defaults := do("POST", adminPurchases, ``)
	require.Equal(t, http.StatusCreated, code)
	assert.Equal(t, "paid", defaults["status"])
	assert.Equal(t, "100.00", defaults["amount"])

	cases := []struct {
		name, method, path, body string
		wantCode                 int
		wantErr                  string
	}{
		{"malformed body", "POST", adminPurchases, `{"status":`, http.StatusBadRequest, "body: unexpected EOF"},
		{"unknown field", "POST", adminPurchases, `{"state":"paid"}`, http.StatusBadRequest, `body: json: unknown field "state"`},
		{"bad amount", "POST", adminPurchases, `{"amount":"1.001"}`, http.StatusBadRequest, "amount: "},
		{"bad invoice", "POST", adminPurchases, `{"invoice_id":"12a"}`, http.StatusBadRequest, "invoice_id must be positive digits"},
		{"bad purchase id", "POST", adminPurchases, `{"purchase_id":"not-a-uuid"}`, http.StatusBadRequest, ""},
		{"order exists", "POST", adminOrders, `{"order_id":"dup"}`, http.StatusConflict, `order "dup" exists already`},
		{"order id too long", "POST", adminOrders, `{"order_id":"` + strings.Repeat("x", 2049) + `"}`, http.StatusBadRequest, "order_id is longer than 2048 characters"},
		{"unknown purchase", "GET", adminPurchases + "?id=nope", "", http.StatusNotFound, `no purchase "nope"`},
		{"unknown order", "GET", adminOrders + "?id=nope", "", http.StatusNotFound, `no order "nope"`},
		{"wrong method", "DELETE", adminOrders, "", http.StatusMethodNotAllowed, "use POST to seed"},
	}
	for _, c := range cases {
		code, out := do(c.method, c.path, c.body)
		assert.Equal(t, c.wantCode, code, c.name)
		assert.Contains(t, out["error"], c.wantErr, c.name)
		assert.NotEmpty(t, out["error"], c.name)
	}
}

func TestStdinClosed(t *testing.T) {
	null, err := os.Open(os.DevNull)
	require.NoError(t, err)
	defer null.Close()
	select {
	case <-stdinClosed(null):
		t.Fatal("a /dev/null stdin must not stop the emulators")
	case <-time.After(50 * time.Millisecond):
	}

	r, w := io.Pipe()
	done := stdinClosed(r)
	_, err = w.Write([]byte("typed text is ignored\n"))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("end of stdin did not stop the emulators")
	}
}

// TestWatchStdin: only a pipe is read. A terminal must never be, or a
// background "payctl emulate > emulate.json &" is stopped by the shell on
// its first read; /dev/null and a file would end the emulators at once.
func TestWatchStdin(t *testing.T) {
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	defer pr.Close()
	defer pw.Close()
	assert.True(t, watchStdin(pr), "a pipe is watched")

	null, err := os.Open(os.DevNull)
	require.NoError(t, err)
	defer null.Close()
	assert.False(t, watchStdin(null), "/dev/null is not read")

	file := filepath.Join(t.TempDir(), "stdin")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o600))
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, watchStdin(f), "a regular file is not read")

	assert.True(t, watchStdin(strings.NewReader("")), "a reader that is not a file is watched")

	// The master side of a pseudo-terminal is the same kind of file a
	// terminal stdin is: a character device.
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal to check with (%v); the other kinds passed", err)
	}
	defer tty.Close()
	assert.False(t, watchStdin(tty), "a terminal is never read")
}

// TestEmulateMountsEmulators: both emulators answer on the one listener,
// faults reach the client as the emulator delivers them (no proxy turning a
// truncated body into a 502), and closing ends requests fault.Slow holds.
func TestEmulateMountsEmulators(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	em, err := startEmulators(ln)
	require.NoError(t, err)
	closed := false
	defer func() {
		if !closed {
			em.close()
		}
	}()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(ctx context.Context, path string) (int, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, em.url+path, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Api-Key "+em.ys.APIKey())
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp.StatusCode, body, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	code, body, err := get(ctx, rustorePrefix+"/public/v2/purchase/1")
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, code)
	assert.Contains(t, string(body), "Token is empty")

	o := em.ys.AddOrder(yandexpaytest.Order{OrderID: "x/y"})
	orderPath := yandexPayPrefix + "/api/merchant/v1/orders/x%2Fy"
	require.NoError(t, em.ys.TryInjectFault(fault.Fault{Kind: fault.TruncatedBody, Action: yandexpaytest.ActionOrder}))
	_, _, err = get(ctx, orderPath)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	code, body, err = get(ctx, orderPath)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(body), `"orderId":"`+o.OrderID+`"`)

	require.NoError(t, em.ys.TryInjectFault(fault.Fault{Kind: fault.Slow, Action: yandexpaytest.ActionOrder, Delay: time.Hour}))
	held := len(em.ys.Requests())
	errc := make(chan error, 1)
	go func() {
		_, _, err := get(ctx, orderPath)
		errc <- err
	}()
	require.Eventually(t, func() bool { return len(em.ys.Requests()) > held }, 20*time.Second, time.Millisecond)
	em.close()
	closed = true
	assert.Error(t, <-errc, "a held request ends when the emulators close")
}

// TestEmulateKeyIDIsDigits: the printed config's RuStore key_id looks like a
// console key id (digits), so clients that type it as a number work too.
func TestEmulateKeyIDIsDigits(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	em, err := startEmulators(ln)
	require.NoError(t, err)
	defer em.close()
	id, _ := em.config().Regions[emulateRegionRu]["key_id"].(string)
	require.NotEmpty(t, id)
	for _, r := range id {
		require.True(t, r >= '0' && r <= '9', "key_id %q is not digits", id)
	}
}
