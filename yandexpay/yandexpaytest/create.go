package yandexpaytest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Order creation limits, from Yandex Pay's order creation page.
const (
	// MinOrderAmount is the smallest order, in minor units (1.00 RUB).
	MinOrderAmount = 100
	// DefaultTTL is how long a payment link lives when the request gives no ttl.
	DefaultTTL = 1800 * time.Second
	// MinTTL is the shortest ttl a creation request may give.
	MinTTL = 180 * time.Second
	// MaxTTL is the longest ttl a creation request may give. The
	// documentation versions disagree on the upper bound (86400 or 604800
	// seconds); the emulator accepts the wider one, as the provider would.
	MaxTTL = 604800 * time.Second
	// OpenedGrace is the extra time a buyer who opened the payment page
	// before the link expired gets to finish paying.
	OpenedGrace = 15 * time.Minute
)

// Reason codes of order creation. ORDER_CART_DATA_ERROR is the name public
// clients report for cart validation; ORDER_ALREADY_EXISTS is the
// emulator's own, for a repeat of an orderId with another order (the
// documentation does not say what Yandex Pay answers then).
const (
	ReasonCartData           = "ORDER_CART_DATA_ERROR" // the cart does not add up or breaks a limit
	ReasonOrderAlreadyExists = "ORDER_ALREADY_EXISTS"  // the orderId names an order with another cart
)

// Cart is an order's cart as created: amounts in minor units.
type Cart struct {
	// Items are the cart's lines.
	Items []CartItem
	// Total is cart.total.amount.
	Total int64
}

// CartItem is one line of a Cart.
type CartItem struct {
	// ProductID is the merchant's product id, unique in the cart.
	ProductID string
	// Title is the product's name.
	Title string
	// Count is quantity.count (the emulator takes whole counts only).
	Count int64
	// Total is the line's total after discounts.
	Total int64
	// UnitPrice is the price of one unit before discounts; 0 when not sent.
	UnitPrice int64
}

// RedirectURLs are where the payment page sends the buyer afterwards.
type RedirectURLs struct {
	// OnSuccess is the page after a payment (required by Yandex Pay).
	OnSuccess string
	// OnError is the page after a failed payment (required by Yandex Pay).
	OnError string
	// OnAbort is the page after the buyer left without paying; optional.
	OnAbort string
}

// createRequest is the body of POST /v1/orders, reduced to what the
// emulator checks.
type createRequest struct {
	OrderID      *string `json:"orderId"`
	CurrencyCode string  `json:"currencyCode"`
	Cart         *struct {
		Items []wireCartItem `json:"items"`
		Total struct {
			Amount json.RawMessage `json:"amount"`
		} `json:"total"`
	} `json:"cart"`
	RedirectURLs *struct {
		OnSuccess string `json:"onSuccess"`
		OnError   string `json:"onError"`
		OnAbort   string `json:"onAbort"`
	} `json:"redirectUrls"`
	AvailablePaymentMethods []string `json:"availablePaymentMethods"`
	TTL                     *int64   `json:"ttl"`
}

// wireCartItem is one line of a cart as a request sends it.
type wireCartItem struct {
	ProductID string `json:"productId"`
	Title     string `json:"title"`
	Quantity  struct {
		Count json.RawMessage `json:"count"`
	} `json:"quantity"`
	Total     json.RawMessage `json:"total"`
	UnitPrice json.RawMessage `json:"unitPrice"`
}

// paymentMethods are the availablePaymentMethods values the API documents.
var paymentMethods = map[string]bool{"CARD": true, "SPLIT": true, "SBP": true}

// cartError answers ORDER_CART_DATA_ERROR naming the field at fault.
func cartError(field, msg string) reply {
	return fail(http.StatusBadRequest, ReasonCartData, field+": "+msg, map[string]any{"field": field})
}

// createLocked takes the lock for create.
func (s *Server) createLocked(requestID string, body []byte) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.create(requestID, body, s.nowLocked())
}

