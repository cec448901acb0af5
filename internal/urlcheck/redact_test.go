package urlcheck

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Redacted is what String methods show for a base URL that may not have
// passed BaseURL yet (a yandexpay.Config or a RegionConfig built in code). It
// hid a password but printed the query and the fragment, where a key is as
// likely to sit ("?api_key=..."). It now shows that they were there, not what
// they held.
func TestRedactedHidesQueryAndFragment(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"https://proxy.example/api?api_key=hunter2", "https://proxy.example/api?[redacted]"},
		{"https://proxy.example/api?token=hunter2#frag", "https://proxy.example/api?[redacted]#[redacted]"},
		{"https://proxy.example/api#hunter2", "https://proxy.example/api#[redacted]"},
		{"https://user:hunter2@proxy.example/api?k=hunter2", "https://[redacted]@proxy.example/api?[redacted]"},
		// A key pasted as the user name (issue 7, item 5).
		{"https://sk_live_hunter2@proxy.example/api", "https://[redacted]@proxy.example/api"},
		{"http://127.0.0.1:8080/rustore", "http://127.0.0.1:8080/rustore"},
	}
	for _, tt := range tests {
		got := Redacted(tt.raw)
		assert.Equal(t, tt.want, got, "%q", tt.raw)
		assert.NotContains(t, got, "hunter2")
	}
}

// FuzzBaseURL: no input panics the rule, and neither the rule's error nor
// Redacted shows a password, a query or a fragment of the input.
func FuzzBaseURL(f *testing.F) {
	for _, s := range []string{
		"https://pay.yandex.ru/api/merchant", "http://127.0.0.1:1/x", "http://[::1]:80", "https://u:pw@h/?q=1#f",
		"ftp://h", "//h/p", "http://example.com", "https://h/%zz", "http://localhost./x", "https://h?",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		_, err := BaseURL(raw)
		if err != nil && err.Error() == "" {
			t.Fatal("empty error")
		}
		// A marker placed in the password, query and fragment must not show.
		const mark = "Zq9Marker"
		for _, probe := range []string{"https://u:" + mark + "@h/p", "https://" + mark + "@h/p", "https://h/p?" + mark, "https://h/p#" + mark} {
			withRaw := probe + raw
			if got := Redacted(withRaw); strings.Contains(got, mark) {
				t.Fatalf("Redacted(%q) = %q shows the marker", withRaw, got)
			}
		}
	})
}
