package payments_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/connserver"
	"github.com/regionpay/payments/yandexpay"
)

// gatedServer answers Yandex Pay order reads, holding each until gate reads
// are in flight together, so a round of gate concurrent calls needs gate
// connections at once; it counts the connections it accepts.
type gatedServer struct{ *connserver.Server }

func newGatedServer(t *testing.T, gate int) *gatedServer {
	t.Helper()
	g := connserver.NewGate(gate)
	answer := []byte(yandexStatusAnswer(`[]`))
	return &gatedServer{connserver.Start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.Hold(r.Context()) {
			_, _ = w.Write(answer)
		}
	}))}
}

// round makes n concurrent status reads and returns the new connections
// they opened.
func (s *gatedServer) round(t *testing.T, p payments.Provider, n int) int64 {
	t.Helper()
	return s.Round(t, n, func() error {
		_, err := p.Status(context.Background(), payments.Ref{ID: perfOrder})
		return err
	})
}

// TestPoolSameThroughNewAndOpen checks that the pool is sized for
// concurrency and the same whether the adapter is built in code or opened
// from a config: after a round of 64 concurrent calls, the next round finds
// an idle connection for each. A pool made smaller (HTTPOptions or
// OpenOptions MaxIdleConns) keeps only that many.
func TestPoolSameThroughNewAndOpen(t *testing.T) {
	const callers = 64
	viaNew := func(t *testing.T, url string, maxIdle int) payments.Provider {
		p, err := yandexpay.New(yandexpay.Config{APIKey: perfAPIKey, HTTPOptions: payments.HTTPOptions{BaseURL: url, MaxIdleConns: maxIdle}})
		require.NoError(t, err)
		t.Cleanup(func() { _ = p.Close() })
		return p
	}
	viaOpen := func(t *testing.T, url string, maxIdle int) payments.Provider {
		cfg, err := payments.ParseConfig([]byte(`{"regions": {"web": {"provider": "yandexpay", "api_key": "${POOL_TEST_KEY}", "base_url": "` + url + `"}}}`))
		require.NoError(t, err)
		regions, err := payments.Open(context.Background(), cfg, &payments.OpenOptions{
			MaxIdleConns: maxIdle,
			Getenv:       func(string) string { return perfAPIKey },
		})
		require.NoError(t, err)
		t.Cleanup(func() { _ = regions.Close() })
		return regions.Default()
	}
	for name, open := range map[string]func(*testing.T, string, int) payments.Provider{"New": viaNew, "Open": viaOpen} {
		t.Run(name+"/default", func(t *testing.T) {
			s := newGatedServer(t, callers)
			p := open(t, s.URL, 0)
			require.Equal(t, int64(callers), s.round(t, p, callers))
			assert.Equal(t, int64(0), s.round(t, p, callers), "new connections in the second round")
		})
		t.Run(name+"/MaxIdleConns", func(t *testing.T) {
			s := newGatedServer(t, callers)
			p := open(t, s.URL, 4)
			require.Equal(t, int64(callers), s.round(t, p, callers))
			assert.Equal(t, int64(callers-4), s.round(t, p, callers), "new connections in the second round")
		})
	}
	_, err := yandexpay.New(yandexpay.Config{APIKey: perfAPIKey, HTTPOptions: payments.HTTPOptions{MaxIdleConns: -1}})
	assert.ErrorContains(t, err, "MaxIdleConns")
	cfg, err := payments.ParseConfig([]byte(`{"regions": {"web": {"provider": "yandexpay", "api_key": "${POOL_TEST_KEY}"}}}`))
	require.NoError(t, err)
	_, err = payments.Open(context.Background(), cfg, &payments.OpenOptions{MaxIdleConns: -1, Getenv: func(string) string { return perfAPIKey }})
	assert.ErrorContains(t, err, "MaxIdleConns must not be negative")
}
