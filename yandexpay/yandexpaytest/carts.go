package yandexpaytest

import (
	"encoding/json"
	"fmt"
)

// cartChange is a v2 refund's targetCart (the cart after the refund) or
// refundCart (the lines given back): items named by productId, each with an
// optional new count and unit price; an omitted field means unchanged.
type cartChange struct {
	Items []cartChangeItem `json:"items"`
}

// cartChangeItem is one line of a targetCart or refundCart.
type cartChangeItem struct {
	ProductID     string          `json:"productId"`
	QuantityCount json.RawMessage `json:"quantityCount"`
	Price         json.RawMessage `json:"price"`
}

// defaultCart is what order reads show for an order added without a cart
// (Order.Cart nil): a single line holding what the order still holds or
// charges. Its lines are not the merchant's, so the first cart a write
// sends for such an order is taken as it is.
func defaultCart(o *Order) *Cart {
	left := o.Amount - o.RefundedAmount
	if left <= 0 {
		return &Cart{}
	}
	return &Cart{Items: []CartItem{{ProductID: "item-1", Title: "Item", Count: 1, Total: left}}, Total: left}
}

// parseWireCart reads the "cart" of a capture, submit or v1 refund, with
// the checks of order creation.
func parseWireCart(raw json.RawMessage) (*Cart, reply, bool) {
	var req createRequest
	if err := json.Unmarshal([]byte(`{"cart":`+string(raw)+`}`), &req); err != nil || req.Cart == nil {
		return nil, cartError("cart", "must be an object with items and total"), false
	}
	return parseCart(&req)
}

// writeCart applies Yandex Pay's cart rules to a write and returns the cart
// the order holds once it succeeds (nil: unchanged) and the amount it moves:
// a capture below the hold, and a v1 or partial v2 refund, need the final
// cart (the capture and refund pages); a capture with a cart and no
// orderAmount captures the cart's total.
func (s *Server) writeCart(action string, o *Order, req writeRequest, am writeAmounts, amount int64) (*Cart, int64, reply, bool) {
	rule, ok := cartRules[action]
	if !ok {
		return nil, amount, reply{}, true
	}
	return rule(s, o, req, am, amount)
}

// cartRule is what one write does to the order's cart; see writeCart.
type cartRule func(s *Server, o *Order, req writeRequest, am writeAmounts, amount int64) (*Cart, int64, reply, bool)

// cartRules are the writes that touch the cart.
var cartRules = map[string]cartRule{
	ActionCapture:  captureCart,
	ActionSubmit:   captureCart,
	ActionRefundV1: refundV1Cart,
	ActionRefund:   refundCart,
}

// captureCart: a capture below the hold needs the final cart, and a cart
// without an orderAmount captures the cart's total.
func captureCart(s *Server, o *Order, req writeRequest, am writeAmounts, amount int64) (*Cart, int64, reply, bool) {
	if len(req.Cart) == 0 || string(req.Cart) == "null" {
		if am.orderSet && am.order < o.Amount {
			return nil, 0, s.badRequest("cart is required when orderAmount is below the authorized amount: send the final cart"), false
		}
		return nil, amount, reply{}, true
	}
	c, rep, ok := parseWireCart(req.Cart)
	if !ok {
		return nil, 0, rep, false
	}
	if !am.orderSet {
		amount = c.Total
		if amount > o.Amount {
			return nil, 0, cartError("cart.total.amount", "is above the authorized amount"), false
		}
	}
	if c.Total != amount {
		return nil, 0, cartError("cart.total.amount", fmt.Sprintf("%s is not the orderAmount %s", formatAmount(c.Total), formatAmount(amount))), false
	}
	return c, amount, reply{}, true
}

// refundV1Cart: a v1 refund sends what remains, and the cart that remains
// unless nothing does.
func refundV1Cart(s *Server, o *Order, req writeRequest, am writeAmounts, amount int64) (*Cart, int64, reply, bool) {
	after := remaining(o) - amount
	if am.order != after {
		return nil, 0, s.badRequest(fmt.Sprintf("orderAmount must be what remains after the refund, %s", formatAmount(after))), false
	}
	if after == 0 {
		return &Cart{}, amount, reply{}, true
	}
	c, rep, ok := parseWireCart(req.Cart)
	if !ok {
		return nil, 0, rep, false
	}
	if c.Total != after {
		return nil, 0, cartError("cart.total.amount", fmt.Sprintf("%s is not the orderAmount %s", formatAmount(c.Total), formatAmount(after))), false
	}
	return c, amount, reply{}, true
}

