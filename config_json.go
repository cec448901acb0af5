package payments

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxConfigSize caps a config file; a real one is a few KiB.
const maxConfigSize = 1 << 20

// maxNesting caps JSON nesting, far above what a config needs, so that a
// hostile file cannot exhaust the stack of the key checker.
const maxNesting = 64

// LoadConfig reads and checks a JSON config file. Relative *_file paths in it
// are resolved against the file's directory.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ConfigError{File: path, Msg: fmt.Sprintf("cannot read: %v", pathErrCause(err)), Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, &ConfigError{File: path, Msg: fmt.Sprintf("cannot read: %v", pathErrCause(err)), Err: err}
	}
	if len(data) > maxConfigSize {
		return nil, &ConfigError{File: path, Msg: fmt.Sprintf("file is larger than %d bytes", maxConfigSize)}
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			ce.File = path
		}
		return nil, err
	}
	if abs, err := filepath.Abs(filepath.Dir(path)); err == nil {
		cfg.dir = abs
	}
	return cfg, nil
}

// ParseConfig reads and checks a JSON config. Relative *_file paths in it are
// resolved against the working directory. Syntax errors carry the line and
// column; duplicate keys are refused, since one of the two would be ignored.
func ParseConfig(data []byte) (*Config, error) {
	if err := checkJSON(data); err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, &ConfigError{Msg: "the config must be a JSON object"}
	}
	cfg := &Config{Regions: map[string]*RegionConfig{}}
	for _, key := range sortedKeys(top) {
		v := top[key]
		switch key {
		case "default_region":
			if jsonKind(v) != "string" || json.Unmarshal(v, &cfg.DefaultRegion) != nil {
				return nil, &ConfigError{Field: key, Msg: "must be a string, got a JSON " + jsonKind(v)}
			}
		case "regions":
			if err := parseRegions(cfg, v); err != nil {
				return nil, err
			}
		default:
			return nil, &ConfigError{Field: shownFieldName(key), Msg: "unknown field (known: default_region, regions)"}
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func parseRegions(cfg *Config, v json.RawMessage) error {
	var regions map[string]json.RawMessage
	if jsonKind(v) != "object" || json.Unmarshal(v, &regions) != nil {
		return &ConfigError{Field: "regions", Msg: "must be an object mapping region names to settings, got a JSON " + jsonKind(v)}
	}
	for _, name := range sortedKeys(regions) {
		rv := regions[name]
		var fields map[string]json.RawMessage
		if jsonKind(rv) != "object" || json.Unmarshal(rv, &fields) != nil {
			return &ConfigError{Region: name, Msg: "must be an object of settings, got a JSON " + jsonKind(rv)}
		}
		rc := &RegionConfig{fields: map[string]json.RawMessage{}}
		for key, fv := range fields {
			var err error
			switch key {
			case "provider":
				err = decodeCommon(fv, "string", &rc.Provider)
			case "sandbox":
				err = decodeCommon(fv, "boolean", &rc.Sandbox)
			case "base_url":
				err = decodeCommon(fv, "string", &rc.BaseURL)
			default:
				rc.fields[key] = fv
				continue
			}
			if err != nil {
				return &ConfigError{Region: name, Field: key, Msg: err.Error()}
			}
		}
		cfg.Regions[name] = rc
	}
	return nil
}

// decodeCommon decodes one of the common fields, which are never secrets,
// after checking its JSON type.
func decodeCommon(v json.RawMessage, kind string, dst any) error {
	if jsonKind(v) != kind || json.Unmarshal(v, dst) != nil {
		want := "a string"
		if kind == "boolean" {
			want = "true or false"
		}
		return fmt.Errorf("must be %s, got a JSON %s", want, jsonKind(v))
	}
	return nil
}

// checkJSON walks the tokens of data to report syntax errors with a line and
// column, refuse duplicate keys and trailing data, before anything is decoded.
func checkJSON(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &ConfigError{Msg: "empty config: expected a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := walkJSON(dec, data, nil); err != nil {
		return err
	}
	start := dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, skipSpace(data, start))
		return &ConfigError{Line: line, Column: col, Msg: "unexpected data after the config object"}
	}
	return nil
}

// walkJSON reads one value; path holds the keys leading to it.
func walkJSON(dec *json.Decoder, data []byte, path []string) error {
	if len(path) > maxNesting {
		line, col := lineCol(data, skipSpace(data, dec.InputOffset()))
		return &ConfigError{Line: line, Column: col, Msg: fmt.Sprintf("nested deeper than %d levels", maxNesting)}
	}
	tok, err := dec.Token()
	if err != nil {
		return syntaxError(data, dec, err)
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			keyAt := skipSpace(data, dec.InputOffset())
			kt, err := dec.Token()
			if err != nil {
				return syntaxError(data, dec, err)
			}
			key, _ := kt.(string)
			if seen[key] {
				return duplicateKey(data, keyAt, path, key)
			}
			seen[key] = true
			if err := walkJSON(dec, data, append(path, key)); err != nil {
				return err
			}
		}
	case json.Delim('['):
		for dec.More() {
			if err := walkJSON(dec, data, append(path, "[]")); err != nil {
				return err
			}
		}
	default:
		return nil
	}
	// The closing delimiter.
	if _, err := dec.Token(); err != nil {
		return syntaxError(data, dec, err)
	}
	return nil
}

func syntaxError(data []byte, dec *json.Decoder, err error) error {
	offset := dec.InputOffset()
	var se *json.SyntaxError
	msg := err.Error()
	switch {
	case errors.As(err, &se):
		offset = se.Offset
		msg = "malformed JSON: " + se.Error()
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		offset = int64(len(data))
		msg = "malformed JSON: unexpected end of input"
	}
	line, col := lineCol(data, offset)
	return &ConfigError{Line: line, Column: col, Msg: msg, Err: err}
}

func duplicateKey(data []byte, keyAt int64, path []string, key string) error {
	line, col := lineCol(data, keyAt)
	e := &ConfigError{Line: line, Column: col}
	switch {
	case len(path) == 0:
		e.Field, e.Msg = key, "appears twice"
	case len(path) == 1 && path[0] == "regions":
		e.Region, e.Msg = key, "region appears twice"
	case len(path) == 2 && path[0] == "regions":
		e.Region, e.Field, e.Msg = path[1], key, "appears twice"
	default:
		e.Msg = fmt.Sprintf("key %q appears twice in %s", key, strings.Join(path, "."))
	}
	return e
}

// skipSpace returns the offset of the first byte at or after offset that is
// neither white space nor a comma: where the next token starts, for errors.
func skipSpace(data []byte, offset int64) int64 {
	for offset < int64(len(data)) {
		switch data[offset] {
		case ' ', '\t', '\r', '\n', ',':
			offset++
			continue
		}
		break
	}
	return offset
}

// lineCol converts the offset of a byte into a 1-based line and column.
func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}
