package yandexpaytest

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/internal/emukit"
	"github.com/regionpay/payments/internal/faultinject"
	"github.com/regionpay/payments/internal/notifysend"
)

// Defaults used when Options or Order leave a field empty.
const (
	// DefaultAPIKey is the Api-Key the server accepts when Options.APIKey is empty.
	DefaultAPIKey = "yandexpaytest-key"
	// DefaultMerchantID is the merchantId orders report when Options.MerchantID is empty.
	DefaultMerchantID = "5f0d3c1e-7a52-4a9b-9c43-0b6a5e2d8f17"
	// DefaultAmount is the amount, in minor units, of an order added without one.
	DefaultAmount = 10000
	// DefaultCurrency is the currency of an order added without one.
	DefaultCurrency = "RUB"
	// MaxOrderIDLength is the longest order id, in characters, the API accepts.
	MaxOrderIDLength = 2048
	// UnknownStatus is the paymentStatus order reads report under fault.UnknownStatus.
	UnknownStatus = "EMULATOR_UNKNOWN_STATUS"
)

// Raw payment statuses of an order (paymentStatus).
const (
	StatusPending           = "PENDING"            // created, not yet paid
	StatusAuthorized        = "AUTHORIZED"         // paid with a two-stage method, awaiting capture
	StatusCaptured          = "CAPTURED"           // the money was taken
	StatusVoided            = "VOIDED"             // the authorization was released
	StatusRefunded          = "REFUNDED"           // the whole amount was refunded
	StatusConfirmed         = "CONFIRMED"          // paid with a one-stage method
	StatusPartiallyRefunded = "PARTIALLY_REFUNDED" // part of the amount was refunded
	StatusFailed            = "FAILED"             // the payment failed or the link expired
)

// Operation types and statuses.
const (
	OperationCapture = "CAPTURE" // a capture operation
	OperationVoid    = "VOID"    // a void (cancel) operation
	OperationSubmit  = "SUBMIT"  // a submit operation (confirmation of a one-stage order)
	OperationRefund  = "REFUND"  // a refund operation

	OperationPending = "PENDING" // the operation has not finished
	OperationSuccess = "SUCCESS" // the operation succeeded
	OperationFail    = "FAIL"    // the operation failed
)

// Action names, for Count and [fault.Fault].Action.
const (
	ActionCapture   = "capture"   // POST /v1/orders/{id}/capture
	ActionCancel    = "cancel"    // POST /v1/orders/{id}/cancel
	ActionRefund    = "refund"    // POST /v2/orders/{id}/refund
	ActionRefundV1  = "refund_v1" // POST /v1/orders/{id}/refund; counted as ActionRefund
	ActionRollback  = "rollback"  // POST /v1/orders/{id}/rollback
	ActionSubmit    = "submit"    // POST /v1/orders/{id}/submit
	ActionOrder     = "order"     // order reads (faults only)
	ActionOperation = "operation" // operation reads (faults only)
)

// Options configure a Server; a nil *Options means all defaults.
type Options struct {
	// APIKey is the key every request must carry; default DefaultAPIKey.
	APIKey string
	// MerchantID is reported in orders; default DefaultMerchantID.
	MerchantID string
	// Async keeps every operation PENDING until CompleteOperation.
	Async bool
	// OneStage makes a buyer's payment on the payment page capture the
	// order at once (CAPTURED), as for a merchant without two-stage payment;
	// by default it is held (AUTHORIZED) until captured.
	OneStage bool
	// CallbackURL turns webhooks on from the start; see SetCallbackURL.
	CallbackURL string
	// WebhookRetryDelays are the pauses before each redelivery of a webhook
	// that was not answered 200; nil means notifysend.DefaultDelays, empty
	// means no redelivery.
	WebhookRetryDelays []time.Duration
	// Wording words what the documentation leaves open (reasonCodes,
	// statuses and reason texts of refusals); nil means DefaultWording.
	Wording *Wording
}

// Server is a running emulator. Its methods are safe for concurrent use.
type Server struct {
	// URL is the server's root, http://127.0.0.1:port.
	URL string

	srv        *emukit.Server
	page       *emukit.Server // the payment pages' own listener
	apiKey     string
	merchantID string
	wording    Wording

	mu       sync.Mutex
	async    bool
	orders   map[string]*Order
	byOpID   map[string]*opState
	byExtID  map[string]*opState
	orderOps map[string][]*opState
	faults   *faultinject.Injector
	log      emukit.Log
	applied  emukit.Counter

	oneStage      bool
	advanced      time.Duration           // how far Advance moved the clock
	pageTokens    map[string]string       // payment page token → order id
	created       map[string]createdReply // X-Request-Id → order creation answer
	statusChanges []StatusChange
	// Webhooks (webhook.go).
	keys        []signingKey // the last one signs
	callback    notifysend.Callback
	jwksFetches int
}

