package payments

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/regionpay/payments/internal/urlcheck"
)

// Settings is what an OpenFunc gets for one region of a config: the common
// settings, ready to use, and typed getters for the adapter's own fields.
//
// Each getter records the field as read, whether or not it is present, so that
// Open can reject any field no one read as unknown (a misspelt "api_kye" must
// not be silently ignored while the adapter complains about a missing
// "api_key"). Errors from the getters are *ConfigError values naming the region
// and the field, and never the field's value.
type Settings struct {
	// Region is the region's name in the config, for errors and logs.
	Region string
	// Provider is the region's "provider" value, the name the OpenFunc was registered under.
	Provider string
	// Sandbox is the region's "sandbox" value: use the provider's test environment.
	Sandbox bool
	// BaseURL is the region's "base_url", empty for the provider's default. It
	// was checked to be https, or http to a loopback host (an emulator).
	BaseURL string
	// HTTPClient is the region's own client; the adapter must send every
	// request through it so Regions.Close can release its connections.
	HTTPClient *http.Client
	// Logger is the app's logger with a "region" attribute, or nil for none.
	Logger *slog.Logger
	// AppInfo is OpenOptions.AppInfo: the app to name in the User-Agent, or nil.
	AppInfo *AppInfo
	// Now is OpenOptions.Now: the clock notification times are checked
	// against, or nil for time.Now.
	Now func() time.Time

	fields map[string]json.RawMessage
	read   map[string]bool
	getenv func(string) string
	dir    string
}

// HTTPOptions are the region's HTTP settings for the adapter's Config, so
// that an option Open passes on reaches every adapter the same way.
func (s *Settings) HTTPOptions() HTTPOptions {
	return HTTPOptions{BaseURL: s.BaseURL, HTTPClient: s.HTTPClient, Logger: s.Logger, AppInfo: s.AppInfo}
}

// Format prints the settings for %v, %+v, %s and %#v without any field
// value, since a field may hold a credential put there by mistake. (String is
// taken by the getter, so Format does the hiding.)
func (s Settings) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, "payments.Settings{region: %q, provider: %q, sandbox: %t, base_url: %q, fields: %v}",
		s.Region, s.Provider, s.Sandbox, urlcheck.Redacted(s.BaseURL), sortedKeys(s.fields))
}

