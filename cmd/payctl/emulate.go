package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// Paths on the emulate listener. Each emulator is mounted under its own
// prefix, so one loopback port serves both and the admin endpoints.
const (
	rustorePrefix     = "/rustore"
	yandexPayPrefix   = "/yandexpay"
	adminPurchases    = "/admin/rustore/purchases"
	adminOrders       = "/admin/yandexpay/orders"
	adminRuStoreTest  = "/admin/rustore/test-notification"
	adminYaPaTest     = "/admin/yandexpay/test-webhook"
	adminYaPaRotate   = "/admin/yandexpay/rotate-key"
	maxAdminBody      = 64 << 10
	emulateRegionRu   = "rustore-ru"
	emulateRegionYaPa = "yandexpay-ru"
	// rustoreNotificationKeyFile holds RuStore's notification key in the key
	// directory: the banner names the file, never the key, as for the others.
	rustoreNotificationKeyFile = "rustore-notification.key"
)

func emulateCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("payctl emulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8787", "loopback `address` to listen on (port 0 picks a free one)")
	notify := fs.String("notify", "", "send notifications to the app endpoint at `URL`: RuStore's to URL/"+emulateRegionRu+
		", Yandex Pay's to URL/"+emulateRegionYaPa+"/v1/webhook (the layout of payments.Regions.NotificationHandler)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `payctl emulate: run the RuStore and Yandex Pay emulators on one loopback port.

It prints a payments config for them on stdout (key files go to a temporary
directory removed on exit) and takes seeds over HTTP:

  POST /admin/rustore/purchases  {"status":"paid","amount":"100.00","currency":"RUB","sandbox":false}
       -> {"purchase_id":"...","invoice_id":"...","status":"paid","amount":"100.00","currency":"RUB","sandbox":false}
  POST /admin/yandexpay/orders   {"order_id":"optional","status":"AUTHORIZED","amount":"100.00","currency":"RUB"}
       -> {"order_id":"...","status":"AUTHORIZED","amount":"100.00","currency":"RUB"}
  GET  /admin/rustore/purchases?id=PURCHASE_ID   and   GET /admin/yandexpay/orders?id=ORDER_ID
       -> the stored state and how many times each action changed it

With -notify URL both emulators send a notification for every state change
(RuStore's encrypted with the key in the config's notification_key_file,
Yandex Pay's signed with a key published at the emulator's /api/jwks) and
repeat it while the app answers anything but 200, a bounded number of times:

  POST /admin/rustore/test-notification   a TEST_EVENT, sent once
  POST /admin/yandexpay/test-webhook      an event of a type the adapter does not know
  POST /admin/yandexpay/rotate-key        sign with a new key from now on -> {"kid":"..."}

It runs until SIGINT, SIGTERM or SIGHUP, or until a pipe on its stdin is
closed; a terminal or any other stdin is never read, so it can run as a
background job (payctl emulate > emulate.json &).

Usage:
  payctl emulate [-addr 127.0.0.1:PORT] [-notify URL]

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkLoopbackAddr(*addr); err != nil {
		return usagef("-addr: %v", err)
	}
	if err := checkNotifyURL(*notify); err != nil {
		return usagef("-notify: %v", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		// A port in use or an address this machine lacks: the caller picks another.
		return usagef("-addr: cannot listen on %s: %v", *addr, err)
	}
	em, err := startEmulators(ln)
	if err != nil {
		ln.Close()
		return err
	}
	defer em.close()
	em.notifyTo(*notify)

	cfg, err := json.MarshalIndent(em.config(), "", "  ")
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", cfg); err != nil {
		return err
	}
	fmt.Fprintf(stderr, `payctl emulate: RuStore and Yandex Pay emulators on %[1]s
  the config on stdout uses them (key files in %[2]s, removed on exit)
  seed:  curl -s -X POST %[1]s%[3]s -d '{"status":"paid","amount":"100.00"}'
         curl -s -X POST %[1]s%[4]s -d '{"status":"AUTHORIZED","amount":"100.00"}'
  stop:  Ctrl-C, SIGTERM, SIGHUP, or closing a pipe on stdin
`, em.url, em.dir, adminPurchases, adminOrders)
	if *notify != "" {
		fmt.Fprintf(stderr, `  notifications: RuStore to %[1]s/%[2]s, Yandex Pay to %[1]s/%[3]s/v1/webhook
  RuStore notification key (AES-256, base64): in %[4]s
  Yandex Pay keys: %[5]s
`, strings.TrimRight(*notify, "/"), emulateRegionRu, emulateRegionYaPa, filepath.Join(em.dir, rustoreNotificationKeyFile), em.url+yandexPayPrefix+"/api/jwks")
	}

	select {
	case <-ctx.Done():
	case <-stdinClosed(stdin):
	case err := <-em.serveErr:
		return fmt.Errorf("serving: %w", err)
	}
	return nil
}

