package payments

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/regionpay/payments/internal/textcut"
)

// minorDigits is how many decimal places a minor unit is: kopecks are
// 1/100 of a rouble, and every currency the providers take has two.
const minorDigits = 2

// ParseMoney reads a decimal amount ("123.45", "10", "0.5") of currency
// into exact minor units (12345, 1000, 50), as payctl's -amount and Yandex
// Pay's amounts are written. It never goes through a float, so every kopeck
// survives. It refuses, naming the problem: an empty string, spaces, a sign,
// an exponent, more than two decimals, a missing digit on either side of the
// point, any other character, and values beyond int64. The currency is not
// checked here: Money.Validate does that.
func ParseMoney(s, currency string) (Money, error) {
	minor, err := parseDecimal(s)
	if err != nil {
		return Money{}, fmt.Errorf("amount %q: %w", textcut.Cut(s, 32), err)
	}
	return Money{Minor: minor, Currency: currency}, nil
}

// Decimal writes the amount as a decimal with two places, the form
// ParseMoney reads: 12345 is "123.45", 5 is "0.05", -5 is "-0.05".
func (m Money) Decimal() string {
	sign, u := "", uint64(m.Minor)
	if m.Minor < 0 {
		// Negate in uint64: -m.Minor overflows for math.MinInt64.
		sign, u = "-", -u
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// charRules names what is wrong with a character no decimal amount holds.
var charRules = map[byte]string{
	'-': "negative amounts are not allowed",
	'+': "a sign is not allowed",
	'e': "exponent notation is not allowed",
	'E': "exponent notation is not allowed",
	' ': "spaces are not allowed", '\t': "spaces are not allowed",
	'\n': "spaces are not allowed", '\r': "spaces are not allowed",
}

// parseDecimal reads digits with at most one point and two decimals.
func parseDecimal(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("empty amount")
	}
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch >= '0' && ch <= '9' || ch == '.' {
			continue
		}
		if msg, ok := charRules[ch]; ok {
			return 0, errors.New(msg)
		}
		return 0, fmt.Errorf("unexpected character %q at byte %d", rune(ch), i)
	}
	whole, frac, point := strings.Cut(s, ".")
	switch {
	case strings.Contains(frac, "."):
		return 0, errors.New("more than one decimal point")
	case whole == "":
		return 0, errors.New("no digit before the decimal point")
	case point && frac == "":
		return 0, errors.New("no digit after the decimal point")
	case len(frac) > minorDigits:
		return 0, fmt.Errorf("more than %d decimal places", minorDigits)
	}
	frac += strings.Repeat("0", minorDigits-len(frac))
	units, err := strconv.ParseUint(whole, 10, 64)
	cents, _ := strconv.ParseUint(frac, 10, 64) // two ASCII digits
	if err != nil || units > (math.MaxInt64-cents)/100 {
		return 0, errors.New("overflows int64 minor units")
	}
	return int64(units*100 + cents), nil
}