// Errorf builds a *ConfigError about one of the region's fields, for checks
// an adapter makes on a value it read (an app_id that must be positive).
// field may be empty when the problem is not about one field.
func (s *Settings) Errorf(field, format string, args ...any) error {
	return &ConfigError{Region: s.Region, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// raw returns a field's JSON and marks it read. A JSON null counts as absent.
func (s *Settings) raw(name string) (json.RawMessage, bool) {
	if s.read == nil {
		s.read = map[string]bool{}
	}
	s.read[name] = true
	v, ok := s.fields[name]
	if !ok || jsonKind(v) == "null" {
		return nil, false
	}
	return v, true
}

// typeErr is the error for a field whose JSON type is wrong; it names the
// type it got, never the value.
func (s *Settings) typeErr(name, want string, got json.RawMessage) error {
	return s.Errorf(name, "must be %s, got a JSON %s", want, jsonKind(got))
}

// String returns a string field, or "" when it is absent.
func (s *Settings) String(name string) (string, error) {
	v, ok := s.raw(name)
	if !ok {
		return "", nil
	}
	var out string
	if jsonKind(v) != "string" || json.Unmarshal(v, &out) != nil {
		return "", s.typeErr(name, "a string", v)
	}
	return out, nil
}

// Int returns an integer field, or 0 when it is absent. The value must be a
// JSON number without fraction or exponent that fits in an int64.
func (s *Settings) Int(name string) (int64, error) {
	v, ok := s.raw(name)
	if !ok {
		return 0, nil
	}
	if jsonKind(v) != "number" {
		return 0, s.typeErr(name, "an integer", v)
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, s.Errorf(name, "integer out of range")
		}
		return 0, s.Errorf(name, "must be an integer, got a number with a fraction or exponent")
	}
	return n, nil
}

// Bool returns a boolean field, or false when it is absent.
func (s *Settings) Bool(name string) (bool, error) {
	v, ok := s.raw(name)
	if !ok {
		return false, nil
	}
	var out bool
	if jsonKind(v) != "boolean" || json.Unmarshal(v, &out) != nil {
		return false, s.typeErr(name, "true or false", v)
	}
	return out, nil
}

// Duration returns a duration field written as a Go duration string ("15s",
// "1m30s"), or 0 when it is absent. Negative durations are refused: no
// setting of this library means anything by them.
func (s *Settings) Duration(name string) (time.Duration, error) {
	v, ok := s.raw(name)
	if !ok {
		return 0, nil
	}
	var str string
	if jsonKind(v) != "string" || json.Unmarshal(v, &str) != nil {
		return 0, s.typeErr(name, `a duration string like "15s"`, v)
	}
	d, err := time.ParseDuration(str)
	if err != nil {
		return 0, s.Errorf(name, `must be a duration like "15s" or "1m30s", got %q`, str)
	}
	if d < 0 {
		return 0, s.Errorf(name, "must not be negative, got %s", d)
	}
	return d, nil
}

// tooOpen are the permission bits a secret file must not have: any access
// for other users, and write access for the group (anyone who can write it
// can replace the key). A group may read it, as a container's secret
// volume often grants the service's group.
const tooOpen fs.FileMode = 0o027

// maxSecretFile caps what a *_file field may point at: keys are a few KiB, and
// a path to a device or a log must not be read without end.
const maxSecretFile = 1 << 20

// Secret returns a required credential. The config never holds the value
// itself, only where to find it:
//
//	"api_key": "${YANDEX_PAY_API_KEY}"     an environment variable
//	"api_key_file": "/run/secrets/yp_key"  a file (relative paths are relative
//	                                       to the config file's directory)
//
// Exactly one of the two must be set. Surrounding white space (the newline at
// the end of a file) is trimmed. A file that other users may read, or that
// anyone but its owner may write, is refused, as ssh refuses such a key. Errors name the field, the variable or the
// file, never the value.
func (s *Settings) Secret(name string) (Secret, error) {
	fileField := name + "_file"
	ref, hasRef := s.raw(name)
	file, hasFile := s.raw(fileField)
	switch {
	case hasRef && hasFile:
		return "", s.Errorf(name, "set either %s or %s, not both", name, fileField)
	case !hasRef && !hasFile:
		return "", s.Errorf(name, `missing: set %s to "${ENV_VAR}" or %s to a file path`, name, fileField)
	case hasFile:
		return s.secretFromFile(fileField, file)
	}
	var str string
	if jsonKind(ref) != "string" || json.Unmarshal(ref, &str) != nil {
		return "", s.typeErr(name, `a string "${ENV_VAR}"`, ref)
	}
	envName, ok := envReference(str)
	if !ok {
		// The value may be the credential itself: say what is wrong without echoing it.
		return "", s.Errorf(name, `must be an environment variable reference like "${API_KEY}" (the config file must not hold the secret itself); or use %s`, fileField)
	}
	getenv := s.getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	val := strings.TrimSpace(getenv(envName))
	if val == "" {
		return "", s.Errorf(name, "environment variable %s is not set or empty", envName)
	}
	return Secret(val), nil
}

// OptionalSecret is Secret for a credential that turns a feature on and may
// be left out (a notification key): it returns "" and no error when
// neither name nor its "_file" twin is set, and otherwise what Secret
// returns, errors included.
func (s *Settings) OptionalSecret(name string) (Secret, error) {
	_, hasRef := s.raw(name)
	_, hasFile := s.raw(name + "_file")
	if !hasRef && !hasFile {
		return "", nil
	}
	return s.Secret(name)
}

func (s *Settings) secretFromFile(field string, raw json.RawMessage) (Secret, error) {
	var path string
	if jsonKind(raw) != "string" || json.Unmarshal(raw, &path) != nil {
		return "", s.typeErr(field, "a file path string", raw)
	}
	if path == "" {
		return "", s.Errorf(field, "empty file path")
	}
	if !filepath.IsAbs(path) && s.dir != "" {
		path = filepath.Join(s.dir, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", s.Errorf(field, "cannot read file %s: %v", path, pathErrCause(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && runtime.GOOS != "windows" {
		if perm := fi.Mode().Perm(); perm&tooOpen != 0 {
			return "", s.Errorf(field, "file %s is open to other users (mode %04o): restrict it with \"chmod 600 %s\" (or mount it with mode 0400 or 0440), as ssh requires of a private key", path, perm, path)
		}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", s.Errorf(field, "cannot read file %s: %v", path, pathErrCause(err))
	}
	if len(b) > maxSecretFile {
		return "", s.Errorf(field, "file %s is larger than %d bytes; is it the right file?", path, maxSecretFile)
	}
	val := strings.TrimSpace(string(b))
	if val == "" {
		return "", s.Errorf(field, "file %s is empty", path)
	}
	return Secret(val), nil
}

// pathErrCause drops the path from an *fs.PathError, which the caller names already.
func pathErrCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// envReference returns NAME for a value that is exactly "${NAME}" with NAME a
// valid environment variable name.
func envReference(v string) (string, bool) {
	if !strings.HasPrefix(v, "${") || !strings.HasSuffix(v, "}") {
		return "", false
	}
	name := v[2 : len(v)-1]
	if name == "" {
		return "", false
	}
	for i, c := range name {
		letter := c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return "", false
		}
	}
	return name, true
}

// unread lists the fields no getter asked for, sorted.
func (s *Settings) unread() []string {
	var out []string
	for _, name := range sortedKeys(s.fields) {
		if !s.read[name] {
			out = append(out, name)
		}
	}
	return out
}

// jsonKind names the JSON type of a raw value by its first byte.
func jsonKind(v json.RawMessage) string {
	t := bytes.TrimSpace(v)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
