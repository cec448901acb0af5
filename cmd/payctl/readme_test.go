package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/internal/readmetest"
)

// readmeAddr is the address the README's walk-through uses.
const readmeAddr = "127.0.0.1:8787"

// TestREADMEWalkthrough runs the README's emulate walk-through, line for
// line, in bash with payctl on PATH: it starts "payctl emulate" in the
// background as the README says, seeds over HTTP with curl, and acts with
// payctl. The one change is the port: tests of several checkouts may run at
// once on one machine, so 8787 becomes a free one.
func TestREADMEWalkthrough(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("the README walk-through needs curl on PATH (Debian: apt-get install curl)")
	}
	script := readmetest.MustBlock(filepath.Join("..", "..", "README.md"), "walkthrough")
	require.Contains(t, script, readmeAddr, "the walk-through no longer uses %s; update this test", readmeAddr)
	script = strings.ReplaceAll(script, readmeAddr, freeLoopbackAddr(t))

	bin := buildPayctl(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-o", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(payctlEnv(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	// Its own process group, so that whatever the script left running is
	// stopped with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	require.NoError(t, err, "the README walk-through failed\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	out := stdout.String()

	// RuStore capture -json, then the Yandex Pay capture and the refund in
	// human form, then the admin read of the order.
	assert.Contains(t, out, `"status":"Captured"`)
	assert.Contains(t, out, "status:          Captured\n")
	assert.Contains(t, out, "status:          PartiallyRefunded\n")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var order struct {
		OrderID string         `json:"order_id"`
		Status  string         `json:"status"`
		Amount  string         `json:"amount"`
		Counts  map[string]int `json:"counts"`
	}
	read := lineWith(t, lines, `"counts"`) // the admin read of order-1
	require.NoError(t, json.Unmarshal([]byte(read), &order), "admin read: %s", read)
	assert.Equal(t, "order-1", order.OrderID)
	assert.Equal(t, "PARTIALLY_REFUNDED", order.Status)
	assert.Equal(t, "40.00", order.Amount)
	assert.Equal(t, 1, order.Counts["capture"])
	assert.Equal(t, 1, order.Counts["refund"])

	// The web checkout: payctl start printed the page's URL, the page's Pay
	// (curl) authorized the order, and status shows it with the cart's total.
	assert.Regexp(t, `(?m)^id: +order-2\nstatus: +Authorized\nraw_status: +AUTHORIZED\namount: +300\.00 RUB\n`, out)
	// find printed the purchase's both ids, the last line of the walk-through.
	assert.Equal(t, "0b7e4a52-3c1d-4f6e-8a9b-1c2d3e4f5a6b 100002", lines[len(lines)-1])

	// "kill %1" stopped the emulators, which removed their key files.
	var cfg struct {
		Regions map[string]map[string]any `json:"regions"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "emulate.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &cfg))
	keyDir := filepath.Dir(cfg.Regions[emulateRegionRu]["private_key_file"].(string))
	assert.Eventually(t, func() bool {
		_, err := os.Stat(keyDir)
		return os.IsNotExist(err)
	}, 10*time.Second, 20*time.Millisecond, "the emulators' key directory %s was left behind", keyDir)
}

// lineWith returns the one line of lines that contains sub, failing the test
// when none or several do.
func lineWith(t *testing.T, lines []string, sub string) string {
	t.Helper()
	var found []string
	for _, l := range lines {
		if strings.Contains(l, sub) {
			found = append(found, l)
		}
	}
	require.Len(t, found, 1, "lines containing %s", sub)
	return found[0]
}

// freeLoopbackAddr returns a loopback address with a port free a moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// TestREADMEDemoOutput: the table the README shows for "payctl demo" is what
// the demo prints.
func TestREADMEDemoOutput(t *testing.T) {
	want := readmetest.MustBlock(filepath.Join("..", "..", "README.md"), "demo")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"demo"}, nil, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Equal(t, want, stdout.String(), "README.md's demo table differs from what payctl demo prints")
}

// TestEmulateAsBackgroundJob runs the walk-through's first lines, which start
// "payctl emulate ... &", in an interactive bash on a pseudo-terminal (made
// by script(1)), where a background job that reads the terminal is stopped
// by the shell. The emulators must keep running until they are killed.
func TestEmulateAsBackgroundJob(t *testing.T) {
	scriptCmd, err := exec.LookPath("script")
	if err != nil {
		t.Fatal("this test needs script(1) to give bash a terminal (Debian: bsdutils, always installed)")
	}
	walk := readmetest.MustBlock(filepath.Join("..", "..", "README.md"), "walkthrough")
	start, _, _ := strings.Cut(walk, "\n\n") // the lines up to the first blank one start the emulators
	require.Contains(t, start, "payctl emulate", "the walk-through no longer starts with payctl emulate")
	start = strings.ReplaceAll(start, readmeAddr, freeLoopbackAddr(t))

	bin := buildPayctl(t)
	dir := t.TempDir()
	// kill -CONT lets a job the shell stopped take its SIGTERM and end, so
	// nothing is left behind when this test fails.
	shell := "PATH=" + filepath.Dir(bin) + ":$PATH\n" + start + "sleep 0.5\njobs -l\nkill %1\nkill -CONT %1 2>/dev/null\nwait\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "walk.sh"), []byte(shell), 0o600))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, scriptCmd, "-qec", "bash --norc --noprofile -i walk.sh", "/dev/null")
	cmd.Dir = dir
	cmd.Env = payctlEnv()
	cmd.Stdin = nil // script gives bash its own terminal
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "Running", "jobs -l shows the emulators running:\n%s", out)
	assert.NotContains(t, string(out), "Stopped", "the shell stopped the emulators for reading the terminal:\n%s", out)
}
