package payments

import (
	"fmt"
	"io"
)

// Secret holds a credential (an API key, a private key, a token) and refuses
// to show it: String, GoString, MarshalText and MarshalJSON all print
// "[redacted]", so a Secret that slips into a log line, an error or a
// %+v of a config leaks nothing. Reveal returns the value for the one place
// that must send it.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret's value. Call it only where the value is sent to
// the provider.
func (s Secret) Reveal() string { return string(s) }

// String returns "[redacted]" (or "" for an empty secret, so a missing one shows).
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString keeps %#v from printing the value.
func (s Secret) GoString() string { return `payments.Secret("` + s.String() + `")` }

// Format keeps every fmt verb from printing the value: without it, verbs
// such as %d or %x print a string-kinded field of a struct raw.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, s.GoString())
		return
	}
	_, _ = io.WriteString(f, s.String())
}

// MarshalText keeps encoders from writing the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
