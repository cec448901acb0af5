package payments

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/regionpay/payments/internal/urlcheck"
)

// Config maps regions to providers. It is read from JSON:
//
//	{
//	  "default_region": "ru",
//	  "regions": {
//	    "ru": {"provider": "rustore", "key_id": "1234", "private_key_file": "rustore.key", "app_id": 1704024},
//	    "ru-web": {"provider": "yandexpay", "sandbox": true, "api_key": "${YANDEX_PAY_API_KEY}"}
//	  }
//	}
//
// Every region names its "provider" (a registered adapter) and may set
// "sandbox" (the provider's test environment) and "base_url" (an emulator or a
// proxy; https, or http only to a loopback host). The other fields belong to
// the adapter; a field it does not read is an error, so typos do not pass.
// Credentials are never written in the file: a secret field holds "${ENV_VAR}"
// or its "_file" twin holds a path.
//
// String, GoString and JSON encoding of a Config show no adapter field values.
type Config struct {
	// DefaultRegion is the region Regions.Default returns. It may be left out
	// when there is only one region.
	DefaultRegion string `json:"default_region,omitempty"`
	// Regions maps a region name to its settings.
	Regions map[string]*RegionConfig `json:"regions"`

	// dir is the config file's directory, for relative *_file paths.
	dir string
}

// RegionConfig is one region of a Config. The adapter's own fields are kept
// as raw JSON, unexported, so that no encoder or %v prints a value from them.
type RegionConfig struct {
	// Provider is the registered adapter name: "rustore", "yandexpay".
	Provider string `json:"provider"`
	// Sandbox selects the provider's test environment.
	Sandbox bool `json:"sandbox,omitempty"`
	// BaseURL overrides the provider's address, e.g. to reach an emulator.
	BaseURL string `json:"base_url,omitempty"`

	fields map[string]json.RawMessage
}

// commonFields are read by Open itself, not by adapters.
var commonFields = []string{"provider", "sandbox", "base_url"}

// maxConfigSize caps a config file; a real one is a few KiB.
const maxConfigSize = 1 << 20

// maxNesting caps JSON nesting, far above what a config needs, so that a
// hostile file cannot exhaust the stack of the key checker.
const maxNesting = 64

// ConfigError is the error for a bad config: it says where (file, line and
// column, region, field) and what is wrong, and never shows a field's value
// when that value could be a credential.
type ConfigError struct {
	// File is the config file, when it was read from one.
	File string
	// Line and Column locate a JSON syntax error (1-based); 0 when not known.
	Line, Column int
	// Region is the region the problem is in, or "" for the file as a whole.
	Region string
	// Field is the field the problem is in, or "".
	Field string
	// Msg says what is wrong.
	Msg string
	// Err is the underlying cause, if any.
	Err error
}

// Error formats the error as `config FILE: line L, column C: region "R": field "F": message`,
// leaving out the parts that are not known.
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" ")
		b.WriteString(e.File)
	}
	b.WriteString(": ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	if e.Region != "" {
		fmt.Fprintf(&b, "region %q: ", e.Region)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *ConfigError) Unwrap() error { return e.Err }

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
			return nil, &ConfigError{Field: key, Msg: "unknown field (known: default_region, regions)"}
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

// Validate checks what can be checked without the adapters: there are
// regions, names are sane, every region names a provider, base URLs are safe
// and the default region exists. Open calls it too, since a Config may be
// built or changed in code.
func (c *Config) Validate() error {
	if c == nil {
		return &ConfigError{Msg: "nil Config"}
	}
	if len(c.Regions) == 0 {
		return &ConfigError{Field: "regions", Msg: "no regions configured: add at least one under \"regions\""}
	}
	for _, name := range sortedKeys(c.Regions) {
		if err := validRegionName(name); err != nil {
			return &ConfigError{Region: name, Msg: err.Error()}
		}
		rc := c.Regions[name]
		if rc == nil {
			return &ConfigError{Region: name, Msg: "nil region settings"}
		}
		if rc.Provider == "" {
			return &ConfigError{Region: name, Field: "provider", Msg: "missing: name the adapter, e.g. \"rustore\" or \"yandexpay\""}
		}
		if rc.BaseURL != "" {
			if _, err := urlcheck.BaseURL(rc.BaseURL); err != nil {
				return &ConfigError{Region: name, Field: "base_url", Msg: err.Error()}
			}
		}
	}
	if c.DefaultRegion == "" {
		if len(c.Regions) > 1 {
			return &ConfigError{Field: "default_region", Msg: fmt.Sprintf("missing: required when there is more than one region (regions: %s)", strings.Join(sortedKeys(c.Regions), ", "))}
		}
	} else if _, ok := c.Regions[c.DefaultRegion]; !ok {
		return &ConfigError{Field: "default_region", Msg: fmt.Sprintf("%q is not a configured region (regions: %s)", c.DefaultRegion, strings.Join(sortedKeys(c.Regions), ", "))}
	}
	return nil
}

