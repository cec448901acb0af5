package payments_test

import (
	"math"
	"math/big"
	"strings"
	"testing"

	"github.com/regionpay/payments"
)

func TestParseMoney(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  string // substring of the error; "" means success
	}{
		{"123.45", 12345, ""},
		{"0.01", 1, ""},
		{"0.1", 10, ""},
		{"10", 1000, ""},
		{"0", 0, ""},
		{"0.00", 0, ""},
		{"007.50", 750, ""},
		{"92233720368547758.07", math.MaxInt64, ""},
		{"92233720368547758.08", 0, "overflows"},
		{"92233720368547759", 0, "overflows"},
		{"99999999999999999999999", 0, "overflows"},
		{"", 0, "empty"},
		{"-1.00", 0, "negative"},
		{"+1.00", 0, "sign"},
		{"1e3", 0, "exponent"},
		{"1.5E2", 0, "exponent"},
		{"1.234", 0, "more than 2 decimal places"},
		{"1.230", 0, "more than 2 decimal places"},
		{" 1.00", 0, "spaces"},
		{"1.00 ", 0, "spaces"},
		{"1 000.00", 0, "spaces"},
		{".50", 0, "no digit before"},
		{"1.", 0, "no digit after"},
		{"1.2.3", 0, "more than one decimal point"},
		{"1,50", 0, "unexpected character"},
		{"NaN", 0, "unexpected character"},
		{"0x10", 0, "unexpected character"},
		{"١٢", 0, "unexpected character"}, // Arabic-Indic digits are not ASCII digits
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := payments.ParseMoney(tc.in, "RUB")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseMoney(%q) = %v, %v; want an error containing %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMoney(%q): %v", tc.in, err)
			}
			if got != (payments.Money{Minor: tc.want, Currency: "RUB"}) {
				t.Errorf("ParseMoney(%q) = %+v; want %d RUB", tc.in, got, tc.want)
			}
		})
	}
}

func TestMoneyDecimal(t *testing.T) {
	cases := []struct {
		minor int64
		want  string
	}{
		{12345, "123.45"},
		{5, "0.05"},
		{50, "0.50"},
		{100, "1.00"},
		{0, "0.00"},
		{-5, "-0.05"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tc := range cases {
		if got := (payments.Money{Minor: tc.minor, Currency: "RUB"}).Decimal(); got != tc.want {
			t.Errorf("Money{%d}.Decimal() = %q; want %q", tc.minor, got, tc.want)
		}
	}
}

// FuzzParseMoney checks that ParseMoney never panics, agrees exactly with
// an arbitrary-precision reading of what it accepts, and round-trips through
// Money.Decimal.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"123.45", "0.01", "10", "1e3", "-1", "1.234", "92233720368547758.07", ".5", "1.", "", " 1"} {
		f.Add(s)
	}
	hundred := big.NewRat(100, 1)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := payments.ParseMoney(s, "RUB")
		if err != nil {
			if m != (payments.Money{}) {
				t.Fatalf("ParseMoney(%q) failed but returned %+v", s, m)
			}
			return
		}
		if m.Minor < 0 || m.Currency != "RUB" {
			t.Fatalf("ParseMoney(%q) = %+v", s, m)
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("ParseMoney accepted %q, which is not a decimal number", s)
		}
		if want := new(big.Rat).Mul(r, hundred); want.Cmp(new(big.Rat).SetInt64(m.Minor)) != 0 {
			t.Fatalf("ParseMoney(%q) = %d minor units; want %s", s, m.Minor, want.RatString())
		}
		out := m.Decimal()
		back, err := payments.ParseMoney(out, "RUB")
		if err != nil || back != m {
			t.Fatalf("round trip %q → %+v → %q → %+v, %v", s, m, out, back, err)
		}
	})
}

func BenchmarkParseMoney(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := payments.ParseMoney("1234567.89", "RUB"); err != nil {
			b.Fatal(err)
		}
	}
}
