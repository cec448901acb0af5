// Package notifysend delivers an emulator's notifications to an app's
// callback URL, the way both providers do: one POST per notification,
// repeated after any answer but 200 (or none) a bounded number of times with
// growing pauses, each attempt built anew (Yandex Pay signs every retry
// afresh; RuStore encrypts with a fresh IV). Both emulators use it, so the
// delivery rule lives once.
//
// Deliveries run one at a time, in the order they were queued, so an app
// sees a payment's changes in order unless one of them is being retried.
//
// Pauses are measured on the emulator's clock (Options.Now): a test that
// advances the clock calls Kick, and a redelivery that is due goes out at
// once, so a provider's real schedule (RuStoreSchedule, YandexPaySchedule)
// can be walked through in no time.
package notifysend

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"time"
)

// DefaultDelays are the pauses before each redelivery: the providers' own
// schedules (below) compressed so that a test sees every retry within a
// second without touching the clock.
var DefaultDelays = []time.Duration{
	5 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond,
	40 * time.Millisecond, 80 * time.Millisecond, 160 * time.Millisecond, 320 * time.Millisecond,
}

// RuStoreSchedule is RuStore's redelivery as its payment-callback page
// describes it: 16 more attempts at growing intervals over about 36 hours.
// The page gives the count and the span, not the intervals; these are a
// plausible spread of them.
var RuStoreSchedule = []time.Duration{
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 20 * time.Minute, 30 * time.Minute,
	time.Hour, time.Hour, 2 * time.Hour, 2 * time.Hour, 3 * time.Hour, 3 * time.Hour,
	4 * time.Hour, 5 * time.Hour, 6 * time.Hour, 7 * time.Hour,
}

// YandexPaySchedule is Yandex Pay's webhook redelivery as integration notes
// quote its webhook page: 10 tries 5 ms apart, then growing intervals up to
// 15 minutes, then every 15 minutes, 24 hours in all.
var YandexPaySchedule = yandexPaySchedule()

func yandexPaySchedule() []time.Duration {
	var out []time.Duration
	var total time.Duration
	for i := 0; i < 9; i++ {
		out, total = append(out, 5*time.Millisecond), total+5*time.Millisecond
	}
	for _, d := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute} {
		out, total = append(out, d), total+d
	}
	for total+15*time.Minute <= 24*time.Hour {
		out, total = append(out, 15*time.Minute), total+15*time.Minute
	}
	return out
}

// pollEvery bounds how long a pause sleeps in real time before it looks at
// the emulator's clock again (which real time may or may not move).
const pollEvery = 20 * time.Millisecond

// Options tune a Sender; the zero value means the defaults given.
type Options struct {
	// Client posts the notifications; nil means a client with a 5-second
	// timeout, RuStore's limit for an answer.
	Client *http.Client
	// Delays are the pauses before each redelivery; nil means
	// DefaultDelays, empty means no redelivery.
	Delays []time.Duration
	// Now is the emulator's clock the pauses are measured on; nil means
	// time.Now.
	Now func() time.Time
}

// Build returns the body and headers of one attempt (0 first, then 1, 2, ...).
type Build func(attempt int) (body []byte, header http.Header, err error)

// Attempt is one delivery attempt, recorded for tests.
type Attempt struct {
	// Seq numbers the notification (1, 2, ... in queue order).
	Seq int
	// Kind is the label given to Send ("INVOICE_STATUS", "ORDER_STATUS_UPDATED").
	Kind string
	// N is the attempt number, 0 for the first delivery.
	N int
	// Status is the HTTP status answered, 0 when none came.
	Status int
	// Body is what was sent.
	Body []byte
}

// Sender delivers notifications to one URL. Its methods are safe for
// concurrent use; the zero value is not usable, call New.
type Sender struct {
	url    string
	client *http.Client
	delays []time.Duration
	now    func() time.Time
	kick   chan struct{}

	mu       sync.Mutex
	queue    []job
	running  bool
	seq      int
	attempts []Attempt
	idle     *sync.Cond
	closed   bool
	stop     chan struct{}
}

type job struct {
	seq   int
	kind  string
	build Build
}

// New returns a Sender posting to url.
func New(url string, o Options) *Sender {
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 5 * time.Second}
	}
	if o.Delays == nil {
		o.Delays = DefaultDelays
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Sender{url: url, client: o.Client, delays: append([]time.Duration(nil), o.Delays...), now: o.Now,
		kick: make(chan struct{}, 1), stop: make(chan struct{})}
	s.idle = sync.NewCond(&s.mu)
	return s
}

