package payments

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// OpenOptions tune Open. A nil *OpenOptions means defaults.
type OpenOptions struct {
	// Logger receives the adapters' logs, with a "region" attribute; nil for none.
	Logger *slog.Logger
	// HTTPClient returns the client for a region; called once per region. Nil
	// gives each region its own pooled client with Transport (below) and
	// DefaultHTTPTimeout as a last guard: callers bound each call with
	// their context.
	HTTPClient func(region string) *http.Client
	// Transport is the round tripper of the default clients; nil for the
	// pool an adapter's New builds too (NewHTTPClient), so that a region
	// opened from a config serves as many concurrent callers as one built in
	// code. Tests set it to reach emulators or record requests.
	Transport http.RoundTripper
	// MaxIdleConns sizes each region's default pool as HTTPOptions.MaxIdleConns
	// does an adapter's: idle connections kept per host, 0 for
	// DefaultMaxIdleConns; negative values are refused. It does not apply to
	// a Transport or HTTPClient given above.
	MaxIdleConns int
	// Getenv resolves "${ENV_VAR}" references; nil for os.Getenv. Tests and
	// tools that hold credentials in memory set it.
	Getenv func(string) string
	// AppInfo names the app in the User-Agent of every region's requests
	// (see HTTPOptions.AppInfo); nil sends the library's name alone.
	AppInfo *AppInfo
	// Wrap, when set, is applied to every region's provider once it is
	// open, whatever the adapter, and the Regions hand out what it returns:
	// (*telemetry.Telemetry).Wrap traces and measures every call this way.
	// A wrapper should keep the provider's capabilities (payments.Capabler).
	// Returning nil keeps the provider as it is.
	Wrap func(region string, p Provider) Provider
	// Only lists the regions to open; nil or empty opens every region, which
	// checks the whole config at start-up, as a long-running app should. A
	// tool that acts on one region opens only that one, so that a secret
	// missing for another region does not stop it. Each name must be a
	// configured region. Provider fails for a region left out, and Default
	// returns nil when the default region is left out.
	Only []string
	// Now is the clock that notification times are checked against (Yandex
	// Pay's token iat and exp); nil means time.Now. Only a tool that decodes
	// a notification captured earlier sets it, to the time of capture, since
	// a Yandex Pay token expires minutes after it was signed.
	Now func() time.Time
}

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
	if opts.MaxIdleConns < 0 {
		return nil, &ConfigError{Msg: fmt.Sprintf("OpenOptions.MaxIdleConns must not be negative, got %d", opts.MaxIdleConns)}
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	rs := &Regions{def: cfg.defaultRegion(), names: sortedKeys(cfg.Regions), regions: map[string]*openRegion{}}
	toOpen := rs.names
	if len(opts.Only) > 0 {
		for _, name := range opts.Only {
			if _, ok := cfg.Regions[name]; !ok {
				return nil, rs.unknown(name)
			}
		}
		toOpen = opts.Only
	}
	for _, name := range toOpen {
		if _, done := rs.regions[name]; done {
			continue // named twice in Only
		}
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
	open, ok := lookupAdapter(rc.Provider)
	if !ok {
		known := Adapters()
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
		AppInfo:    opts.AppInfo,
		Now:        opts.Now,
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
		return nil, &ConfigError{Region: name, Field: shownFieldName(unread[0]), Msg: fmt.Sprintf("unknown field for provider %s (known: %s)", rc.Provider, strings.Join(known, ", ")), Err: err}
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
	if opts.Wrap != nil {
		if w := opts.Wrap(name, p); w != nil {
			p = w
		}
	}
	return &openRegion{provider: p, client: client}, nil
}

func newRegionClient(name string, opts *OpenOptions) *http.Client {
	if opts.HTTPClient != nil {
		if c := opts.HTTPClient(name); c != nil {
			return c
		}
	}
	if opts.Transport == nil {
		// The region's own pool, so Close can release it without touching
		// the rest of the program, sized as an adapter's New sizes it.
		return NewHTTPClient(opts.MaxIdleConns)
	}
	return &http.Client{Transport: opts.Transport, Timeout: DefaultHTTPTimeout}
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
	if r == nil {
		return nil, &ConfigError{Region: region, Msg: "nil *payments.Regions: get one from payments.Open"}
	}
	if r.closed.Load() {
		return nil, &ConfigError{Region: region, Msg: "the regions are closed"}
	}
	or, ok := r.regions[region]
	if !ok {
		if slices.Contains(r.names, region) {
			return nil, &ConfigError{Region: region, Msg: "not opened: OpenOptions.Only left it out"}
		}
		return nil, r.unknown(region)
	}
	if or == nil {
		return nil, r.unknown(region)
	}
	return or.provider, nil
}

// unknown is the error for a region the config does not have.
func (r *Regions) unknown(region string) error {
	return &ConfigError{Region: region, Msg: fmt.Sprintf("unknown region (configured: %s)", strings.Join(r.names, ", "))}
}

// Default returns the provider of the default region: default_region, or the
// only region when the config has one. Unlike Provider it has no error to
// return, so it still answers after Close; the provider it returns is closed
// then. It is nil when OpenOptions.Only left the default region out.
func (r *Regions) Default() Provider {
	if r == nil {
		return nil
	}
	if or, ok := r.regions[r.def]; ok && or != nil {
		return or.provider
	}
	return nil
}

// DefaultName returns the name of the default region.
func (r *Regions) DefaultName() string {
	if r == nil {
		return ""
	}
	return r.def
}

// Names returns the configured region names, sorted.
func (r *Regions) Names() []string {
	if r == nil {
		return nil
	}
	return append([]string(nil), r.names...)
}

// String lists the regions and their providers.
func (r *Regions) String() string {
	if r == nil {
		return "payments.Regions(nil)"
	}
	parts := make([]string, 0, len(r.names))
	for _, name := range r.names {
		if or, ok := r.regions[name]; ok && or != nil {
			parts = append(parts, name+": "+or.provider.Name())
		}
	}
	return fmt.Sprintf("payments.Regions{default: %s, regions: {%s}}", r.def, strings.Join(parts, ", "))
}

// Close closes every provider that implements Closer and the idle connections
// of every region's client. Later calls return the first call's result, and
// Provider fails after it.
func (r *Regions) Close() error {
	if r == nil {
		return nil
	}
	r.closeOnce.Do(func() {
		r.closed.Store(true)
		var errs []error
		for _, name := range r.names {
			or, ok := r.regions[name]
			if !ok || or == nil {
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
