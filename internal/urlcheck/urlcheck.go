// Package urlcheck holds the one rule for a provider's base URL, shared by
// the config loader (package payments) and internal/transport, which cannot
// import each other's copy: transport imports payments.
//
// The rule: https to any host, plain http only to a loopback host (so an
// emulator works while a credential never crosses a network in clear text),
// and no user info, query or fragment, since those would end up in logs.
package urlcheck

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// BaseURL parses raw and checks it against the rule. The error says what is
// wrong without a subject ("must not have a query or fragment"), so each
// caller can name the field; it never echoes raw, whose user info or query
// may hold a credential.
func BaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a valid URL")
	}
	if u.User != nil {
		return nil, errors.New("must not carry a user name or password")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, errors.New("must not have a query or fragment")
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "":
		return nil, errors.New("has no scheme: must be an absolute URL like https://host/path")
	case scheme != "https" && scheme != "http":
		return nil, fmt.Errorf("scheme %q is not allowed: use https", u.Scheme)
	case u.Hostname() == "":
		return nil, errors.New("has no host: must be an absolute URL like https://host/path")
	case scheme == "http" && !IsLoopbackHost(u.Hostname()):
		return nil, fmt.Errorf("plain http is allowed only to a loopback host (127.0.0.1, ::1, localhost), got host %q: use https", u.Hostname())
	}
	return u, nil
}

// IsLoopbackHost reports whether host names the local machine without asking
// DNS, which could be made to answer 127.0.0.1 for a remote name: "localhost"
// or a literal loopback address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Redacted returns raw for display with any user info (name and
// password), query and fragment replaced, for String methods that show a URL the rule has not (yet)
// accepted: a key is as likely to sit in "?api_key=" as in a password. A URL
// that does not parse is not shown at all: where its user info ends is unknown.
func Redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL]"
	}
	hasQuery, hasFragment := u.RawQuery != "" || u.ForceQuery, u.Fragment != "" || u.RawFragment != ""
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	// The user name is hidden as well as the password: a key is as often
	// pasted there ("https://sk_live_...@proxy").
	hasUser := u.User != nil
	u.User = nil
	s := u.String()
	if hasUser {
		if i := strings.Index(s, "//"); i >= 0 {
			s = s[:i+2] + "[redacted]@" + s[i+2:]
		}
	}
	if hasQuery {
		s += "?[redacted]"
	}
	if hasFragment {
		s += "#[redacted]"
	}
	return s
}
