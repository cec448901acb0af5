package rustoretest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/rustore/rustoretest"
)

const confirmLimit = "You can confirm purchase only once every 15 minutes. Try again later"

// seedFor returns a purchase in the status action applies to.
func seedFor(t *testing.T, s *rustoretest.Server, action string) rustoretest.Purchase {
	t.Helper()
	st := "paid"
	if action == rustoretest.ActionRefund {
		st = "confirmed"
	}
	return s.AddPurchase(rustoretest.Purchase{Status: st})
}

// targets is the status each action leaves ("status" changes nothing).
var targets = map[string]string{
	rustoretest.ActionConfirm: "confirmed",
	rustoretest.ActionCancel:  "reversed",
	rustoretest.ActionRefund:  "refunded",
	rustoretest.ActionStatus:  "paid",
}

var apiActions = []string{rustoretest.ActionConfirm, rustoretest.ActionCancel, rustoretest.ActionRefund, rustoretest.ActionStatus}

func TestFaultsBeforeApply(t *testing.T) {
	cases := []struct {
		kind  fault.Kind
		check func(t *testing.T, a answer, err error)
	}{
		{fault.ServerError, func(t *testing.T, a answer, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusServiceUnavailable, a.status)
			assert.Equal(t, "Something went wrong", a.env.msg())
		}},
		{fault.TooManyRequests, func(t *testing.T, a answer, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusTooManyRequests, a.status)
			assert.Equal(t, "2", a.header.Get("Retry-After"), "1.5 s rounds up")
		}},
		{fault.ResetBeforeApply, func(t *testing.T, _ answer, err error) {
			assert.Error(t, err)
		}},
	}
	for _, tc := range cases {
		for _, action := range apiActions {
			t.Run(tc.kind.String()+"/"+action, func(t *testing.T) {
				s := newServer(t, nil)
				tok := login(t, s)
				p := seedFor(t, s, action)
				before := p.Status
				s.InjectFault(fault.Fault{Kind: tc.kind, Action: action, Times: 2, RetryAfter: 1500 * time.Millisecond})
				method, path := actionRequest(s, action, p)
				for i := 0; i < 2; i++ {
					a, err := try(context.Background(), s, method, path, tok, nil)
					tc.check(t, a, err)
					got, _ := s.Purchase(p.PurchaseID)
					assert.Equal(t, before, got.Status, "nothing applied")
					assert.Equal(t, 0, s.Count(p.PurchaseID, action))
				}
				a := call(t, s, method, path, tok, nil)
				assert.Equal(t, http.StatusOK, a.status, "the fault is spent after Times requests")
				if action != rustoretest.ActionStatus {
					assert.Equal(t, 1, s.Count(p.PurchaseID, action))
				}
				assert.Equal(t, targets[action], readStatus(t, s, tok, p))
			})
		}
	}
}

func TestFaultsAfterApply(t *testing.T) {
	cases := []struct {
		kind  fault.Kind
		check func(t *testing.T, a answer, err error)
	}{
		{fault.ResetAfterApply, func(t *testing.T, _ answer, err error) {
			assert.Error(t, err)
		}},
		{fault.TruncatedBody, func(t *testing.T, a answer, err error) {
			assert.True(t, errors.Is(err, io.ErrUnexpectedEOF), "got %v", err)
			assert.Equal(t, http.StatusOK, a.status)
		}},
		{fault.OversizedBody, func(t *testing.T, a answer, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, a.status)
			assert.Greater(t, len(a.raw), fault.OversizedBodySize)
			assert.True(t, bytes.HasPrefix(a.raw, []byte(`{"code":"OK","message":null,"body":`)), "the oversized body is an envelope")
			assert.True(t, bytes.HasSuffix(a.raw, []byte(`xxxx"}`)), "closed as JSON")
		}},
	}
	for _, tc := range cases {
		for _, action := range apiActions {
			t.Run(tc.kind.String()+"/"+action, func(t *testing.T) {
				s := newServer(t, nil)
				tok := login(t, s)
				p := seedFor(t, s, action)
				s.InjectFault(fault.Fault{Kind: tc.kind, Action: action})
				method, path := actionRequest(s, action, p)
				a, err := try(context.Background(), s, method, path, tok, nil)
				tc.check(t, a, err)
				if action != rustoretest.ActionStatus {
					assert.Equal(t, 1, s.Count(p.PurchaseID, action), "applied once")
				}
				assert.Equal(t, targets[action], readStatus(t, s, tok, p))
			})
		}
	}
}