// opState is an operation plus what the emulator needs to finish it.
type opState struct {
	Operation
	// completeOnRead: a synchronous-mode refund that succeeds at the next read.
	completeOnRead bool
	// voidReason is the cancel request's reason, given to the order on success.
	voidReason string
	// cart is the order's cart once the operation succeeds; nil leaves it.
	cart *Cart
}

// Order is an order's state as the emulator holds it.
type Order struct {
	// OrderID is generated (a uuid) when empty; any string up to 2048 characters
	// (a longer one is stored, but every request naming it is rejected with 400).
	OrderID string
	// Status is the raw paymentStatus; default "AUTHORIZED". An empty status
	// after SetStatus(id, "") is reported as null.
	Status string
	// Amount is the held or charged amount in minor units (a partial capture
	// lowers it to the captured amount); default 10000. Order reads report
	// Amount − RefundedAmount as orderAmount.
	Amount int64
	// Currency is the currencyCode; default "RUB".
	Currency string
	// CapturedAmount is set by capture and submit; AddOrder sets it to Amount
	// for a paid order (CAPTURED, PARTIALLY_REFUNDED, REFUNDED) added without it.
	CapturedAmount int64
	// RefundedAmount is the sum of successful refunds.
	RefundedAmount int64
	// Reason is the order's reason (the cancel reason, for example).
	Reason string
	// Created and Updated default to the time AddOrder was called.
	Created, Updated time.Time
	// Cart is the cart the order was created with (POST /v1/orders); nil for
	// orders added without one. Order reads report it.
	Cart *Cart
	// PaymentURL is the order's payment page, for orders created through
	// POST /v1/orders.
	PaymentURL string
	// ExpiresAt is when an unpaid order fails, on the emulator clock; zero
	// means never.
	ExpiresAt time.Time
	// RedirectURLs are as the creation request gave them.
	RedirectURLs RedirectURLs
	// PaymentMethods are the creation request's availablePaymentMethods.
	PaymentMethods []string

	opened bool // the buyer opened the payment page
}

// Operation is one capture, cancel, submit or refund.
type Operation struct {
	// OperationID is the emulator's id (a uuid).
	OperationID string
	// ExternalOperationID is the caller's idempotency key; empty (null on
	// the wire) when the request carried none, and for the refund a
	// rollback makes.
	ExternalOperationID string
	// OrderID names the order the operation acts on.
	OrderID string
	// Type is CAPTURE, VOID, SUBMIT or REFUND.
	Type string
	// Status is PENDING, SUCCESS or FAIL.
	Status string
	// Reason says why a FAIL operation failed.
	Reason string
	// Amount is the operation's amount in minor units.
	Amount int64
	// Params are the operation's params as order and operation reads show
	// them: what its request asked for (orderAmount, refundAmount, reason).
	Params map[string]string
	// Created and Updated are when it started and last changed.
	Created, Updated time.Time
}

// Request is one request as the server received it. Its Header holds the
// Api-Key: keep it out of logs (String leaves it out).
type Request = emukit.Request

// faultConfig is what the shared fault queue needs to know of Yandex Pay.
var faultConfig = faultinject.Config{
	Name:         "yandexpaytest",
	Actions:      []string{ActionCreate, ActionCapture, ActionCancel, ActionRefund, ActionRefundV1, ActionRollback, ActionSubmit, ActionOrder, ActionOperation},
	StatusAction: ActionOrder,
}

// NewServer starts an emulator on 127.0.0.1; Close stops it.
func NewServer(opts *Options) *Server {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.APIKey == "" {
		o.APIKey = DefaultAPIKey
	}
	if o.MerchantID == "" {
		o.MerchantID = DefaultMerchantID
	}
	var wording Wording
	if o.Wording != nil {
		wording = *o.Wording
	}
	s := &Server{
		wording:    wording.withDefaults(),
		apiKey:     o.APIKey,
		merchantID: o.MerchantID,
		async:      o.Async,
		orders:     map[string]*Order{},
		byOpID:     map[string]*opState{},
		byExtID:    map[string]*opState{},
		orderOps:   map[string][]*opState{},
		faults:     faultinject.NewInjector(faultConfig),
		oneStage:   o.OneStage,
		pageTokens: map[string]string{},
		created:    map[string]createdReply{},
		callback:   notifysend.Callback{Delays: o.WebhookRetryDelays},
	}
	s.callback.Now = s.Now // redeliveries wait on the emulator clock
	k, err := newSigningKey()
	if err != nil {
		// crypto/rand failing leaves nothing sensible to run.
		panic(fmt.Sprintf("yandexpaytest: generating the webhook key: %v", err))
	}
	s.keys = []signingKey{k}
	s.page = emukit.Start(http.HandlerFunc(s.servePage))
	s.srv = emukit.Start(s.Handler())
	s.URL = s.srv.URL
	go s.watchExpiry(s.srv.Done())
	if o.CallbackURL != "" {
		s.SetCallbackURL(o.CallbackURL)
	}
	return s
}

