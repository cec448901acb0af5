package rustoretest

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/regionpay/payments/fault"
	"github.com/regionpay/payments/internal/faultinject"
)

// Messages RuStore answers with (seeds 000-002 and the API notes), plus the
// emulator's own wording where RuStore's is not documented.
const (
	msgMustBePaid      = "Purchase status must be PAID"
	msgNotFound        = "Purchase not found"
	msgConfirmLimit    = "You can confirm purchase only once every 15 minutes. Try again later"
	msgForbidden       = "Forbidden"
	msgWentWrong       = "Something went wrong"
	msgTokenExpired    = "Jwe token is expired"
	msgTokenEmpty      = "Token is empty"
	msgRange           = "Range timestamp not valid"
	msgAlreadyRefunded = "Invoice has already been refunded"
	msgMustBeConfirmed = "Invoice status must be CONFIRMED"
	msgUnknownKey      = "Key not found"
	msgBadSignature    = "Signature is not valid"
	msgTooMany         = "Too many requests"
	msgNoRoute         = "Resource not found"
	msgBadMethod       = "Method not allowed"
	msgBadContentType  = "Content type must be application/json"
	msgBodyTooLarge    = "Request body is too large"
	msgBadAuthBody     = "Request body must be a JSON object with keyId, timestamp and signature"
	msgBadTimestamp    = "timestamp must be ISO 8601 with an offset, e.g. 2006-01-02T15:04:05.000+03:00"
	msgBadAppID        = "appId must be a positive number"
	msgBadInvoiceID    = "invoiceId must be a positive number"
)

// Envelope codes.
const (
	codeOK         = "OK"
	codeError      = "ERROR"
	codeBadRequest = "BAD_REQUEST"
	codeNotFound   = "NOT_FOUND"
	codeTooMany    = "TOO_MANY_REQUESTS"
)

// msk is the zone RuStore stamps its answers in.
var msk = time.FixedZone("MSK", 3*60*60)

const (
	envelopeTimeLayout = "2006-01-02T15:04:05.000000000-07:00"
	dateLayout         = "2006-01-02T15:04:05-07:00"
)

// route is a parsed request target.
type route struct {
	action     string
	method     string
	sandbox    bool
	appID      string // raw path segment; "" when the route has none
	purchaseID string
	invoiceID  string
}

// reply is an answer before it is written (and perhaps spoiled by a fault).
type reply struct {
	status  int
	code    string
	message string // "" → null
	body    any    // nil → null
}

func okReply(body any) reply { return reply{status: http.StatusOK, code: codeOK, body: body} }

func errReply(status int, code, msg string) reply {
	return reply{status: status, code: code, message: msg}
}

// envelope is RuStore's answer shape; field order follows the docs.
type envelope struct {
	Code      string  `json:"code"`
	Message   *string `json:"message"`
	Body      any     `json:"body"`
	Timestamp string  `json:"timestamp"`
}

// verbs maps the ":verb" suffix of a purchase path to its action.
var verbs = map[string]string{"confirm": ActionConfirm, "cancel": ActionCancel}

// parseRoute maps an escaped path to a route; ok is false for unknown paths.
func parseRoute(escapedPath string) (route, bool) {
	raw := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	seg := make([]string, len(raw))
	for i, r := range raw {
		u, err := url.PathUnescape(r)
		if err != nil {
			return route{}, false
		}
		seg[i] = u
	}
	if len(seg) < 2 || seg[0] != "public" {
		return route{}, false
	}
	rest, sandbox := seg[1:], false
	if rest[0] == "sandbox" {
		rest, sandbox = rest[1:], true
	}
	for _, shape := range routeShapes {
		if rt, ok := shape(rest, sandbox); ok {
			rt.sandbox = sandbox
			return rt, true
		}
	}
	return route{}, false
}

