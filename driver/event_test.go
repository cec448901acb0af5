package driver_test

import (
	"strings"
	"testing"

	"github.com/regionpay/payments/driver"
)

func TestEventIDSeparatesParts(t *testing.T) {
	a := driver.EventID("p", "ab", "c")
	if a != driver.EventID("p", "ab", "c") {
		t.Fatal("the same parts must give the same ID")
	}
	for _, other := range []string{driver.EventID("p", "a", "bc"), driver.EventID("q", "ab", "c"), driver.EventID("p", "ab", "c", "")} {
		if other == a {
			t.Fatalf("different parts gave the same ID %s", a)
		}
	}
	if !strings.HasPrefix(a, "p-") || strings.Contains(a, "ab") {
		t.Fatalf("ID %q should name the provider and hide the parts", a)
	}
}
