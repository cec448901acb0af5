package textcut

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCut(t *testing.T) {
	cases := []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"abcdef", 3, "abc..."},
		{"", 0, ""},
		{"abc", 0, "..."},
		{"abc", -1, "..."},
		// "ф" is two bytes: a cut inside it steps back to before it.
		{"aфb", 2, "a..."},
		{"aфb", 3, "aф..."},
		{"日本語", 4, "日..."},
	}
	for _, c := range cases {
		if got := Cut(c.s, c.n); got != c.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}

// FuzzCut: the result is valid UTF-8 whenever the input is, never longer
// than the limit plus the ellipsis, and a prefix of the input.
func FuzzCut(f *testing.F) {
	f.Add("aфb日本語", 4)
	f.Add("plain", 2)
	f.Fuzz(func(t *testing.T, s string, n int) {
		n %= 1 << 16
		got := Cut(s, n)
		body := strings.TrimSuffix(got, "...")
		if got != s && !strings.HasPrefix(s, body) {
			t.Fatalf("Cut(%q, %d) = %q is not a prefix", s, n, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Cut(%q, %d) = %q split a character", s, n, got)
		}
		if got != s && len(body) > max(n, 0) {
			t.Fatalf("Cut(%q, %d) = %q is longer than %d bytes", s, n, got, n)
		}
	})
}
