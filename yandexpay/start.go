package yandexpay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/transport"
	"github.com/regionpay/payments/status"
)

// Order creation limits.
const (
	// MinTTL is the shortest StartRequest.TTL Yandex Pay accepts.
	MinTTL = 180 * time.Second
	// MaxTTL is the longest StartRequest.TTL sent. Yandex Pay's
	// documentation versions disagree on the upper bound (86400 s in one,
	// 604800 s in another); up to 86400 s is what every version allows.
	MaxTTL = 86400 * time.Second
	// DefaultTTL is how long Yandex Pay keeps a link when no ttl is sent.
	DefaultTTL = 1800 * time.Second
	// minOrderRUB is the smallest order in kopecks: Yandex Pay refuses
	// orders below 1 RUB.
	minOrderRUB = 100
)

// defaultPaymentMethods is sent when StartRequest.PaymentMethods is empty:
// cards, which every merchant accepts.
var defaultPaymentMethods = []string{"CARD"}

// startNamespace derives the X-Request-Id of an order creation from its
// body, so that a repeat of the same request (by the app, after an error)
// carries the same id, as Yandex Pay's idempotency of writes expects.
var startNamespace = uuid.MustParse("5d3f7f1e-2c1a-4f7e-9a53-3a0c1f6e8b21")

// Order creation wire shapes (Yandex Pay's merchant_v1_orders-post page).
type (
	startBody struct {
		OrderID                 string       `json:"orderId"`
		CurrencyCode            string       `json:"currencyCode"`
		Cart                    *wireCart    `json:"cart"`
		RedirectURLs            redirectURLs `json:"redirectUrls"`
		AvailablePaymentMethods []string     `json:"availablePaymentMethods"`
		TTL                     int64        `json:"ttl,omitempty"`
	}
	redirectURLs struct {
		OnSuccess string `json:"onSuccess"`
		OnError   string `json:"onError"`
		OnAbort   string `json:"onAbort,omitempty"`
	}
	startData struct {
		PaymentURL string `json:"paymentUrl"`
	}
	// startedOrder is what Start reads of an existing order beyond the
	// Payment: its cart, to compare, and its payment link where the read
	// carries one.
	startedOrder struct {
		Cart *struct {
			Items []struct {
				ProductID string `json:"productId"`
				Quantity  struct {
					Count decimal `json:"count"`
				} `json:"quantity"`
				Total decimal `json:"total"`
			} `json:"items"`
			Total struct {
				Amount decimal `json:"amount"`
			} `json:"total"`
		} `json:"cart"`
		PaymentURL string `json:"paymentUrl"`
	}
)

// Start creates a Yandex Pay order (POST /v1/orders) with a payment link, or
// returns the one an earlier Start with the same OrderID created.
//
// The merchant's OrderID is the idempotency key. What Yandex Pay answers to
// a second creation with the same orderId is not documented, so the order
// is read first (GET /v1/orders/{id}): an existing order with the same cart
// is returned as it stands (StartResult.Existing, with its current status:
// a FAILED one, whose link expired or was declined, needs a new OrderID),
// one with another cart is refused with payments.CodeInvalidArgument, and
// nothing is created either way. A creation whose answer is lost, or
// answered with a 5xx, is settled by reading the order the same way; when
// that read fails too the error is payments.CodeOutcomeUnknown carrying the
// OrderID as its idempotency key: Start again with the same request.
//
// The request is checked before anything is sent: an OrderID usable as a
// path segment by the same rule every other action applies to ref.ID (at
// most MaxOrderIDLength characters of UTF-8, no control characters), a valid cart (Cart.Validate) whose unit prices have at most
// two decimals, at least 1 RUB in all, OnSuccess and OnError redirect URLs,
// a TTL of whole seconds within MinTTL and MaxTTL (or zero), and payment
// method names. A cart Yandex Pay still refuses (ORDER_CART_DATA_ERROR)
// comes back as payments.CodeInvalidArgument with its details.
func (c *Client) Start(ctx context.Context, req *payments.StartRequest) (*payments.StartResult, error) {
	if c == nil || c.tr == nil {
		return nil, &payments.Error{Code: payments.CodeFailedPrecondition, Provider: Name, Op: payments.OpStart,
			Message: "the yandexpay.Client was not created by yandexpay.New"}
	}
	if err := driver.ContextError(ctx, Name, payments.OpStart); err != nil {
		return nil, err
	}
	body, err := startRequestBody(req)
	if err != nil {
		return nil, err
	}
	res, err := c.start(ctx, req, body)
	if err != nil {
		return nil, keyed(err, req.OrderID)
	}
	return res, nil
}

