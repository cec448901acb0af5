package driver

import (
	"fmt"
	"strings"
	"sync"

	"github.com/regionpay/payments"
)

// DefaultKeysRemembered is how many idempotency keys a Keys remembers when
// its Limit is zero: the newest ones, which are those a caller repeats.
const DefaultKeysRemembered = 10000

// Keys remembers which write each idempotency key was used for by one
// client, so that a key reused with other parameters (another action, order
// or amount) is refused before anything is sent, instead of acting a second
// time or being reported as the first write's success. It is what an
// adapter can prove by itself where the provider takes no key on the wire
// (RuStore), and a check before the provider's own record where it does
// (Yandex Pay). It remembers only this process's most recent keys, so it
// adds to the provider's check and never replaces it.
//
// The zero value is ready to use and safe for concurrent use.
type Keys struct {
	// Limit bounds how many keys are remembered; 0 means
	// DefaultKeysRemembered. The oldest key is forgotten first.
	Limit int

	mu    sync.Mutex
	used  map[string]WriteParams
	order []string
}

// WriteParams are what a key is bound to: the same key with other params
// names another write.
type WriteParams struct {
	// Op is the write: capture, void, rollback, refund.
	Op payments.Operation
	// Ref names the payment.
	Ref payments.Ref
	// Amount is the amount asked for; nil means "all of it".
	Amount *payments.Money
}

// Claim binds w's key to p, or refuses with a payments.CodeInvalidArgument
// error naming every difference when the key was already used with other
// parameters. Repeating a write with the same parameters is always allowed:
// that is what a key is for.
func (k *Keys) Claim(w *Write, p WriteParams) error {
	p.Op = w.op
	k.mu.Lock()
	defer k.mu.Unlock()
	if prev, ok := k.used[w.key]; ok {
		if diff := prev.differs(p); diff != "" {
			return &payments.Error{Code: payments.CodeInvalidArgument, Provider: w.provider, Op: w.op, IdempotencyKey: w.key,
				Message: fmt.Sprintf("opts.IdempotencyKey %q was already used by this client for another write (%s): nothing was sent; use a new key for a new action, or repeat the earlier one exactly", w.key, diff)}
		}
		return nil
	}
	if k.used == nil {
		k.used = make(map[string]WriteParams)
	}
	limit := k.Limit
	if limit <= 0 {
		limit = DefaultKeysRemembered
	}
	for len(k.order) >= limit {
		delete(k.used, k.order[0])
		k.order = k.order[1:]
	}
	if p.Amount != nil {
		m := *p.Amount
		p.Amount = &m
	}
	k.used[w.key] = p
	k.order = append(k.order, w.key)
	return nil
}

// differs says how q differs from p, the params a key was first used with,
// or "" when they name the same write.
func (p WriteParams) differs(q WriteParams) string {
	var diffs []string
	if p.Op != q.Op {
		diffs = append(diffs, fmt.Sprintf("a %s, this call is a %s", p.Op, q.Op))
	}
	if p.Ref.ID != q.Ref.ID || p.Ref.InvoiceID != q.Ref.InvoiceID {
		diffs = append(diffs, fmt.Sprintf("payment %s, this call names %s", p.Ref, q.Ref))
	}
	if amountText(p.Amount) != amountText(q.Amount) {
		diffs = append(diffs, fmt.Sprintf("amount %s, this call asks for %s", amountText(p.Amount), amountText(q.Amount)))
	}
	return strings.Join(diffs, "; ")
}

func amountText(m *payments.Money) string {
	if m == nil {
		return "all"
	}
	return m.String()
}
