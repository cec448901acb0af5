package rustoretest_test

import (
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/regionpay/payments/rustore/rustoretest"
)

// TestServerPrintsNoKey: no fmt verb shows the app's private key or the
// notification key, in whatever form the Server holds them.
func TestServerPrintsNoKey(t *testing.T) {
	srv := rustoretest.NewServer(nil)
	t.Cleanup(srv.Close)
	notifyKey := srv.NotificationKeyBase64()
	if notifyKey == "" || srv.PrivateKeyBase64() == "" {
		t.Fatal("the emulator has no keys to look for")
	}
	raw, err := base64.StdEncoding.DecodeString(notifyKey)
	if err != nil {
		t.Fatalf("notification key %q is not base64: %v", notifyKey, err)
	}
	secrets := map[string]string{
		"private key (base64)":     srv.PrivateKeyBase64()[:40],
		"private key (PEM body)":   strings.Split(srv.PrivateKeyPEM(), "\n")[1],
		"notification key":         notifyKey,
		"notification key (bytes)": fmt.Sprint(raw)[1:20],
		"notification key (hex)":   fmt.Sprintf("%x", raw),
	}
	opts := rustoretest.Options{PrivateKey: mustDefaultKey(t)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		for name, v := range map[string]any{"Server": srv, "Options": opts, "*Options": &opts} {
			out := fmt.Sprintf(verb, v)
			for what, secret := range secrets {
				if strings.Contains(out, secret) {
					t.Errorf("%s printed with %s shows the %s: %.120s", name, verb, what, out)
				}
			}
		}
	}
}

func mustDefaultKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rustoretest.DefaultPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}
