// Package wirejson decodes providers' answers, the JSON on every call's
// path, with the engine of encoding/json/v2 (github.com/go-json-experiment/json,
// the module that mirrors it and becomes an alias of the standard library's
// package from Go 1.27). It decodes a small answer in about half the time
// and half the allocations of encoding/json, because it checks and decodes
// the input in one pass where encoding/json scans it twice.
//
// The options are encoding/json's own, the v1 package's DefaultOptionsV1
// (the rules encoding/json itself runs on when it is built on this engine,
// with Go's jsonv2 experiment), but one. So an answer means what it meant
// before, in every corner: object names match struct fields ignoring case
// but not underscores or dashes, the last of duplicate names wins and a
// later null keeps the earlier value, and invalid UTF-8 is replaced rather
// than refused (a provider's answer is judged by the adapter, not turned
// into a decode failure by the decoder). A hand-picked subset of them missed
// the underscores and the null, which TestReadsAsEncodingJSON now pins.
//
// The one left out is ReportErrorsWithLegacySemantics: it validates the
// whole input in a pass of its own before decoding (a quarter more time per
// answer) and goes on decoding after the first error, only to report that
// error. Without it an answer is still refused exactly when encoding/json
// refuses it (FuzzReadsAsEncodingJSON), and decoded to the same values when
// it is not; only what a refused answer leaves half-decoded differs, and no
// adapter reads a value whose decoding failed.
package wirejson

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// options are encoding/json's rules for reading an answer.
var options = json.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv1.ReportErrorsWithLegacySemantics(false))

// Unmarshal decodes the JSON value data into v, a non-nil pointer. Trailing
// data after the value is an error, as it is for encoding/json.
func Unmarshal(data []byte, v any) error {
	return json.Unmarshal(data, v, options)
}

// Valid reports whether data is one JSON value, as Unmarshal reads its
// syntax (whether the value fits a Go value is Unmarshal's to say). It is
// the check a caller that reads an answer without decoding it makes first.
func Valid(data []byte) bool {
	return jsontext.Value(data).IsValid(options)
}
