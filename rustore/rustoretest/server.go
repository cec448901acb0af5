package rustoretest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/internal/emukit"
	"github.com/regionpay/payments/internal/faultinject"
	"github.com/regionpay/payments/internal/notifysend"
)

// Defaults used when Options leaves a field empty.
const (
	// DefaultKeyID is digits, as the RuStore console shows key ids.
	DefaultKeyID     = "3741629"
	DefaultAppID     = int64(1704024)    // the application id the emulator serves
	DefaultOwnerCode = int64(4384191)    // the developer (owner) code reported in purchases
	DefaultTokenTTL  = 900 * time.Second // how long an issued access token is valid
	// ConfirmRepeatWindow is how long a purchase refuses a new confirm after
	// a confirm that did not finish normally (the 15-minute rule of RuStore's
	// "Confirming purchase" page).
	ConfirmRepeatWindow = 15 * time.Minute
	// AuthWindow is how far the auth timestamp may be from the emulator clock.
	AuthWindow = 60 * time.Second
)

// Options configure a Server. The zero value (or a nil *Options) gives a
// working emulator with a cached test key.
type Options struct {
	// KeyID is the key id the app authenticates with; default DefaultKeyID,
	// digits like a key id from the RuStore console.
	KeyID string
	// PrivateKey is the key the app signs with; the emulator verifies with its
	// public half. Default: a 2048-bit key generated once per process.
	PrivateKey *rsa.PrivateKey
	// AppID is the application the key may act on; default 1704024.
	AppID int64
	// OwnerCode is reported as ownerCode in payment data; default 4384191.
	OwnerCode int64
	// TokenTTL is the lifetime of an issued Public-Token; default 900 s.
	TokenTTL time.Duration
	// Start is where the emulator clock starts; default time.Now().
	Start time.Time
	// FreezeClock stops the emulator clock from following real time, so it
	// moves only with Advance. By default it runs, so clients that sign
	// timestamps with time.Now stay inside the 60 s auth window.
	FreezeClock bool
	// CallbackURL turns notifications on from the start; see SetCallbackURL.
	CallbackURL string
	// NotificationRetryDelays are the pauses before each redelivery of a
	// notification not answered 200; nil means notifysend.DefaultDelays,
	// empty means no redelivery.
	NotificationRetryDelays []time.Duration
	// ContinuationField names the field of a purchase list page that carries
	// the next page's token; default "continuationToken". RuStore's name for
	// it was not captured from its documentation, so a client should accept
	// the plausible ones: tests set this to check that it does.
	ContinuationField string
}

// String keeps a printed Options from showing the private key.
func (o Options) String() string {
	key := "<nil>"
	if o.PrivateKey != nil {
		key = "[redacted]"
	}
	return fmt.Sprintf("rustoretest.Options{KeyID:%q AppID:%d OwnerCode:%d TokenTTL:%s Start:%s FreezeClock:%t PrivateKey:%s}",
		o.KeyID, o.AppID, o.OwnerCode, o.TokenTTL, o.Start.Format(time.RFC3339), o.FreezeClock, key)
}

// GoString keeps %#v from printing the private key.
func (o Options) GoString() string { return o.String() }

// Request is one HTTP request the emulator received, recorded for
// assertions. Its Header holds the Public-Token: keep it out of logs.
type Request = emukit.Request

// PaymentInfo is how the buyer paid; RuStore reports it once a payment tool
// was chosen.
type PaymentInfo struct {
	PaymentDate    time.Time // when the buyer paid; default: the invoice date
	MaskedPan      string    // the card number with its middle digits hidden
	PaymentSystem  string    // the card's payment system, as RuStore names it
	PaymentWay     string    // the way the buyer paid, as RuStore names it
	PaymentWayCode string    // the code of PaymentWay
	BankName       string    // the issuing bank
}

