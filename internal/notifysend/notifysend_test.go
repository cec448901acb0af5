package notifysend

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRedeliveryIsBoundedAndRebuilt: a notification answered 500 is sent
// again, rebuilt for every attempt, until it is accepted or the pauses run out.
func TestRedeliveryIsBoundedAndRebuilt(t *testing.T) {
	var calls atomic.Int32
	var acceptFrom atomic.Int32
	acceptFrom.Store(3)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < acceptFrom.Load() {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer ts.Close()
	s := New(ts.URL, Options{Delays: []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}})
	defer s.Close()
	build := func(n int) ([]byte, http.Header, error) { return []byte(strconv.Itoa(n)), nil, nil }
	s.Send("a", true, build)
	s.Wait()
	got := s.Attempts()
	if len(got) != 3 || got[2].Status != 200 || string(got[0].Body) != "0" || string(got[2].Body) != "2" {
		t.Fatalf("want 3 attempts ending in 200, rebuilt each time; got %+v", got)
	}

	acceptFrom.Store(1 << 30) // never accept from now on
	s.Send("b", true, build)
	s.Send("test", false, build)
	s.Wait()
	got = s.Attempts()[3:]
	if len(got) != 4+1 {
		t.Fatalf("want 4 attempts (1 + 3 redeliveries) then 1 unretried; got %d: %+v", len(got), got)
	}
	if got[4].Kind != "test" || got[4].Seq != 3 {
		t.Fatalf("the unretried notification comes last, once: %+v", got[4])
	}
}

// fakeClock is an emulator clock that moves only when told.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestPausesFollowTheEmulatorClock: with a frozen clock a redelivery waits
// however long real time runs, and goes out once the clock is advanced.
func TestPausesFollowTheEmulatorClock(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer ts.Close()
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	s := New(ts.URL, Options{Delays: RuStoreSchedule, Now: clock.Now})
	defer s.Close()
	s.Send("INVOICE_STATUS", true, func(int) ([]byte, http.Header, error) { return []byte("{}"), nil, nil })
	time.Sleep(100 * time.Millisecond)
	if n := calls.Load(); n != 1 {
		t.Fatalf("before the clock moves: %d attempts, want 1", n)
	}
	clock.Advance(RuStoreSchedule[0])
	s.Kick()
	s.Wait()
	if n := calls.Load(); n != 2 {
		t.Fatalf("after advancing by the first pause: %d attempts, want 2", n)
	}
}

func TestProviderSchedulesAreBounded(t *testing.T) {
	sum := func(ds []time.Duration) (total time.Duration) {
		for _, d := range ds {
			total += d
		}
		return total
	}
	if len(RuStoreSchedule) != 16 || sum(RuStoreSchedule) < 30*time.Hour || sum(RuStoreSchedule) > 40*time.Hour {
		t.Errorf("RuStore: %d redeliveries over %s; want 16 over about 36h", len(RuStoreSchedule), sum(RuStoreSchedule))
	}
	if sum(YandexPaySchedule) > 24*time.Hour || sum(YandexPaySchedule) < 23*time.Hour || YandexPaySchedule[0] != 5*time.Millisecond {
		t.Errorf("Yandex Pay: %d redeliveries over %s; want 5 ms apart at first, 24h in all", len(YandexPaySchedule), sum(YandexPaySchedule))
	}
}
