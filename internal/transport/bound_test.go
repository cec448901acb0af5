package transport

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/regionpay/payments"
)

// TestCallerClientWithoutTimeoutIsBounded: a caller's http.Client without a
// Timeout and a context without a deadline must not let a silent server
// hold a call forever (issue 7, item 9).
func TestCallerClientWithoutTimeoutIsBounded(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // read nothing, answer nothing
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	saved := attemptBound
	attemptBound = 300 * time.Millisecond
	defer func() { attemptBound = saved }()
	c := newTestClient(t, Config{Provider: "p", BaseURL: "http://" + ln.Addr().String(), HTTPClient: &http.Client{}, MaxRetries: -1})

	done := make(chan error, 1)
	go func() {
		_, err := c.Do(context.Background(), &Request{Op: payments.OpStatus, Method: http.MethodGet, Path: "/x", Retry: RetrySafe})
		done <- err
	}()
	select {
	case err := <-done:
		if payments.CodeOf(err) != payments.CodeUnavailable {
			t.Errorf("err = %v; want Unavailable after the attempt's bound", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a call to a silent server was not bounded")
	}
}