// start creates the order body describes unless it exists; errors get the
// OrderID as their idempotency key from Start.
func (c *Client) start(ctx context.Context, req *payments.StartRequest, body *startBody) (*payments.StartResult, error) {
	ref := payments.Ref{ID: req.OrderID}
	if res, found, err := c.startedBefore(ctx, req, body); err != nil || found {
		return res, err
	}
	ttl := ttlOrDefault(req.TTL)
	sent := time.Now()
	res, err := c.create(ctx, body)
	if err == nil {
		res.Ref, res.ExpiresAt = ref, sent.Add(ttl)
		return res, nil
	}
	if strings.EqualFold(providerCode(err), reasonCartData) || ctx.Err() != nil {
		// A refused cart created nothing; a call cut off by its context is
		// classified by the transport (OutcomeUnknown once it was sent).
		return nil, err
	}
	// The creation may have happened (a lost or unreadable answer, a 5xx
	// from a gateway after Yandex Pay acted), or a refusal may mean that a
	// concurrent Start created the order: the order says.
	res, found, rerr := c.startedBefore(ctx, req, body)
	switch {
	case rerr != nil && found:
		// The order exists, but is another order or cannot be returned.
		return nil, rerr
	case rerr != nil:
		return nil, startUnknown(err, driver.ReadFailed("the order", rerr))
	case found:
		res.Existing = false // this call's creation, whose answer was lost
		return res, nil
	case transport.Ambiguous(err) || errors.Is(err, driver.ErrMalformed):
		return nil, startUnknown(err, "the order cannot be read yet")
	}
	// A definite refusal, or a 5xx after which no order exists: nothing
	// was created.
	return nil, err
}

// create sends POST /v1/orders and reads the payment link from the answer.
func (c *Client) create(ctx context.Context, body *startBody) (*payments.StartResult, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, driver.InvalidArgument(Name, payments.OpStart, "encoding the request: %v", err)
	}
	ans, err := c.do(ctx, request{op: payments.OpStart, method: http.MethodPost, path: "/v1/orders", body: json.RawMessage(raw),
		retry: transport.RetrySafe, requestID: uuid.NewSHA1(startNamespace, raw).String()})
	if err != nil {
		return nil, err
	}
	var d startData
	if err := json.Unmarshal(ans.data, &d); err != nil || !absoluteURL(d.PaymentURL) {
		return nil, c.malformed(payments.OpStart, ans.reqID, ans.resp, "no paymentUrl")
	}
	return &payments.StartResult{Provider: Name, PaymentURL: d.PaymentURL, Status: status.Pending, RawStatus: "PENDING"}, nil
}

