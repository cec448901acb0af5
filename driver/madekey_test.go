package driver

import (
	"testing"

	"github.com/google/uuid"
)

// TestMadeKeys: made keys are RFC 9562 UUIDs of version 8, never repeat,
// carry their number, and only this process's made keys are taken for
// them.
func TestMadeKeys(t *testing.T) {
	seen := map[string]bool{}
	var last uint64
	for i := 0; i < 10000; i++ {
		key, seq := madeKey()
		u, err := uuid.Parse(key)
		if err != nil || u.Version() != 8 || u.Variant() != uuid.RFC4122 || len(key) != 36 {
			t.Fatalf("made key %q: %v, version %d, variant %s", key, err, u.Version(), u.Variant())
		}
		if seen[key] {
			t.Fatalf("made key %q twice", key)
		}
		seen[key] = true
		if seq <= last {
			t.Fatalf("key number %d after %d", seq, last)
		}
		last = seq
		if got, ok := madeSeq(key); !ok || got != seq {
			t.Fatalf("madeSeq(%q) = %d, %v; want %d", key, got, ok, seq)
		}
	}
	key, _ := madeKey()
	other := []byte(key)
	// Another process's prefix: another first hex digit.
	if other[0] == '0' {
		other[0] = '1'
	} else {
		other[0] = '0'
	}
	for _, k := range []string{uuid.NewString(), "order-42-capture", string(other), "", "{" + key + "}"} {
		if seq, ok := madeSeq(k); ok {
			t.Errorf("madeSeq(%q) = %d: taken for a key this process made", k, seq)
		}
	}
}
