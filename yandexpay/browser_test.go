package yandexpay_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

// browserNames are where Chromium is looked for: $CHROME_PATH first, then
// Debian's chromium package and the other usual names.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"}

// findBrowser returns a Chromium to drive. Without one the test is skipped
// on a developer's machine, but fails in CI (CI=true), where .ci/run
// installs the browser: a browser test that silently never runs proves
// nothing.
func findBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found (looked for $CHROME_PATH and " + strings.Join(browserNames, ", ") +
		"): install Debian's chromium package (apt-get install -y chromium) to run the browser test"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// TestBrowserPaysThePaymentPage: a real browser opens the payment link
// Start returned, clicks Pay, and the order is then AUTHORIZED through
// Status.
func TestBrowserPaysThePaymentPage(t *testing.T) {
	browser := findBrowser(t)
	e := newEnv(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	started, err := payments.Start(ctx, e.c, startReq("browser-order-1"))
	if err != nil {
		t.Fatal(err)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	// The browser lives as long as the context of its first action, so it
	// gets no deadline of its own; each step below has one.
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting %s: %v", browser, err)
	}
	step, cancelStep := context.WithTimeout(bctx, 60*time.Second)
	defer cancelStep()

	err = chromedp.Do(step, chromedp.Navigate(started.PaymentURL), chromedp.WaitVisible(chromedp.ID("pay")))
	if err != nil {
		t.Fatalf("opening the payment page in %s: %v", browser, err)
	}
	before, err := chromedp.Run(step, chromedp.Text(chromedp.ID("status")))
	if err != nil {
		t.Fatal(err)
	}
	// The page answers the click with a redirect to itself, which then
	// shows the result and the way back to the shop.
	if err := chromedp.Do(step, chromedp.Click(chromedp.ID("pay")), chromedp.WaitVisible(chromedp.ID("return"))); err != nil {
		t.Fatalf("paying in %s: %v", browser, err)
	}
	after, err := chromedp.Run(step, chromedp.Text(chromedp.ID("status")))
	if err != nil {
		t.Fatal(err)
	}
	back, err := chromedp.Run(step, chromedp.AttributeValue(chromedp.ID("return"), "href"))
	if err != nil {
		t.Fatal(err)
	}
	if before != "PENDING" || after != "AUTHORIZED" || back.Value != "https://shop.example/ok" {
		t.Fatalf("the page showed %q, then %q with a way back to %q", before, after, back.Value)
	}

	pay, err := e.c.Status(ctx, started.Ref)
	if err != nil {
		t.Fatal(err)
	}
	if pay.Status != status.Authorized {
		t.Fatalf("Status after paying in the browser: %s (%s), want Authorized", pay.Status, pay.RawStatus)
	}
}