// create handles POST /v1/orders: a new PENDING order with a payment link.
// A repeat of the same X-Request-Id and body gets the first answer again,
// as the API's idempotency rule for request ids says.
func (s *Server) create(requestID string, body []byte, now time.Time) reply {
	sum := sha256.Sum256(body)
	if prev, ok := s.created[requestID]; ok && prev.body == sum {
		return prev.reply
	}
	rep := s.createOrder(body, now)
	if rep.Status == http.StatusOK {
		s.created[requestID] = createdReply{body: sum, reply: rep}
	}
	return rep
}

// createdReply is an order creation's answer kept for its request id.
type createdReply struct {
	body  [32]byte
	reply reply
}

func (s *Server) createOrder(body []byte, now time.Time) reply {
	var req createRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		return s.badRequest("request body must be a JSON object: " + err.Error())
	}
	o, rep, ok := s.checkCreate(&req)
	if !ok {
		return rep
	}
	if prev, exists := s.orders[o.OrderID]; exists {
		if prev.Cart != nil && prev.PaymentURL != "" && sameCart(prev, o) {
			return success(map[string]any{"paymentUrl": prev.PaymentURL})
		}
		return fail(http.StatusConflict, ReasonOrderAlreadyExists, "an order with this orderId already exists",
			map[string]any{"orderId": o.OrderID})
	}
	ttl := DefaultTTL
	if req.TTL != nil {
		ttl = time.Duration(*req.TTL) * time.Second
	}
	token := newUUID()
	o.Status, o.Amount = StatusPending, o.Cart.Total
	o.Created, o.Updated, o.ExpiresAt = now, now, now.Add(ttl)
	o.PaymentURL = s.page.URL + "/pay/" + token
	s.orders[o.OrderID] = o
	s.pageTokens[token] = o.OrderID
	s.applied.Add(o.OrderID, ActionCreate)
	return success(map[string]any{"paymentUrl": o.PaymentURL})
}

// sameCart reports whether a repeated creation asks for the same order.
func sameCart(a, b *Order) bool {
	if a.Currency != b.Currency || a.Cart.Total != b.Cart.Total || len(a.Cart.Items) != len(b.Cart.Items) {
		return false
	}
	for i := range a.Cart.Items {
		if a.Cart.Items[i] != b.Cart.Items[i] {
			return false
		}
	}
	return true
}

// checkCreate validates a creation request and builds the order it asks
// for; on a refusal it returns the answer to send.
func (s *Server) checkCreate(req *createRequest) (*Order, reply, bool) {
	if msg := createRefusal(req); msg != "" {
		return nil, s.badRequest(msg), false
	}
	cart, rep, ok := parseCart(req)
	if !ok {
		return nil, rep, false
	}
	o := &Order{
		OrderID:        *req.OrderID,
		Currency:       req.CurrencyCode,
		Cart:           cart,
		PaymentMethods: append([]string(nil), req.AvailablePaymentMethods...),
		RedirectURLs: RedirectURLs{OnSuccess: req.RedirectURLs.OnSuccess, OnError: req.RedirectURLs.OnError,
			OnAbort: req.RedirectURLs.OnAbort},
	}
	return o, reply{}, true
}

// redirectRefusal says what is wrong with a creation request's
// redirectUrls, or "".
func redirectRefusal(req *createRequest) string {
	switch {
	case req.RedirectURLs == nil || !absoluteURL(req.RedirectURLs.OnSuccess) || !absoluteURL(req.RedirectURLs.OnError):
		return "redirectUrls.onSuccess and redirectUrls.onError must be absolute http(s) URLs"
	case req.RedirectURLs.OnAbort != "" && !absoluteURL(req.RedirectURLs.OnAbort):
		return "redirectUrls.onAbort must be an absolute http(s) URL"
	}
	return ""
}

