package rustoretest_test

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/rustore/rustoretest"
)

func TestRequestsAndSecretsRecorded(t *testing.T) {
	s := newServer(t, nil)
	key := parseKey(t, s)
	ts := s.Now().Format(tsLayout)
	bad := sign(t, key, "other")
	call(t, s, http.MethodPost, "/public/auth", "", authJSON(t, s.KeyID(), ts, bad))
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{})
	path := "/public/applications/" + strconv.FormatInt(s.AppID(), 10) + "/purchases/" + p.PurchaseID + "%3Aconfirm"
	call(t, s, http.MethodPut, path, tok, []byte(`{"note":"x"}`))

	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, "/public/auth", reqs[0].Path)
	assert.Contains(t, string(reqs[0].Body), bad)
	assert.Equal(t, path, reqs[2].Path, "the path is kept escaped as sent")
	assert.Equal(t, tok, reqs[2].Header.Get("Public-Token"))
	assert.Equal(t, `{"note":"x"}`, string(reqs[2].Body))

	reqs[2].Header.Set("Public-Token", "changed")
	assert.Equal(t, tok, s.Requests()[2].Header.Get("Public-Token"), "Requests returns copies")

	sigs := s.ReceivedSignatures()
	require.Len(t, sigs, 2)
	assert.Equal(t, bad, sigs[0])
	assert.Equal(t, []string{tok}, s.IssuedTokens())
	assert.Equal(t, 2, s.AuthCount())
	assert.Equal(t, 1, s.Count(p.PurchaseID, rustoretest.ActionConfirm))
	assert.Equal(t, 0, s.Count("3aa0c7bd-964e-4562-b218-fe365adb4ae3", rustoretest.ActionConfirm))

	// No answer repeats what the client sent as a secret.
	for _, r := range []answer{
		call(t, s, http.MethodPost, "/public/auth", "", authJSON(t, s.KeyID(), ts, bad)),
		call(t, s, http.MethodGet, statusPath(p), "tok-"+bad, nil),
	} {
		assert.NotContains(t, string(r.raw), bad)
	}
}

func TestRequestBodyLimit(t *testing.T) {
	s := newServer(t, nil)
	a := call(t, s, http.MethodPost, "/public/auth", "", make([]byte, 1<<20+1))
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status)
	assert.Equal(t, "Request body is too large", a.env.msg())
}

func TestConcurrentUse(t *testing.T) {
	s := newServer(t, nil)
	tok := login(t, s)
	p := s.AddPurchase(rustoretest.Purchase{})
	const n = 24
	// Signed once here: require must not run inside the goroutines.
	ts := s.Now().Format(tsLayout)
	authBody := authJSON(t, s.KeyID(), ts, sign(t, parseKey(t, s), s.KeyID()+ts))
	var wg sync.WaitGroup
	results := make(chan int, n)
	for i := 0; i < n; i++ {
		wg.Add(4)
		go func() {
			defer wg.Done()
			a, err := try(context.Background(), s, http.MethodPut, confirmPath(s, p), tok, nil)
			if err == nil {
				results <- a.status
			}
		}()
		go func() {
			defer wg.Done()
			_, _ = try(context.Background(), s, http.MethodGet, statusPath(p), tok, nil)
		}()
		go func() {
			defer wg.Done()
			q := s.AddPurchase(rustoretest.Purchase{})
			_ = s.SetStatus(q.PurchaseID, "confirmed")
			s.Advance(time.Millisecond)
			_ = s.Requests()
			_ = s.Count(q.PurchaseID, rustoretest.ActionRefund)
		}()
		go func() {
			defer wg.Done()
			a, err := try(context.Background(), s, http.MethodPost, "/public/auth", "", authBody)
			if err != nil || a.status != http.StatusOK {
				t.Errorf("concurrent auth: status %d, %v", a.status, err)
			}
		}()
	}
	wg.Wait()
	close(results)
	byStatus := map[int]int{}
	for st := range results {
		byStatus[st]++
	}
	assert.Equal(t, map[int]int{http.StatusOK: 1, http.StatusBadRequest: n - 1}, byStatus, "exactly one confirm wins")
	assert.Equal(t, 1, s.Count(p.PurchaseID, rustoretest.ActionConfirm))
	assert.Equal(t, n+1, s.AuthCount())
	assert.Len(t, s.IssuedTokens(), n+1)
}
