package rustoretest_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/internal/notifysend"
	"github.com/regionpay/payments/rustore/rustoretest"
)

// TestRedeliveryOnTheEmulatorClock: on RuStore's own schedule and a frozen
// clock, a refused notification is sent again only when the clock reaches
// the next attempt, and at most 16 more times.
func TestRedeliveryOnTheEmulatorClock(t *testing.T) {
	var calls atomic.Int32
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer app.Close()
	srv := rustoretest.NewServer(&rustoretest.Options{FreezeClock: true, CallbackURL: app.URL,
		NotificationRetryDelays: notifysend.RuStoreSchedule})
	defer srv.Close()
	p := srv.AddPurchase(rustoretest.Purchase{Status: "paid"})
	require.NoError(t, srv.SetStatus(p.PurchaseID, "confirmed"))

	require.Eventually(t, func() bool { return calls.Load() == 1 }, time.Second, time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, int32(1), calls.Load(), "nothing more while the clock stands")
	require.Eventually(t, func() bool { srv.Advance(notifysend.RuStoreSchedule[0]); return calls.Load() == 2 },
		2*time.Second, 20*time.Millisecond)

	for i, d := range notifysend.RuStoreSchedule[1:] {
		want := int32(i + 3)
		// The pause starts after the app answered, so advance until it
		// has seen the clock move.
		require.Eventually(t, func() bool { srv.Advance(d); return calls.Load() >= want }, 2*time.Second, 20*time.Millisecond)
	}
	srv.Advance(48 * time.Hour)
	srv.WaitNotifications()
	assert.Equal(t, int32(17), calls.Load(), "the first attempt and 16 more, then RuStore gives up")
	assert.Len(t, srv.NotificationAttempts(), 17)
}