// Purchase is one stored purchase (and its invoice). AddPurchase fills the
// empty fields with the defaults noted beside them.
type Purchase struct {
	PurchaseID string // a UUID; generated when empty
	InvoiceID  int64  // generated (increasing) when 0
	// Status is the raw invoiceStatus exactly as the API reports it, e.g.
	// "paid", "confirmed", "PAID"; default "paid". Compared case-insensitively.
	// Transitions keep the style: an upper-case status moves to upper case.
	Status        string
	AmountCreate  int64  // kopecks; default 10000
	AmountCurrent int64  // kopecks; default AmountCreate
	Currency      string // default "RUB"
	ItemCode      string // default "item"
	Description   string // default "Test purchase"
	VisualName    string // default: Description
	Language      string // default "ru-RU"
	OrderID       string // default: a new UUID
	// AppUserID is the app's id of the buyer, given to the Pay SDK when the
	// purchase started; the purchase list is by app user. Empty: not listed.
	AppUserID        string
	ProductID        string // default: ItemCode
	ProductType      string // default "CONSUMABLE"
	OrderNumber      string // omitted when empty
	DeveloperPayload string // reported as null when empty
	// Sandbox purchases are reachable only under /public/sandbox/..., the
	// others only under /public/....
	Sandbox     bool
	InvoiceDate time.Time // default: the emulator clock at AddPurchase
	RefundDate  time.Time // reported only while the status is REFUNDED; set by a refund
	// PaymentInfo defaults to a test card unless the status is CREATED,
	// INVOICE_CREATED or CANCELLED (no payment tool chosen yet). It is never
	// reported while the status is CREATED or INVOICE_CREATED.
	PaymentInfo *PaymentInfo
}

// UnknownRawStatus is the invoiceStatus reported under [fault.UnknownStatus].
const UnknownRawStatus = "archived_v9"

// Actions a fault can target and Count can count.
const (
	ActionAuth    = "auth"    // token requests
	ActionConfirm = "confirm" // purchase confirmations (captures)
	ActionCancel  = "cancel"  // purchase cancellations (voids)
	ActionRefund  = "refund"  // refunds
	ActionStatus  = "status"  // status reads
	ActionList    = "list"    // purchase list reads (faults only)
)

// faultConfig is what the shared fault queue needs to know of RuStore.
var faultConfig = faultinject.Config{
	Name:              "rustoretest",
	Actions:           []string{ActionAuth, ActionConfirm, ActionCancel, ActionRefund, ActionStatus, ActionList},
	StatusAction:      ActionStatus,
	DefaultDelay:      time.Second,
	DefaultRetryAfter: time.Second,
}

// purchaseState is a stored purchase plus what the emulator tracks about it.
type purchaseState struct {
	p Purchase
	// confirmMark is when a confirm last ended abnormally (zero: never).
	confirmMark time.Time
	// confirming counts confirms currently held by fault.Slow after passing
	// the state check ("processing").
	confirming int
}

// Server is a running RuStore Public API emulator on 127.0.0.1.
type Server struct {
	// URL is the base URL, http://127.0.0.1:port, to use instead of
	// https://public-api.rustore.ru.
	URL string

	srv     *emukit.Server
	log     emukit.Log
	applied emukit.Counter

	keyID     string
	pub       *rsa.PublicKey
	keyB64    string
	keyPEM    string
	appID     int64
	ownerCode int64
	ttl       time.Duration
	contField string

	mu          sync.Mutex
	clockBase   time.Time
	clockReal   time.Time
	frozen      bool
	advanced    time.Duration
	purchases   map[string]*purchaseState
	invoices    map[int64]string // invoiceId → purchaseId
	nextInvoice int64
	tokens      map[string]time.Time // token → expiry (emulator clock)
	issued      []string
	signatures  []string
	authCount   int
	faults      *faultinject.Injector
	listReads   int // purchase list pages served
	// refundsPending leaves refunded invoices REFUNDING (SetRefundsPending).
	refundsPending bool

	// Notifications (notify.go).
	notifyKey []byte
	callback  notifysend.Callback
}

var (
	defaultKeyOnce sync.Once
	defaultKey     *rsa.PrivateKey
	defaultKeyErr  error
)

// DefaultPrivateKey returns the 2048-bit key every Server without
// Options.PrivateKey shares; it is generated once per process because RSA
// key generation is slow.
func DefaultPrivateKey() (*rsa.PrivateKey, error) {
	defaultKeyOnce.Do(func() {
		defaultKey, defaultKeyErr = rsa.GenerateKey(rand.Reader, 2048)
	})
	return defaultKey, defaultKeyErr
}

