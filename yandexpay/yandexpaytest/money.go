package yandexpaytest

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// parseAmount reads a decimal string such as "123.45" into minor units,
// exactly: digits, then at most two decimals; no sign, exponent or spaces.
func parseAmount(s string) (int64, error) {
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) {
		return 0, errors.New("must be a decimal string of digits such as \"123.45\"")
	}
	if hasDot && (len(frac) == 0 || len(frac) > 2 || !allDigits(frac)) {
		return 0, errors.New("must have one or two digits after the decimal point")
	}
	units, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || units > math.MaxInt64/100 {
		return 0, errors.New("is too large")
	}
	var cents int64
	if frac != "" {
		cents, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			cents *= 10
		}
	}
	if units*100 > math.MaxInt64-cents {
		return 0, errors.New("is too large")
	}
	return units*100 + cents, nil
}

// formatAmount writes minor units as the API's decimal string.
func formatAmount(minor int64) string {
	sign := ""
	if minor < 0 {
		sign = "-"
		minor = -minor
	}
	cents := minor % 100
	return sign + strconv.FormatInt(minor/100, 10) + "." + string([]byte{byte('0' + cents/10), byte('0' + cents%10)})
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