// routeShapes are the paths the API serves below /public (and
// /public/sandbox), each matching the segments that follow.
var routeShapes = []func(rest []string, sandbox bool) (route, bool){
	// POST /public/auth, also with a trailing slash; there is no sandbox auth.
	func(rest []string, sandbox bool) (route, bool) {
		ok := !sandbox && rest[0] == "auth" && (len(rest) == 1 || len(rest) == 2 && rest[1] == "")
		return route{action: ActionAuth, method: http.MethodPost}, ok
	},
	// GET applications/{appId}/purchases
	func(rest []string, _ bool) (route, bool) {
		ok := len(rest) == 3 && rest[0] == "applications" && rest[2] == "purchases"
		return route{action: ActionList, method: http.MethodGet, appID: at(rest, 1)}, ok
	},
	// PUT applications/{appId}/purchases/{purchaseId}:confirm (or :cancel)
	func(rest []string, _ bool) (route, bool) {
		if len(rest) != 4 || rest[0] != "applications" || rest[2] != "purchases" {
			return route{}, false
		}
		id, verb, _ := cutLast(rest[3], ":")
		action, ok := verbs[verb]
		return route{action: action, method: http.MethodPut, appID: rest[1], purchaseID: id}, ok
	},
	// PATCH applications/{appId}/invoices/{invoiceId}
	func(rest []string, _ bool) (route, bool) {
		ok := len(rest) == 4 && rest[0] == "applications" && rest[2] == "invoices"
		return route{action: ActionRefund, method: http.MethodPatch, appID: at(rest, 1), invoiceID: at(rest, 3)}, ok
	},
	// GET v2/purchase/{invoiceId}
	func(rest []string, _ bool) (route, bool) {
		ok := len(rest) == 3 && rest[0] == "v2" && rest[1] == "purchase"
		return route{action: ActionStatus, method: http.MethodGet, invoiceID: at(rest, 2)}, ok
	},
}

// at is seg[i], or "" past its end.
func at(seg []string, i int) string {
	if i < len(seg) {
		return seg[i]
	}
	return ""
}

// cutLast splits s around the last sep; found is false without one.
func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body, bodyOK := s.log.Read(r)

	rt, ok := parseRoute(r.URL.EscapedPath())
	switch {
	case !bodyOK:
		s.respond(w, errReply(http.StatusRequestEntityTooLarge, codeBadRequest, msgBodyTooLarge))
		return
	case !ok:
		s.respond(w, errReply(http.StatusNotFound, codeNotFound, msgNoRoute))
		return
	case r.Method != rt.method:
		w.Header().Set("Allow", rt.method)
		s.respond(w, errReply(http.StatusMethodNotAllowed, codeError, msgBadMethod))
		return
	}
	if rt.action == ActionAuth {
		s.mu.Lock()
		s.authCount++
		s.mu.Unlock()
		s.run(w, r, rt, func(fault.Kind) reply { return s.auth(r, body) })
		return
	}
	if rep, ok := s.checkAccess(r, rt); !ok {
		s.respond(w, rep)
		return
	}
	act := s.transition
	switch rt.action {
	case ActionStatus:
		act = s.status
	case ActionList:
		q := r.URL.Query()
		act = func(rt route, _ fault.Kind) reply { return s.list(rt, q) }
	}
	s.run(w, r, rt, func(k fault.Kind) reply { return act(rt, k) })
}

// checkAccess applies the token, appId and id checks every API call shares.
func (s *Server) checkAccess(r *http.Request, rt route) (reply, bool) {
	tok := r.Header.Get("Public-Token")
	if tok == "" {
		return errReply(http.StatusUnauthorized, codeError, msgTokenEmpty), false
	}
	s.mu.Lock()
	exp, known := s.tokens[tok]
	now := s.nowLocked()
	s.mu.Unlock()
	if !known || !now.Before(exp) {
		return errReply(http.StatusUnauthorized, codeError, msgTokenExpired), false
	}
	if rt.appID != "" {
		id, err := strconv.ParseInt(rt.appID, 10, 64)
		if err != nil || id <= 0 {
			return errReply(http.StatusBadRequest, codeBadRequest, msgBadAppID), false
		}
		if id != s.appID {
			return errReply(http.StatusForbidden, codeError, msgForbidden), false
		}
	}
	if rt.invoiceID != "" || rt.action == ActionRefund || rt.action == ActionStatus {
		if id, err := strconv.ParseInt(rt.invoiceID, 10, 64); err != nil || id <= 0 {
			return errReply(http.StatusBadRequest, codeBadRequest, msgBadInvoiceID), false
		}
	}
	return reply{}, true
}

// refusals are RuStore's answers to the faults that refuse before acting.
var refusals = map[int]reply{
	http.StatusServiceUnavailable: errReply(http.StatusServiceUnavailable, codeError, msgWentWrong),
	http.StatusTooManyRequests:    errReply(http.StatusTooManyRequests, codeTooMany, msgTooMany),
	http.StatusBadRequest:         errReply(http.StatusBadRequest, codeBadRequest, "Bad request"),
	http.StatusUnauthorized:       errReply(http.StatusUnauthorized, codeError, msgTokenExpired),
	http.StatusForbidden:          errReply(http.StatusForbidden, codeError, msgForbidden),
	http.StatusNotFound:           errReply(http.StatusNotFound, codeNotFound, msgNotFound),
}

