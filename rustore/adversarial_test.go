package rustore_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/testlog"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/status"
)

// fakeRef is a well-formed ref for the fake server, whose answers are scripted.
var fakeRef = payments.Ref{ID: "3aa0c7bd-964e-4562-b218-fe365adb4ae3", InvoiceID: "7001"}

// purchaseAnswer is a v2 purchase read of fakeRef with the given raw status.
func purchaseAnswer(raw string) fakeAnswer {
	return fakeAnswer{status: http.StatusOK, body: `{"code":"OK","message":null,"body":{"invoiceId":7001,` +
		`"invoiceStatus":"` + raw + `","order":{"amountCreate":10000,"amountCurrent":10000,"currency":"RUB"}},` +
		`"timestamp":"2025-04-01T15:02:09.427Z"}`}
}

func TestNilContextIsRefusedNotPanicking(t *testing.T) {
	f := newFakeAPI(t, purchaseAnswer("paid"))
	c := f.client(t, &testlog.Buffer{})
	var nilCtx context.Context // what a caller passing nil hands over
	calls := map[string]func() error{
		"status": func() error { _, err := c.Status(nilCtx, fakeRef); return err },
		"capture": func() error {
			_, err := c.Capture(nilCtx, fakeRef, nil)
			return err
		},
		"void":     func() error { _, err := c.Void(nilCtx, fakeRef, nil); return err },
		"refund":   func() error { _, err := c.Refund(nilCtx, fakeRef, nil); return err },
		"rollback": func() error { _, err := c.Rollback(nilCtx, fakeRef, nil); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = call() })
			pe := asError(t, err)
			assert.Equal(t, payments.CodeInvalidArgument, pe.Code)
			assert.Contains(t, pe.Message, "nil context")
		})
	}
	_, calls0 := f.counts()
	assert.Zero(t, calls0, "nothing is sent without a context")
}

func TestRepeatRefusedAndStatusUnreadableIsOutcomeUnknown(t *testing.T) {
	// The first confirm gets a 500 (it may have acted), the status read says
	// PAID, so the adapter confirms once more and RuStore refuses: the
	// purchase is no longer PAID, most likely because the first confirm
	// landed after all. The status read that would tell fails: the capture
	// may have happened, so "failed precondition" would be a lie.
	f := newFakeAPI(t,
		fakeAnswer{status: http.StatusInternalServerError, body: envelopeBody("ERROR", "Internal error")},
		purchaseAnswer("paid"),
		fakeAnswer{status: http.StatusBadRequest, body: envelopeBody("ERROR", "Purchase status must be PAID")},
		fakeAnswer{status: http.StatusServiceUnavailable, body: envelopeBody("ERROR", "Something went wrong")},
	)
	c := f.client(t, &testlog.Buffer{})
	_, err := c.Capture(context.Background(), fakeRef, nil)
	pe := asError(t, err)
	assert.Equal(t, payments.CodeOutcomeUnknown, pe.Code, "%v", err)
	assert.Contains(t, pe.Message, "check Status")
}

func TestRepeatRefusedWhilePurchaseStillInStartStateIsOutcomeUnknown(t *testing.T) {
	// Same start, but the status read after the refusal still says PAID:
	// RuStore refuses a confirm of a PAID purchase only while another one is
	// running, and that one is ours.
	f := newFakeAPI(t,
		fakeAnswer{status: http.StatusInternalServerError, body: envelopeBody("ERROR", "Internal error")},
		purchaseAnswer("paid"),
		fakeAnswer{status: http.StatusBadRequest, body: envelopeBody("ERROR", "Purchase status must be PAID")},
		purchaseAnswer("paid"),
	)
	c := f.client(t, &testlog.Buffer{})
	_, err := c.Capture(context.Background(), fakeRef, nil)
	assert.Equal(t, payments.CodeOutcomeUnknown, asError(t, err).Code, "%v", err)
}

func TestRepeatRefundRefusedAsBusyIsOutcomeUnknown(t *testing.T) {
	// The first refund gets a 502; the invoice still reads CONFIRMED, so the
	// refund is sent again and RuStore says "Cannot refund now": a refund is
	// running, and it can only be the first one.
	f := newFakeAPI(t,
		fakeAnswer{status: http.StatusBadGateway, body: `<html>bad gateway</html>`},
		purchaseAnswer("confirmed"),
		fakeAnswer{status: http.StatusBadRequest, body: envelopeBody("ERROR", "Cannot refund now. Try again later")},
		purchaseAnswer("confirmed"),
	)
	c := f.client(t, &testlog.Buffer{})
	_, err := c.Refund(context.Background(), fakeRef, nil)
	pe := asError(t, err)
	assert.Equal(t, payments.CodeOutcomeUnknown, pe.Code, "%v", err)
	assert.Contains(t, pe.Message, "Cannot refund now")
	_, calls := f.counts()
	assert.Equal(t, 4, calls, "two refunds at most, each followed by one status read")
}

