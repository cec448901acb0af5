package yandexpaytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Reason codes of the fail envelope; see the package doc for when each is sent.
const (
	ReasonBadRequest                   = "BAD_REQUEST"
	ReasonWrongStatus                  = "ORDER_HAS_WRONG_STATUS"
	ReasonInvalidAmount                = "INVALID_AMOUNT"
	ReasonAuthentication               = "AUTHENTICATION_ERROR"
	ReasonOrderNotFound                = "ORDER_NOT_FOUND"
	ReasonOperationNotFound            = "OPERATION_NOT_FOUND"
	ReasonNotFound                     = "NOT_FOUND"
	ReasonMethodNotAllowed             = "METHOD_NOT_ALLOWED"
	ReasonAnotherOperationInProgress   = "ANOTHER_OPERATION_IN_PROGRESS"
	ReasonDuplicateExternalOperationID = "DUPLICATE_EXTERNAL_OPERATION_ID"
	ReasonTooManyRequests              = "TOO_MANY_REQUESTS"
	ReasonServiceUnavailable           = "SERVICE_UNAVAILABLE"
)

const (
	// pathPrefix is where the Merchant API lives under the server's root.
	pathPrefix = "/api/merchant/"
	// maxRequestBody caps what the server reads from a request.
	maxRequestBody = 1 << 20
	// oversizedBody is the size FaultOversizedBody pads an answer to.
	oversizedBody = 4 << 20
)

// route is one endpoint: the path below /api/merchant, split on "/", with
// "{id}" where the one variable segment goes.
type route struct {
	version, collection, verb string // verb is "" for reads
	method                    string
	action                    string
}

var routes = []route{
	{"v1", "orders", "", http.MethodGet, ActionOrder},
	{"v1", "orders", "capture", http.MethodPost, ActionCapture},
	{"v1", "orders", "cancel", http.MethodPost, ActionCancel},
	{"v1", "orders", "submit", http.MethodPost, ActionSubmit},
	{"v1", "orders", "rollback", http.MethodPost, ActionRollback},
	{"v2", "orders", "refund", http.MethodPost, ActionRefund},
	{"v1", "operations", "", http.MethodGet, ActionOperation},
}

// reply is an answer built under the lock and delivered afterwards, so a
// fault can spoil its delivery without touching the state again.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func success(data any) reply {
	return jsonReply(http.StatusOK, map[string]any{"code": http.StatusOK, "status": "success", "data": data})
}

func fail(status int, reasonCode, reason string, details map[string]any) reply {
	if details == nil {
		details = map[string]any{}
	}
	return jsonReply(status, map[string]any{
		"code": status, "status": "fail", "reasonCode": reasonCode, "reason": reason, "details": details,
	})
}

func jsonReply(status int, v any) reply {
	body, err := json.Marshal(v)
	if err != nil {
		// Only maps of strings, numbers and nested maps are marshalled here.
		body = []byte(`{"code":500,"status":"fail","reasonCode":"INTERNAL_ERROR","reason":"emulator could not encode its answer"}`)
		status = http.StatusInternalServerError
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return reply{status: status, header: h, body: body}
}

// match finds the route for an escaped path below the prefix; id is the
// unescaped variable segment. methodOK is false when the path is known but
// the method is not.
func match(method, escaped string) (rt route, id string, found, methodOK bool, err error) {
	rest, ok := strings.CutPrefix(escaped, pathPrefix)
	if !ok {
		return route{}, "", false, false, nil
	}
	segs := strings.Split(rest, "/")
	if len(segs) < 3 || len(segs) > 4 || segs[2] == "" {
		return route{}, "", false, false, nil
	}
	verb := ""
	if len(segs) == 4 {
		verb = segs[3]
	}
	for _, r := range routes {
		if r.version != segs[0] || r.collection != segs[1] || r.verb != verb {
			continue
		}
		id, err = url.PathUnescape(segs[2])
		if err != nil {
			return r, "", true, true, err
		}
		return r, id, true, r.method == method, nil
	}
	return route{}, "", false, false, nil
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method: r.Method, RawPath: r.URL.EscapedPath(), Header: r.Header.Clone(), Body: body,
	})
	s.mu.Unlock()

	rt, id, found, methodOK, err := match(r.Method, r.URL.EscapedPath())
	switch {
	case !found:
		write(w, fail(http.StatusNotFound, ReasonNotFound, "no such endpoint", nil))
		return
	case !methodOK:
		rep := fail(http.StatusMethodNotAllowed, ReasonMethodNotAllowed, "method not allowed; use "+rt.method, nil)
		rep.header.Set("Allow", rt.method)
		write(w, rep)
		return
	case !s.authorized(r.Header.Get("Authorization")):
		write(w, fail(http.StatusUnauthorized, ReasonAuthentication, "missing or invalid Api-Key in the Authorization header", nil))
		return
	case err != nil:
		write(w, fail(http.StatusBadRequest, ReasonBadRequest, "bad escape in the path id segment", nil))
		return
	case readErr != nil || len(body) > maxRequestBody:
		write(w, fail(http.StatusBadRequest, ReasonBadRequest, "request body unreadable or larger than 1 MiB", nil))
		return
	}
	if msg := checkHeaders(r); msg != "" {
		write(w, fail(http.StatusBadRequest, ReasonBadRequest, msg, nil))
		return
	}
	if rt.collection == "orders" && !validOrderID(id) {
		write(w, fail(http.StatusBadRequest, ReasonBadRequest,
			fmt.Sprintf("order_id must be 1 to %d characters", MaxOrderIDLength), nil))
		return
	}

	f, faulty := s.takeFault(rt.action)
	if !faulty {
		write(w, s.act(rt.action, id, body, false))
		return
	}
	s.deliverFault(w, r, f, func() reply { return s.act(rt.action, id, body, f.Kind == FaultUnknownStatus) })
}

