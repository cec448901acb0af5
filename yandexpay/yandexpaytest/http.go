package yandexpaytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/internal/faultinject"
)

// Reason codes of the fail envelope; see the package doc for when each is sent.
const (
	ReasonBadRequest                   = "BAD_REQUEST"                     // the request does not parse or misses a field (400)
	ReasonWrongStatus                  = "ORDER_HAS_WRONG_STATUS"          // the order's status does not allow the action (409)
	ReasonInvalidAmount                = "INVALID_AMOUNT"                  // the amount exceeds what the order allows (400)
	ReasonAuthentication               = "AUTHENTICATION_ERROR"            // the API key is missing or wrong (401)
	ReasonOrderNotFound                = "ORDER_NOT_FOUND"                 // no order has the id (404)
	ReasonOperationNotFound            = "OPERATION_NOT_FOUND"             // no operation has the id (404)
	ReasonNotFound                     = "NOT_FOUND"                       // no route has the path (404)
	ReasonMethodNotAllowed             = "METHOD_NOT_ALLOWED"              // the route does not take the method (405)
	ReasonAnotherOperationInProgress   = "ANOTHER_OPERATION_IN_PROGRESS"   // an earlier action on the order is still pending (409)
	ReasonDuplicateExternalOperationID = "DUPLICATE_EXTERNAL_OPERATION_ID" // the operation key was used for another action (409)
	ReasonTooManyRequests              = "TOO_MANY_REQUESTS"               // the rate limit was hit (429)
	ReasonForbidden                    = "FORBIDDEN"                       // the merchant may not act on the order (403)
	ReasonServiceUnavailable           = "SERVICE_UNAVAILABLE"             // the service is down for a while (503)
)

const (
	// pathPrefix is where the Merchant API lives under the server's root.
	pathPrefix = "/api/merchant/"
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
	{"v1", "orders", "refund", http.MethodPost, ActionRefundV1},
	{"v1", "operations", "", http.MethodGet, ActionOperation},
}

// reply is an answer built under the lock and delivered afterwards, so a
// fault can spoil its delivery without touching the state again.
type reply = faultinject.Reply

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
	return reply{Status: status, Header: h, Body: body}
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
	if rest == "v1/orders" {
		return route{"v1", "orders", "", http.MethodPost, ActionCreate}, "", true, method == http.MethodPost, nil
	}
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
	if r.URL.Path == jwksPath && r.Method == http.MethodGet {
		s.serveJWKS(w)
		return
	}
	body, bodyOK := s.log.Read(r)

	if !strings.HasPrefix(r.URL.EscapedPath(), pathPrefix) {
		// Outside the Merchant API the site answers as a web server does,
		// not with the API's envelope: a client with a base URL missing
		// /api/merchant sees what it would see at pay.yandex.ru.
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	rt, id, found, methodOK, err := match(r.Method, r.URL.EscapedPath())
	badRequest := Refusal{http.StatusBadRequest, ReasonBadRequest}
	switch {
	case !found:
		respond(w, s.refuse(Refusal{http.StatusNotFound, ReasonNotFound}, "no such endpoint", nil))
		return
	case !methodOK:
		rep := s.refuse(Refusal{http.StatusMethodNotAllowed, ReasonMethodNotAllowed}, "method not allowed; use "+rt.method, nil)
		rep.Header.Set("Allow", rt.method)
		respond(w, rep)
		return
	case !s.authorized(r.Header.Get("Authorization")):
		respond(w, s.refuse(Refusal{http.StatusUnauthorized, ReasonAuthentication}, "missing or invalid Api-Key in the Authorization header", nil))
		return
	case err != nil:
		respond(w, s.refuse(badRequest, "bad escape in the path id segment", nil))
		return
	case !bodyOK:
		respond(w, s.refuse(badRequest, "request body unreadable or larger than 1 MiB", nil))
		return
	}
	if msg := checkHeaders(r); msg != "" {
		respond(w, s.refuse(badRequest, msg, nil))
		return
	}
	if rt.collection == "orders" && rt.action != ActionCreate && !validOrderID(id) {
		respond(w, s.refuse(badRequest, fmt.Sprintf("order_id must be 1 to %d characters", MaxOrderIDLength), nil))
		return
	}

	f, _ := s.faults.Take(rt.action)
	faultinject.Deliver(w, r, f, faultinject.Hooks{
		Refusal: s.refusal,
		Act: func(k fault.Kind) reply {
			if rt.action == ActionCreate {
				return s.createLocked(r.Header.Get("X-Request-Id"), body)
			}
			return s.act(rt.action, id, body, k == fault.UnknownStatus)
		},
		Done: s.srv.Done(),
	})
}

// refusals are Yandex Pay's answers to the faults that refuse before acting.
var refusals = map[int]struct{ reasonCode, reason string }{
	http.StatusServiceUnavailable: {ReasonServiceUnavailable, "service temporarily unavailable (injected)"},
	http.StatusTooManyRequests:    {ReasonTooManyRequests, "too many requests (injected)"},
	http.StatusConflict:           {ReasonAnotherOperationInProgress, "another operation is in progress (injected)"},
	http.StatusBadRequest:         {ReasonBadRequest, "bad request (injected)"},
	http.StatusUnauthorized:       {ReasonAuthentication, "authentication failed (injected)"},
	http.StatusForbidden:          {ReasonForbidden, "forbidden (injected)"},
	http.StatusNotFound:           {ReasonOrderNotFound, "order not found (injected)"},
}

// refusal is the fail envelope for an injected refusal, in the server's
// wording; a status without its own reasonCode gets its HTTP name.
func (s *Server) refusal(status int) reply {
	r, ok := refusals[status]
	if !ok {
		r.reasonCode = strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))
		r.reason = http.StatusText(status) + " (injected)"
	}
	if status == http.StatusNotFound {
		r.reasonCode = s.wording.OrderNotFound.ReasonCode
	}
	return s.refuse(Refusal{status, r.reasonCode}, r.reason, nil)
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

func respond(w http.ResponseWriter, rep reply) { faultinject.Respond(w, rep) }
