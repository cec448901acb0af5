package yandexpaytest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// TestServerPrintsNoKey: no fmt verb shows the API key the emulator expects,
// whether the Server or its Options is printed.
func TestServerPrintsNoKey(t *testing.T) {
	const key = "printed-key-5b1e0c7a"
	opts := yandexpaytest.Options{APIKey: key}
	srv := yandexpaytest.NewServer(&opts)
	t.Cleanup(srv.Close)
	if srv.APIKey() != key {
		t.Fatalf("APIKey() = %q, want %q", srv.APIKey(), key)
	}
	hexKey := fmt.Sprintf("%x", key)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		for name, v := range map[string]any{"Server": srv, "Options": opts, "*Options": &opts} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, key) || strings.Contains(out, hexKey) {
				t.Errorf("%s printed with %s shows the API key: %.160s", name, verb, out)
			}
			if !strings.Contains(out, "yandexpaytest.") {
				t.Errorf("%s printed with %s does not say what it is: %.160s", name, verb, out)
			}
		}
	}
}
