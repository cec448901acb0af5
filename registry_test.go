package payments_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/regionpay/payments"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cfgFake is a test double an OpenFunc returns; it remembers the
// settings it was opened with and counts Close calls.
type cfgFake struct {
	name     string
	settings *payments.Settings
	values   cfgFakeValues
	closed   atomic.Int32
}

// cfgFakeValues are what the fake driver read from its settings.
type cfgFakeValues struct {
	KeyID   string
	AppID   int64
	APIKey  payments.Secret
	Timeout string
	Live    bool
}

func (p *cfgFake) Name() string { return p.name }
func (p *cfgFake) Capture(context.Context, payments.Ref, *payments.CaptureOptions) (*payments.Result, error) {
	return &payments.Result{Provider: p.name}, nil
}
func (p *cfgFake) Void(context.Context, payments.Ref, *payments.VoidOptions) (*payments.Result, error) {
	return &payments.Result{Provider: p.name}, nil
}
func (p *cfgFake) Rollback(context.Context, payments.Ref, *payments.RollbackOptions) (*payments.Result, error) {
	return &payments.Result{Provider: p.name}, nil
}
func (p *cfgFake) Status(_ context.Context, ref payments.Ref) (*payments.Payment, error) {
	return &payments.Payment{Ref: ref, Provider: p.name}, nil
}
func (p *cfgFake) Close() error {
	p.closed.Add(1)
	return nil
}

// cfgOpenFake reads every field first, then validates, as OpenFunc's doc asks.
func cfgOpenFake(s *payments.Settings) (payments.Provider, error) {
	keyID, err1 := s.String("key_id")
	appID, err2 := s.Int("app_id")
	apiKey, err3 := s.Secret("api_key")
	timeout, err4 := s.Duration("timeout")
	live, err5 := s.Bool("live")
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			return nil, err
		}
	}
	if appID < 0 {
		return nil, s.Errorf("app_id", "must be positive, got %d", appID)
	}
	return &cfgFake{name: s.Provider, settings: s, values: cfgFakeValues{
		KeyID: keyID, AppID: appID, APIKey: apiKey, Timeout: timeout.String(), Live: live,
	}}, nil
}

// cfgOpenBare reads nothing: for tests about regions rather than fields.
func cfgOpenBare(s *payments.Settings) (payments.Provider, error) {
	return &cfgFake{name: s.Provider, settings: s}, nil
}

var cfgRegisterFakes = sync.OnceFunc(func() {
	payments.Register("fakepay", cfgOpenFake)
	payments.Register("fakebare", cfgOpenBare)
	payments.Register("fakeerr", func(s *payments.Settings) (payments.Provider, error) {
		return nil, fmt.Errorf("fakeerr refuses region %s", s.Region)
	})
	payments.Register("fakenil", func(*payments.Settings) (payments.Provider, error) { return nil, nil })
})

func TestRegisterPanicsOnProgrammerErrors(t *testing.T) {
	cfgRegisterFakes()
	cases := []struct {
		name      string
		provider  string
		open      payments.OpenFunc
		wantPanic string
	}{
		{"empty name", "", cfgOpenFake, "payments: Register called with an empty provider name"},
		{"nil open", "fake-nil-open", nil, `payments: Register called with a nil OpenFunc for provider "fake-nil-open"`},
		{"duplicate", "fakepay", cfgOpenFake, `payments: Register called twice for provider "fakepay"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.PanicsWithValue(t, c.wantPanic, func() { payments.Register(c.provider, c.open) })
		})
	}
	assert.NotContains(t, payments.Adapters(), "fake-nil-open", "a refused registration must not be kept")
}

func TestDriversSorted(t *testing.T) {
	cfgRegisterFakes()
	got := payments.Adapters()
	assert.True(t, sort.StringsAreSorted(got), "Adapters() = %v", got)
	for _, name := range []string{"fakebare", "fakeerr", "fakenil", "fakepay"} {
		assert.Contains(t, got, name)
	}
	got[0] = "mutated"
	assert.NotContains(t, payments.Adapters(), "mutated", "Adapters must return a copy")
}

// registryRun makes TestRegistryConcurrent's names unique per run: the
// registry is process-wide and refuses a name twice, so -count=N would panic.
var registryRun atomic.Int32

func TestRegistryConcurrent(t *testing.T) {
	cfgRegisterFakes()
	run := registryRun.Add(1)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			payments.Register(fmt.Sprintf("fake-concurrent-%d-%d", run, i), cfgOpenFake)
		}(i)
		go func() {
			defer wg.Done()
			assert.Contains(t, payments.Adapters(), "fakepay")
		}()
	}
	wg.Wait()
	names := payments.Adapters()
	for i := 0; i < 8; i++ {
		require.Contains(t, names, fmt.Sprintf("fake-concurrent-%d-%d", run, i))
	}
}
