// Package textcut shortens text for error messages, so that a huge value a
// caller or a provider sends cannot make an error (and the log line that
// carries it) huge. The root package and the adapters share it: one rule for
// where a cut may fall.
package textcut

import "unicode/utf8"

// Cut returns s when it is at most n bytes long; otherwise its first n bytes
// or fewer, ending at a character boundary, followed by "...".
func Cut(s string, n int) string {
	if n < 0 {
		n = 0
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