// refundCart: a partial v2 refund names the lines kept or given back.
func refundCart(s *Server, o *Order, req writeRequest, _ writeAmounts, amount int64) (*Cart, int64, reply, bool) {
	after := remaining(o) - amount
	switch {
	case req.TargetCart == nil && req.RefundCart == nil && after == 0:
		return &Cart{}, amount, reply{}, true
	case req.TargetCart == nil && req.RefundCart == nil:
		return nil, 0, s.badRequest("targetCart or refundCart is required for a partial refund"), false
	}
	c, rep, ok := changedCart(o, req.TargetCart, req.RefundCart)
	if !ok {
		return nil, 0, rep, false
	}
	if c != nil && c.Total != after {
		return nil, 0, cartError("targetCart", fmt.Sprintf("the cart after the refund totals %s, but %s remains", formatAmount(c.Total), formatAmount(after))), false
	}
	return c, amount, reply{}, true
}

// changedCart is the order's cart after a v2 refund: targetCart lists the
// lines kept (lines it leaves out are returned), refundCart the lines given
// back (a line without a count is given back whole).
func changedCart(o *Order, target, refund *cartChange) (*Cart, reply, bool) {
	cur := o.Cart
	if cur == nil {
		if target == nil {
			// Lines given back from a cart nobody sent: nothing to check
			// them against, and the order keeps showing its one line.
			return nil, reply{}, true
		}
		return newTargetCart(target)
	}
	byID := map[string]CartItem{}
	for _, it := range cur.Items {
		byID[it.ProductID] = it
	}
	change, field := target, "targetCart"
	if change == nil {
		change, field = refund, "refundCart"
	}
	out := &Cart{}
	kept := map[string]bool{}
	for i, ch := range change.Items {
		at := fmt.Sprintf("%s.items[%d]", field, i)
		it, ok := byID[ch.ProductID]
		if !ok {
			return nil, cartError(at+".productId", "names no line of the order's cart"), false
		}
		count, unit, rep, ok := lineAfter(it, ch, at, target == nil)
		if !ok {
			return nil, rep, false
		}
		kept[it.ProductID] = true
		if count > 0 {
			it.Count, it.Total = count, count*unit
			out.Items = append(out.Items, it)
			out.Total += it.Total
		}
	}
	if target == nil {
		// A refundCart leaves the lines it does not name as they are.
		for _, it := range cur.Items {
			if !kept[it.ProductID] {
				out.Items = append(out.Items, it)
				out.Total += it.Total
			}
		}
	}
	return out, reply{}, true
}

// lineAfter is the count and unit price of the order's line it after a
// change ch at field at: the line kept as ch says, or (given) what is left
// of it once ch is given back (a line without a count is given back whole).
func lineAfter(it CartItem, ch cartChangeItem, at string, given bool) (count, unit int64, rep reply, ok bool) {
	unit, count = it.Total/max(it.Count, 1), it.Count
	if n, set, msg := amountField(at+".quantityCount", ch.QuantityCount); msg != "" || (set && n%100 != 0) {
		return 0, 0, cartError(at+".quantityCount", "must be a whole number as a string"), false
	} else if set {
		count = n / 100
	}
	if p, set, msg := amountField(at+".price", ch.Price); msg != "" {
		return 0, 0, cartError(at+".price", msg), false
	} else if set {
		unit = p
	}
	if given {
		count = it.Count - count
		if ch.QuantityCount == nil {
			count = 0
		}
	}
	if count < 0 || count > it.Count {
		return 0, 0, cartError(at+".quantityCount", "is more than the line holds"), false
	}
	return count, unit, reply{}, true
}

// newTargetCart takes a targetCart as the whole cart of an order whose lines
// were never sent: each line needs its price; its count defaults to 1.
func newTargetCart(target *cartChange) (*Cart, reply, bool) {
	out := &Cart{}
	for i, ch := range target.Items {
		at := fmt.Sprintf("targetCart.items[%d]", i)
		count := int64(1)
		if n, set, msg := amountField(at+".quantityCount", ch.QuantityCount); msg != "" || (set && (n <= 0 || n%100 != 0)) {
			return nil, cartError(at+".quantityCount", "must be a positive whole number as a string"), false
		} else if set {
			count = n / 100
		}
		unit, set, msg := amountField(at+".price", ch.Price)
		if msg != "" || !set || unit <= 0 || ch.ProductID == "" {
			return nil, cartError(at, "needs a productId and a price"), false
		}
		out.Items = append(out.Items, CartItem{ProductID: ch.ProductID, Title: ch.ProductID, Count: count, Total: count * unit})
		out.Total += count * unit
	}
	return out, reply{}, true
}