// URL returns where notifications go.
func (s *Sender) URL() string { return s.url }

// Send queues one notification and returns at once; it may be called with
// the emulator's lock held. kind labels it in Attempts. A notification sent
// with retry false is tried once (RuStore's test notifications).
func (s *Sender) Send(kind string, retry bool, build Build) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.seq++
	if !retry {
		once := build
		build = func(n int) ([]byte, http.Header, error) {
			if n > 0 {
				return nil, nil, errNoRetry
			}
			return once(n)
		}
	}
	s.queue = append(s.queue, job{seq: s.seq, kind: kind, build: build})
	if !s.running {
		s.running = true
		go s.run()
	}
}

type noRetry struct{}

func (noRetry) Error() string { return "not retried" }

var errNoRetry error = noRetry{}

func (s *Sender) run() {
	for {
		s.mu.Lock()
		if len(s.queue) == 0 || s.closed {
			s.queue = nil
			s.running = false
			s.idle.Broadcast()
			s.mu.Unlock()
			return
		}
		j := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		s.deliver(j)
	}
}

// deliver tries one notification until it is accepted or the pauses run out.
func (s *Sender) deliver(j job) {
	for n := 0; n <= len(s.delays); n++ {
		if n > 0 && !s.pause(s.delays[n-1]) {
			return
		}
		body, header, err := j.build(n)
		if err != nil {
			return
		}
		status := s.post(body, header)
		s.mu.Lock()
		s.attempts = append(s.attempts, Attempt{Seq: j.seq, Kind: j.kind, N: n, Status: status, Body: body})
		s.mu.Unlock()
		if status == http.StatusOK {
			return
		}
	}
}

// pause waits d on the emulator's clock; false when the Sender closed first.
func (s *Sender) pause(d time.Duration) bool {
	due := s.now().Add(d)
	for {
		left := due.Sub(s.now())
		if left <= 0 {
			return true
		}
		t := time.NewTimer(min(left, pollEvery))
		select {
		case <-t.C:
		case <-s.kick:
			t.Stop()
		case <-s.stop:
			t.Stop()
			return false
		}
	}
}

// Kick makes a pause look at the clock now: emulators call it when their
// clock jumps forward.
func (s *Sender) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Sender) post(body []byte, header http.Header) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode
}

// Wait blocks until every queued notification was delivered or given up.
func (s *Sender) Wait() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.running {
		s.idle.Wait()
	}
}

// Attempts returns every attempt made so far, oldest first.
func (s *Sender) Attempts() []Attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Attempt, len(s.attempts))
	for i, a := range s.attempts {
		a.Body = append([]byte(nil), a.Body...)
		out[i] = a
	}
	return out
}

// Close drops what is queued and stops the delivery in progress.
func (s *Sender) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.stop)
	}
}

// Callback is an emulator's switchable notification endpoint: the URL a
// test sets, and the Sender delivering to it. The zero value is off; it is
// safe for concurrent use.
type Callback struct {
	// Delays are the redelivery pauses of every Sender it makes (see Options).
	Delays []time.Duration
	// Now is the emulator's clock the pauses are measured on (see Options).
	Now func() time.Time

	mu     sync.Mutex
	sender *Sender
}

// Set sends to url from now on, or turns notifications off with "";
// notifications queued for an earlier URL are dropped.
func (c *Callback) Set(url string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sender != nil {
		c.sender.Close()
		c.sender = nil
	}
	if url != "" {
		c.sender = New(url, Options{Delays: c.Delays, Now: c.Now})
	}
}

// On reports whether a URL is set.
func (c *Callback) On() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sender != nil
}

// Send queues a notification (see Sender.Send); it does nothing while off.
func (c *Callback) Send(kind string, retry bool, build Build) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sender != nil {
		c.sender.Send(kind, retry, build)
	}
}

// Kick makes a pending redelivery look at the clock now (see Sender.Kick).
func (c *Callback) Kick() {
	if s := c.current(); s != nil {
		s.Kick()
	}
}

// Wait blocks until every queued notification was delivered or given up.
func (c *Callback) Wait() {
	if s := c.current(); s != nil {
		s.Wait()
	}
}

// Attempts lists the delivery attempts made to the current URL.
func (c *Callback) Attempts() []Attempt {
	if s := c.current(); s != nil {
		return s.Attempts()
	}
	return nil
}

func (c *Callback) current() *Sender {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sender
}
