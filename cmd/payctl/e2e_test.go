package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/internal/testlog"
)

// The test binary is payctl too: run under the name "payctl" (a link
// buildPayctl makes), it runs main instead of the tests. The end-to-end tests
// thus run the real program, flags, exit statuses and all, without building
// it again: a nested "go build" doubles a cold test run.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == payctlName {
		main()
		return
	}
	code := m.Run()
	if payctlBin.dir != "" {
		os.RemoveAll(payctlBin.dir)
	}
	os.Exit(code)
}

// payctlName is the name the test binary answers to as payctl.
const payctlName = "payctl"

// payctlBin is the link to the test binary, made once for every test.
var payctlBin struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// buildPayctl returns the path of a "payctl" that is this test binary,
// linked (or copied, where links are not allowed) into a directory that lives
// as long as the test process. Its directory may go first in PATH.
func buildPayctl(t *testing.T) string {
	t.Helper()
	payctlBin.once.Do(func() {
		self, err := os.Executable()
		if err != nil {
			payctlBin.err = err
			return
		}
		dir, err := os.MkdirTemp("", "payctl-test-")
		if err != nil {
			payctlBin.err = err
			return
		}
		payctlBin.dir = dir
		path := filepath.Join(dir, payctlName)
		if err := os.Symlink(self, path); err != nil {
			payctlBin.err = fmt.Errorf("link the test binary as payctl: %w", err)
			return
		}
		payctlBin.path = path
	})
	require.NoError(t, payctlBin.err)
	return payctlBin.path
}

// emulateProc is a running "payctl emulate".
type emulateProc struct {
	cmd        *exec.Cmd
	stdin      io.WriteCloser
	stderr     *testlog.Buffer
	config     map[string]any
	configPath string
	adminURL   string
	done       chan error
}

