package rustoretest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/rustore/rustoretest"
)

// TestHandlerMounted serves the emulator from another server under a
// prefix, as payctl emulate does: answers, state and faults are the same
// as on the emulator's own URL.
func TestHandlerMounted(t *testing.T) {
	s := newServer(t, nil)
	mount := http.NewServeMux()
	mount.Handle("/rustore/", http.StripPrefix("/rustore", s.Handler()))
	outer := httptest.NewServer(mount)
	defer outer.Close()
	tok := login(t, s)

	send := func(method, path string) (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, method, outer.URL+"/rustore"+path, nil)
		require.NoError(t, err)
		req.Close = true // a reset must not be replayed on a reused connection
		req.Header.Set("Public-Token", tok)
		resp, err := outer.Client().Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		return resp.StatusCode, nil
	}

	p := s.AddPurchase(rustoretest.Purchase{Status: "paid"})
	code, err := send(http.MethodPut, confirmPath(s, p))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, 1, s.Count(p.PurchaseID, rustoretest.ActionConfirm))
	reqs := s.Requests()
	assert.Equal(t, confirmPath(s, p), reqs[len(reqs)-1].Path, "the prefix is stripped before the emulator sees the path")

	q := s.AddPurchase(rustoretest.Purchase{Status: "paid"})
	s.InjectFault(fault.Fault{Kind: fault.ResetAfterApply, Action: rustoretest.ActionConfirm})
	_, err = send(http.MethodPut, confirmPath(s, q))
	assert.Error(t, err, "the reset reaches the client through the other server")
	assert.Equal(t, 1, s.Count(q.PurchaseID, rustoretest.ActionConfirm))
	assert.Equal(t, "confirmed", readStatus(t, s, tok, q))
}