// checkLoopbackAddr refuses any address but a loopback IP or localhost with
// a port: the emulators accept test credentials that must not be reachable
// from other machines.
func checkLoopbackAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("want HOST:PORT on a loopback host, like 127.0.0.1:8787: %v", err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	if host == "" {
		return errors.New("no host: an empty host listens on every interface; use 127.0.0.1")
	}
	return fmt.Errorf("%q is not a loopback address: the emulators listen only on 127.0.0.1, ::1 or localhost", host)
}

// stdinClosed is closed when stdin, a pipe, reaches its end: a parent that
// started the emulators with a pipe stops them by closing it, or by exiting.
// Any other stdin is never read. A terminal must not be: a background job
// ("payctl emulate > emulate.json &") that reads it is stopped by the shell
// (SIGTTIN) and freezes. /dev/null and regular files end at once and would
// stop the emulators as soon as they start.
func stdinClosed(stdin io.Reader) <-chan struct{} {
	done := make(chan struct{})
	if !watchStdin(stdin) {
		return done
	}
	go func() {
		defer close(done)
		_, _ = io.Copy(io.Discard, bufio.NewReader(stdin))
	}()
	return done
}

// watchStdin reports whether stdin is a pipe whose end means "stop". A
// reader that is not a file (tests pass one) is watched too.
func watchStdin(stdin io.Reader) bool {
	f, ok := stdin.(*os.File)
	if !ok {
		return stdin != nil
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeNamedPipe != 0
}

// emulators is a running emulate session.
type emulators struct {
	rs       *rustoretest.Server
	ys       *yandexpaytest.Server
	srv      *http.Server
	url      string // http://127.0.0.1:PORT
	dir      string // key files
	serveErr chan error
}

// startEmulators starts both emulators, writes their key files and serves
// them, with the admin endpoints, on ln.
func startEmulators(ln net.Listener) (*emulators, error) {
	dir, err := os.MkdirTemp("", "payctl-emulate-")
	if err != nil {
		return nil, err
	}
	em := &emulators{
		rs:       rustoretest.NewServer(nil),
		ys:       yandexpaytest.NewServer(nil),
		url:      "http://" + ln.Addr().String(),
		dir:      dir,
		serveErr: make(chan error, 1),
	}
	files := map[string]string{"rustore.key": em.rs.PrivateKeyBase64(), "yandexpay.key": em.ys.APIKey(),
		rustoreNotificationKeyFile: em.rs.NotificationKeyBase64()}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content+"\n"), 0o600); err != nil {
			em.rs.Close()
			em.ys.Close()
			os.RemoveAll(dir)
			return nil, err
		}
	}
	// The emulators' handlers are served here directly rather than proxied
	// to their own ports, so faults that drop or truncate a connection reach
	// the client as they are, not as a proxy's 502. StripPrefix trims the
	// escaped path too: ids holding "/" or "%" reach the emulator exactly as
	// the adapter escaped them.
	mux := http.NewServeMux()
	mux.Handle(rustorePrefix+"/", http.StripPrefix(rustorePrefix, em.rs.Handler()))
	mux.Handle(yandexPayPrefix+"/", http.StripPrefix(yandexPayPrefix, em.ys.Handler()))
	mux.Handle(adminPurchases, adminEndpoint{noun: "purchase", seed: em.seedRuStore, view: em.viewRuStore})
	mux.Handle(adminOrders, adminEndpoint{noun: "order", seed: em.seedYandexPay, view: em.viewYandexPay})
	for path, do := range map[string]func() (any, error){
		adminRuStoreTest: func() (any, error) { return map[string]string{}, em.rs.SendTestNotification(false) },
		adminYaPaTest:    func() (any, error) { return map[string]string{}, em.ys.SendTestWebhook() },
		adminYaPaRotate: func() (any, error) {
			kid, err := em.ys.RotateWebhookKey(false)
			return map[string]string{"kid": kid}, err
		},
	} {
		mux.Handle(path, adminTrigger(do))
	}
	em.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		// Requests carry test keys and tokens; net/http's own messages
		// (about hijacked or aborted connections, which faults cause on
		// purpose) must not reach a log.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() {
		if err := em.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			em.serveErr <- err
		}
	}()
	return em, nil
}

