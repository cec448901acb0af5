package transport

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"
)

// redactedText replaces every scrubbed value.
const redactedText = "[redacted]"

// excerptLimit bounds Excerpt so an error message stays one readable line.
const excerptLimit = 256

// credentialKeys are JSON keys (lower-cased) whose values are credentials in
// any provider's body, whatever the configured secrets are.
var credentialKeys = map[string]bool{
	"jwe":           true,
	"token":         true,
	"accesstoken":   true,
	"access_token":  true,
	"refreshtoken":  true,
	"refresh_token": true,
	"signature":     true,
	"apikey":        true,
	"api_key":       true,
	"api-key":       true,
	"privatekey":    true,
	"private_key":   true,
	"key":           true,
	"password":      true,
	"secret":        true,
	"clientsecret":  true,
	"client_secret": true,
	"authorization": true,
}

// Redact returns s with every configured secret replaced by "[redacted]",
// also in its JSON-escaped form. Adapters pass any text that could echo a
// credential (a provider message, an error) through it.
func (c *Client) Redact(s string) string {
	if c == nil || c.secrets == nil || s == "" {
		return s
	}
	for _, sec := range secretForms(c.secrets()) {
		s = strings.ReplaceAll(s, sec, redactedText)
	}
	return s
}

// secretForms returns the non-empty secrets and their JSON-escaped spellings
// (a provider may echo a value inside a JSON string),
// longest first so a secret containing another is replaced whole.
func secretForms(secrets []string) []string {
	out := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		if s == "" {
			continue
		}
		out = append(out, s)
		if b, err := json.Marshal(s); err == nil {
			esc := string(b[1 : len(b)-1])
			// Some encoders (PHP, Java) also escape "/" as "\/".
			for _, form := range []string{esc, strings.ReplaceAll(esc, "/", `\/`)} {
				if form != s {
					out = append(out, form)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// Excerpt returns at most 256 bytes of the body for error messages, scrubbed:
// the client's configured secrets and the values of JSON keys that name
// credentials (jwe, token, accessToken, signature, apiKey, api_key,
// privateKey, private_key, key, password, secret, authorization and similar,
// case-insensitive) are replaced by "[redacted]". The whole body is scrubbed
// before it is cut, so a secret at the cut cannot leak in part.
func (r *Response) Excerpt() string {
	if r == nil || len(r.Body) == 0 {
		return ""
	}
	s := string(r.Body)
	if r.client != nil {
		s = r.client.Redact(s)
	}
	s = scrubCredentialKeys(s)
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > excerptLimit {
		cut := excerptLimit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// scrubCredentialKeys replaces the value of every object member whose key
// names a credential. It scans tokens rather than decoding, so it also
// works on invalid or cut JSON; a value that never ends is redacted to the end.
func scrubCredentialKeys(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if s[i] != '"' {
			i++
			continue
		}
		end, closed := stringEnd(s, i)
		if !closed {
			break
		}
		colon := skipSpace(s, end)
		if colon < len(s) && s[colon] == ':' && credentialKeys[strings.ToLower(unquote(s[i:end]))] {
			v := skipSpace(s, colon+1)
			vend := valueEnd(s, v)
			b.WriteString(s[last:v])
			b.WriteString(`"` + redactedText + `"`)
			last, i = vend, vend
			continue
		}
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// jsonText is what the scanners below read: a body as received, or text.
type jsonText interface{ ~string | ~[]byte }

// stringEnd returns the index just past the JSON string starting at the quote
// s[i], and whether it is closed.
func stringEnd[T jsonText](s T, i int) (int, bool) {
	for j := i + 1; j < len(s); {
		k := indexQuote(s, j)
		if k < 0 {
			break
		}
		// The quote ends the string unless an odd run of backslashes escapes it.
		n := 0
		for p := k - 1; p > i && s[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return k + 1, true
		}
		j = k + 1
	}
	return len(s), false
}

// indexQuote returns the index of the first '"' in s at or after from, or
// -1, with the standard library's fast search for plain strings and bytes.
func indexQuote[T jsonText](s T, from int) int {
	var k int
	switch v := any(s).(type) {
	case []byte:
		k = bytes.IndexByte(v[from:], '"')
	case string:
		k = strings.IndexByte(v[from:], '"')
	default:
		k = -1
		for j := from; j < len(s); j++ {
			if s[j] == '"' {
				return j
			}
		}
	}
	if k < 0 {
		return -1
	}
	return from + k
}

// unquote decodes a quoted JSON string, falling back to its raw contents.
func unquote(q string) string {
	raw := q[1 : len(q)-1]
	if !strings.Contains(raw, `\`) {
		return raw
	}
	var out string
	if err := json.Unmarshal([]byte(q), &out); err != nil {
		return raw
	}
	return out
}

func skipSpace[T jsonText](s T, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the index just past the JSON value starting at s[i]:
// a string, a whole object or array, or a scalar.
func valueEnd[T jsonText](s T, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '"':
		end, _ := stringEnd(s, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				end, closed := stringEnd(s, j)
				if !closed {
					return len(s)
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(s)
	}
	j := i
	for j < len(s) && !scalarEnd(s[j]) {
		j++
	}
	return j
}

// scalarEnd reports whether b ends a JSON number, true, false or null.
func scalarEnd(b byte) bool {
	switch b {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}