// refusal is RuStore's answer to an injected refusal with status; one
// without a message of its own gets the HTTP name.
func refusal(status int) reply {
	if r, ok := refusals[status]; ok {
		return r
	}
	return errReply(status, codeError, http.StatusText(status))
}

// run consumes a fault for the route's action (if one is armed), acts, and
// writes the answer the fault leaves.
func (s *Server) run(w http.ResponseWriter, r *http.Request, rt route, act func(fault.Kind) reply) {
	f, _ := s.faults.Take(rt.action)
	faultinject.Deliver(w, r, f, faultinject.Hooks{
		Refusal: func(status int) faultinject.Reply { return s.wire(refusal(status)) },
		Act:     func(k fault.Kind) faultinject.Reply { return s.wire(act(k)) },
		Hold:    func() func(bool) { return s.holdConfirm(rt) },
		Done:    s.srv.Done(),
	})
}

// holdConfirm marks a confirm held by fault.Slow as processing when it has
// passed the state check, so confirms arriving meanwhile meet the 15-minute
// rule. The returned func ends the hold; an aborted hold leaves the mark.
func (s *Server) holdConfirm(rt route) func(aborted bool) {
	if rt.action != ActionConfirm {
		return func(bool) {}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.lookupPurchase(rt)
	now := s.nowLocked()
	if ps == nil || s.confirmBlocked(ps, now) || !strings.EqualFold(ps.p.Status, "paid") {
		return func(bool) {}
	}
	ps.confirming++
	return func(aborted bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		ps.confirming--
		if aborted {
			ps.confirmMark = now
		}
	}
}

func (s *Server) confirmBlocked(ps *purchaseState, now time.Time) bool {
	return ps.confirming > 0 || (!ps.confirmMark.IsZero() && now.Before(ps.confirmMark.Add(ConfirmRepeatWindow)))
}

// lookupPurchase finds the route's purchase under its prefix; callers hold s.mu.
func (s *Server) lookupPurchase(rt route) *purchaseState {
	id := rt.purchaseID
	if rt.invoiceID != "" {
		n, err := strconv.ParseInt(rt.invoiceID, 10, 64)
		if err != nil {
			return nil
		}
		id = s.invoices[n]
	}
	ps, ok := s.purchases[id]
	if !ok || ps.p.Sandbox != rt.sandbox {
		return nil
	}
	return ps
}

// transitionRule is one write of the state machine.
type transitionRule struct {
	from    map[string]bool   // lower-case raw statuses the write applies to
	to      string            // lower-case raw status afterwards
	refused map[string]string // lower-case raw status → its own refusal message
	other   string            // refusal message for every other status
}

// rules is RuStore's state machine for the three writes (seeds 000, 001 and
// the refund notes). Raw statuses compare case-insensitively.
var rules = map[string]transitionRule{
	ActionConfirm: {from: map[string]bool{"paid": true}, to: "confirmed", other: msgMustBePaid},
	ActionCancel:  {from: map[string]bool{"paid": true}, to: "reversed", other: msgMustBePaid},
	ActionRefund: {
		from:    map[string]bool{"confirmed": true, "consumed": true},
		to:      "refunded",
		refused: map[string]string{"refunded": msgAlreadyRefunded},
		other:   msgMustBeConfirmed,
	},
}

// answerSpoiling lists faults that apply a write and then lose its answer:
// a confirm hit by one of them did not finish normally.
var answerSpoiling = map[fault.Kind]bool{
	fault.ResetAfterApply: true,
	fault.TruncatedBody:   true,
	fault.OversizedBody:   true,
}

// transition applies confirm, cancel or refund.
func (s *Server) transition(rt route, kind fault.Kind) reply {
	rule := rules[rt.action]
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.lookupPurchase(rt)
	if ps == nil {
		return errReply(http.StatusNotFound, codeNotFound, msgNotFound)
	}
	now := s.nowLocked()
	if rt.action == ActionConfirm && s.confirmBlocked(ps, now) {
		return errReply(http.StatusBadRequest, codeError, msgConfirmLimit)
	}
	cur := strings.ToLower(ps.p.Status)
	if !rule.from[cur] {
		if msg, ok := rule.refused[cur]; ok {
			return errReply(http.StatusBadRequest, codeError, msg)
		}
		return errReply(http.StatusBadRequest, codeError, rule.other)
	}
	old := ps.p.Status
	to := rule.to
	if rt.action == ActionRefund && s.refundsPending {
		// RuStore accepts a refund at once and may show it as REFUNDING
		// for days before the money reaches the buyer.
		to = "refunding"
	}
	ps.p.Status = restyle(ps.p.Status, to)
	s.applied.Add(ps.p.PurchaseID, rt.action)
	s.statusChanged(ps, old, now)
	if rt.action == ActionRefund {
		ps.p.RefundDate = now
	}
	if rt.action == ActionConfirm && answerSpoiling[kind] {
		ps.confirmMark = now
	}
	return okReply(struct{}{})
}

// restyle writes status in the letter case of the old one, so a purchase
// seeded "PAID" becomes "CONFIRMED" and one seeded "paid" becomes "confirmed".
func restyle(old, status string) string {
	if old != strings.ToLower(old) && old == strings.ToUpper(old) {
		return strings.ToUpper(status)
	}
	return status
}

// v2Purchase is the body of GET /public/v2/purchase/{invoiceId}, as RuStore's
// "Getting payment data by ID (v2)" page shows it.
type v2Purchase struct {
	InvoiceID        int64          `json:"invoiceId"`
	InvoiceDate      string         `json:"invoiceDate"`
	RefundDate       *string        `json:"refundDate"`
	InvoiceStatus    string         `json:"invoiceStatus"`
	DeveloperPayload *string        `json:"developerPayload"`
	AppID            int64          `json:"appId"`
	OwnerCode        int64          `json:"ownerCode"`
	PaymentInfo      *v2PaymentInfo `json:"paymentInfo,omitempty"`
	Order            v2Order        `json:"order"`
}

type v2PaymentInfo struct {
	PaymentDate    string `json:"paymentDate"`
	MaskedPan      string `json:"maskedPan"`
	PaymentSystem  string `json:"paymentSystem"`
	PaymentWay     string `json:"paymentWay"`
	PaymentWayCode string `json:"paymentWayCode"`
	BankName       string `json:"bankName"`
}

type v2Order struct {
	OrderID       string `json:"orderId"`
	OrderNumber   string `json:"orderNumber,omitempty"`
	VisualName    string `json:"visualName"`
	AmountCreate  int64  `json:"amountCreate"`
	AmountCurrent int64  `json:"amountCurrent"`
	Currency      string `json:"currency"`
	ItemCode      string `json:"itemCode"`
	Description   string `json:"description"`
	Language      string `json:"language"`
}

// status answers the v2 payment data read.
func (s *Server) status(rt route, kind fault.Kind) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := s.lookupPurchase(rt)
	if ps == nil {
		return errReply(http.StatusNotFound, codeNotFound, msgNotFound)
	}
	p := ps.p
	out := v2Purchase{
		InvoiceID:     p.InvoiceID,
		InvoiceDate:   p.InvoiceDate.In(msk).Format(dateLayout),
		InvoiceStatus: p.Status,
		AppID:         s.appID,
		OwnerCode:     s.ownerCode,
		Order: v2Order{
			OrderID:       p.OrderID,
			OrderNumber:   p.OrderNumber,
			VisualName:    p.VisualName,
			AmountCreate:  p.AmountCreate,
			AmountCurrent: p.AmountCurrent,
			Currency:      p.Currency,
			ItemCode:      p.ItemCode,
			Description:   p.Description,
			Language:      p.Language,
		},
	}
	if strings.EqualFold(p.Status, "refunded") && !p.RefundDate.IsZero() {
		d := p.RefundDate.In(msk).Format(dateLayout)
		out.RefundDate = &d
	}
	if p.DeveloperPayload != "" {
		dp := p.DeveloperPayload
		out.DeveloperPayload = &dp
	}
	if pi := p.PaymentInfo; pi != nil && !hiddenPaymentInfo[strings.ToLower(p.Status)] {
		out.PaymentInfo = &v2PaymentInfo{
			PaymentDate:    pi.PaymentDate.In(msk).Format(dateLayout),
			MaskedPan:      pi.MaskedPan,
			PaymentSystem:  pi.PaymentSystem,
			PaymentWay:     pi.PaymentWay,
			PaymentWayCode: pi.PaymentWayCode,
			BankName:       pi.BankName,
		}
	}
	if kind == fault.UnknownStatus {
		out.InvoiceStatus = UnknownRawStatus
	}
	return okReply(out)
}