func (em *emulators) close() {
	// Closing the emulators first releases requests fault.Slow holds, which
	// Shutdown would otherwise wait for.
	em.rs.Close()
	em.ys.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = em.srv.Shutdown(ctx)
	os.RemoveAll(em.dir)
}

// emulateConfig mirrors the payments config format for printing.
type emulateConfig struct {
	DefaultRegion string                    `json:"default_region"`
	Regions       map[string]map[string]any `json:"regions"`
}

// config is a payments config for the running emulators.
func (em *emulators) config() emulateConfig {
	return emulateConfig{
		DefaultRegion: emulateRegionRu,
		Regions: map[string]map[string]any{
			emulateRegionRu: {
				"provider":              "rustore",
				"base_url":              em.url + rustorePrefix,
				"key_id":                em.rs.KeyID(),
				"app_id":                em.rs.AppID(),
				"private_key_file":      filepath.Join(em.dir, "rustore.key"),
				"notification_key_file": filepath.Join(em.dir, rustoreNotificationKeyFile),
			},
			emulateRegionYaPa: {
				"provider":     "yandexpay",
				"base_url":     em.url + yandexPayPrefix + "/api/merchant",
				"api_key_file": filepath.Join(em.dir, "yandexpay.key"),
				"merchant_id":  em.ys.MerchantID(),
			},
		},
	}
}

// seedPurchase is the admin body for a RuStore purchase; every field is optional.
type seedPurchase struct {
	PurchaseID string `json:"purchase_id"`
	InvoiceID  string `json:"invoice_id"`
	Status     string `json:"status"`
	Amount     string `json:"amount"`
	Currency   string `json:"currency"`
	Sandbox    bool   `json:"sandbox"`
	// AppUserID and ProductID make the purchase appear in payctl list/find.
	AppUserID string `json:"app_user_id"`
	ProductID string `json:"product_id"`
}

// seedOrder is the admin body for a Yandex Pay order; every field is optional.
type seedOrder struct {
	OrderID  string `json:"order_id"`
	Status   string `json:"status"`
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// adminEndpoint is one emulator's admin path: POST seeds a payment, GET
// ?id= reads one back with how many times each action changed it. Both
// emulators answer the same way; only seeding and the view differ.
type adminEndpoint struct {
	// noun names the payment in a 404 ("no purchase \"x\"").
	noun string
	// seed handles a POST, answering it itself.
	seed func(w http.ResponseWriter, r *http.Request)
	// view returns the stored payment as the GET answer; ok is false when
	// there is none.
	view func(id string) (v map[string]any, ok bool)
}

// ServeHTTP seeds on POST, reads on GET and refuses other methods with 405.
func (a adminEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		a.seed(w, r)
	case http.MethodGet:
		id := r.URL.Query().Get("id")
		v, ok := a.view(id)
		if !ok {
			adminError(w, http.StatusNotFound, fmt.Sprintf("no %s %q", a.noun, id))
			return
		}
		writeAdmin(w, http.StatusOK, v)
	default:
		w.Header().Set("Allow", "GET, POST")
		adminError(w, http.StatusMethodNotAllowed, "use POST to seed, GET ?id= to read")
	}
}

// actionCounts is how many times each of actions changed payment id.
func actionCounts(count func(id, action string) int, id string, actions ...string) map[string]int {
	counts := make(map[string]int, len(actions))
	for _, a := range actions {
		counts[a] = count(id, a)
	}
	return counts
}

// adminAmount parses a seed's decimal amount into minor units; an empty one
// is 0, the emulator's default. ok is false once it has answered 400.
func adminAmount(w http.ResponseWriter, amount string) (minor int64, ok bool) {
	if amount == "" {
		return 0, true
	}
	m, err := payments.ParseMoney(amount, "RUB")
	if err != nil {
		adminError(w, http.StatusBadRequest, "amount: "+err.Error())
		return 0, false
	}
	return m.Minor, true
}

func (em *emulators) seedRuStore(w http.ResponseWriter, r *http.Request) {
	var in seedPurchase
	if !readAdminBody(w, r, &in) {
		return
	}
	p := rustoretest.Purchase{PurchaseID: in.PurchaseID, Status: in.Status, Currency: in.Currency, Sandbox: in.Sandbox,
		AppUserID: in.AppUserID, ProductID: in.ProductID}
	if in.InvoiceID != "" {
		n, err := strconv.ParseInt(in.InvoiceID, 10, 64)
		if err != nil || n <= 0 {
			adminError(w, http.StatusBadRequest, "invoice_id must be positive digits")
			return
		}
		p.InvoiceID = n
	}
	var ok bool
	if p.AmountCreate, ok = adminAmount(w, in.Amount); !ok {
		return
	}
	stored, err := em.rs.TryAddPurchase(p)
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeAdmin(w, http.StatusCreated, purchaseView(stored, nil))
}