func TestFaultSlow(t *testing.T) {
	for _, action := range apiActions {
		t.Run(action, func(t *testing.T) {
			s := newServer(t, nil)
			tok := login(t, s)
			p := seedFor(t, s, action)
			s.InjectFault(fault.Fault{Kind: fault.Slow, Action: action, Delay: 20 * time.Millisecond})
			method, path := actionRequest(s, action, p)
			a := call(t, s, method, path, tok, nil)
			assert.Equal(t, http.StatusOK, a.status)
			assert.Equal(t, targets[action], readStatus(t, s, tok, p))
		})
	}
	t.Run("normal finish leaves no confirm mark", func(t *testing.T) {
		s := newServer(t, nil)
		tok := login(t, s)
		p := s.AddPurchase(rustoretest.Purchase{})
		s.InjectFault(fault.Fault{Kind: fault.Slow, Action: rustoretest.ActionConfirm, Delay: 20 * time.Millisecond})
		require.Equal(t, http.StatusOK, call(t, s, http.MethodPut, confirmPath(s, p), tok, nil).status)
		a := call(t, s, http.MethodPut, confirmPath(s, p), tok, nil)
		assert.Equal(t, mustBePaid, a.env.msg())
	})
}

// holdSlowConfirm starts a confirm that fault.Slow holds for a minute and
// waits until the emulator holds it. cancel aborts it; done reports its end.
func holdSlowConfirm(t *testing.T, s *rustoretest.Server, tok string, p rustoretest.Purchase) (cancel func(), done <-chan error) {
	t.Helper()
	s.InjectFault(fault.Fault{Kind: fault.Slow, Action: rustoretest.ActionConfirm, Delay: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan error, 1)
	go func() {
		_, err := try(ctx, s, http.MethodPut, confirmPath(s, p), tok, nil)
		ch <- err
	}()
	waitFor(t, func() bool { return s.ConfirmingForTest(p.PurchaseID) == 1 })
	return cancel, ch
}

// waitFor polls cond for up to 20 s; a loaded CI machine gets time, a broken
// emulator fails instead of hanging.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 20 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestSlowConfirmProcessingAndAbort(t *testing.T) {
	s := newServer(t, &rustoretest.Options{FreezeClock: true})
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{})
	cancel, done := holdSlowConfirm(t, s, tok, p)

	a := call(t, s, http.MethodPut, confirmPath(s, p), tok, nil)
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Equal(t, confirmLimit, a.env.msg(), "a confirm while another is processing")

	cancel()
	assert.Error(t, <-done)
	waitFor(t, func() bool { return s.ConfirmingForTest(p.PurchaseID) == 0 })
	got, _ := s.Purchase(p.PurchaseID)
	assert.Equal(t, "paid", got.Status, "an abandoned slow confirm applies nothing")
	assert.Equal(t, 0, s.Count(p.PurchaseID, rustoretest.ActionConfirm))

	s.Advance(14 * time.Minute)
	tok = login(t, s)
	assert.Equal(t, confirmLimit, call(t, s, http.MethodPut, confirmPath(s, p), tok, nil).env.msg(), "the abandoned confirm marks the purchase")
	s.Advance(time.Minute)
	a = call(t, s, http.MethodPut, confirmPath(s, p), tok, nil)
	assert.Equal(t, http.StatusOK, a.status, "15 minutes later the confirm goes through")
	assert.Equal(t, 1, s.Count(p.PurchaseID, rustoretest.ActionConfirm))
}

func TestCloseAbortsSlowRequests(t *testing.T) {
	s := rustoretest.NewServer(nil)
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{})
	_, done := holdSlowConfirm(t, s, tok, p)
	s.Close()
	assert.Error(t, <-done)
	got, _ := s.Purchase(p.PurchaseID)
	assert.Equal(t, "paid", got.Status)
	s.Close() // a second Close is harmless
}

