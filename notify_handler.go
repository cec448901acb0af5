package payments

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// NotificationFunc is the app's side of a notification handler: it gets each
// verified event and returns nil once the event is handled (stored, queued).
// An error makes the handler answer so that the provider delivers the
// notification again later, with the same Event.ID.
type NotificationFunc func(ctx context.Context, ev Event) error

// NotificationHandlerOptions tune a notification handler. A nil pointer means defaults.
type NotificationHandlerOptions struct {
	// MaxBodySize caps the request body; 0 means DefaultMaxNotificationSize.
	MaxBodySize int64
	// Timeout bounds the app's function; 0 means DefaultNotificationTimeout.
	// RuStore resends a notification not answered within 5 s, so a function
	// that needs longer should queue the event and return.
	Timeout time.Duration
	// Logger receives one line per refused notification and per failing
	// app function (never a body, token, key or signature); nil for none.
	Logger *slog.Logger
}

// DefaultNotificationTimeout is the default deadline of the app's function:
// under RuStore's 5-second limit for the whole answer.
const DefaultNotificationTimeout = 4 * time.Second

// refusalStatus maps why a notification was refused to the HTTP status
// answered. Every refusal is a 4xx with no body detail, except a failure to
// fetch the keys, which is ours, not the sender's: 503 asks for the
// notification again.
var refusalStatus = map[Code]int{
	CodeUnauthenticated:   http.StatusUnauthorized,
	CodePermissionDenied:  http.StatusForbidden,
	CodeInvalidArgument:   http.StatusBadRequest,
	CodeResourceExhausted: http.StatusRequestEntityTooLarge,
	CodeUnavailable:       http.StatusServiceUnavailable,
	CodeCanceled:          http.StatusServiceUnavailable,
	CodeDeadlineExceeded:  http.StatusServiceUnavailable,
}

// NotificationHandler returns an http.Handler that receives p's
// notifications: it caps the body, verifies and decodes it, passes the event
// to fn, and answers as the provider expects (200, with Yandex Pay's
// {"status":"success"} body). When fn fails, panics or runs out of time it
// answers 500, so the provider delivers the notification again. A forged,
// tampered, expired, oversized or malformed notification gets a 4xx without
// detail, is logged without secrets and never reaches fn. Notifications of
// types the library does not interpret are verified, passed on as
// EventUnknown and acknowledged.
//
// Mount it at the URL configured at the provider. Yandex Pay appends
// "/v1/webhook" to the Callback URL; the handler ignores the path.
func NotificationHandler(p Provider, fn NotificationFunc, opts *NotificationHandlerOptions) (http.Handler, error) {
	n, err := notifierOf(p)
	if err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, invalidArgument(p.Name(), OpNotification, "nil NotificationFunc")
	}
	return newNotificationHandler(opts, fn, func(string) (*notifyTarget, bool) {
		return &notifyTarget{name: p.Name(), n: n}, true
	})
}

// NotificationHandler returns one handler for every region that can verify
// notifications: the first path segment names the region, so mount it under
// a prefix with http.StripPrefix and configure "https://host/prefix/REGION"
// at each provider (Yandex Pay appends "/v1/webhook", which is accepted).
// Events carry the region. A path naming no such region answers 404.
func (r *Regions) NotificationHandler(fn NotificationFunc, opts *NotificationHandlerOptions) (http.Handler, error) {
	if fn == nil {
		return nil, invalidArgument("", OpNotification, "nil NotificationFunc")
	}
	targets := map[string]*notifyTarget{}
	for _, name := range r.names {
		or, ok := r.regions[name]
		if !ok {
			continue
		}
		if n, err := notifierOf(or.provider); err == nil {
			targets[name] = &notifyTarget{name: or.provider.Name(), region: name, n: n}
		}
	}
	if len(targets) == 0 {
		return nil, &Error{Code: CodeUnimplemented, Op: OpNotification,
			Message: "no region can verify notifications: configure a notification key (RuStore) or a merchant id (Yandex Pay)"}
	}
	return newNotificationHandler(opts, fn, func(path string) (*notifyTarget, bool) {
		region, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
		t, ok := targets[region]
		return t, ok
	})
}

// notifyTarget is where one notification goes: a provider and its region.
type notifyTarget struct {
	name, region string
	n            Notifier
}

type notificationHandler struct {
	fn      NotificationFunc
	limit   int64
	timeout time.Duration
	log     *slog.Logger
	route   func(path string) (*notifyTarget, bool)
}

func newNotificationHandler(opts *NotificationHandlerOptions, fn NotificationFunc, route func(string) (*notifyTarget, bool)) (http.Handler, error) {
	var o NotificationHandlerOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.MaxBodySize < 0:
		return nil, invalidArgument("", OpNotification, "MaxBodySize must not be negative, got %d", o.MaxBodySize)
	case o.Timeout < 0:
		return nil, invalidArgument("", OpNotification, "Timeout must not be negative, got %s", o.Timeout)
	}
	if o.MaxBodySize == 0 {
		o.MaxBodySize = DefaultMaxNotificationSize
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultNotificationTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &notificationHandler{fn: fn, limit: o.MaxBodySize, timeout: o.Timeout, log: o.Logger, route: route}, nil
}

func (h *notificationHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t, ok := h.route(r.URL.Path)
	if !ok {
		h.log.Warn("notification refused", "reason", "no region at this path", "remote", r.RemoteAddr)
		http.Error(w, http.StatusText(http.StatusNotFound), http.StatusNotFound)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	ev, err := h.parse(w, r, t)
	if err != nil {
		code := CodeOf(err)
		st, ok := refusalStatus[code]
		if !ok {
			st = http.StatusBadRequest
		}
		h.log.Warn("notification refused", "provider", t.name, "region", t.region, "code", code.String(),
			"http_status", st, "reason", err.Error(), "remote", r.RemoteAddr)
		http.Error(w, http.StatusText(st), st)
		return
	}
	ev.Region = t.region
	if err := h.call(r.Context(), *ev); err != nil {
		h.log.Error("notification not handled; the provider will send it again", "provider", t.name,
			"region", t.region, "event_id", ev.ID, "kind", string(ev.Kind), "error", err.Error())
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	ct, body := t.n.NotificationAck()
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// parse reads the capped body and verifies it.
func (h *notificationHandler) parse(w http.ResponseWriter, r *http.Request, t *notifyTarget) (*Event, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, oversized(t.name, h.limit)
		}
		return nil, &Error{Code: CodeInvalidArgument, Provider: t.name, Op: OpNotification, Message: "cannot read the body"}
	}
	ev, err := t.n.ParseNotification(r.Context(), r.Header, body)
	if err == nil && ev == nil {
		err = &Error{Code: CodeUnknown, Provider: t.name, Op: OpNotification, Message: "the adapter returned no event and no error"}
	}
	return ev, err
}

// call runs the app's function under the handler's deadline; a panic in it
// is an error, so the provider retries and the server keeps running.
func (h *notificationHandler) call(ctx context.Context, ev Event) (err error) {
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the notification function panicked: %v", v)
		}
	}()
	return h.fn(ctx, ev)
}
