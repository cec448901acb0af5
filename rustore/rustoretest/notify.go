package rustoretest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/regionpay/payments/internal/notifysend"
)

// Server notifications. With a callback URL set (Options.CallbackURL or
// SetCallbackURL) the emulator sends a notification for every change of a
// purchase's status, as RuStore does: POST to the URL, Content-Type
// application/json, body {"id", "timestamp", "payload"}, the payload base64
// of IV(12) || AES-256-GCM ciphertext || tag(16) under the notification key,
// decrypting to {"notification_type", "app_id", "data"} with data a JSON
// document inside a string. Types are INVOICE_STATUS, or
// INVOICE_STATUS_SANDBOX for sandbox purchases. Any answer but 200 is
// retried, each attempt encrypted with a fresh IV and the same id, a
// bounded number of times: by default within a second
// (notifysend.DefaultDelays); with Options.NotificationRetryDelays set to
// notifysend.RuStoreSchedule, on RuStore's own schedule, measured on the
// emulator's clock (Advance brings a redelivery due at once).

// NotificationKeyBase64 is the notification key as the RuStore console
// shows it: base64 of 32 bytes. Put it in a config as notification_key.
func (s *Server) NotificationKeyBase64() string {
	return base64.StdEncoding.EncodeToString(s.notifyKey)
}

// SetCallbackURL turns notifications on, sent to url (or off, with "").
// Notifications queued for an earlier URL are dropped.
func (s *Server) SetCallbackURL(url string) { s.callback.Set(url) }

// WaitNotifications blocks until every queued notification was accepted
// or given up.
func (s *Server) WaitNotifications() { s.callback.Wait() }

// NotificationAttempt is one delivery attempt of a notification.
type NotificationAttempt = notifysend.Attempt

// NotificationAttempts lists the delivery attempts made to the current callback URL.
func (s *Server) NotificationAttempts() []NotificationAttempt { return s.callback.Attempts() }

// SendTestNotification sends a TEST_EVENT (TEST_EVENT_SANDBOX with sandbox
// set), as the console's "check" button does: once, never retried.
func (s *Server) SendTestNotification(sandbox bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.callback.On() {
		return fmt.Errorf("rustoretest: SendTestNotification: no callback URL set")
	}
	s.notify("TEST_EVENT", sandbox, false, map[string]any{"test": "rustoretest check"})
	return nil
}

// statusChanged is the one place a purchase's status change becomes a
// notification: every state change of the emulator calls it, with s.mu held.
func (s *Server) statusChanged(ps *purchaseState, old string, now time.Time) {
	s.notify("INVOICE_STATUS", ps.p.Sandbox, true, map[string]any{
		"product_code":       ps.p.ItemCode,
		"change_status_time": now.Format(time.RFC3339Nano),
		"status_new":         ps.p.Status,
		"status_old":         old,
		"invoice_id":         strconv.FormatInt(ps.p.InvoiceID, 10),
		"order_id":           ps.p.OrderID,
		"purchase_id":        ps.p.PurchaseID,
	})
}

// notify queues one notification; the caller holds s.mu.
func (s *Server) notify(typ string, sandbox, retry bool, data map[string]any) {
	if !s.callback.On() {
		return
	}
	if sandbox {
		typ += "_SANDBOX"
	}
	dataJSON, err := json.Marshal(data)
	if err != nil {
		return
	}
	plain, err := json.Marshal(map[string]any{"notification_type": typ, "app_id": s.appID, "data": string(dataJSON)})
	if err != nil {
		return
	}
	id := uuid.NewString()
	s.callback.Send(typ, retry, func(int) ([]byte, http.Header, error) {
		payload, err := s.seal(plain)
		if err != nil {
			return nil, nil, err
		}
		body, err := json.Marshal(map[string]string{
			"id": id, "timestamp": s.Now().Format("2006-01-02T15:04:05.0000000Z07:00"), "payload": payload,
		})
		if err != nil {
			return nil, nil, err
		}
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		return body, h, nil
	})
}

// seal encrypts plain under the notification key with a fresh IV.
func (s *Server) seal(plain []byte) (string, error) {
	block, err := aes.NewCipher(s.notifyKey)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, plain, nil)), nil
}
