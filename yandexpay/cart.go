package yandexpay

import (
	"strconv"
	"strings"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
)

// Cart wire shapes. Yandex Pay's order creation and capture pages take a
// cart as {items[{productId, title, quantity{count}, total, unitPrice?}],
// total{amount}}; amounts and counts are decimal strings.
type (
	wireCart struct {
		Items []wireCartItem `json:"items"`
		Total wireCartTotal  `json:"total"`
	}
	wireCartItem struct {
		ProductID string       `json:"productId"`
		Title     string       `json:"title"`
		Quantity  wireQuantity `json:"quantity"`
		Total     string       `json:"total"`
		UnitPrice string       `json:"unitPrice,omitempty"`
	}
	wireQuantity struct {
		Count string `json:"count"`
	}
	wireCartTotal struct {
		Amount string `json:"amount"`
	}
)

// checkCart validates a caller's cart, passed as field (e.g. "req.Cart"),
// before anything is sent: the portable rules (Cart.Validate), then Yandex
// Pay's: a unit price (line total over quantity) with at most two decimals,
// which the orders page states and which ORDER_CART_DATA_ERROR enforces.
func checkCart(op payments.Operation, field string, c *payments.Cart) error {
	if err := c.Validate(); err != nil {
		return driver.InvalidArgument(Name, op, "%s: %v", field, err)
	}
	for i, it := range c.Items {
		if it.Total.Minor%it.Quantity != 0 {
			return driver.InvalidArgument(Name, op, "%s item %d (id %q): total %s is not a whole number of kopecks per unit over quantity %d; Yandex Pay refuses a unit price with more than two decimals",
				field, i, it.ID, it.Total, it.Quantity)
		}
	}
	return nil
}

// toWireCart is the cart as Yandex Pay's pages take it. c has passed
// checkCart, so every amount formats.
func toWireCart(c *payments.Cart) *wireCart {
	w := &wireCart{Total: wireCartTotal{Amount: c.Total.Decimal()}}
	for _, it := range c.Items {
		wi := wireCartItem{
			ProductID: it.ID,
			Title:     it.Title,
			Quantity:  wireQuantity{Count: strconv.FormatInt(it.Quantity, 10)},
			Total:     it.Total.Decimal(),
		}
		if it.UnitPrice.Minor > 0 {
			wi.UnitPrice = it.UnitPrice.Decimal()
		}
		w.Items = append(w.Items, wi)
	}
	return w
}

// The v2 refund page takes targetCart, the cart after the refund, as
// {items[{productId, quantityCount, price}]}: each kept line with its count
// and unit price.
type (
	wireTargetCart struct {
		Items []wireTargetItem `json:"items"`
	}
	wireTargetItem struct {
		ProductID     string `json:"productId"`
		QuantityCount string `json:"quantityCount"`
		Price         string `json:"price"`
	}
)

// targetCart is the cart after a refund as the v2 refund page takes it. c
// has passed checkCart, so every unit price is whole kopecks.
func targetCart(c *payments.Cart) *wireTargetCart {
	w := &wireTargetCart{}
	for _, it := range c.Items {
		w.Items = append(w.Items, wireTargetItem{
			ProductID:     it.ID,
			QuantityCount: strconv.FormatInt(it.Quantity, 10),
			Price:         payments.Money{Minor: it.Total.Minor / it.Quantity, Currency: it.Total.Currency}.Decimal(),
		})
	}
	return w
}

// cartCurrency refuses a cart in another currency than the order's.
func cartCurrency(op payments.Operation, c *payments.Cart, pay *payments.Payment) error {
	if pay.Amount.Currency != "" && !strings.EqualFold(c.Total.Currency, pay.Amount.Currency) {
		return driver.InvalidArgument(Name, op, "opts.Cart currency %s does not match the order's currency %s", c.Total.Currency, pay.Amount.Currency)
	}
	return nil
}

// wholeCart checks a capture's cart sent without an amount against the
// order: a nil Amount captures everything (payments.CaptureOptions), while
// Yandex Pay's capture page captures the final cart's total and releases
// the rest, so the two must agree. An order read without an amount is not
// checked.
func wholeCart(opts *payments.CaptureOptions, pay *payments.Payment) error {
	if opts.Amount != nil || opts.Cart == nil || pay.Amount.Minor <= 0 || opts.Cart.Total.Minor == pay.Amount.Minor {
		return nil
	}
	return driver.InvalidArgument(Name, payments.OpCapture,
		"opts.Cart totals %s but the order is for %s, and a nil opts.Amount captures everything: pass the whole order's cart, or set opts.Amount to the cart's total to capture only that and release the rest",
		opts.Cart.Total, pay.Amount)
}
