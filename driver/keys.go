package driver

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

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
	// DefaultKeysRemembered. A caller's keys are forgotten Limit at a time,
	// oldest first, so between Limit and twice Limit of them are
	// remembered. A key made by NewWrite is remembered until this process
	// has made Limit more.
	Limit int

	mu sync.Mutex
	// A client keeps its keys for as long as it lives, and the garbage
	// collector visits them on every cycle: so each key is remembered by
	// hashes, in memory that holds no pointer (16 to 35 bytes a key, where
	// strings, refs and amounts took several times that, each an object to
	// mark). Only the newest writes under a caller's own keys keep their
	// params in full, for naming the earlier write in a refusal.
	//
	// A caller's keys are kept in two generations of maps: a new key goes
	// into the newer map, and when that is full the older one is emptied
	// and the two swap, so no key is evicted one by one.
	seed     maphash.Seed
	cur, old map[uint64]uint64         // a key's hash: the hash of its write's params
	recent   [recentWrites]recentWrite // the newest writes under given keys, a ring
	newest   int                       // recent's next slot
	// Keys made by NewWrite carry their number (madeKey), which is their
	// slot here: claiming one writes one slot, next to the last one's,
	// instead of probing a map, which on a busy client costs a cache miss
	// or two on every write.
	made []madeEntry
}

// madeEntry is a key made by NewWrite, remembered: its number and the hash
// of its write's params.
type madeEntry struct{ seq, params uint64 }

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
	ph := k.hashParams(p)
	if !w.given {
		// A key made for this call cannot have been used yet, and is rarely
		// reused wrongly later: it is remembered, but neither looked up nor
		// kept in full for the message.
		k.rememberMade(w.seq, ph)
		return nil
	}
	kh := maphash.String(k.seed, w.key)
	if prev, ok := k.lookup(kh, w.key); ok {
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

// lookup returns the params hash of the write a caller's key (kh its hash)
// was used for: as a caller's key, or as a key NewWrite made for an
// earlier write and the caller now repeats.
func (k *Keys) lookup(kh uint64, key string) (uint64, bool) {
	if ph, ok := k.cur[kh]; ok {
		return ph, true
	}
	if ph, ok := k.old[kh]; ok {
		return ph, true
	}
	if len(k.made) == 0 {
		return 0, false
	}
	if seq, ok := madeSeq(key); ok {
		if e := k.made[seq%uint64(len(k.made))]; e.seq == seq {
			return e.params, true
		}
	}
	return 0, false
}

// rememberMade remembers a key NewWrite made, in the slot its number names.
func (k *Keys) rememberMade(seq, ph uint64) {
	if limit := uint64(k.limit()); uint64(len(k.made)) != limit {
		k.made = make([]madeEntry, limit) // first use, or Limit changed
	}
	k.made[seq%uint64(len(k.made))] = madeEntry{seq: seq, params: ph}
}

func (k *Keys) limit() int {
	if k.Limit <= 0 {
		return DefaultKeysRemembered
	}
	return k.Limit
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

// remember adds a caller's key to the newer generation, first forgetting
// the older one when the newer holds Limit keys.
func (k *Keys) remember(kh, ph uint64) {
	limit := k.limit()
	if len(k.cur) >= limit {
		if k.old == nil {
			k.old = make(map[uint64]uint64, limit)
		}
		clear(k.old)
		k.cur, k.old = k.old, k.cur
	}
	k.cur[kh] = ph
}

// Made keys are UUIDs (RFC 9562's version 8, for a layout of one's own):
// a random prefix drawn once per process, then the key's number in this
// process. Two processes' keys differ in the prefix (60 random bits), one
// process's in the number, so a made key is as unique as a random UUID,
// and drawing it costs no read of the system's random source. Keys
// recognizes its process's made keys by the prefix and finds each by its
// number. An idempotency key names an operation and guards nothing: that it
// can be guessed from an earlier one matters no more than for a caller's
// own "order-42-capture".
var (
	madePrefix = func() (p [8]byte) {
		_, _ = rand.Read(p[:])  // never fails: crypto/rand crashes the program instead
		p[6] = p[6]&0x0f | 0x80 // version 8
		return p
	}()
	madeCount atomic.Uint64
)

// madeKey makes a new idempotency key and returns it with its number.
func madeKey() (string, uint64) {
	seq := madeCount.Add(1) & (1<<62 - 1)
	var u uuid.UUID
	copy(u[:8], madePrefix[:])
	binary.BigEndian.PutUint64(u[8:], seq)
	u[8] |= 0x80 // the RFC 9562 variant, in the number's two top bits, which stay 0
	return u.String(), seq
}

// madeSeq returns the number of a key madeKey made in this process.
func madeSeq(key string) (uint64, bool) {
	u, err := uuid.Parse(key)
	if err != nil || len(key) != 36 || [8]byte(u[:8]) != madePrefix {
		return 0, false
	}
	u[8] &^= 0xc0
	return binary.BigEndian.Uint64(u[8:]), true
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
