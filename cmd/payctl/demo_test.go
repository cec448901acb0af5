package main

import (
	"bytes"
	"context"
	"sort"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/status"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunDemoRows(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rows, err := runDemo(ctx)
	require.NoError(t, err)
	want := []demoRow{
		{"rustore", "rustore-ru", "capture", status.Authorized, status.Captured, "paid", "confirmed"},
		{"rustore", "rustore-ru", "void", status.Authorized, status.Voided, "paid", "reversed"},
		{"rustore", "rustore-ru", "rollback", status.Captured, status.Refunded, "confirmed", "refunded"},
		{"rustore", "rustore-ru", "refund", status.Captured, status.Refunded, "confirmed", "refunded"},
		{"yandexpay", "yandexpay-ru", "capture", status.Authorized, status.Captured, "AUTHORIZED", "CAPTURED"},
		{"yandexpay", "yandexpay-ru", "void", status.Authorized, status.Voided, "AUTHORIZED", "VOIDED"},
		{"yandexpay", "yandexpay-ru", "rollback", status.Captured, status.Refunded, "CAPTURED", "REFUNDED"},
		{"yandexpay", "yandexpay-ru", "refund", status.Captured, status.Refunded, "CAPTURED", "REFUNDED"},
	}
	assert.Equal(t, want, rows)
	for _, r := range rows {
		assert.True(t, status.CanTransition(r.Before, r.After), "%s %s: %s -> %s is not a legal move", r.Provider, r.Flow, r.Before, r.After)
	}
}

func TestDemoCommandPrintsOneTable(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"demo"}, nil, &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	assert.Empty(t, stderr.String())
	assert.Equal(t, `PROVIDER   FLOW      BEFORE      AFTER     RAW
rustore    capture   Authorized  Captured  paid -> confirmed
rustore    void      Authorized  Voided    paid -> reversed
rustore    rollback  Captured    Refunded  confirmed -> refunded
rustore    refund    Captured    Refunded  confirmed -> refunded
yandexpay  capture   Authorized  Captured  AUTHORIZED -> CAPTURED
yandexpay  void      Authorized  Voided    AUTHORIZED -> VOIDED
yandexpay  rollback  Captured    Refunded  CAPTURED -> REFUNDED
yandexpay  refund    Captured    Refunded  CAPTURED -> REFUNDED
`, stdout.String())
}

// The embedded config must name what the emulators accept by default, and
// hold no secret of its own.
func TestDemoConfigMatchesEmulators(t *testing.T) {
	cfg, err := payments.ParseConfig(demoConfig)
	require.NoError(t, err)
	assert.Equal(t, []string{"rustore-ru", "yandexpay-ru"}, sortedRegionNames(cfg))
	assert.Contains(t, string(demoConfig), `"key_id": "`+rustoretest.DefaultKeyID+`"`)
	assert.Contains(t, string(demoConfig), `"app_id": 1704024`)
	assert.Equal(t, int64(1704024), rustoretest.DefaultAppID)
	assert.Contains(t, string(demoConfig), `"${`+demoRuStoreKeyEnv+`}"`)
	assert.Contains(t, string(demoConfig), `"${`+demoYandexPayKeyEnv+`}"`)
}

func sortedRegionNames(cfg *payments.Config) []string {
	names := make([]string, 0, len(cfg.Regions))
	for n := range cfg.Regions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