// startedBefore reads the order an OrderID names. found is false when there
// is none. An order with another cart is refused; one with the same cart is
// the result, its payment link taken from the read or, when the read
// carries none and the order is still unpaid, from a repeat of the same
// creation request.
func (c *Client) startedBefore(ctx context.Context, req *payments.StartRequest, body *startBody) (*payments.StartResult, bool, error) {
	ref := payments.Ref{ID: req.OrderID}
	pay, err := c.readOrder(ctx, payments.OpStart, ref)
	if payments.CodeOf(err) == payments.CodeNotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var o startedOrder
	if err := json.Unmarshal(pay.Raw, &o); err != nil {
		return nil, true, &payments.Error{Code: payments.CodeUnknown, Provider: Name, Op: payments.OpStart,
			Message: fmt.Sprintf("order %q exists but its cart cannot be read: %v", req.OrderID, err), IdempotencyKey: req.OrderID}
	}
	why := o.differs(&req.Cart)
	if cur := pay.Amount.Currency; why == "" && cur != "" && !strings.EqualFold(cur, req.Cart.Total.Currency) {
		why = fmt.Sprintf("its currency is %s, this request's %s", cur, req.Cart.Total.Currency)
	}
	if why != "" {
		return nil, true, &payments.Error{Code: payments.CodeInvalidArgument, Provider: Name, Op: payments.OpStart,
			Message:        fmt.Sprintf("req.OrderID %q already names another order (%s): start a new order with a new OrderID", req.OrderID, c.scrub(why, 256)),
			IdempotencyKey: req.OrderID}
	}
	res := &payments.StartResult{Ref: ref, Provider: Name, Status: pay.Status, RawStatus: pay.RawStatus, Existing: true}
	if absoluteURL(o.PaymentURL) {
		res.PaymentURL = o.PaymentURL
	}
	if !pay.Created.IsZero() {
		res.ExpiresAt = pay.Created.Add(ttlOrDefault(req.TTL))
	}
	if res.PaymentURL == "" && pay.Status == status.Pending {
		// Yandex Pay's order read is not documented to carry the link; the
		// same creation request, under the same X-Request-Id, may give it.
		again, err := c.create(ctx, body)
		if err != nil {
			return nil, true, &payments.Error{Code: payments.CodeFailedPrecondition, Provider: Name, Op: payments.OpStart,
				Message:        fmt.Sprintf("order %q exists, unpaid, but its payment link could not be read back (%s); roll it back and start a new order, or send the buyer the link from the first Start", req.OrderID, payments.CodeOf(err)),
				IdempotencyKey: req.OrderID, Err: err}
		}
		res.PaymentURL = again.PaymentURL
	}
	return res, true, nil
}

// differs says how an existing order's cart differs from the requested
// one, or "" when they are the same order.
func (o *startedOrder) differs(want *payments.Cart) string {
	if o.Cart == nil {
		return "its read carries no cart to compare"
	}
	if total, err := minorOf(string(o.Cart.Total.Amount)); err != nil || total != want.Total.Minor {
		return fmt.Sprintf("its cart total is %s, this request's %s", o.Cart.Total.Amount, want.Total.Decimal())
	}
	if len(o.Cart.Items) != len(want.Items) {
		return fmt.Sprintf("its cart has %d items, this request's %d", len(o.Cart.Items), len(want.Items))
	}
	have := make(map[string][2]int64, len(o.Cart.Items))
	for _, it := range o.Cart.Items {
		count, cerr := minorOf(string(it.Quantity.Count))
		total, terr := minorOf(string(it.Total))
		if cerr != nil || terr != nil {
			return fmt.Sprintf("its item %q cannot be read", it.ProductID)
		}
		have[it.ProductID] = [2]int64{count, total}
	}
	for _, it := range want.Items {
		got, ok := have[it.ID]
		switch {
		case !ok:
			return fmt.Sprintf("its cart has no item %q", it.ID)
		case got[0] != it.Quantity*100 || got[1] != it.Total.Minor:
			return fmt.Sprintf("its item %q differs in quantity or total", it.ID)
		}
	}
	return ""
}