// defaultRegion is DefaultRegion, or the only region when it is not set.
func (c *Config) defaultRegion() string {
	if c.DefaultRegion != "" {
		return c.DefaultRegion
	}
	for name := range c.Regions {
		return name
	}
	return ""
}

// validRegionName keeps names usable as command-line values and log fields.
func validRegionName(name string) error {
	if name == "" {
		return errors.New("empty region name")
	}
	for _, c := range name {
		ok := c == '-' || c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		if !ok {
			return fmt.Errorf("region names may use only letters, digits, '-', '_' and '.', found %q", c)
		}
	}
	return nil
}

// Set sets an adapter field of the region to v, encoded as JSON: for configs
// built in code, or to override a field after LoadConfig. Secret fields take
// references ("${ENV_VAR}") or file paths, as in a file.
func (r *RegionConfig) Set(field string, v any) error {
	for _, common := range commonFields {
		if field == common {
			return fmt.Errorf("payments: %q is a common field: set RegionConfig.%s instead", field, map[string]string{"provider": "Provider", "sandbox": "Sandbox", "base_url": "BaseURL"}[field])
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("payments: field %q: %v", field, err)
	}
	if r.fields == nil {
		r.fields = map[string]json.RawMessage{}
	}
	r.fields[field] = b
	return nil
}

// Fields lists the names of the adapter fields set in the region, sorted.
func (r *RegionConfig) Fields() []string { return sortedKeys(r.fields) }

// String shows the region without adapter field values.
func (r RegionConfig) String() string {
	return fmt.Sprintf("{provider: %q, sandbox: %t, base_url: %q, fields: %v}", r.Provider, r.Sandbox, urlcheck.Redacted(r.BaseURL), sortedKeys(r.fields))
}

// GoString keeps %#v from printing field values.
func (r RegionConfig) GoString() string { return "payments.RegionConfig" + r.String() }

// String shows the config without adapter field values.
func (c Config) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "payments.Config{default_region: %q, regions: {", c.DefaultRegion)
	for i, name := range sortedKeys(c.Regions) {
		if i > 0 {
			b.WriteString(", ")
		}
		rc := c.Regions[name]
		if rc == nil {
			fmt.Fprintf(&b, "%q: nil", name)
			continue
		}
		fmt.Fprintf(&b, "%q: %s", name, rc.String())
	}
	b.WriteString("}}")
	return b.String()
}

// GoString keeps %#v from printing field values.
func (c Config) GoString() string { return c.String() }

// OpenOptions tune Open. A nil *OpenOptions means defaults.
type OpenOptions struct {
	// Logger receives the adapters' logs, with a "region" attribute; nil for none.
	Logger *slog.Logger
	// HTTPClient returns the client for a region; called once per region. Nil
	// gives each region its own pooled client with Transport (below) and a
	// 60-second overall timeout as a last guard: callers bound each call with
	// their context.
	HTTPClient func(region string) *http.Client
	// Transport is the round tripper of the default clients; nil for a clone
	// of http.DefaultTransport. Tests set it to reach emulators or record requests.
	Transport http.RoundTripper
	// Getenv resolves "${ENV_VAR}" references; nil for os.Getenv. Tests and
	// tools that hold credentials in memory set it.
	Getenv func(string) string
}

// defaultClientTimeout bounds a request whose caller set no deadline; RuStore
// may take about 30 s to confirm, so it leaves room for that.
const defaultClientTimeout = 60 * time.Second

// Regions holds one open Provider per configured region. It is safe for
// concurrent use; Close releases what the providers hold.
type Regions struct {
	def     string
	names   []string
	regions map[string]*openRegion

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
}

type openRegion struct {
	provider Provider
	client   *http.Client
}