// NewServer starts an emulator on 127.0.0.1. A nil opts means defaults.
// Close it when done.
func NewServer(opts *Options) *Server {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.KeyID == "" {
		o.KeyID = DefaultKeyID
	}
	if o.AppID == 0 {
		o.AppID = DefaultAppID
	}
	if o.OwnerCode == 0 {
		o.OwnerCode = DefaultOwnerCode
	}
	if o.TokenTTL <= 0 {
		o.TokenTTL = DefaultTokenTTL
	}
	if o.ContinuationField == "" {
		o.ContinuationField = "continuationToken"
	}
	if o.Start.IsZero() {
		o.Start = time.Now()
	}
	key := o.PrivateKey
	if key == nil {
		var err error
		if key, err = DefaultPrivateKey(); err != nil {
			// crypto/rand failing leaves nothing sensible to run; this is the
			// one unrecoverable setup error.
			panic(fmt.Sprintf("rustoretest: generating the default key: %v", err))
		}
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(fmt.Sprintf("rustoretest: encoding the private key: %v", err))
	}
	s := &Server{
		keyID:       o.KeyID,
		pub:         &key.PublicKey,
		keyB64:      base64.StdEncoding.EncodeToString(der),
		keyPEM:      string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		appID:       o.AppID,
		ownerCode:   o.OwnerCode,
		ttl:         o.TokenTTL,
		contField:   o.ContinuationField,
		clockBase:   o.Start,
		clockReal:   time.Now(),
		frozen:      o.FreezeClock,
		purchases:   map[string]*purchaseState{},
		invoices:    map[int64]string{},
		nextInvoice: 100001,
		tokens:      map[string]time.Time{},
		faults:      faultinject.NewInjector(faultConfig),
		notifyKey:   make([]byte, 32),
		callback:    notifysend.Callback{Delays: o.NotificationRetryDelays},
	}
	s.callback.Now = s.Now // redeliveries wait on the emulator clock
	if _, err := rand.Read(s.notifyKey); err != nil {
		panic(fmt.Sprintf("rustoretest: generating the notification key: %v", err))
	}
	s.srv = emukit.Start(s.Handler())
	s.URL = s.srv.URL
	if o.CallbackURL != "" {
		s.SetCallbackURL(o.CallbackURL)
	}
	return s
}

// Handler returns the emulator's HTTP handler, the same one the test server
// at URL serves. Use it to mount the emulator in your own server (for
// example under http.StripPrefix); it keeps working there until Close,
// which also aborts requests fault.Slow holds on any server. Faults that drop
// the connection need a server that can hijack it (HTTP/1); elsewhere they
// abort the request with http.ErrAbortHandler.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close stops the server, aborting requests held by fault.Slow.
func (s *Server) Close() {
	s.SetCallbackURL("")
	s.srv.Close()
}

// String names the server without any key material.
func (s *Server) String() string { return "rustoretest.Server(" + s.URL + ")" }

// GoString keeps %#v from printing the key.
func (s *Server) GoString() string { return s.String() }

// Client returns an http.Client for the server (no proxy, loopback only).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// KeyID returns the key id the emulator accepts.
func (s *Server) KeyID() string { return s.keyID }

// AppID returns the application the key may act on.
func (s *Server) AppID() int64 { return s.appID }

// OwnerCode returns the ownerCode reported in payment data.
func (s *Server) OwnerCode() int64 { return s.ownerCode }

// TokenTTL returns the lifetime of issued tokens.
func (s *Server) TokenTTL() time.Duration { return s.ttl }

// PrivateKeyBase64 returns the private key as the RuStore console hands it
// out: base64 of PKCS#8 DER.
func (s *Server) PrivateKeyBase64() string { return s.keyB64 }

// PrivateKeyPEM returns the private key as a PKCS#8 PEM block.
func (s *Server) PrivateKeyPEM() string { return s.keyPEM }

// Now returns the emulator clock: Start, plus real time elapsed since
// NewServer (unless FreezeClock), plus every Advance.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Server) nowLocked() time.Time {
	t := s.clockBase.Add(s.advanced)
	if !s.frozen {
		t = t.Add(time.Since(s.clockReal))
	}
	return t
}

// Advance moves the emulator clock forward by d (token expiry, the 15-minute
// confirm rule, the auth window). A negative d is ignored.
func (s *Server) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	s.mu.Lock()
	s.advanced += d
	s.mu.Unlock()
	s.callback.Kick()
}

var (
	noPaymentInfo     = map[string]bool{"created": true, "invoice_created": true, "cancelled": true}
	hiddenPaymentInfo = map[string]bool{"created": true, "invoice_created": true}
)