func (em *emulators) viewRuStore(id string) (map[string]any, bool) {
	p, ok := em.rs.Purchase(id)
	if !ok {
		return nil, false
	}
	return purchaseView(p, actionCounts(em.rs.Count, id, rustoretest.ActionConfirm, rustoretest.ActionCancel, rustoretest.ActionRefund)), true
}

func purchaseView(p rustoretest.Purchase, counts map[string]int) map[string]any {
	v := map[string]any{
		"purchase_id": p.PurchaseID,
		"invoice_id":  strconv.FormatInt(p.InvoiceID, 10),
		"status":      p.Status,
		"amount":      payments.Money{Minor: p.AmountCurrent, Currency: p.Currency}.Decimal(),
		"currency":    p.Currency,
		"sandbox":     p.Sandbox,
	}
	if counts != nil {
		v["counts"] = counts
	}
	return v
}

func (em *emulators) seedYandexPay(w http.ResponseWriter, r *http.Request) {
	var in seedOrder
	if !readAdminBody(w, r, &in) {
		return
	}
	if len(in.OrderID) > yandexpaytest.MaxOrderIDLength {
		adminError(w, http.StatusBadRequest, fmt.Sprintf("order_id is longer than %d characters", yandexpaytest.MaxOrderIDLength))
		return
	}
	if in.OrderID != "" {
		if _, exists := em.ys.Order(in.OrderID); exists {
			// AddOrder would replace it; seeding must not rewrite a payment under test.
			adminError(w, http.StatusConflict, fmt.Sprintf("order %q exists already", in.OrderID))
			return
		}
	}
	o := yandexpaytest.Order{OrderID: in.OrderID, Status: in.Status, Currency: in.Currency}
	var ok bool
	if o.Amount, ok = adminAmount(w, in.Amount); !ok {
		return
	}
	writeAdmin(w, http.StatusCreated, orderView(em.ys.AddOrder(o), nil))
}

func (em *emulators) viewYandexPay(id string) (map[string]any, bool) {
	o, ok := em.ys.Order(id)
	if !ok {
		return nil, false
	}
	counts := actionCounts(em.ys.Count, id, yandexpaytest.ActionCapture, yandexpaytest.ActionCancel,
		yandexpaytest.ActionRefund, yandexpaytest.ActionRollback, yandexpaytest.ActionSubmit)
	return orderView(o, counts), true
}

func orderView(o yandexpaytest.Order, counts map[string]int) map[string]any {
	v := map[string]any{
		"order_id": o.OrderID,
		"status":   o.Status,
		"amount":   payments.Money{Minor: o.Amount - o.RefundedAmount, Currency: o.Currency}.Decimal(),
		"currency": o.Currency,
	}
	if counts != nil {
		v["counts"] = counts
	}
	return v
}

// readAdminBody decodes a seed request strictly; an empty body means defaults.
func readAdminBody(w http.ResponseWriter, r *http.Request, dst any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAdminBody))
	if err != nil {
		adminError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body over %d bytes", maxAdminBody))
		return false
	}
	if strings.TrimSpace(string(body)) == "" {
		return true
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		adminError(w, http.StatusBadRequest, "body: "+err.Error())
		return false
	}
	return true
}

func writeAdmin(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func adminError(w http.ResponseWriter, code int, msg string) {
	writeAdmin(w, code, map[string]string{"error": msg})
}

// checkNotifyURL accepts an empty -notify or an absolute http(s) URL
// without a query, the base the emulators append region paths to.
func checkNotifyURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("not a URL: %v", err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return fmt.Errorf("%q is not an absolute http or https URL like http://127.0.0.1:8080/notify", raw)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("%q has a query or fragment; the emulators append paths to it", raw)
	}
	return nil
}

// notifyTo points both emulators at the app endpoint under base, one path
// per region of the printed config (Yandex Pay appends /v1/webhook itself).
func (em *emulators) notifyTo(base string) {
	if base == "" {
		return
	}
	base = strings.TrimRight(base, "/")
	em.rs.SetCallbackURL(base + "/" + emulateRegionRu)
	em.ys.SetCallbackURL(base + "/" + emulateRegionYaPa)
}

// adminTrigger is an admin path that does one thing on POST and answers
// what it returned as JSON.
type adminTrigger func() (any, error)

func (do adminTrigger) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	out, err := do()
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}