func TestFifteenMinuteRule(t *testing.T) {
	cases := []struct {
		name string
		// fault spoils the first confirm; mark replaces that confirm with
		// MarkConfirmAttempt.
		fault  *fault.Fault
		mark   bool
		status string // status after the first attempt
		marked bool
	}{
		{name: "MarkConfirmAttempt", mark: true, status: "paid", marked: true},
		{name: "ResetAfterApply", fault: &fault.Fault{Kind: fault.ResetAfterApply}, status: "confirmed", marked: true},
		{name: "TruncatedBody", fault: &fault.Fault{Kind: fault.TruncatedBody}, status: "confirmed", marked: true},
		{name: "OversizedBody", fault: &fault.Fault{Kind: fault.OversizedBody}, status: "confirmed", marked: true},
		{name: "ServerError", fault: &fault.Fault{Kind: fault.ServerError}, status: "paid"},
		{name: "TooManyRequests", fault: &fault.Fault{Kind: fault.TooManyRequests}, status: "paid"},
		{name: "ResetBeforeApply", fault: &fault.Fault{Kind: fault.ResetBeforeApply}, status: "paid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, &rustoretest.Options{FreezeClock: true, TokenTTL: time.Hour})
			tok := login(t, s)
			p := s.AddPurchase(rustoretest.Purchase{})
			if tc.mark {
				require.NoError(t, s.MarkConfirmAttempt(p.PurchaseID))
			} else {
				f := *tc.fault
				f.Action = rustoretest.ActionConfirm
				require.NoError(t, s.TryInjectFault(f))
				_, _ = try(context.Background(), s, http.MethodPut, confirmPath(s, p), tok, nil)
			}
			got, _ := s.Purchase(p.PurchaseID)
			require.Equal(t, tc.status, got.Status)

			s.Advance(14*time.Minute + 59*time.Second)
			a := call(t, s, http.MethodPut, confirmPath(s, p), tok, nil)
			switch {
			case tc.marked:
				assert.Equal(t, http.StatusBadRequest, a.status)
				assert.Equal(t, "ERROR", a.env.Code)
				assert.Equal(t, confirmLimit, a.env.msg())
			case tc.status == "paid":
				assert.Equal(t, http.StatusOK, a.status, "a fault before the state check leaves no mark")
			}
			if !tc.marked {
				return
			}
			cancelled := call(t, s, http.MethodPut, cancelPath(s, p), tok, nil)
			if tc.status == "paid" {
				assert.Equal(t, http.StatusOK, cancelled.status, "the rule limits confirm only")
				require.NoError(t, s.SetStatus(p.PurchaseID, "paid"))
			}
			s.Advance(time.Second)
			a = call(t, s, http.MethodPut, confirmPath(s, p), tok, nil)
			if tc.status == "paid" {
				assert.Equal(t, http.StatusOK, a.status, "after 15 minutes the confirm goes through")
			} else {
				assert.Equal(t, mustBePaid, a.env.msg(), "after 15 minutes the status check answers")
			}
			assert.Equal(t, 1, s.Count(p.PurchaseID, rustoretest.ActionConfirm))
		})
	}
}

func TestRefusedConfirmLeavesNoMark(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{Status: "created"})
	assert.Equal(t, mustBePaid, call(t, s, http.MethodPut, confirmPath(s, p), tok, nil).env.msg())
	require.NoError(t, s.SetStatus(p.PurchaseID, "paid"))
	assert.Equal(t, http.StatusOK, call(t, s, http.MethodPut, confirmPath(s, p), tok, nil).status)
}

func TestFaultUnknownStatus(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{})
	s.InjectFault(fault.Fault{Kind: fault.UnknownStatus, Times: 2})
	assert.Equal(t, rustoretest.UnknownRawStatus, readStatus(t, s, tok, p))
	assert.Equal(t, rustoretest.UnknownRawStatus, readStatus(t, s, tok, p))
	assert.Equal(t, "paid", readStatus(t, s, tok, p))
	got, _ := s.Purchase(p.PurchaseID)
	assert.Equal(t, "paid", got.Status, "the stored status is untouched")
}