// authRequest is the body of POST /public/auth.
type authRequest struct {
	KeyID     keyID  `json:"keyId"`
	Timestamp string `json:"timestamp"`
	Signature string `json:"signature"`
}

// keyID is the auth body's keyId: a JSON string, or a JSON number (a
// third-party npm client types it as one, and a Jackson-based server
// coerces it), kept as its literal digits, which is also what was signed.
type keyID string

// UnmarshalJSON takes a string, a number (as its literal text) or null.
func (k *keyID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*k = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*k = keyID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errKeyIDType
	}
	*k = keyID(n.String())
	return nil
}

// errKeyIDType refuses a keyId that is neither a string nor a number.
var errKeyIDType = errors.New("keyId must be a string or a number")

// auth verifies a signed auth request and issues a token.
func (s *Server) auth(r *http.Request, body []byte) reply {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return errReply(http.StatusUnsupportedMediaType, codeBadRequest, msgBadContentType)
	}
	var req authRequest
	if err := json.Unmarshal(body, &req); err != nil {
		if errors.Is(err, errKeyIDType) {
			return errReply(http.StatusBadRequest, codeBadRequest, errKeyIDType.Error())
		}
		return errReply(http.StatusBadRequest, codeBadRequest, msgBadAuthBody)
	}
	if req.Signature != "" {
		s.mu.Lock()
		s.signatures = append(s.signatures, req.Signature)
		s.mu.Unlock()
	}
	ts, rep, ok := s.verifyAuth(req)
	if !ok {
		return rep
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return errReply(http.StatusInternalServerError, codeError, msgWentWrong)
	}
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	if d := now.Sub(ts); d > AuthWindow || d < -AuthWindow {
		return errReply(http.StatusUnauthorized, codeError, msgRange)
	}
	s.tokens[tok] = now.Add(s.ttl)
	s.issued = append(s.issued, tok)
	return okReply(struct {
		JWE string `json:"jwe"`
		TTL int64  `json:"ttl"`
	}{tok, int64(s.ttl / time.Second)})
}

