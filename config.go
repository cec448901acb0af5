package payments

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

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

// DefaultName returns the name of the default region: DefaultRegion, or the
// only region when it is not set. A tool that opens one region
// (OpenOptions.Only) uses it to pick that region before anything is opened.
func (c *Config) DefaultName() string { return c.defaultRegion() }

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
	return fmt.Sprintf("{provider: %q, sandbox: %t, base_url: %q, fields: %v}", r.Provider, r.Sandbox, urlcheck.Redacted(r.BaseURL), shownFieldNames(sortedKeys(r.fields)))
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
