package status

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The numbers are part of the API: stored values must keep their meaning.
func TestNumbersAreStable(t *testing.T) {
	want := map[Status]uint8{
		Unknown: 0, Pending: 1, Authorized: 2, Captured: 3, PartiallyRefunded: 4,
		Refunded: 5, Voided: 6, Failed: 7, Expired: 8,
	}
	for s, n := range want {
		assert.Equal(t, n, uint8(s), s.String())
	}
	assert.Len(t, All(), len(want))
	var zero Status
	assert.Equal(t, Unknown, zero)
}

func TestStringParseRoundTrip(t *testing.T) {
	for _, s := range All() {
		got, err := Parse(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		in      string
		want    Status
		wantErr string
	}{
		{"captured", Captured, ""},
		{"CAPTURED", Captured, ""},
		{"partially_refunded", PartiallyRefunded, ""},
		{" Voided ", Voided, ""},
		{"", Unknown, `unknown status name ""`},
		{"paid", Unknown, `unknown status name "paid"`},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if c.wantErr != "" {
			assert.ErrorContains(t, err, c.wantErr, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

func TestUndefinedNumber(t *testing.T) {
	s := Status(200)
	assert.Equal(t, "Status(200)", s.String())
	assert.False(t, s.Valid())
	_, err := s.MarshalText()
	assert.Error(t, err)
}

func TestJSON(t *testing.T) {
	b, err := json.Marshal(map[string]Status{"s": PartiallyRefunded})
	require.NoError(t, err)
	assert.JSONEq(t, `{"s":"PartiallyRefunded"}`, string(b))
	var back map[string]Status
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, PartiallyRefunded, back["s"])
	assert.Error(t, json.Unmarshal([]byte(`{"s":"Bogus"}`), &back))
}

func TestIsFinal(t *testing.T) {
	final := map[Status]bool{Refunded: true, Voided: true, Failed: true, Expired: true}
	for _, s := range All() {
		assert.Equal(t, final[s], s.IsFinal(), s.String())
	}
}

func TestIsCharged(t *testing.T) {
	charged := map[Status]bool{Captured: true, PartiallyRefunded: true}
	for _, s := range All() {
		assert.Equal(t, charged[s], s.IsCharged(), s.String())
	}
}

func TestCanTransition(t *testing.T) {
	cases := []struct {
		from, to Status
		ok       bool
	}{
		{Pending, Authorized, true},
		{Pending, Captured, true}, // one-stage payments skip the hold
		{Pending, Failed, true},
		{Pending, Expired, true},
		{Pending, Refunded, false},
		{Authorized, Captured, true},
		{Authorized, Voided, true},
		{Authorized, Failed, true},
		{Authorized, Refunded, false},
		{Authorized, Pending, false},
		{Captured, Refunded, true},
		{Captured, PartiallyRefunded, true},
		{Captured, Failed, true}, // Yandex Pay rollback of a paid order
		{Captured, Voided, false},
		{Captured, Authorized, false},
		{PartiallyRefunded, Refunded, true},
		{PartiallyRefunded, Captured, false},
		{Refunded, Captured, false},
		{Voided, Captured, false},
		{Failed, Authorized, false},
		{Expired, Authorized, false},
		{Unknown, Captured, true},
		{Captured, Unknown, true},
	}
	for _, c := range cases {
		assert.Equal(t, c.ok, CanTransition(c.from, c.to), "%s → %s", c.from, c.to)
	}
	// Staying put is always legal, and nothing leaves a final state.
	for _, from := range All() {
		assert.True(t, CanTransition(from, from), from.String())
		if !from.IsFinal() {
			continue
		}
		for _, to := range All() {
			if to != from && to != Unknown {
				assert.False(t, CanTransition(from, to), "%s is final but may move to %s", from, to)
			}
		}
	}
}

func TestTableLookup(t *testing.T) {
	table := Table{"PAID": Authorized, "CONFIRMED": Captured}
	cases := []struct {
		raw   string
		want  Status
		known bool
	}{
		{"PAID", Authorized, true},
		{"paid", Authorized, true},
		{"Paid", Authorized, true},
		{" confirmed ", Captured, true},
		{"archived", Unknown, false},
		{"", Unknown, false},
	}
	for _, c := range cases {
		got, known := table.Lookup(c.raw)
		assert.Equal(t, c.want, got, c.raw)
		assert.Equal(t, c.known, known, c.raw)
	}
	// A table written with lower-case keys still matches.
	lower := Table{"paid": Authorized}
	got, ok := lower.Lookup("PAID")
	assert.True(t, ok)
	assert.Equal(t, Authorized, got)
}

func BenchmarkTableLookup(b *testing.B) {
	table := Table{"CREATED": Pending, "PAID": Authorized, "CONFIRMED": Captured, "REFUNDED": Refunded}
	for i := 0; i < b.N; i++ {
		table.Lookup("confirmed")
	}
}

// TestLookupASCIIOnly: Unicode case folding must not turn look-alikes into
// statuses the provider never sent.
func TestLookupASCIIOnly(t *testing.T) {
	table := Table{"PAID": Authorized, "REVERSED": Voided, "refunding": Captured, "KEPT": Failed}
	cases := []struct {
		raw  string
		want Status
		ok   bool
	}{
		{"paid", Authorized, true},
		{" Reversed ", Voided, true},
		{"REFUNDING", Captured, true},
		{"paıd", Unknown, false},      // dotless ı
		{"REVERſED", Unknown, false},  // long s
		{"PAİD", Unknown, false},      // dotted capital İ
		{"\u212aEPT", Unknown, false}, // Kelvin sign
	}
	for _, c := range cases {
		got, ok := table.Lookup(c.raw)
		if got != c.want || ok != c.ok {
			t.Errorf("Lookup(%q) = %s, %t; want %s, %t", c.raw, got, ok, c.want, c.ok)
		}
	}
	if _, err := Parse("VOıDED"); err == nil {
		t.Error(`Parse("VOıDED") succeeded`)
	}
	if s, err := Parse("partially_refunded"); err != nil || s != PartiallyRefunded {
		t.Errorf(`Parse("partially_refunded") = %s, %v`, s, err)
	}
}
