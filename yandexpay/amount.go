package yandexpay

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/regionpay/payments"
)

// maxDecimals is how many digits Yandex Pay sends after the point: amounts
// are in rubles with kopecks, so the minor unit is 1/100.
const maxDecimals = 2

// ParseAmount turns a Yandex Pay decimal amount ("123.45", "10", "0.5") into
// exact minor units (12345, 1000, 50) of currency. It never goes through a
// float, so every kopeck survives. It refuses, naming the problem: an empty
// string, spaces, a sign (amounts are never negative on the wire), an
// exponent, more than two decimals, a missing digit on either side of the
// point, any other character, and values beyond int64.
func ParseAmount(s, currency string) (payments.Money, error) {
	minor, err := parseMinor(s)
	if err != nil {
		return payments.Money{}, fmt.Errorf("yandexpay: amount %q: %w", truncate(s, 32), err)
	}
	return payments.Money{Minor: minor, Currency: currency}, nil
}

// FormatAmount writes m.Minor as the decimal string Yandex Pay expects:
// 12345 → "123.45", 5 → "0.05". Negative amounts are an error: the API has
// no use for them and sending one would be a bug upstream.
func FormatAmount(m payments.Money) (string, error) {
	if m.Minor < 0 {
		return "", fmt.Errorf("yandexpay: amount %d minor units is negative", m.Minor)
	}
	return strconv.FormatInt(m.Minor/100, 10) + "." + fmt.Sprintf("%02d", m.Minor%100), nil
}

func parseMinor(s string) (int64, error) {
	if s == "" {
		return 0, errors.New("empty amount")
	}
	var units, frac uint64
	fracDigits, intDigits, seenPoint := 0, 0, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= '0' && ch <= '9':
			d := uint64(ch - '0')
			if seenPoint {
				if fracDigits == maxDecimals {
					return 0, fmt.Errorf("more than %d decimal places", maxDecimals)
				}
				frac = frac*10 + d
				fracDigits++
				continue
			}
			// Cap the whole part well inside uint64 so the check below is exact.
			if units > (math.MaxInt64-d)/10 {
				return 0, errors.New("overflows int64 minor units")
			}
			units = units*10 + d
			intDigits++
		case ch == '.':
			if seenPoint {
				return 0, errors.New("more than one decimal point")
			}
			if intDigits == 0 {
				return 0, errors.New("no digit before the decimal point")
			}
			seenPoint = true
		case ch == '-' || ch == '+':
			if ch == '-' {
				return 0, errors.New("negative amounts are not allowed")
			}
			return 0, errors.New("a sign is not allowed")
		case ch == 'e' || ch == 'E':
			return 0, errors.New("exponent notation is not allowed")
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			return 0, errors.New("spaces are not allowed")
		default:
			return 0, fmt.Errorf("unexpected character %q at byte %d", rune(ch), i)
		}
	}
	if seenPoint && fracDigits == 0 {
		return 0, errors.New("no digit after the decimal point")
	}
	for ; fracDigits < maxDecimals; fracDigits++ {
		frac *= 10
	}
	if units > (math.MaxInt64-frac)/100 {
		return 0, errors.New("overflows int64 minor units")
	}
	return int64(units*100 + frac), nil
}

// truncate keeps error messages short when a provider sends a huge value,
// cutting at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
