package payments

import (
	"errors"
	"fmt"
)

// Cart is the portable list of what a payment is for. Yandex Pay requires the
// final cart for a partial capture and a partial refund (its capture and
// refund pages: "the final cart is required"), and for starting an order;
// RuStore has no carts and refuses one.
type Cart struct {
	// Items are the cart's lines; each ID appears once.
	Items []CartItem `json:"items"`
	// Total is the cart's total: the sum of the items' totals.
	Total Money `json:"total"`
}

// CartItem is one line of a Cart.
type CartItem struct {
	// ID is the merchant's product id (Yandex Pay productId), unique in the cart.
	ID string `json:"id"`
	// Title is the product's name as shown to the buyer.
	Title string `json:"title"`
	// Quantity is how many units the line holds; at least 1.
	Quantity int64 `json:"quantity"`
	// UnitPrice is the price of one unit before line discounts, where known.
	// Its zero value means "not given".
	UnitPrice Money `json:"unit_price"`
	// Total is the line's total after discounts: what the buyer pays for it.
	Total Money `json:"total"`
}

// Validate reports the first thing wrong with the cart as something to send:
// no items, an empty or repeated id, a quantity below 1, a total that is not
// positive, currencies that differ, or a cart total that is not the sum of
// the lines. The error names the item by index and id.
func (c *Cart) Validate() error {
	if c == nil {
		return errors.New("cart is nil")
	}
	if len(c.Items) == 0 {
		return errors.New("cart has no items")
	}
	if err := c.Total.Validate(); err != nil {
		return fmt.Errorf("cart total: %w", err)
	}
	seen := make(map[string]bool, len(c.Items))
	var sum int64
	for i, it := range c.Items {
		if it.ID == "" {
			return fmt.Errorf("cart item %d: id is empty", i)
		}
		where := fmt.Sprintf("cart item %d (id %q)", i, it.ID)
		if seen[it.ID] {
			return fmt.Errorf("%s: id appears twice", where)
		}
		seen[it.ID] = true
		if err := it.check(c.Total.Currency); err != nil {
			return fmt.Errorf("%s%w", where, err)
		}
		if sum > (1<<63-1)-it.Total.Minor {
			return fmt.Errorf("%s: the cart's sum overflows", where)
		}
		sum += it.Total.Minor
	}
	if sum != c.Total.Minor {
		return fmt.Errorf("cart total %s is not the sum of its items (%s)", c.Total, Money{Minor: sum, Currency: c.Total.Currency})
	}
	return nil
}

// check reports what is wrong with one line of a cart in currency, as a
// suffix to the line's name.
func (it CartItem) check(currency string) error {
	switch {
	case it.Title == "":
		return errors.New(": title is empty")
	case it.Quantity < 1:
		return fmt.Errorf(": quantity must be at least 1, got %d", it.Quantity)
	}
	if err := it.Total.Validate(); err != nil {
		return fmt.Errorf(" total: %w", err)
	}
	switch {
	case it.Total.Currency != currency:
		return fmt.Errorf(": currency %s differs from the cart's %s", it.Total.Currency, currency)
	case it.UnitPrice != (Money{}) && it.UnitPrice.Currency != currency:
		return fmt.Errorf(": unit price currency %s differs from the cart's %s", it.UnitPrice.Currency, currency)
	case it.UnitPrice.Minor < 0:
		return errors.New(": unit price is negative")
	}
	return nil
}