// createRefusal says what is wrong with a creation request's fields other
// than its cart, or "".
func createRefusal(req *createRequest) string {
	switch {
	case req.OrderID == nil || *req.OrderID == "":
		return "orderId is required"
	case !validOrderID(*req.OrderID):
		return fmt.Sprintf("orderId must be 1 to %d characters", MaxOrderIDLength)
	case !isCurrency(req.CurrencyCode):
		return "currencyCode must be an ISO 4217 code such as RUB"
	case req.Cart == nil:
		return "cart is required"
	case redirectRefusal(req) != "":
		return redirectRefusal(req)
	case len(req.AvailablePaymentMethods) == 0:
		return "availablePaymentMethods must list at least one method"
	case req.TTL != nil && (*req.TTL < int64(MinTTL/time.Second) || *req.TTL > int64(MaxTTL/time.Second)):
		return fmt.Sprintf("ttl must be %d to %d seconds", int64(MinTTL/time.Second), int64(MaxTTL/time.Second))
	}
	for _, m := range req.AvailablePaymentMethods {
		if !paymentMethods[m] {
			return fmt.Sprintf("availablePaymentMethods: unknown method %q", m)
		}
	}
	return ""
}

// parseCart reads and checks the cart as the order creation page states:
// decimal-string amounts, unique product ids, a unit price (total over
// count) with at most two decimals, a total equal to the sum of the lines,
// and an order of at least 1.00.
func parseCart(req *createRequest) (*Cart, reply, bool) {
	c := &Cart{}
	if len(req.Cart.Items) == 0 {
		return nil, cartError("cart.items", "the cart has no items"), false
	}
	seen := map[string]bool{}
	var sum int64
	for i, it := range req.Cart.Items {
		at := fmt.Sprintf("cart.items[%d]", i)
		if it.ProductID == "" || seen[it.ProductID] {
			return nil, cartError(at+".productId", "must be present and unique in the cart"), false
		}
		seen[it.ProductID] = true
		line, rep, ok := it.parse(at)
		if !ok {
			return nil, rep, false
		}
		if sum > maxMinor-line.Total {
			return nil, cartError("cart.total.amount", "is too large"), false
		}
		sum += line.Total
		c.Items = append(c.Items, line)
	}
	total, set, msg := amountField("cart.total.amount", req.Cart.Total.Amount)
	switch {
	case msg != "" || !set:
		return nil, cartError("cart.total.amount", "must be a decimal string"), false
	case total != sum:
		return nil, cartError("cart.total.amount", fmt.Sprintf("%s is not the sum of the items (%s)", formatAmount(total), formatAmount(sum))), false
	case total < MinOrderAmount:
		return nil, cartError("cart.total.amount", "the order must be at least 1.00"), false
	}
	c.Total = total
	return c, reply{}, true
}

// parse reads and checks one line of a cart, at says where it stands.
func (it wireCartItem) parse(at string) (CartItem, reply, bool) {
	if it.Title == "" {
		return CartItem{}, cartError(at+".title", "is required"), false
	}
	count, set, msg := amountField(at+".quantity.count", it.Quantity.Count)
	if msg != "" || !set || count <= 0 || count%100 != 0 {
		return CartItem{}, cartError(at+".quantity.count", "must be a positive whole number as a string"), false
	}
	total, set, msg := amountField(at+".total", it.Total)
	if msg != "" || !set || total <= 0 {
		return CartItem{}, cartError(at+".total", "must be a positive decimal string"), false
	}
	if total%(count/100) != 0 {
		return CartItem{}, cartError(at+".total", "the unit price (total / quantity.count) has more than two decimals"), false
	}
	unit, _, msg := amountField(at+".unitPrice", it.UnitPrice)
	if msg != "" {
		return CartItem{}, cartError(at+".unitPrice", msg), false
	}
	return CartItem{ProductID: it.ProductID, Title: it.Title, Count: count / 100, Total: total, UnitPrice: unit}, reply{}, true
}

// maxMinor bounds sums of amounts.
const maxMinor = int64(1<<63 - 1)

func isCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	return strings.ToUpper(c) == c && strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

func absoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// cartJSON is an order's cart as order reads report it.
func cartJSON(c *Cart) map[string]any {
	items := make([]map[string]any, 0, len(c.Items))
	for _, it := range c.Items {
		item := map[string]any{
			"productId": it.ProductID,
			"title":     it.Title,
			"quantity":  map[string]any{"count": fmt.Sprint(it.Count)},
			"total":     formatAmount(it.Total),
		}
		if it.UnitPrice > 0 {
			item["unitPrice"] = formatAmount(it.UnitPrice)
		}
		items = append(items, item)
	}
	return map[string]any{"items": items, "total": map[string]any{"amount": formatAmount(c.Total)}}
}
