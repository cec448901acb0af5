package connserver

import (
	"io"
	"net/http"
	"testing"
	"time"
)

// TestGateAndRound: a gated round of n needs n connections at once; the
// next round reuses them; a gate of 3 holds two requests until a third.
func TestGateAndRound(t *testing.T) {
	const n = 8
	gate := NewGate(n)
	s := Start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if gate.Hold(r.Context()) {
			_, _ = w.Write([]byte("ok"))
		}
	}))
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	defer hc.CloseIdleConnections()
	get := func() error {
		resp, err := hc.Get(s.URL)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
		}
		return err
	}
	if got := s.Round(t, n, get); got != n {
		t.Fatalf("first round opened %d connections; want %d", got, n)
	}
	if got := s.Round(t, n, get); got != 0 {
		t.Errorf("second round opened %d connections; want 0", got)
	}

	three := NewGate(3)
	passed := make(chan bool, 3)
	for i := 0; i < 2; i++ {
		go func() { passed <- three.Hold(t.Context()) }()
	}
	select {
	case <-passed:
		t.Fatal("the gate let a request through before three were waiting")
	case <-time.After(50 * time.Millisecond):
	}
	go func() { passed <- three.Hold(t.Context()) }()
	for i := 0; i < 3; i++ {
		if !<-passed {
			t.Fatal("Hold reported a canceled request")
		}
	}
}
