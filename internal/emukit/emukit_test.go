package emukit

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/internal/faultinject"
)

func TestLogCapsAndCopies(t *testing.T) {
	var l Log
	srv := Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := l.Read(r); !ok {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		}
	}))
	defer srv.Close()
	post := func(body []byte) int {
		resp, err := srv.Client().Post(srv.URL+"/a%2Fb?x=1", "application/json", bytes.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, post([]byte(`{"k":1}`)))
	assert.Equal(t, http.StatusRequestEntityTooLarge, post(bytes.Repeat([]byte("x"), MaxBody+1)))

	reqs := l.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "POST /a%2Fb", reqs[0].String())
	assert.Equal(t, "x=1", reqs[0].RawQuery)
	assert.Equal(t, `{"k":1}`, string(reqs[0].Body))
	assert.Len(t, reqs[1].Body, MaxBody, "the log keeps at most MaxBody bytes")
	reqs[0].Body[0] = '!'
	reqs[0].Header.Set("X-Changed", "1")
	again := l.Requests()
	assert.Equal(t, `{"k":1}`, string(again[0].Body), "Requests hands out copies")
	assert.Empty(t, again[0].Header.Get("X-Changed"))
}

func TestCounter(t *testing.T) {
	var c Counter
	assert.Zero(t, c.Count("p", "refund"))
	c.Add("p", "refund")
	c.Add("p", "refund")
	c.Add("q", "refund")
	assert.Equal(t, 2, c.Count("p", "refund"))
	assert.Equal(t, 1, c.Count("q", "refund"))
	assert.Zero(t, c.Count("p", "cancel"))
}

func TestCloseEndsHeldRequestsAndIsIdempotent(t *testing.T) {
	var srv *Server
	held := make(chan struct{})
	srv = Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(held)
		<-srv.Done()
	}))
	go func() {
		resp, err := srv.Client().Get(srv.URL)
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-held
	srv.Close() // returns only once the held request ended
	srv.Close()
	select {
	case <-srv.Done():
	default:
		t.Fatal("Done is not closed after Close")
	}
}

func TestMustArmPanicsOnAFaultTheEmulatorRefuses(t *testing.T) {
	in := faultinject.NewInjector(faultinject.Config{Name: "emu", Actions: []string{"capture"}})
	assert.PanicsWithValue(t, `InjectFault: emu: fault action "captur" is not one of capture`, func() {
		MustArm(in, fault.Fault{Kind: fault.ServerError, Action: "captur"})
	})
	_, armed := in.Take("captur")
	assert.False(t, armed)
	MustArm(in, fault.Fault{Kind: fault.ServerError, Action: "capture"})
	f, armed := in.Take("capture")
	assert.True(t, armed)
	assert.Equal(t, fault.ServerError, f.Kind)
}

// TestRequestPrintsNoCredential: a recorded request printed with any verb,
// alone or in a slice, shows neither its Api-Key header nor a signature in
// its body.
func TestRequestPrintsNoCredential(t *testing.T) {
	r := Request{Method: "POST", Path: "/public/auth/",
		Header: http.Header{"Authorization": {"Api-Key sk-emukit-secret-81"}},
		Body:   []byte(`{"keyId":"1","signature":"c2lnbmF0dXJlLXNlY3JldC04Mg=="}`)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q", "%d"} {
		for _, v := range []any{r, []Request{r}, &r} {
			out := fmt.Sprintf(verb, v)
			for _, secret := range []string{"sk-emukit-secret-81", "c2lnbmF0dXJlLXNlY3JldC04Mg==", "736b2d656d756b6974"} {
				if strings.Contains(out, secret) {
					t.Errorf("%s of %T shows a credential: %s", verb, v, out)
				}
			}
		}
	}
}