// startRequestBody checks req and builds the creation body.
func startRequestBody(req *payments.StartRequest) (*startBody, error) {
	if req == nil {
		return nil, driver.InvalidArgument(Name, payments.OpStart, "nil *StartRequest")
	}
	if err := checkSegment(payments.OpStart, "req.OrderID", req.OrderID); err != nil {
		return nil, err
	}
	if err := checkCart(payments.OpStart, "req.Cart", &req.Cart); err != nil {
		return nil, err
	}
	if err := checkStartFields(req); err != nil {
		return nil, err
	}
	methods, err := paymentMethods(req.PaymentMethods)
	if err != nil {
		return nil, err
	}
	return &startBody{
		OrderID:      req.OrderID,
		CurrencyCode: req.Cart.Total.Currency,
		Cart:         toWireCart(&req.Cart),
		RedirectURLs: redirectURLs{OnSuccess: req.Redirects.OnSuccess, OnError: req.Redirects.OnError,
			OnAbort: req.Redirects.OnAbort},
		AvailablePaymentMethods: append([]string(nil), methods...),
		TTL:                     int64(req.TTL / time.Second),
	}, nil
}

// checkStartFields refuses a start request's amount, redirects or TTL that
// Yandex Pay's order creation page does not allow.
func checkStartFields(req *payments.StartRequest) error {
	bad := func(format string, args ...any) error {
		return driver.InvalidArgument(Name, payments.OpStart, format, args...)
	}
	switch {
	case req.Cart.Total.Currency == "RUB" && req.Cart.Total.Minor < minOrderRUB:
		return bad("req.Cart total %s is below Yandex Pay's minimum order of 1.00 RUB", req.Cart.Total)
	case !absoluteURL(req.Redirects.OnSuccess):
		return bad("req.Redirects.OnSuccess must be an absolute http(s) URL (Yandex Pay requires it), got %.80q", req.Redirects.OnSuccess)
	case !absoluteURL(req.Redirects.OnError):
		return bad("req.Redirects.OnError must be an absolute http(s) URL (Yandex Pay requires it), got %.80q", req.Redirects.OnError)
	case req.Redirects.OnAbort != "" && !absoluteURL(req.Redirects.OnAbort):
		return bad("req.Redirects.OnAbort must be empty or an absolute http(s) URL, got %.80q", req.Redirects.OnAbort)
	case req.TTL != 0 && (req.TTL%time.Second != 0 || req.TTL < MinTTL || req.TTL > MaxTTL):
		return bad("req.TTL must be whole seconds from %s to %s (or zero for Yandex Pay's default %s), got %s", MinTTL, MaxTTL, DefaultTTL, req.TTL)
	}
	return nil
}

// paymentMethods are the methods a start offers: the request's, distinct
// and well formed, or the defaults.
func paymentMethods(methods []string) ([]string, error) {
	if len(methods) == 0 {
		methods = defaultPaymentMethods
	}
	seen := map[string]bool{}
	for i, m := range methods {
		if !methodName(m) || seen[m] {
			return nil, driver.InvalidArgument(Name, payments.OpStart,
				"req.PaymentMethods[%d] %.40q must be a distinct upper-case method name such as CARD, SPLIT or SBP", i, m)
		}
		seen[m] = true
	}
	return methods, nil
}

func ttlOrDefault(ttl time.Duration) time.Duration {
	if ttl == 0 {
		return DefaultTTL
	}
	return ttl
}

// methodName accepts what Yandex Pay's method names look like: CARD, SPLIT,
// SBP, and others of the same form.
func methodName(m string) bool {
	if m == "" || len(m) > 32 {
		return false
	}
	return strings.Trim(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == ""
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// startUnknown reports a creation that may have happened.
func startUnknown(cause error, why string) *payments.Error {
	e := driver.OutcomeUnknown(Name, payments.OpStart, cause, why)
	e.Message = fmt.Sprintf("the order may have been created and %s; Start again with the same OrderID and cart, which creates nothing twice", why)
	return e
}

// keyed sets the OrderID as the idempotency key of a Start error.
func keyed(err error, orderID string) error {
	var e *payments.Error
	if errors.As(err, &e) && e.IdempotencyKey == "" {
		e.IdempotencyKey = orderID
	}
	return err
}

// minorOf reads a Yandex Pay decimal ("2", "123.45") as hundredths: a cart
// quantity as well as an amount.
func minorOf(s string) (int64, error) {
	m, err := payments.ParseMoney(s, "")
	return m.Minor, err
}