func TestFaultOnAuth(t *testing.T) {
	s := newServer(t, nil)
	s.InjectFault(fault.Fault{Kind: fault.ServerError, Action: rustoretest.ActionAuth})
	a := call(t, s, http.MethodPost, "/public/auth", "", []byte(`{}`))
	assert.Equal(t, http.StatusServiceUnavailable, a.status)
	login(t, s)
	assert.Equal(t, 2, s.AuthCount())
	assert.Len(t, s.IssuedTokens(), 1)
}

func TestFaultMatching(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{})

	// Unauthenticated requests do not spend a fault.
	s.InjectFault(fault.Fault{Kind: fault.ServerError, Action: rustoretest.ActionConfirm})
	s.InjectFault(fault.Fault{Kind: fault.TooManyRequests, Action: rustoretest.ActionConfirm})
	assert.Equal(t, http.StatusUnauthorized, call(t, s, http.MethodPut, confirmPath(s, p), "", nil).status)
	// Other actions do not spend it either.
	assert.Equal(t, "paid", readStatus(t, s, tok, p))
	// Faults fire in the order armed.
	assert.Equal(t, http.StatusServiceUnavailable, call(t, s, http.MethodPut, confirmPath(s, p), tok, nil).status)
	a := call(t, s, http.MethodPut, confirmPath(s, p), tok, nil)
	assert.Equal(t, http.StatusTooManyRequests, a.status)
	assert.Equal(t, "1", a.header.Get("Retry-After"), "RetryAfter defaults to 1 s")

	// An empty Action matches whatever comes next.
	s.InjectFault(fault.Fault{Kind: fault.ServerError})
	assert.Equal(t, http.StatusServiceUnavailable, call(t, s, http.MethodGet, statusPath(p), tok, nil).status)
	assert.Equal(t, http.StatusOK, call(t, s, http.MethodPut, confirmPath(s, p), tok, nil).status)
}

func TestFaultValidation(t *testing.T) {
	cases := []struct {
		f   fault.Fault
		err string
	}{
		{fault.Fault{}, "fault kind 0 is not defined"},
		{fault.Fault{Kind: 99}, "fault kind 99 is not defined"},
		{fault.Fault{Kind: fault.ServerError, Action: "capture"}, `fault action "capture" is not one of`},
		{fault.Fault{Kind: fault.UnknownStatus, Action: "confirm"}, "fault.UnknownStatus applies to status reads only"},
		{fault.Fault{Kind: fault.ServerError, Times: -1}, "fault times -1 is negative"},
		{fault.Fault{Kind: fault.Slow, Delay: -time.Second}, "must not be negative"},
	}
	s := newServer(t, nil)
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{})
	for _, tc := range cases {
		err := s.TryInjectFault(tc.f)
		require.ErrorContains(t, err, tc.err)
		assert.PanicsWithValue(t, "InjectFault: "+err.Error(), func() { s.InjectFault(tc.f) },
			"InjectFault must fail loudly on %v", tc.f)
	}
	assert.Equal(t, "paid", readStatus(t, s, tok, p), "invalid faults are never armed")
	assert.Equal(t, http.StatusOK, call(t, s, http.MethodPut, confirmPath(s, p), tok, nil).status)
	assert.Equal(t, "ServerError", fault.ServerError.String())
	assert.Equal(t, "FaultKind(99)", fault.Kind(99).String())
}

func TestOversizedBodyIsValidJSON(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{})
	s.InjectFault(fault.Fault{Kind: fault.OversizedBody, Action: rustoretest.ActionStatus})
	a := call(t, s, http.MethodGet, statusPath(p), tok, nil)
	var env struct {
		Code string `json:"code"`
		Body struct {
			InvoiceStatus string `json:"invoiceStatus"`
		} `json:"body"`
		Padding string `json:"padding"`
	}
	require.NoError(t, json.Unmarshal(a.raw, &env))
	assert.Equal(t, "OK", env.Code)
	assert.Equal(t, "paid", env.Body.InvoiceStatus)
	assert.Len(t, env.Padding, fault.OversizedBodySize)
}
