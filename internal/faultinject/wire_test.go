package faultinject

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/fault"
)

// fakeEmulator records what Deliver asked of it.
type fakeEmulator struct {
	done chan struct{}
	held chan struct{} // receives when a Slow hold starts

	mu       sync.Mutex
	acted    []fault.Kind
	released []bool
}

func newFake() *fakeEmulator {
	return &fakeEmulator{done: make(chan struct{}), held: make(chan struct{}, 1)}
}

func (e *fakeEmulator) hooks() Hooks {
	return Hooks{
		Refusal: func(status int) Reply {
			return Reply{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"refused":true}`)}
		},
		Act: func(k fault.Kind) Reply {
			e.mu.Lock()
			e.acted = append(e.acted, k)
			e.mu.Unlock()
			return Reply{Status: http.StatusOK, Header: http.Header{"X-Emu": {"yes"}}, Body: []byte(`{"result":"done","n":12345678}`)}
		},
		Hold: func() func(bool) {
			e.held <- struct{}{}
			return func(aborted bool) {
				e.mu.Lock()
				e.released = append(e.released, aborted)
				e.mu.Unlock()
			}
		},
		Done: e.done,
	}
}

func (e *fakeEmulator) record() (acted []fault.Kind, released []bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]fault.Kind(nil), e.acted...), append([]bool(nil), e.released...)
}

// serve runs Deliver for f behind a real loopback server.
func serve(t *testing.T, e *fakeEmulator, f fault.Fault) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read to the end, as the emulators do: only then does net/http
		// watch the connection and cancel r.Context() when the client leaves.
		_, _ = io.Copy(io.Discard, r.Body)
		Deliver(w, r, f, e.hooks())
	}))
	t.Cleanup(srv.Close)
	return srv
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// post sends one request on a fresh connection, so nothing is retried on a
// reused one.
func post(ctx context.Context, url string) (answer, error) {
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(`{}`))
	if err != nil {
		return answer{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, body}, err
}

func TestDeliver(t *testing.T) {
	cases := []struct {
		name  string
		fault fault.Fault
		acted []fault.Kind
		check func(t *testing.T, a answer, err error)
	}{
		{"NoFault", fault.Fault{}, []fault.Kind{0}, func(t *testing.T, a answer, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, a.status)
			assert.Equal(t, "yes", a.header.Get("X-Emu"))
			assert.JSONEq(t, `{"result":"done","n":12345678}`, string(a.body))
		}},
		{"ServerError", fault.Fault{Kind: fault.ServerError}, nil, func(t *testing.T, a answer, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusServiceUnavailable, a.status)
			assert.Equal(t, `{"refused":true}`, string(a.body))
			assert.Empty(t, a.header.Get("Retry-After"))
		}},
		{"TooManyRequests", fault.Fault{Kind: fault.TooManyRequests, RetryAfter: 1500 * time.Millisecond}, nil, func(t *testing.T, a answer, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusTooManyRequests, a.status)
			assert.Equal(t, "2", a.header.Get("Retry-After"))
			assert.Equal(t, "application/json", a.header.Get("Content-Type"))
		}},
		{"ResetBeforeApply", fault.Fault{Kind: fault.ResetBeforeApply}, nil, func(t *testing.T, _ answer, err error) {
			assert.Error(t, err)
		}},
		{"ResetAfterApply", fault.Fault{Kind: fault.ResetAfterApply}, []fault.Kind{fault.ResetAfterApply}, func(t *testing.T, _ answer, err error) {
			assert.Error(t, err)
		}},
		{"Slow", fault.Fault{Kind: fault.Slow, Delay: time.Millisecond}, []fault.Kind{fault.Slow}, func(t *testing.T, a answer, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, a.status)
		}},
		{"TruncatedBody", fault.Fault{Kind: fault.TruncatedBody}, []fault.Kind{fault.TruncatedBody}, func(t *testing.T, a answer, err error) {
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			assert.Equal(t, http.StatusOK, a.status)
			assert.Equal(t, "yes", a.header.Get("X-Emu"))
			assert.Equal(t, `{"result":"done`, string(a.body), "half of the 30-byte body")
		}},
		{"OversizedBody", fault.Fault{Kind: fault.OversizedBody}, []fault.Kind{fault.OversizedBody}, func(t *testing.T, a answer, err error) {
			require.NoError(t, err)
			assert.Greater(t, len(a.body), fault.OversizedBodySize)
			var v struct {
				Result  string `json:"result"`
				Padding string `json:"padding"`
			}
			require.NoError(t, json.Unmarshal(a.body, &v))
			assert.Equal(t, "done", v.Result)
			assert.Len(t, v.Padding, fault.OversizedBodySize)
		}},
		{"UnknownStatus", fault.Fault{Kind: fault.UnknownStatus}, []fault.Kind{fault.UnknownStatus}, func(t *testing.T, a answer, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, a.status)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newFake()
			srv := serve(t, e, c.fault)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			a, err := post(ctx, srv.URL)
			c.check(t, a, err)
			acted, released := e.record()
			assert.Equal(t, c.acted, acted, "what Deliver applied")
			if c.fault.Kind == fault.Slow {
				assert.Equal(t, []bool{false}, released, "a hold that ran its course is not aborted")
			} else {
				assert.Empty(t, released)
			}
		})
	}
}