// authorized compares the Api-Key without revealing it anywhere.
func (s *Server) authorized(h string) bool {
	key, ok := strings.CutPrefix(h, "Api-Key ")
	return ok && key == s.apiKey
}

// headerRules validate the request headers the API defines; each returns a
// message naming the problem, or "".
var headerRules = []func(r *http.Request) string{
	func(r *http.Request) string {
		if r.Method == http.MethodPost && strings.TrimSpace(r.Header.Get("X-Request-Id")) == "" {
			return "X-Request-Id header is required on writes"
		}
		return ""
	},
	func(r *http.Request) string {
		v, ok := headerValue(r, "X-Request-Timeout")
		if n, err := strconv.ParseInt(v, 10, 64); ok && (err != nil || n < 1000) {
			return "X-Request-Timeout must be an integer number of milliseconds, at least 1000"
		}
		return ""
	},
	func(r *http.Request) string {
		v, ok := headerValue(r, "X-Request-Attempt")
		if n, err := strconv.ParseInt(v, 10, 64); ok && (err != nil || n < 0) {
			return "X-Request-Attempt must be a non-negative integer"
		}
		return ""
	},
}

func headerValue(r *http.Request, name string) (string, bool) {
	vs, ok := r.Header[http.CanonicalHeaderKey(name)]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

func checkHeaders(r *http.Request) string {
	for _, rule := range headerRules {
		if msg := rule(r); msg != "" {
			return msg
		}
	}
	return ""
}

func write(w http.ResponseWriter, rep reply) {
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// deliverFault answers as f says, calling act at most once and only for the
// kinds that act.
func (s *Server) deliverFault(w http.ResponseWriter, r *http.Request, f Fault, act func() reply) {
	switch f.Kind {
	case FaultServerError:
		write(w, fail(http.StatusServiceUnavailable, ReasonServiceUnavailable, "service temporarily unavailable (injected)", nil))
	case FaultTooManyRequests:
		rep := fail(http.StatusTooManyRequests, ReasonTooManyRequests, "too many requests (injected)", nil)
		secs := (f.RetryAfter + time.Second - 1) / time.Second
		rep.header.Set("Retry-After", strconv.FormatInt(int64(secs), 10))
		write(w, rep)
	case FaultResetBeforeApply:
		reset(w)
	case FaultResetAfterApply:
		act()
		reset(w)
	case FaultSlow:
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
			write(w, act())
		case <-r.Context().Done():
		case <-s.closed:
		}
	case FaultTruncatedBody:
		truncate(w, act())
	case FaultOversizedBody:
		write(w, pad(act()))
	default: // FaultUnknownStatus acts with the unknown status already applied.
		write(w, act())
	}
}

// reset drops the connection without an answer; SetLinger(0) makes it a TCP
// reset rather than an orderly close, as a crashed proxy would.
func reset(w http.ResponseWriter) {
	conn, _, err := hijack(w)
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// truncate promises the full body in Content-Length, sends half, and closes.
func truncate(w http.ResponseWriter, rep reply) {
	conn, buf, err := hijack(w)
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		rep.status, http.StatusText(rep.status), len(rep.body))
	_, _ = buf.Write(rep.body[:len(rep.body)/2])
	_ = buf.Flush()
}

func hijack(w http.ResponseWriter) (net.Conn, interface {
	io.Writer
	Flush() error
}, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("connection cannot be hijacked")
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	return conn, rw.Writer, nil
}

// pad grows a JSON object answer to oversizedBody bytes with a padding field,
// so it stays valid JSON and only its size is wrong.
func pad(rep reply) reply {
	trimmed := bytes.TrimRight(rep.body, " \n")
	if len(trimmed) == 0 || trimmed[len(trimmed)-1] != '}' {
		return rep
	}
	var b bytes.Buffer
	b.Grow(oversizedBody + len(trimmed) + 16)
	b.Write(trimmed[:len(trimmed)-1])
	b.WriteString(`,"padding":"`)
	b.Write(bytes.Repeat([]byte{'x'}, oversizedBody))
	b.WriteString(`"}`)
	rep.body = b.Bytes()
	return rep
}