// TryAddPurchase stores p with defaults filled and returns the stored copy.
// It fails on a PurchaseID that is not a UUID or already stored, an
// InvoiceID already in use or negative, or negative amounts.
func (s *Server) TryAddPurchase(p Purchase) (Purchase, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.PurchaseID == "" {
		p.PurchaseID = uuid.NewString()
	} else if _, err := uuid.Parse(p.PurchaseID); err != nil {
		return Purchase{}, fmt.Errorf("rustoretest: purchase id %q is not a UUID", p.PurchaseID)
	}
	if _, dup := s.purchases[p.PurchaseID]; dup {
		return Purchase{}, fmt.Errorf("rustoretest: purchase %s is already stored", p.PurchaseID)
	}
	switch {
	case p.InvoiceID < 0:
		return Purchase{}, fmt.Errorf("rustoretest: invoice id %d is negative", p.InvoiceID)
	case p.InvoiceID == 0:
		for s.invoices[s.nextInvoice] != "" {
			s.nextInvoice++
		}
		p.InvoiceID = s.nextInvoice
		s.nextInvoice++
	case s.invoices[p.InvoiceID] != "":
		return Purchase{}, fmt.Errorf("rustoretest: invoice id %d is already used by purchase %s", p.InvoiceID, s.invoices[p.InvoiceID])
	}
	if p.AmountCreate < 0 || p.AmountCurrent < 0 {
		return Purchase{}, errors.New("rustoretest: amounts must not be negative")
	}
	fillPurchase(&p, s.nowLocked())
	s.purchases[p.PurchaseID] = &purchaseState{p: p}
	s.invoices[p.InvoiceID] = p.PurchaseID
	return copyPurchase(p), nil
}

// fillPurchase fills the fields of p left empty with the defaults noted on
// Purchase, as of now.
func fillPurchase(p *Purchase, now time.Time) {
	if p.Status == "" {
		p.Status = "paid"
	}
	if p.AmountCreate == 0 {
		p.AmountCreate = 10000
	}
	if p.AmountCurrent == 0 {
		p.AmountCurrent = p.AmountCreate
	}
	defaults := []struct {
		field *string
		value string
	}{
		{&p.Currency, "RUB"},
		{&p.ItemCode, "item"},
		{&p.Description, "Test purchase"},
		{&p.VisualName, p.Description},
		{&p.Language, "ru-RU"},
		{&p.OrderID, uuid.NewString()},
		{&p.ProductType, "CONSUMABLE"},
	}
	for _, d := range defaults {
		if *d.field == "" {
			*d.field = d.value
		}
	}
	if p.VisualName == "" {
		p.VisualName = p.Description
	}
	if p.ProductID == "" {
		p.ProductID = p.ItemCode
	}
	if p.InvoiceDate.IsZero() {
		p.InvoiceDate = now
	}
	if strings.EqualFold(p.Status, "refunded") && p.RefundDate.IsZero() {
		p.RefundDate = now
	}
	if p.PaymentInfo == nil && !noPaymentInfo[strings.ToLower(p.Status)] {
		p.PaymentInfo = &PaymentInfo{
			PaymentDate:    p.InvoiceDate,
			MaskedPan:      "**1111",
			PaymentSystem:  "MIR",
			PaymentWay:     "Bank card",
			PaymentWayCode: "CARD",
			BankName:       "Test Bank",
		}
	}
	if p.PaymentInfo != nil {
		pi := *p.PaymentInfo
		if pi.PaymentDate.IsZero() {
			pi.PaymentDate = p.InvoiceDate
		}
		p.PaymentInfo = &pi
	}
}

// AddPurchase stores p (with defaults filled) and returns the stored copy.
// It panics on input TryAddPurchase rejects, as httptest does on a setup
// failure, so a test seeding a bad purchase fails where it seeds it.
func (s *Server) AddPurchase(p Purchase) Purchase {
	out, err := s.TryAddPurchase(p)
	if err != nil {
		panic(fmt.Sprintf("AddPurchase: %v", err))
	}
	return out
}

// Purchase returns a copy of the stored purchase.
func (s *Server) Purchase(purchaseID string) (Purchase, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.purchases[purchaseID]
	if !ok {
		return Purchase{}, false
	}
	return copyPurchase(ps.p), true
}

// PurchaseByInvoice returns a copy of the purchase that owns invoiceID.
func (s *Server) PurchaseByInvoice(invoiceID int64) (Purchase, bool) {
	s.mu.Lock()
	id, ok := s.invoices[invoiceID]
	s.mu.Unlock()
	if !ok {
		return Purchase{}, false
	}
	return s.Purchase(id)
}

func copyPurchase(p Purchase) Purchase {
	if p.PaymentInfo != nil {
		pi := *p.PaymentInfo
		p.PaymentInfo = &pi
	}
	return p
}

// SetRefundsPending makes accepted refunds show as REFUNDING, as RuStore's
// newer purchase statuses do while the money is on its way back, instead of
// REFUNDED at once. SetStatus moves such an invoice on.
func (s *Server) SetRefundsPending(on bool) {
	s.mu.Lock()
	s.refundsPending = on
	s.mu.Unlock()
}