// startEmulate runs "payctl emulate" on a free loopback port, reads the config
// it prints and writes it to a file for the other subcommands.
func startEmulate(t *testing.T, bin string) *emulateProc {
	t.Helper()
	cmd := exec.Command(bin, "emulate", "-addr", "127.0.0.1:0")
	cmd.Env = payctlEnv()
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	p := &emulateProc{cmd: cmd, stdin: stdin, stderr: &testlog.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	require.NoError(t, cmd.Start())
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		stdin.Close()
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-p.done
		}
	})

	decoded := make(chan error, 1)
	go func() { decoded <- json.NewDecoder(bufio.NewReader(stdout)).Decode(&p.config) }()
	select {
	case err := <-decoded:
		require.NoError(t, err, "emulate stderr: %s", p.stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("emulate printed no config; stderr: %s", p.stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	raw, err := json.Marshal(p.config)
	require.NoError(t, err)
	p.configPath = filepath.Join(t.TempDir(), "payments.json")
	require.NoError(t, os.WriteFile(p.configPath, raw, 0o600))

	regions := p.config["regions"].(map[string]any)
	base := regions["rustore-ru"].(map[string]any)["base_url"].(string)
	u, err := url.Parse(base)
	require.NoError(t, err)
	p.adminURL = "http://" + u.Host
	return p
}

// seed posts to an admin endpoint and returns the stored object.
func (p *emulateProc) seed(t *testing.T, path, body string) map[string]string {
	t.Helper()
	resp, err := http.Post(p.adminURL+path, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	flat := map[string]string{}
	for k, v := range out {
		flat[k] = fmt.Sprint(v)
	}
	return flat
}

// counts reads how many times each action changed a seeded payment.
func (p *emulateProc) counts(t *testing.T, path, id string) map[string]float64 {
	t.Helper()
	resp, err := http.Get(p.adminURL + path + "?id=" + url.QueryEscape(id))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var out struct {
		Counts map[string]float64 `json:"counts"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out.Counts
}

// payctlEnv is the environment payctl runs in: no config from the caller's
// environment, and, under -race, no second of sleep at exit (the race
// detector's default), which would add a second to every run.
func payctlEnv() []string {
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	return append(os.Environ(), "PAYCTL_CONFIG=", "GORACE="+gorace)
}

// runResult is one payctl run.
type runResult struct {
	code           int
	stdout, stderr string
}

func runPayctl(t *testing.T, bin string, args ...string) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = payctlEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return runResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// jsonOut decodes the one JSON object a -json run prints.
func jsonOut(t *testing.T, r runResult) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out), "stdout %q stderr %q", r.stdout, r.stderr)
	return out
}

// step is one payctl run against the emulators and what it must print.
type step struct {
	name     string
	args     []string
	wantCode int
	want     map[string]any // fields of the -json output (nil for errors)
	wantErr  string         // substring of stderr
}

func TestPayctlAgainstEmulate(t *testing.T) {
	bin := buildPayctl(t)
	em := startEmulate(t, bin)
	cfg := []string{"-config", em.configPath}

	// RuStore purchases, one per flow.
	rsCapture := em.seed(t, adminPurchases, `{"status":"paid","amount":"299.00"}`)
	rsVoid := em.seed(t, adminPurchases, `{"status":"paid"}`)
	rsRollback := em.seed(t, adminPurchases, `{"status":"confirmed","amount":"10.50"}`)
	rsRefund := em.seed(t, adminPurchases, `{"status":"confirmed"}`)
	rs := func(cmd string, p map[string]string, extra ...string) []string {
		return append(append(append([]string{}, cfg...), cmd, "-region", "rustore-ru", "-id", p["purchase_id"], "-invoice", p["invoice_id"], "-json"), extra...)
	}
	// Yandex Pay orders; one id is full of characters that must stay in one path segment.
	ypCapture := em.seed(t, adminOrders, `{"order_id":"order/../x?y=1%2F","amount":"50.00"}`)
	ypVoid := em.seed(t, adminOrders, `{"status":"AUTHORIZED"}`)
	ypRollback := em.seed(t, adminOrders, `{"status":"CAPTURED","amount":"75.00"}`)
	ypRefund := em.seed(t, adminOrders, `{"status":"CAPTURED","amount":"80.00"}`)
	ypPending := em.seed(t, adminOrders, `{"status":"CAPTURED","amount":"80.00"}`)
	yp := func(cmd string, o map[string]string, extra ...string) []string {
		// No -region: the yandexpay region is chosen explicitly, and the flag goes after the command.
		return append(append(append([]string{}, cfg...), cmd, "-region", "yandexpay-ru", "-id", o["order_id"], "-json"), extra...)
	}

	// Carts for the partial actions: what stays charged afterwards.
	cartFile := func(name string, minor int) string {
		path := filepath.Join(t.TempDir(), name)
		c := fmt.Sprintf(`{"items":[{"id":"sku-1","title":"Mug","quantity":1,"total":{"minor":%d,"currency":"RUB"}}],"total":{"minor":%d,"currency":"RUB"}}`, minor, minor)
		require.NoError(t, os.WriteFile(path, []byte(c), 0o600))
		return path
	}
	captureCart, refundCart := cartFile("capture.json", 2000), cartFile("refund.json", 5000)

	steps := []step{
		{name: "rustore status", args: rs("status", rsCapture), want: map[string]any{
			"provider": "rustore", "id": rsCapture["purchase_id"], "invoice_id": rsCapture["invoice_id"],
			"status": "Authorized", "raw_status": "paid", "amount": "299.00", "currency": "RUB", "pending": false}},
		{name: "rustore capture", args: rs("capture", rsCapture, "-idempotency-key", "cap-1"), want: map[string]any{
			"provider": "rustore", "status": "Captured", "pending": false, "idempotency_key": "cap-1"}},
		{name: "rustore capture repeated with the same key is a replay", args: rs("capture", rsCapture, "-idempotency-key", "cap-1"), want: map[string]any{
			"status": "Captured", "idempotency_key": "cap-1"}},
		{name: "rustore capture repeated without a key is refused", args: rs("capture", rsCapture), wantCode: 1, wantErr: "code: FailedPrecondition"},
		{name: "rustore status after capture", args: rs("status", rsCapture), want: map[string]any{"status": "Captured", "raw_status": "confirmed", "amount": "299.00"}},
		{name: "rustore void", args: rs("void", rsVoid), want: map[string]any{"status": "Voided"}},
		{name: "rustore rollback refunds a capture", args: rs("rollback", rsRollback), want: map[string]any{"status": "Refunded"}},
		{name: "rustore rollback again does nothing", args: rs("rollback", rsRollback), want: map[string]any{"status": "Refunded", "no_op": true}},
		{name: "rustore refund", args: rs("refund", rsRefund), want: map[string]any{"status": "Refunded"}},
		{name: "rustore partial refund is unimplemented", args: rs("refund", rsVoid, "-amount", "1.00"), wantCode: 2, wantErr: "code: Unimplemented"},
		{name: "rustore status needs only the invoice", args: append(append([]string{}, cfg...), "status", "-region", "rustore-ru", "-invoice", rsRefund["invoice_id"], "-json"),
			want: map[string]any{"status": "Refunded", "invoice_id": rsRefund["invoice_id"]}},
		{name: "rustore refuses a cart", args: rs("refund", rsVoid, "-cart", refundCart), wantCode: 2, wantErr: "RuStore has no carts"},
		{name: "rustore unknown invoice", args: rs("status", map[string]string{"purchase_id": rsVoid["purchase_id"], "invoice_id": "999999"}), wantCode: 1, wantErr: "code: NotFound"},

		{name: "yandexpay status", args: yp("status", ypCapture), want: map[string]any{
			"provider": "yandexpay", "id": ypCapture["order_id"],
			"status": "Authorized", "raw_status": "AUTHORIZED", "amount": "50.00", "currency": "RUB", "pending": false}},
		{name: "yandexpay partial capture without a cart", args: yp("capture", ypCapture, "-amount", "20.00"), wantCode: 2, wantErr: "-cart is missing"},
		{name: "yandexpay partial capture", args: yp("capture", ypCapture, "-amount", "20.00", "-cart", captureCart, "-idempotency-key", "yp-cap-1"), want: map[string]any{
			"status": "Captured", "raw_status": "CAPTURED", "pending": false, "idempotency_key": "yp-cap-1"}},
		{name: "yandexpay status after partial capture", args: yp("status", ypCapture), want: map[string]any{"status": "Captured", "amount": "20.00"}},
		{name: "yandexpay capture of a captured order", args: yp("capture", ypCapture), wantCode: 1, wantErr: "code: FailedPrecondition"},
		{name: "yandexpay void", args: yp("void", ypVoid, "-reason", "out of stock"), want: map[string]any{"status": "Voided"}},
		{name: "yandexpay rollback refunds a capture", args: yp("rollback", ypRollback, "-wait", "30s"), want: map[string]any{"status": "Refunded"}},
		{name: "yandexpay refund waits", args: yp("refund", ypRefund, "-amount", "30.00", "-cart", refundCart, "-wait", "30s"), want: map[string]any{
			"status": "PartiallyRefunded", "pending": false}},
		{name: "yandexpay status after refund", args: yp("status", ypRefund), want: map[string]any{"status": "PartiallyRefunded", "amount": "50.00"}},
		{name: "yandexpay refund left pending", args: yp("refund", ypPending), want: map[string]any{"pending": true}},
		{name: "yandexpay unknown order", args: yp("status", map[string]string{"order_id": "no-such-order"}), wantCode: 1, wantErr: "code: NotFound"},
		{name: "yandexpay amount too precise", args: yp("capture", ypVoid, "-amount", "1.234"), wantCode: 2, wantErr: "-amount:"},
	}
	for _, s := range steps {
		// Steps run in order: later ones depend on the state earlier ones left.
		r := runPayctl(t, bin, s.args...)
		if !assert.Equal(t, s.wantCode, r.code, "%s: stdout %q stderr %q", s.name, r.stdout, r.stderr) {
			continue
		}
		if s.wantErr != "" {
			assert.Contains(t, r.stderr, s.wantErr, s.name)
			assert.Empty(t, r.stdout, s.name)
			continue
		}
		out := jsonOut(t, r)
		for k, v := range s.want {
			assert.Equal(t, v, out[k], "%s: field %s in %s", s.name, k, r.stdout)
		}
		if out["pending"] == true {
			assert.NotEmpty(t, out["operation_id"], s.name)
		}
		for _, k := range []string{"provider", "pending"} {
			assert.Contains(t, out, k, "%s: every -json object carries %s", s.name, k)
		}
		if out["id"] == nil && out["invoice_id"] == nil {
			t.Errorf("%s: a -json object names the payment by id or, read by invoice alone, invoice_id: %s", s.name, r.stdout)
		}
		for k, v := range out {
			// What is not known is left out, never printed empty.
			assert.NotContains(t, []any{nil, ""}, v, "%s: field %s is printed but empty in %s", s.name, k, r.stdout)
		}
	}

	// Each action moved money once, whatever was repeated.
	assert.Equal(t, map[string]float64{"confirm": 1, "cancel": 0, "refund": 0}, em.counts(t, adminPurchases, rsCapture["purchase_id"]))
	assert.Equal(t, map[string]float64{"confirm": 0, "cancel": 0, "refund": 1}, em.counts(t, adminPurchases, rsRollback["purchase_id"]))
	assert.Equal(t, float64(1), em.counts(t, adminOrders, ypCapture["order_id"])["capture"])
	assert.Equal(t, float64(1), em.counts(t, adminOrders, ypRefund["order_id"])["refund"])

	// Human output names the fields.
	r := runPayctl(t, bin, "-config", em.configPath, "status", "-region", "rustore-ru", "-id", rsCapture["purchase_id"], "-invoice", rsCapture["invoice_id"])
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "status:          Captured\n")
	assert.Contains(t, r.stdout, "amount:          299.00 RUB\n")

	// The default region is used when -region is left out.
	r = runPayctl(t, bin, "-config", em.configPath, "status", "-id", rsVoid["purchase_id"], "-invoice", rsVoid["invoice_id"], "-json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "rustore", jsonOut(t, r)["provider"])

	// No key file content ever reaches the output.
	keyFile := em.config["regions"].(map[string]any)["rustore-ru"].(map[string]any)["private_key_file"].(string)
	key, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	assert.NotContains(t, em.stderr.String(), strings.TrimSpace(string(key))[:40])

	// End of stdin stops the emulators and removes the key files.
	require.NoError(t, em.stdin.Close())
	select {
	case err := <-em.done:
		require.NoError(t, err, "emulate stderr: %s", em.stderr.String())
		em.done <- err // for the cleanup
	case <-time.After(30 * time.Second):
		t.Fatal("emulate did not stop at the end of stdin")
	}
	_, err = os.Stat(filepath.Dir(keyFile))
	assert.True(t, os.IsNotExist(err), "key directory left behind: %v", err)
}

func TestPayctlUsageErrors(t *testing.T) {
	bin := buildPayctl(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"regions": {"web": {"provider": "yandexpay", "base_url": "http://127.0.0.1:1", "api_key": "${PAYCTL_TEST_UNSET_KEY}"}}}`), 0o600))
	badCart := filepath.Join(dir, "cart.json")
	require.NoError(t, os.WriteFile(badCart, []byte(`{"items":[{"id":"a","title":"A","quantity":1,"total":{"minor":100,"currency":"RUB"}}],"total":{"minor":101,"currency":"RUB"}}`), 0o600))
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{\n  \"regions\": {\n    \"ru\": {\"provider\": \"rustore\",}\n  }\n}\n"), 0o600))
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"no command", nil, "Commands:"},
		{"unknown command", []string{"charge"}, `unknown command "charge"`},
		{"unknown global flag", []string{"-colour", "status"}, "flag provided but not defined: -colour"},
		{"no id", []string{"-config", good, "status"}, "-id (or, for RuStore, -invoice) is required"},
		{"cart file missing", []string{"-config", good, "capture", "-id", "x", "-cart", filepath.Join(dir, "absent-cart.json")}, "-cart: open"},
		{"cart not summing", []string{"-config", good, "capture", "-id", "x", "-cart", badCart}, "-cart: " + badCart + ": cart total 1.01 RUB is not the sum of its items (1.00 RUB)"},
		{"flag of another command", []string{"-config", good, "status", "-id", "x", "-amount", "1.00"}, "flag provided but not defined: -amount"},
		{"positional argument", []string{"-config", good, "void", "-id", "x", "now"}, `unexpected argument "now"`},
		{"bad amount", []string{"-config", good, "capture", "-id", "x", "-amount", "12,50"}, "-amount:"},
		{"negative amount", []string{"-config", good, "refund", "-id", "x", "-amount", "-5"}, "-amount:"},
		{"zero amount", []string{"-config", good, "refund", "-id", "x", "-amount", "0.00"}, "-amount: amount must be positive"},
		{"no config", []string{"status", "-id", "x"}, "no config: pass -config FILE or set PAYCTL_CONFIG"},
		{"missing config file", []string{"-config", filepath.Join(dir, "absent.json"), "status", "-id", "x"}, "cannot read: no such file or directory"},
		{"malformed config", []string{"-config", bad, "status", "-id", "x"}, "line 3, column 34: malformed JSON"},
		{"missing secret", []string{"-config", good, "status", "-id", "x"}, `region "web": field "api_key": environment variable PAYCTL_TEST_UNSET_KEY is not set or empty`},
		{"non-loopback emulate", []string{"emulate", "-addr", "0.0.0.0:8787"}, `"0.0.0.0" is not a loopback address`},
		{"demo takes no arguments", []string{"demo", "now"}, `unexpected argument "now"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runPayctl(t, bin, c.args...)
			assert.Equal(t, 2, r.code, "stdout %q stderr %q", r.stdout, r.stderr)
			assert.Contains(t, r.stderr, c.wantErr)
			assert.Empty(t, r.stdout)
		})
	}
}

func TestPayctlUnknownRegion(t *testing.T) {
	bin := buildPayctl(t)
	path := filepath.Join(t.TempDir(), "payments.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"regions": {"web": {"provider": "yandexpay", "base_url": "http://127.0.0.1:1", "api_key_file": "key"}}}`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(path), "key"), []byte("k\n"), 0o600))
	r := runPayctl(t, bin, "-config", path, "status", "-region", "kz", "-id", "x")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `region "kz": unknown region (configured: web)`)
}

func TestPayctlHelp(t *testing.T) {
	bin := buildPayctl(t)
	cases := map[string]string{
		"-h":       "Commands:",
		"status":   "payctl status: read a payment",
		"capture":  "-idempotency-key",
		"void":     "-reason",
		"rollback": "payctl rollback:",
		"refund":   "-amount",
		"demo":     "payctl demo:",
		"emulate":  "POST /admin/rustore/purchases",
	}
	for cmd, want := range cases {
		t.Run(cmd, func(t *testing.T) {
			args := []string{cmd, "-h"}
			if cmd == "-h" {
				args = []string{"-h"}
			}
			r := runPayctl(t, bin, args...)
			assert.Equal(t, 0, r.code, r.stderr)
			assert.Contains(t, r.stderr, want)
		})
	}
}
