package yandexpaytest

import (
	"fmt"
	"io"
)

// String names the server by its address, without the API key it expects
// or its webhook signing keys.
func (s *Server) String() string {
	if s == nil {
		return "yandexpaytest.Server(nil)"
	}
	return "yandexpaytest.Server(" + s.URL + ")"
}

// GoString keeps %#v from printing the API key.
func (s *Server) GoString() string { return s.String() }

// Format prints String for every verb: without it, a verb such as %+v or
// %d makes fmt walk the unexported fields, the API key among them.
func (s *Server) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, s.String()) }

// String describes the options without the API key.
func (o Options) String() string {
	key := ""
	if o.APIKey != "" {
		key = "[redacted]"
	}
	return fmt.Sprintf("yandexpaytest.Options{APIKey:%s MerchantID:%q Async:%t OneStage:%t CallbackURL:%q}",
		key, o.MerchantID, o.Async, o.OneStage, o.CallbackURL)
}

// GoString keeps %#v from printing the API key.
func (o Options) GoString() string { return o.String() }

// Format prints String for every verb, for the same reason as Server's.
func (o Options) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, o.String()) }
