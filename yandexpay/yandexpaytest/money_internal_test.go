package yandexpaytest

import (
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	good := map[string]int64{
		"0": 0, "1": 100, "1.5": 150, "1.05": 105, "123.45": 12345, "0.01": 1,
		"92233720368547758.07": 9223372036854775807,
	}
	for in, want := range good {
		got, err := parseAmount(in)
		if err != nil || got != want {
			t.Errorf("parseAmount(%q) = %d, %v; want %d", in, got, err, want)
		}
		if err == nil && in != "0" && in != "1" && in != "1.5" {
			if back := formatAmount(got); back != in {
				t.Errorf("formatAmount(%d) = %q, want %q", got, back, in)
			}
		}
	}
	bad := map[string]string{
		"": "digits", "-1": "digits", "+1": "digits", "1.": "decimal point", ".5": "digits", "1.234": "decimal point",
		"1e3": "digits", " 1": "digits", "1 ": "digits", "1,50": "digits", "92233720368547758.08": "too large",
		"99999999999999999999": "too large", "1.x": "decimal point",
	}
	for in, want := range bad {
		if _, err := parseAmount(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseAmount(%q): %v, want an error about %q", in, err, want)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	for in, want := range map[int64]string{0: "0.00", 1: "0.01", 100: "1.00", 12345: "123.45", -250: "-2.50"} {
		if got := formatAmount(in); got != want {
			t.Errorf("formatAmount(%d) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"0", "1.05", "123.45", "1e3", "-1", "92233720368547758.07"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseAmount(s)
		if err != nil {
			return
		}
		back, err := parseAmount(formatAmount(v))
		if err != nil || back != v {
			t.Fatalf("%q → %d → %q → %d, %v", s, v, formatAmount(v), back, err)
		}
	})
}