// Handler returns the emulator's HTTP handler, the same one the test server
// at URL serves. Use it to mount the emulator in your own server (for
// example under http.StripPrefix, the Merchant API then living at
// prefix + "/api/merchant"); it keeps working there until Close, which also
// drops requests fault.Slow holds on any server. Faults that drop the
// connection need a server that can hijack it (HTTP/1); elsewhere they abort
// the request with http.ErrAbortHandler.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close stops the server; requests held by fault.Slow are dropped.
func (s *Server) Close() {
	s.SetCallbackURL("")
	s.srv.Close()
	s.page.Close()
}

// BaseURL is what an adapter uses as its base URL: URL + "/api/merchant".
func (s *Server) BaseURL() string { return s.URL + "/api/merchant" }

// APIKey is the key the server accepts.
func (s *Server) APIKey() string { return s.apiKey }

// MerchantID is the merchantId the server reports in orders.
func (s *Server) MerchantID() string { return s.merchantID }

// paidStatuses hold money that a rollback must give back.
var paidStatuses = map[string]bool{
	StatusCaptured: true, StatusPartiallyRefunded: true, StatusRefunded: true,
}

// TryAddOrder stores o with defaults filled in and returns what was stored.
// It fails, storing nothing, on an order id already stored (replacing an
// order would silently drop what a test set up), an order id longer than
// MaxOrderIDLength, or negative amounts.
func (s *Server) TryAddOrder(o Order) (Order, error) {
	now := s.Now()
	if o.OrderID == "" {
		o.OrderID = newUUID()
	}
	switch {
	case !validOrderID(o.OrderID):
		return Order{}, fmt.Errorf("yandexpaytest: order id must be 1 to %d characters", MaxOrderIDLength)
	case o.Amount < 0 || o.CapturedAmount < 0 || o.RefundedAmount < 0:
		return Order{}, errors.New("yandexpaytest: amounts must not be negative")
	}
	if o.Status == "" {
		o.Status = StatusAuthorized
	}
	if o.Amount == 0 {
		o.Amount = DefaultAmount
	}
	if o.Currency == "" {
		o.Currency = DefaultCurrency
	}
	if o.CapturedAmount == 0 && paidStatuses[o.Status] {
		o.CapturedAmount = o.Amount
	}
	if o.Created.IsZero() {
		o.Created = now
	}
	if o.Updated.IsZero() {
		o.Updated = o.Created
	}
	stored := o
	if o.Cart != nil {
		c := *o.Cart
		c.Items = append([]CartItem(nil), c.Items...)
		stored.Cart = &c
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.orders[o.OrderID]; dup {
		return Order{}, fmt.Errorf("yandexpaytest: order %q is already stored; use SetStatus to change it", o.OrderID)
	}
	s.orders[o.OrderID] = &stored
	return o, nil
}

// AddOrder stores o with defaults filled in and returns what was stored. It
// panics on input TryAddOrder rejects, an order id already stored among
// them, as httptest does on a setup failure, so a test seeding a bad order
// fails where it seeds it.
func (s *Server) AddOrder(o Order) Order {
	out, err := s.TryAddOrder(o)
	if err != nil {
		panic(fmt.Sprintf("AddOrder: %v", err))
	}
	return out
}

// Order returns a copy of the order with the given id.
func (s *Server) Order(orderID string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[orderID]
	if !ok {
		return Order{}, false
	}
	return *o, true
}

// SetStatus sets an order's raw paymentStatus to any value, known or not, as
// if the provider had moved it (a buyer paying, an order expiring). It counts
// nothing.
func (s *Server) SetStatus(orderID, raw string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[orderID]
	if !ok {
		return fmt.Errorf("yandexpaytest: SetStatus: no order %q", orderID)
	}
	o.Status = raw
	o.Updated = s.nowLocked()
	s.orderChanged(o, o.Updated)
	return nil
}

// Operation returns the operation with the given externalOperationId.
func (s *Server) Operation(externalOperationID string) (Operation, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	op, ok := s.byExtID[externalOperationID]
	if !ok {
		return Operation{}, false
	}
	return op.Operation, true
}

// Operations returns the order's operations, oldest first.
func (s *Server) Operations(orderID string) []Operation {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.orderOps[orderID]
	out := make([]Operation, len(list))
	for i, op := range list {
		out[i] = op.Operation
	}
	return out
}

// SetAsync switches asynchronous mode for operations created from now on:
// when true they stay PENDING until CompleteOperation.
func (s *Server) SetAsync(async bool) {
	s.mu.Lock()
	s.async = async
	s.mu.Unlock()
}

// CompleteOperation finishes a PENDING operation, named by its operationId or
// its externalOperationId. With success it applies the operation's state
// change (and counts it) if the order still allows it, else the operation
// fails with a reason saying why; without success the operation fails and the
// order is left as it is.
func (s *Server) CompleteOperation(operationID string, success bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	op, ok := s.byOpID[operationID]
	if !ok {
		op, ok = s.byExtID[operationID]
	}
	if !ok {
		return fmt.Errorf("yandexpaytest: CompleteOperation: no operation %q", operationID)
	}
	if op.Status != OperationPending {
		return fmt.Errorf("yandexpaytest: CompleteOperation: operation %q is %s, not PENDING", operationID, op.Status)
	}
	s.complete(op, success, s.nowLocked())
	return nil
}

// Count returns how many state changes of action ("capture", "cancel",
// "refund", "rollback", "submit") were applied to the order, and how many
// times it was created ("create"), paid ("pay"), declined ("decline") or
// expired ("expire").
func (s *Server) Count(orderID, action string) int { return s.applied.Count(orderID, action) }

// Requests returns every request received so far, oldest first.
func (s *Server) Requests() []Request { return s.log.Requests() }

// TryInjectFault arms f, or says why it cannot: f.Action must be one of
// ActionCapture, ActionCancel, ActionRefund, ActionRollback, ActionSubmit,
// ActionOrder or ActionOperation, or empty for every action;
// [fault.UnknownStatus] applies to ActionOrder only. The error names this
// emulator ("yandexpaytest: ...").
func (s *Server) TryInjectFault(f fault.Fault) error { return s.faults.Arm(f) }

// InjectFault arms f: the next f.Times requests of f.Action fail as f.Kind;
// faults armed earlier are used first. f.Delay is how long [fault.Slow]
// holds, and f.RetryAfter is what [fault.TooManyRequests] asks for, in whole
// seconds rounded up (0 sends "Retry-After: 0"). It panics on a fault
// TryInjectFault rejects (a mistyped action, say), as httptest does on a
// setup failure, so the test that armed it fails.
//
// Faults are taken after routing, authentication and header checks, so a
// rejected request does not use one up. From this emulator each kind looks
// like this:
//
//   - [fault.ServerError]: 503 with reasonCode SERVICE_UNAVAILABLE; the
//     order is not touched.
//   - [fault.TooManyRequests]: 429 with reasonCode TOO_MANY_REQUESTS and
//     Retry-After in whole seconds; the order is not touched.
//   - [fault.ResetBeforeApply]: the connection is reset and no operation is
//     created.
//   - [fault.ResetAfterApply]: the operation is created (and succeeds or
//     stays PENDING as usual), then the connection is reset: the answer is
//     lost.
//   - [fault.Slow]: the request is held for f.Delay; if the client goes away
//     or the server closes first, no operation is created and the connection
//     is reset.
//   - [fault.TruncatedBody]: the request acts, then half the answer arrives
//     under the full Content-Length before the connection closes.
//   - [fault.OversizedBody]: the request acts, then the answer arrives
//     padded with a "padding" member to about 4 MiB, still valid JSON.
//   - [fault.UnknownStatus]: order reads report UnknownStatus as
//     paymentStatus.
//   - [fault.Refuse]: f.Status with the fail envelope Yandex Pay uses for
//     it (409 ANOTHER_OPERATION_IN_PROGRESS, 400 BAD_REQUEST, 401
//     AUTHENTICATION_ERROR, 403 FORBIDDEN, 404 ORDER_NOT_FOUND, 429
//     TOO_MANY_REQUESTS with Retry-After); the order is not touched.
//   - [fault.ResetThenRefuse]: the first request as ResetAfterApply, the
//     next f.Times as Refuse: the refusal comes before the
//     externalOperationId is looked at, as a rate limit or a lock would.
//   - [fault.GatewayErrorApplyLater]: f.Status (502 by default) with an
//     HTML page, and the request applied f.Delay later (at once when zero),
//     by the usual rules: a second copy of a write with the same
//     externalOperationId creates nothing.
func (s *Server) InjectFault(f fault.Fault) { emukit.MustArm(s.faults, f) }

// newUUID returns a random (version 4) UUID.
func newUUID() string { return uuid.NewString() }

// validOrderID reports whether id is an order id the API accepts.
func validOrderID(id string) bool {
	return id != "" && utf8.RuneCountInString(id) <= MaxOrderIDLength
}
