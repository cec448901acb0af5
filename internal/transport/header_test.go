package transport

import (
	"strings"
	"testing"
)

// TestValidHeaderNameIsToken checks every byte against RFC 9110's tchar,
// spelled out as the RFC lists it.
func TestValidHeaderNameIsToken(t *testing.T) {
	const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for b := 0; b < 256; b++ {
		want := strings.IndexByte(tchar, byte(b)) >= 0
		if got := validHeaderName("X" + string([]byte{byte(b)}) + "Y"); got != want {
			t.Errorf("byte %#x: valid = %v, want %v", b, got, want)
		}
	}
	if validHeaderName("") {
		t.Error("the empty name is valid")
	}
}

// TestValidHeaderValue: any byte but the controls (tab aside) and DEL.
func TestValidHeaderValue(t *testing.T) {
	for b := 0; b < 256; b++ {
		want := b == '\t' || (b >= ' ' && b != 0x7f)
		if got := validHeaderValue("a" + string([]byte{byte(b)}) + "b"); got != want {
			t.Errorf("byte %#x: valid = %v, want %v", b, got, want)
		}
	}
}