// SetStatus forces a raw status, bypassing the state machine (for tests and
// unknown statuses). Moving to REFUNDED sets RefundDate if it is unset.
func (s *Server) SetStatus(purchaseID, raw string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("rustoretest: raw status is empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.purchases[purchaseID]
	if !ok {
		return fmt.Errorf("rustoretest: purchase %q not found", purchaseID)
	}
	old := ps.p.Status
	ps.p.Status = raw
	if strings.EqualFold(raw, "refunded") && ps.p.RefundDate.IsZero() {
		ps.p.RefundDate = s.nowLocked()
	}
	s.statusChanged(ps, old, s.nowLocked())
	return nil
}

// MarkConfirmAttempt records, at the current emulator clock, a confirm of
// the purchase that did not finish normally. Until ConfirmRepeatWindow has
// passed on the emulator clock, every confirm of it answers "You can confirm
// purchase only once every 15 minutes. Try again later".
func (s *Server) MarkConfirmAttempt(purchaseID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps, ok := s.purchases[purchaseID]
	if !ok {
		return fmt.Errorf("rustoretest: purchase %q not found", purchaseID)
	}
	ps.confirmMark = s.nowLocked()
	return nil
}

// Count returns how many state changes action ("confirm", "cancel",
// "refund") applied to the purchase.
func (s *Server) Count(purchaseID, action string) int { return s.applied.Count(purchaseID, action) }

// AuthCount returns how many POST /public/auth requests arrived, whatever
// their outcome.
func (s *Server) AuthCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authCount
}

// Requests returns every request received so far, oldest first.
func (s *Server) Requests() []Request { return s.log.Requests() }

// ExpireTokens makes every token issued so far answer 401 "Jwe token is
// expired"; tokens issued later are not affected.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = time.Time{}
	}
}

// IssuedTokens returns every token issued so far, for secret-leak tests.
func (s *Server) IssuedTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// ReceivedSignatures returns every non-empty signature received by auth,
// valid or not, for secret-leak tests.
func (s *Server) ReceivedSignatures() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.signatures...)
}

// TryInjectFault arms f, or says why it cannot: f.Action must be one of
// ActionAuth, ActionConfirm, ActionCancel, ActionRefund or ActionStatus, or
// empty for every action; [fault.UnknownStatus] applies to ActionStatus
// only. The error names this emulator ("rustoretest: ...").
func (s *Server) TryInjectFault(f fault.Fault) error { return s.faults.Arm(f) }

// InjectFault arms f: the next f.Times requests of f.Action fail as f.Kind.
// It panics on a fault TryInjectFault rejects (a mistyped action, say), as
// httptest does on a setup failure, so the test that armed it fails.
// Faults are consumed in the order armed, by requests that passed
// authentication (auth requests: on arrival). A zero f.Delay (how long
// [fault.Slow] holds) and a zero f.RetryAfter (what [fault.TooManyRequests]
// asks for, rounded up to whole seconds) each mean 1 s.
//
// Faults are taken after the path, method and access checks and before the
// state machine, so the first three kinds leave the purchase as it was. From
// this emulator each kind looks like this:
//
//   - [fault.ServerError]: 503, envelope code ERROR, "Something went wrong".
//   - [fault.TooManyRequests]: 429, envelope code TOO_MANY_REQUESTS, with
//     Retry-After in whole seconds.
//   - [fault.ResetBeforeApply]: a TCP reset, nothing applied.
//   - [fault.ResetAfterApply]: the write applies (a confirm then meets the
//     15-minute rule), then a TCP reset instead of the answer.
//   - [fault.Slow]: the request is held for f.Delay, a confirm showing as
//     processing meanwhile; if the client goes away or the server closes
//     first, nothing is applied and a confirm keeps its 15-minute mark.
//   - [fault.TruncatedBody]: the write applies, then half the envelope
//     arrives under the full Content-Length before the connection closes.
//   - [fault.OversizedBody]: the write applies, then a valid envelope padded
//     with a "padding" member to about [fault.OversizedBodySize] bytes.
//   - [fault.UnknownStatus]: a v2 purchase read reports invoiceStatus
//     UnknownRawStatus.
//   - [fault.Refuse]: f.Status with RuStore's envelope for it (400 "Bad
//     request", 401 "Jwe token is expired", 403 "Forbidden", 404 "Purchase
//     not found", 429 and 503 as above; others their HTTP name); nothing
//     applied.
//   - [fault.ResetThenRefuse]: the first request as ResetAfterApply, the
//     next f.Times as Refuse.
//   - [fault.GatewayErrorApplyLater]: f.Status (502 by default) with an
//     HTML page, and the write applied f.Delay later by the state machine's
//     usual rules (a second confirm of a confirmed purchase changes
//     nothing).
func (s *Server) InjectFault(f fault.Fault) { emukit.MustArm(s.faults, f) }
