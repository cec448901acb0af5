package driver

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
)

// EventID builds a payments.Event ID from the fields that name one change
// at a provider: the same parts always give the same ID, so every
// redelivery of a change carries the same ID whatever the delivery looked
// like, and the ID reveals none of the parts. Parts are length-prefixed, so
// ("ab", "c") and ("a", "bc") differ.
func EventID(provider string, parts ...string) string {
	h := sha256.New()
	for _, p := range append([]string{provider}, parts...) {
		h.Write([]byte(strconv.Itoa(len(p))))
		h.Write([]byte{':'})
		h.Write([]byte(p))
	}
	return provider + "-" + hex.EncodeToString(h.Sum(nil)[:16])
}
