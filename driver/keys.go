package driver

import (
	"fmt"
	"hash/maphash"
	"strings"
	"sync"

	"github.com/regionpay/payments"
)

// DefaultKeysRemembered is how many idempotency keys a Keys remembers at
// least when its Limit is zero: the newest ones, which are those a caller
// repeats.
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
	// Limit is how many of the newest keys are always remembered; 0 means
	// DefaultKeysRemembered. Keys are forgotten Limit at a time, oldest
	// first, so between Limit and twice Limit keys are remembered.
	Limit int

	mu sync.Mutex
	// A client keeps its keys for as long as it lives, and the garbage
	// collector visits them on every cycle: so each key is remembered by
	// two hashes, in maps that hold no pointer (about 35 bytes a key, where
	// strings, refs and amounts took several times that, each an object to
	// mark). Only the newest writes under a caller's own keys keep their
	// params in full, for naming the earlier write in a refusal.
	//
	// Keys are kept in two generations, not in one ring: a new key goes
	// into the newer map, and when that is full the older one is emptied
	// and the two swap. A key made for its write needs no look-up and
	// evicts nothing, so claiming it is one insertion: on a client's busiest
	// path that is about a third of what a ring's look-up, eviction and
	// insertion into one map cost.
	seed     maphash.Seed
	cur, old map[uint64]uint64         // a key's hash: the hash of its write's params
	recent   [recentWrites]recentWrite // the newest writes under given keys, a ring
	newest   int                       // recent's next slot
}

// recentWrites is how many of the newest writes under given keys Keys
// keeps in full.
const recentWrites = 256

// recentWrite is a remembered write in full.
type recentWrite struct {
	key string
	p   WriteParams
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
//
// Keys and params are compared by 64-bit hashes: two keys, or two writes,
// that collide are not met in practice, and a collision of keys would only
// refuse a write before sending it.
func (k *Keys) Claim(w *Write, p WriteParams) error {
	p.Op = w.op
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cur == nil {
		k.seed = maphash.MakeSeed()
		k.cur = make(map[uint64]uint64)
	}
	kh := maphash.String(k.seed, w.key)
	ph := k.hashParams(p)
	if !w.given {
		// A key made for this call cannot have been used yet, and is rarely
		// reused wrongly later: it is remembered, but neither looked up nor
		// kept in full for the message.
		k.remember(kh, ph)
		return nil
	}
	prev, ok := k.cur[kh]
	if !ok {
		prev, ok = k.old[kh]
	}
	if ok {
		if prev == ph {
			return nil
		}
		return &payments.Error{Code: payments.CodeInvalidArgument, Provider: w.provider, Op: w.op, IdempotencyKey: w.key,
			Message: fmt.Sprintf("opts.IdempotencyKey %q was already used by this client for another write (%s): nothing was sent; use a new key for a new action, or repeat the earlier one exactly",
				w.key, k.describe(w.key, prev, p))}
	}
	k.remember(kh, ph)
	if p.Amount != nil {
		m := *p.Amount
		p.Amount = &m
	}
	k.recent[k.newest] = recentWrite{key: w.key, p: p}
	k.newest = (k.newest + 1) % recentWrites
	return nil
}

// hashParams hashes what names p's write, field by field, so that no two
// writes hash the same text.
func (k *Keys) hashParams(p WriteParams) uint64 {
	v := paramsKey{op: p.Op, id: p.Ref.ID, invoice: p.Ref.InvoiceID}
	if p.Amount != nil {
		v.partial, v.minor, v.currency = true, p.Amount.Minor, p.Amount.Currency
	}
	return maphash.Comparable(k.seed, v)
}

// paramsKey is what names a write, as hashParams hashes it.
type paramsKey struct {
	op          payments.Operation
	id, invoice string
	partial     bool // an amount was given: minor and currency
	minor       int64
	currency    string
}

// remember adds a key to the newer generation, first forgetting the older
// one when the newer holds Limit keys.
func (k *Keys) remember(kh, ph uint64) {
	limit := k.Limit
	if limit <= 0 {
		limit = DefaultKeysRemembered
	}
	if len(k.cur) >= limit {
		if k.old == nil {
			k.old = make(map[uint64]uint64, limit)
		}
		clear(k.old)
		k.cur, k.old = k.old, k.cur
	}
	k.cur[kh] = ph
}

// describe says how q differs from the write key was first used for (its
// params hash first): with that write's params when it is among the newest,
// otherwise by this call's.
func (k *Keys) describe(key string, first uint64, q WriteParams) string {
	for _, r := range k.recent {
		if r.key == key && k.hashParams(r.p) == first {
			return r.p.differs(q)
		}
	}
	return fmt.Sprintf("its action, payment or amount differ from this call's: a %s of %s for %s", q.Op, q.Ref, amountText(q.Amount))
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
