// Package wirejson decodes providers' answers, the JSON on every call's
// path, with the engine of encoding/json/v2 (github.com/go-json-experiment/json,
// the module that mirrors it and becomes an alias of the standard library's
// package from Go 1.27). It decodes a small answer in about half the time
// and half the allocations of encoding/json, because it checks and decodes
// the input in one pass where encoding/json scans it twice.
//
// The options keep encoding/json's reading of the same bytes, so that an
// answer means what it meant before: object names match struct fields
// ignoring case, the last of duplicate names wins, and invalid UTF-8 is
// replaced rather than refused (a provider's answer is judged by the
// adapter, not turned into a decode failure by the decoder).
package wirejson

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// options are encoding/json's rules for reading an answer.
var options = json.JoinOptions(
	json.MatchCaseInsensitiveNames(true),
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// Unmarshal decodes the JSON value data into v, a non-nil pointer. Trailing
// data after the value is an error, as it is for encoding/json.
func Unmarshal(data []byte, v any) error {
	return json.Unmarshal(data, v, options)
}
