package yandexpaytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/regionpay/payments/internal/notifysend"
)

// Webhooks. With a callback URL set (Options.CallbackURL or SetCallbackURL)
// the emulator sends a webhook for every change of an order's paymentStatus
// (ORDER_STATUS_UPDATED) and for every operation that ends
// (OPERATION_STATUS_UPDATED), as Yandex Pay does: POST {callback}/v1/webhook,
// Content-Type application/octet-stream, the body a compact JWS signed with
// ES256, kid, typ JWT, and iat and exp (UNIX seconds as strings) in the JOSE
// header. The public keys are served at /api/jwks, beside /api/merchant.
// Any answer but 200 is retried with a freshly signed token, a bounded number
// of times: by default within a second (notifysend.DefaultDelays); with
// Options.WebhookRetryDelays set to notifysend.YandexPaySchedule, on Yandex
// Pay's own schedule, measured on the emulator's clock (Advance brings a
// redelivery due at once).

const (
	// jwksPath is where the emulator serves its signing keys.
	jwksPath = "/api/jwks"
	// WebhookPath is what Yandex Pay appends to the callback URL.
	WebhookPath = "/v1/webhook"
	// WebhookTTL is the lifetime (exp − iat) of the tokens the emulator signs.
	WebhookTTL = 5 * time.Minute
	// EventTest is the event of SendTestWebhook. Yandex Pay documents no test
	// webhook; this one exists to exercise an app's handling of event types
	// it does not know.
	EventTest = "EMULATOR_TEST"
)

// signingKey is one webhook key and its kid.
type signingKey struct {
	kid string
	key *ecdsa.PrivateKey
}

func newSigningKey() (signingKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return signingKey{}, err
	}
	return signingKey{kid: "emu-" + newUUID()[:8], key: k}, nil
}

// JWKSURL is where the emulator publishes its webhook keys: URL + "/api/jwks".
func (s *Server) JWKSURL() string { return s.URL + jwksPath }

// SetCallbackURL turns webhooks on, sent to url + "/v1/webhook" (or off, with
// ""). Webhooks queued for an earlier URL are dropped.
func (s *Server) SetCallbackURL(url string) {
	if url != "" {
		url = strings.TrimRight(url, "/") + WebhookPath
	}
	s.callback.Set(url)
}

// RotateWebhookKey makes a new signing key current and returns its kid. The
// old keys stay published, as during a real rotation, unless dropOld is set.
func (s *Server) RotateWebhookKey(dropOld bool) (string, error) {
	k, err := newSigningKey()
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if dropOld {
		s.keys = nil
	}
	s.keys = append(s.keys, k)
	return k.kid, nil
}

// WebhookKeyID is the kid the emulator signs with now.
func (s *Server) WebhookKeyID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[len(s.keys)-1].kid
}

// JWKSFetches counts the requests for the key set.
func (s *Server) JWKSFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jwksFetches
}

// WaitWebhooks blocks until every queued webhook was accepted or given up.
func (s *Server) WaitWebhooks() { s.callback.Wait() }

// WebhookAttempt is one delivery attempt of a webhook.
type WebhookAttempt = notifysend.Attempt

// WebhookAttempts lists the delivery attempts made to the current callback URL.
func (s *Server) WebhookAttempts() []WebhookAttempt { return s.callback.Attempts() }

// SendTestWebhook sends a webhook of event EventTest, signed like the others.
func (s *Server) SendTestWebhook() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.callback.On() {
		return fmt.Errorf("yandexpaytest: SendTestWebhook: no callback URL set")
	}
	s.sendWebhook(map[string]any{"merchantId": s.merchantID, "event": EventTest,
		"eventTime": time.Now().UTC().Format(time.RFC3339Nano)})
	return nil
}

// SignWebhook signs payload as the emulator signs webhooks, with the current
// key, issued at iat. Tests use it to build tokens of their own.
func (s *Server) SignWebhook(payload []byte, iat time.Time) (string, error) {
	s.mu.Lock()
	k := s.keys[len(s.keys)-1]
	s.mu.Unlock()
	return signWebhook(k, payload, iat)
}

func signWebhook(k signingKey, payload []byte, iat time.Time) (string, error) {
	opts := (&jose.SignerOptions{}).WithType("JWT").
		WithHeader("kid", k.kid).
		WithHeader("iat", strconv.FormatInt(iat.Unix(), 10)).
		WithHeader("exp", strconv.FormatInt(iat.Add(WebhookTTL).Unix(), 10))
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: k.key}, opts)
	if err != nil {
		return "", err
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// serveJWKS answers GET /api/jwks with the public keys.
func (s *Server) serveJWKS(w http.ResponseWriter) {
	s.mu.Lock()
	s.jwksFetches++
	set := jose.JSONWebKeySet{}
	for _, k := range s.keys {
		set.Keys = append(set.Keys, jose.JSONWebKey{Key: &k.key.PublicKey, KeyID: k.kid, Algorithm: string(jose.ES256), Use: "sig"})
	}
	s.mu.Unlock()
	body, err := json.Marshal(set)
	if err != nil {
		http.Error(w, "cannot encode the key set", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// orderChanged is the one place an order's paymentStatus change becomes a
// webhook: every state change of the emulator calls it, with s.mu held.
func (s *Server) orderChanged(o *Order, now time.Time) {
	s.sendWebhook(map[string]any{
		"merchantId": s.merchantID, "event": "ORDER_STATUS_UPDATED", "eventTime": now.UTC().Format(time.RFC3339Nano),
		"order": map[string]any{"orderId": o.OrderID, "paymentStatus": o.Status},
	})
}

// operationEnded sends the webhook of an operation that reached SUCCESS or
// FAIL, with s.mu held.
func (s *Server) operationEnded(op *opState, now time.Time) {
	var ext any
	if op.ExternalOperationID != "" {
		ext = op.ExternalOperationID
	}
	s.sendWebhook(map[string]any{
		"merchantId": s.merchantID, "event": "OPERATION_STATUS_UPDATED", "eventTime": now.UTC().Format(time.RFC3339Nano),
		"operation": map[string]any{"operationId": op.OperationID, "externalOperationId": ext, "orderId": op.OrderID,
			"operationType": op.Type, "status": op.Status},
	})
}

// sendWebhook queues one webhook; each attempt is signed anew with the key
// current at that moment. The caller holds s.mu.
func (s *Server) sendWebhook(payload map[string]any) {
	if !s.callback.On() {
		return
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return
	}
	event, _ := payload["event"].(string)
	s.callback.Send(event, true, func(int) ([]byte, http.Header, error) {
		s.mu.Lock()
		k := s.keys[len(s.keys)-1]
		s.mu.Unlock()
		token, err := signWebhook(k, body, time.Now())
		if err != nil {
			return nil, nil, err
		}
		h := http.Header{}
		h.Set("Content-Type", "application/octet-stream")
		h.Set("User-Agent", "YandexPay/1.0")
		h.Set("X-Request-Id", newUUID())
		return []byte(token), h, nil
	})
}