// verifyAuth checks an auth request's fields and signature as RuStore's
// authorization page describes, and returns its timestamp.
func (s *Server) verifyAuth(req authRequest) (time.Time, reply, bool) {
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"keyId", string(req.KeyID)}, {"timestamp", req.Timestamp}, {"signature", req.Signature},
	} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return time.Time{}, errReply(http.StatusBadRequest, codeBadRequest, "missing "+strings.Join(missing, ", ")), false
	}
	if string(req.KeyID) != s.keyID {
		return time.Time{}, errReply(http.StatusUnauthorized, codeError, msgUnknownKey), false
	}
	ts, err := time.Parse(time.RFC3339Nano, req.Timestamp)
	if err != nil {
		return time.Time{}, errReply(http.StatusBadRequest, codeBadRequest, msgBadTimestamp), false
	}
	sig, err := base64.StdEncoding.DecodeString(req.Signature)
	if err != nil {
		return time.Time{}, errReply(http.StatusUnauthorized, codeError, msgBadSignature), false
	}
	digest := sha512.Sum512([]byte(string(req.KeyID) + req.Timestamp))
	if rsa.VerifyPKCS1v15(s.pub, crypto.SHA512, digest[:], sig) != nil {
		return time.Time{}, errReply(http.StatusUnauthorized, codeError, msgBadSignature), false
	}
	return ts, reply{}, true
}

// encode renders rep as an envelope stamped with the emulator clock.
func (s *Server) encode(rep reply) []byte {
	env := envelope{Code: rep.code, Body: rep.body, Timestamp: s.Now().In(msk).Format(envelopeTimeLayout)}
	if rep.message != "" {
		m := rep.message
		env.Message = &m
	}
	b, err := json.Marshal(env)
	if err != nil {
		// Every body is built from plain strings and numbers; reaching this
		// would be an emulator bug, answered as RuStore answers its own.
		b, _ = json.Marshal(envelope{Code: codeError, Message: &[]string{msgWentWrong}[0], Timestamp: env.Timestamp})
	}
	return b
}

// wire renders rep as it goes on the wire.
func (s *Server) wire(rep reply) faultinject.Reply {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	return faultinject.Reply{Status: rep.status, Header: h, Body: s.encode(rep)}
}

// write sends rep whole.
func (s *Server) respond(w http.ResponseWriter, rep reply) { faultinject.Respond(w, s.wire(rep)) }