// TestDeliverSlowAborts: a held request whose client leaves, or whose
// emulator closes, ends without acting and says so to Hold.
func TestDeliverSlowAborts(t *testing.T) {
	cases := map[string]func(e *fakeEmulator, cancel context.CancelFunc){
		"ClientLeaves":   func(_ *fakeEmulator, cancel context.CancelFunc) { cancel() },
		"EmulatorCloses": func(e *fakeEmulator, _ context.CancelFunc) { close(e.done) },
	}
	for name, abort := range cases {
		t.Run(name, func(t *testing.T) {
			e := newFake()
			srv := serve(t, e, fault.Fault{Kind: fault.Slow, Delay: time.Hour})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			errc := make(chan error, 1)
			go func() {
				_, err := post(ctx, srv.URL)
				errc <- err
			}()
			<-e.held
			abort(e, cancel)
			assert.Error(t, <-errc)
			// The handler may still be finishing; the release is what it does last.
			require.Eventually(t, func() bool { _, rel := e.record(); return len(rel) == 1 }, 20*time.Second, time.Millisecond)
			acted, released := e.record()
			assert.Empty(t, acted, "an aborted hold must not act")
			assert.Equal(t, []bool{true}, released)
		})
	}
}

// TestDeliverWithoutHijack: where the connection cannot be taken over, a
// spoiled answer aborts the handler instead of being sent whole.
func TestDeliverWithoutHijack(t *testing.T) {
	for _, k := range []fault.Kind{fault.ResetBeforeApply, fault.ResetAfterApply, fault.TruncatedBody} {
		e := newFake()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/", nil)
		assert.PanicsWithValue(t, http.ErrAbortHandler, func() { Deliver(rec, req, fault.Fault{Kind: k}, e.hooks()) }, k.String())
		assert.Empty(t, rec.Body.String(), k.String())
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	cases := map[time.Duration]string{
		0: "0", -time.Second: "0", time.Nanosecond: "1", time.Second: "1",
		1500 * time.Millisecond: "2", time.Minute: "60",
	}
	for d, want := range cases {
		assert.Equal(t, want, RetryAfterSeconds(d), d.String())
	}
}

func TestWait(t *testing.T) {
	assert.True(t, Wait(context.Background(), nil, time.Millisecond), "the full wait")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.False(t, Wait(ctx, nil, time.Hour), "the client went away")
	done := make(chan struct{})
	close(done)
	assert.False(t, Wait(context.Background(), done, time.Hour), "the emulator closed")
}

func TestPad(t *testing.T) {
	cases := []struct {
		name, in string
		size     int
		want     string
	}{
		{"empty object", `{}`, 3, `{"padding":"xxx"}`},
		{"spaced empty object", "{ }\n", 2, `{"padding":"xx"}`},
		{"members", `{"a":1}`, 2, `{"a":1,"padding":"xx"}`},
		{"trailing newline", "{\"a\":[1]}\n", 1, `{"a":[1],"padding":"x"}`},
		{"not an object", `[1,2]`, 4, `[1,2]`},
		{"empty", ``, 4, ``},
		{"no padding asked", `{"a":1}`, 0, `{"a":1}`},
	}
	for _, c := range cases {
		got := string(Pad([]byte(c.in), c.size))
		assert.Equal(t, c.want, got, c.name)
		if strings.HasPrefix(c.want, "{") {
			assert.True(t, json.Valid([]byte(got)), c.name)
		}
	}
}

func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	rec.Header().Set("Allow", "GET")
	Respond(rec, Reply{Status: http.StatusTeapot, Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("short and stout")})
	assert.Equal(t, http.StatusTeapot, rec.Code)
	assert.Equal(t, "15", rec.Header().Get("Content-Length"))
	assert.Equal(t, "text/plain", rec.Header().Get("Content-Type"))
	assert.Equal(t, "GET", rec.Header().Get("Allow"), "headers set before Write are kept")
	assert.Equal(t, "short and stout", rec.Body.String())
}

// TestDeliverRefuse: a Refuse fault answers its status with the emulator's
// own refusal, before acting; a 429 carries Retry-After.
func TestDeliverRefuse(t *testing.T) {
	e := newFake()
	srv := serve(t, e, fault.Fault{Kind: fault.Refuse, Status: http.StatusTooManyRequests, RetryAfter: 90 * time.Second})
	got, err := post(context.Background(), srv.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, got.status)
	assert.Equal(t, "90", got.header.Get("Retry-After"))
	assert.JSONEq(t, `{"refused":true}`, string(got.body))
	acted, _ := e.record()
	assert.Empty(t, acted, "a refusal must not act")
}

// TestDeliverGatewayErrorApplyLater: the gateway's HTML 5xx arrives first,
// and the request acts only after the delay.
func TestDeliverGatewayErrorApplyLater(t *testing.T) {
	e := newFake()
	srv := serve(t, e, fault.Fault{Kind: fault.GatewayErrorApplyLater, Status: http.StatusBadGateway, Delay: 150 * time.Millisecond})
	got, err := post(context.Background(), srv.URL)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadGateway, got.status)
	assert.Contains(t, got.header.Get("Content-Type"), "text/html")
	assert.Contains(t, string(got.body), "502 Bad Gateway")
	acted, _ := e.record()
	assert.Empty(t, acted, "applied before the gateway answered")
	require.Eventually(t, func() bool {
		acted, _ := e.record()
		return len(acted) == 1 && acted[0] == fault.GatewayErrorApplyLater
	}, 5*time.Second, 10*time.Millisecond, "the write was never applied behind the gateway")
}

// TestDeliverGatewayErrorClosedFirst: an emulator that closes before the
// delay ends applies nothing.
func TestDeliverGatewayErrorClosedFirst(t *testing.T) {
	e := newFake()
	srv := serve(t, e, fault.Fault{Kind: fault.GatewayErrorApplyLater, Status: http.StatusBadGateway, Delay: time.Hour})
	_, err := post(context.Background(), srv.URL)
	require.NoError(t, err)
	close(e.done)
	time.Sleep(50 * time.Millisecond)
	acted, _ := e.record()
	assert.Empty(t, acted)
}