// Open builds a Provider for every region of cfg through the registered
// adapters. It fails, closing whatever it opened, on the first region with
// an unknown provider, an unknown field, a missing secret or a value the
// adapter refuses; the error names the region and the field. Open sends no
// request: credentials are first used by the first call.
func Open(ctx context.Context, cfg *Config, opts *OpenOptions) (*Regions, error) {
	if ctx == nil {
		return nil, &ConfigError{Msg: "nil context passed to Open"}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &OpenOptions{}
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	rs := &Regions{def: cfg.defaultRegion(), names: sortedKeys(cfg.Regions), regions: map[string]*openRegion{}}
	for _, name := range rs.names {
		if err := ctx.Err(); err != nil {
			rs.Close()
			return nil, err
		}
		or, err := openOne(name, cfg.Regions[name], cfg.dir, getenv, opts)
		if err != nil {
			rs.Close()
			return nil, err
		}
		rs.regions[name] = or
	}
	return rs, nil
}

func openOne(name string, rc *RegionConfig, dir string, getenv func(string) string, opts *OpenOptions) (*openRegion, error) {
	open, ok := lookupDriver(rc.Provider)
	if !ok {
		known := Drivers()
		list := "none"
		if len(known) > 0 {
			list = strings.Join(known, ", ")
		}
		return nil, &ConfigError{Region: name, Field: "provider", Msg: fmt.Sprintf("%q is not a registered provider (registered: %s); import the adapter's package, e.g. _ \"github.com/regionpay/payments/rustore\"", rc.Provider, list)}
	}
	client := newRegionClient(name, opts)
	var logger *slog.Logger
	if opts.Logger != nil {
		logger = opts.Logger.With("region", name)
	}
	s := &Settings{
		Region:     name,
		Provider:   rc.Provider,
		Sandbox:    rc.Sandbox,
		BaseURL:    rc.BaseURL,
		HTTPClient: client,
		Logger:     logger,
		fields:     rc.fields,
		read:       map[string]bool{},
		getenv:     getenv,
		dir:        dir,
	}
	p, err := open(s)
	// Unknown fields are reported first even when the adapter failed too: a
	// misspelt field usually is why a required one is "missing".
	if unread := s.unread(); len(unread) > 0 {
		if p != nil {
			closeProvider(p)
		}
		client.CloseIdleConnections()
		known := append(append([]string{}, commonFields...), sortedKeys(s.read)...)
		return nil, &ConfigError{Region: name, Field: unread[0], Msg: fmt.Sprintf("unknown field for provider %s (known: %s)", rc.Provider, strings.Join(known, ", ")), Err: err}
	}
	if err != nil {
		client.CloseIdleConnections()
		var ce *ConfigError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, &ConfigError{Region: name, Msg: err.Error(), Err: err}
	}
	if p == nil {
		client.CloseIdleConnections()
		return nil, &ConfigError{Region: name, Msg: fmt.Sprintf("provider %s returned no Provider and no error", rc.Provider)}
	}
	return &openRegion{provider: p, client: client}, nil
}

func newRegionClient(name string, opts *OpenOptions) *http.Client {
	if opts.HTTPClient != nil {
		if c := opts.HTTPClient(name); c != nil {
			return c
		}
	}
	rt := opts.Transport
	if rt == nil {
		// A clone gives the region its own connection pool, so Close can
		// release it without touching the rest of the program.
		if t, ok := http.DefaultTransport.(*http.Transport); ok {
			rt = t.Clone()
		} else {
			rt = http.DefaultTransport
		}
	}
	return &http.Client{Transport: rt, Timeout: defaultClientTimeout}
}

func closeProvider(p Provider) error {
	if c, ok := p.(Closer); ok {
		return c.Close()
	}
	return nil
}

// Provider returns the provider of a region. An unknown region is an error
// that lists the configured ones.
func (r *Regions) Provider(region string) (Provider, error) {
	if r.closed.Load() {
		return nil, &ConfigError{Region: region, Msg: "the regions are closed"}
	}
	or, ok := r.regions[region]
	if !ok {
		return nil, &ConfigError{Region: region, Msg: fmt.Sprintf("unknown region (configured: %s)", strings.Join(r.names, ", "))}
	}
	return or.provider, nil
}

// Default returns the provider of the default region: default_region, or the
// only region when the config has one. Unlike Provider it has no error to
// return, so it still answers after Close; the provider it returns is closed then.
func (r *Regions) Default() Provider { return r.regions[r.def].provider }

// DefaultName returns the name of the default region.
func (r *Regions) DefaultName() string { return r.def }

// Names returns the configured region names, sorted.
func (r *Regions) Names() []string { return append([]string(nil), r.names...) }

// String lists the regions and their providers.
func (r *Regions) String() string {
	parts := make([]string, 0, len(r.names))
	for _, name := range r.names {
		if or, ok := r.regions[name]; ok {
			parts = append(parts, name+": "+or.provider.Name())
		}
	}
	return fmt.Sprintf("payments.Regions{default: %s, regions: {%s}}", r.def, strings.Join(parts, ", "))
}

// Close closes every provider that implements Closer and the idle connections
// of every region's client. Later calls return the first call's result, and
// Provider fails after it.
func (r *Regions) Close() error {
	r.closeOnce.Do(func() {
		r.closed.Store(true)
		var errs []error
		for _, name := range r.names {
			or, ok := r.regions[name]
			if !ok {
				continue
			}
			if err := closeProvider(or.provider); err != nil {
				errs = append(errs, fmt.Errorf("region %q: %w", name, err))
			}
			or.client.CloseIdleConnections()
		}
		r.closeErr = errors.Join(errs...)
	})
	return r.closeErr
}
