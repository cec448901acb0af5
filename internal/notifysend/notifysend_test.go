package notifysend

import (
	"net/http"
	"net/http/httptest"
	"strconv"
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
	s := New(ts.URL, nil, []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond})
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
