// Package status is the normalized payment status shared by every provider.
//
// Each provider names its states differently: RuStore says PAID where Yandex Pay
// says AUTHORIZED, and both mean "the money is held, waiting for capture". Adapters
// translate their raw values into a [Status] through a [Table], and the
// conformance suite checks every change it sees against [CanTransition].
//
// The numeric values are part of the API: they never change once released, so a
// Status may be stored as a number.
package status

import (
	"fmt"
	"strings"
)

// Status is a provider-neutral payment state. The zero value is Unknown.
type Status uint8

// The normalized states. Numbers are stable: append only.
const (
	// Unknown is a raw status this library does not recognise. The raw value is
	// always kept beside it, so nothing is lost; it is never an error.
	Unknown Status = iota
	// Pending: the payment was created or is being paid; no money is held yet.
	Pending
	// Authorized: the money is held on the buyer's account and waits for a capture or a void.
	Authorized
	// Captured: the money was charged.
	Captured
	// PartiallyRefunded: part of a captured amount went back to the buyer.
	PartiallyRefunded
	// Refunded: the whole captured amount went back to the buyer.
	Refunded
	// Voided: the hold was released before capture; nothing was charged.
	Voided
	// Failed: the payment did not go through (rejected, cancelled, rolled back).
	Failed
	// Expired: the payment window ran out before the buyer paid.
	Expired
)

// names is indexed by Status; String and Parse both read it so they cannot drift.
var names = [...]string{
	Unknown:           "Unknown",
	Pending:           "Pending",
	Authorized:        "Authorized",
	Captured:          "Captured",
	PartiallyRefunded: "PartiallyRefunded",
	Refunded:          "Refunded",
	Voided:            "Voided",
	Failed:            "Failed",
	Expired:           "Expired",
}

// All lists every defined status in numeric order, Unknown first.
func All() []Status {
	out := make([]Status, len(names))
	for i := range names {
		out[i] = Status(i)
	}
	return out
}

// String returns the status name, or "Status(N)" for a number this version does not define.
func (s Status) String() string {
	if int(s) < len(names) {
		return names[s]
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool { return int(s) < len(names) }

// Parse turns a status name (as String prints it, any letter case, with or
// without underscores: "partially_refunded" works) back into a Status.
func Parse(name string) (Status, error) {
	key, ok := asciiUpper(normalizeName(name))
	for i, n := range names {
		if ok && strings.ToUpper(n) == key {
			return Status(i), nil
		}
	}
	return Unknown, fmt.Errorf("status: unknown status name %q", name)
}

func normalizeName(name string) string {
	return strings.ReplaceAll(strings.TrimSpace(name), "_", "")
}

// MarshalText writes the status name, so JSON carries "Captured" rather than 3.
func (s Status) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("status: cannot marshal undefined %s", s)
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads a status name written by MarshalText.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// IsFinal reports whether no further change is possible: the money has
// settled one way for good. Captured is not final, since it can still be refunded.
func (s Status) IsFinal() bool {
	switch s {
	case Refunded, Voided, Failed, Expired:
		return true
	}
	return false
}

// IsCharged reports whether money is (still) taken from the buyer.
func (s Status) IsCharged() bool { return s == Captured || s == PartiallyRefunded }

// transitions lists, per state, the states a payment may move to next. Staying in
// the same state is always allowed and not listed. Unknown is absent on purpose:
// from or to a state we cannot name, no judgement is possible, so it is allowed.
var transitions = map[Status][]Status{
	Pending:    {Authorized, Captured, Failed, Expired},
	Authorized: {Captured, Voided, Failed, Expired},
	// A captured payment is refunded, in part or whole; Yandex Pay's /rollback
	// refunds it in full and then reports FAILED.
	Captured:          {PartiallyRefunded, Refunded, Failed},
	PartiallyRefunded: {Refunded, Failed},
}

// CanTransition reports whether a payment may move from one state to another.
// A move to the same state, or involving Unknown, is always allowed.
func CanTransition(from, to Status) bool {
	if from == to || from == Unknown || to == Unknown {
		return true
	}
	for _, next := range transitions[from] {
		if next == to {
			return true
		}
	}
	return false
}

// Table maps a provider's raw status values to normalized ones. Keys are
// matched case-insensitively, because providers are not consistent about case
// (RuStore documents "PAID" and sends "paid"), but in ASCII only: Unicode
// case folding would read "paıd" (dotless ı) as PAID and "REVERſED" (long s)
// as REVERSED, statuses no provider sent.
type Table map[string]Status

// Lookup returns the normalized status for a raw value, and whether it was
// known. An unknown raw value gives Unknown and false, never an error: the
// caller keeps the raw value beside it.
func (t Table) Lookup(raw string) (Status, bool) {
	key, ok := asciiUpper(strings.TrimSpace(raw))
	if !ok {
		return Unknown, false
	}
	if s, ok := t[key]; ok {
		return s, true
	}
	for k, s := range t {
		if ku, ok := asciiUpper(k); ok && ku == key {
			return s, true
		}
	}
	return Unknown, false
}

// asciiUpper upper-cases s in ASCII; ok is false when s holds any other
// byte, which no status name or provider status has.
func asciiUpper(s string) (string, bool) {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c >= 0x80:
			return "", false
		case 'a' <= c && c <= 'z':
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b), true
}