func TestRepeatRefusedAfterPurchaseChangedElsewhereKeepsTheRefusal(t *testing.T) {
	// The refusal of the second send is the truth when the status shows the
	// purchase went somewhere the write does not lead: nothing of ours acted.
	f := newFakeAPI(t,
		fakeAnswer{status: http.StatusInternalServerError, body: envelopeBody("ERROR", "Internal error")},
		purchaseAnswer("paid"),
		fakeAnswer{status: http.StatusBadRequest, body: envelopeBody("ERROR", "Purchase status must be PAID")},
		purchaseAnswer("reversed"),
	)
	c := f.client(t, &testlog.Buffer{})
	_, err := c.Capture(context.Background(), fakeRef, nil)
	pe := asError(t, err)
	assert.Equal(t, payments.CodeFailedPrecondition, pe.Code, "%v", err)
	assert.Contains(t, pe.Message, "Purchase status must be PAID")
}

func TestContradictoryAnswerToWriteIsSettledThroughStatus(t *testing.T) {
	// HTTP 200 with an envelope that is not OK and a message nobody knows:
	// the answer neither proves the confirm acted nor that it did not.
	cases := []struct {
		name    string
		after   string
		wantErr payments.Code // 0: success
		sends   int
	}{
		{"it acted", "confirmed", 0, 1},
		// Still "paid" after two sends proves nothing: RuStore may apply
		// a confirm half a minute later.
		{"it did not act, twice", "paid", payments.CodeOutcomeUnknown, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			odd := fakeAnswer{status: http.StatusOK, body: envelopeBody("ERROR", "Unexpected state 0x1f")}
			f := newFakeAPI(t, odd, purchaseAnswer(tc.after), odd, purchaseAnswer(tc.after))
			c := f.client(t, &testlog.Buffer{})
			res, err := c.Capture(context.Background(), fakeRef, nil)
			if tc.wantErr == 0 {
				require.NoError(t, err)
				assert.Equal(t, status.Captured, res.Status)
			} else {
				assert.Equal(t, tc.wantErr, asError(t, err).Code, "%v", err)
			}
			_, calls := f.counts()
			assert.Equal(t, 2*tc.sends, calls, "each send is followed by a status read")
		})
	}
}

func TestRollbackOfRefundingPurchaseSendsNothing(t *testing.T) {
	// REFUNDING means RuStore accepted a refund and finishes it alone: the
	// purchase will not stay charged, and a second refund is refused anyway.
	for _, raw := range []string{"refunding", "REFUNDING"} {
		t.Run(raw, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			ref := e.seed(raw)
			res, err := e.client.Rollback(context.Background(), ref, nil)
			require.NoError(t, err)
			assert.True(t, res.NoOp)
			assert.Equal(t, raw, res.RawStatus)
			assert.Equal(t, 0, countPaths(e.srv, "/invoices/"), "no refund sent")
		})
	}
}

// Compile-time check that the fake's client is the adapter under review.
var _ payments.Refunder = (*rustore.Client)(nil)

func TestUnsendableTokenFromAuthIsRefusedAndNotCached(t *testing.T) {
	// A token with a line break cannot be a header value: net/http refuses
	// every request carrying it, which read "request not sent" for as long
	// as the token stayed cached.
	var mu sync.Mutex
	auths, calls := 0, 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/public/auth") {
			auths++
			_, _ = w.Write([]byte(`{"code":"OK","message":null,"body":{"jwe":"eyJh.bad\r\nX-Injected: 1","ttl":900}}`))
			return
		}
		calls++
		_, _ = w.Write([]byte(purchaseAnswer("paid").body))
	}))
	t.Cleanup(srv.Close)
	key, err := rustoretest.DefaultPrivateKey()
	require.NoError(t, err)
	c, err := rustore.New(rustore.Config{KeyID: "k", PrivateKey: payments.Secret(pkcs8Base64(t, key)), AppID: 42,
		HTTPOptions: payments.HTTPOptions{BaseURL: srv.URL, MaxRetries: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond}})
	require.NoError(t, err)
	for i := 0; i < 2; i++ {
		_, err := c.Status(context.Background(), fakeRef)
		pe := asError(t, err)
		assert.Equal(t, payments.OpAuth, pe.Op, "%v", err)
		assert.Contains(t, pe.Message, "cannot be sent as a header")
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 2, auths, "the bad token is not cached")
	assert.Zero(t, calls)
}
