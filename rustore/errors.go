package rustore

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/transport"
	"github.com/regionpay/payments/internal/wirejson"
)

// confirmLimit is RuStore's pause between two confirms of one purchase
// (RuStore's "Confirming purchase" page: "only once every 15 minutes").
const confirmLimit = 15 * time.Minute

// errorRule maps one of RuStore's messages to a code. RuStore's message is
// the only precise signal it sends (code is mostly "ERROR"), so the known
// messages are matched first and the HTTP status (transport.CodeForStatus) is
// the fallback.
type errorRule struct {
	// match is compared case-insensitively as a substring of the message.
	match string
	code  payments.Code
	// retryAfter is the wait the message implies.
	retryAfter time.Duration
	// tokenRejected marks messages that mean "get a new token and retry".
	tokenRejected bool
}

// errorRules is the one place RuStore's messages are interpreted. Order
// matters only where one match is a substring of another (none today).
var errorRules = []errorRule{
	{match: "Purchase status must be PAID", code: payments.CodeFailedPrecondition},
	{match: "Invoice status must be CONFIRMED", code: payments.CodeFailedPrecondition},
	{match: "Invoice cannot be refunded", code: payments.CodeFailedPrecondition},
	{match: "Invoice has already been refunded", code: payments.CodeFailedPrecondition},
	{match: "Purchase not found", code: payments.CodeNotFound},
	{match: "Invoice not found", code: payments.CodeNotFound},
	{match: "You can confirm purchase only once every 15 minutes", code: payments.CodeResourceExhausted, retryAfter: confirmLimit},
	{match: "Forbidden", code: payments.CodePermissionDenied},
	{match: "does not have rights", code: payments.CodePermissionDenied},
	{match: "Jwe token is expired", code: payments.CodeUnauthenticated, tokenRejected: true},
	{match: "Token is empty", code: payments.CodeUnauthenticated, tokenRejected: true},
	{match: "Range timestamp not valid", code: payments.CodeUnauthenticated},
	{match: "Cannot refund now", code: payments.CodeUnavailable},
	{match: "Refund amount cannot exceed payment amount", code: payments.CodeInvalidArgument},
	{match: "Something went wrong", code: payments.CodeUnavailable},
}

// ruleFor returns the rule matching a RuStore message, if any.
func ruleFor(message string) (errorRule, bool) {
	m := strings.ToLower(message)
	for _, r := range errorRules {
		if strings.Contains(m, strings.ToLower(r.match)) {
			return r, true
		}
	}
	return errorRule{}, false
}

// envelope is RuStore's wrapper around every answer.
type envelope struct {
	Code    string
	Message string
	// answer is the whole answer, which Body finds the body in.
	answer []byte
	// bodyErr is why the body did not decode into what the caller asked for.
	bodyErr error
}

// Body returns the body's JSON as received: a slice of the answer, not a
// copy, so a Payment can keep it as Raw without a second decoding. Only
// callers that keep it pay for finding it.
func (e *envelope) Body() json.RawMessage { return transport.Member(e.answer, "body") }

// wireHead is what every answer's envelope says besides its body.
type wireHead struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// wireEnvelope is the envelope as decoded: the body goes straight into what
// the caller wants from it, so an answer is decoded in one pass.
type wireEnvelope struct {
	wireHead
	Body any `json:"body"`
}

// cyrillicOK spells one RuStore page's Cyrillic "ОК" in Latin letters.
var cyrillicOK = strings.NewReplacer("О", "O", "К", "K", "о", "o", "к", "k")

// ok reports a success: a 2xx answer whose code is OK. One RuStore page
// spells it in Cyrillic ("ОК"), so both alphabets are accepted.
func (e *envelope) ok(httpStatus int) bool {
	if httpStatus/100 != 2 {
		return false
	}
	code := strings.TrimSpace(e.Code)
	return strings.EqualFold(code, "OK") || strings.EqualFold(cyrillicOK.Replace(code), "OK")
}

// errMalformed says the body is not RuStore's envelope.
var errMalformed = fmt.Errorf("not a RuStore JSON envelope")

// decodeEnvelope parses an answer in one pass, its body into body (a
// pointer; nil when the caller needs none of it). A body that is not JSON or
// has no code is malformed. A body that does not fit body leaves the
// envelope readable, with env.bodyErr saying why.
func decodeEnvelope(resp *transport.Response, body any) (*envelope, error) {
	var (
		head         wireHead
		err, bodyErr error
	)
	if body != nil {
		w := wireEnvelope{Body: body}
		if bodyErr = wirejson.Unmarshal(resp.Body, &w); bodyErr == nil {
			head = w.wireHead
		}
	}
	if body == nil || bodyErr != nil {
		// Read the envelope alone: the caller wants no body, or the body did
		// not fit and what RuStore said must still be known.
		head, err = readHead(resp.Body)
	}
	if err != nil || strings.TrimSpace(head.Code) == "" {
		return nil, errMalformed
	}
	return &envelope{Code: head.Code, Message: head.Message, answer: resp.Body, bodyErr: bodyErr}, nil
}

// headNames are wireHead's members, in the order readHead reads them.
var headNames = []string{"code", "message"}

// readHead reads what an answer's envelope says, as decoding it into a
// wireHead would. The answer to every write is its envelope alone, whose
// code and message are nearly always plain strings: those are read from the
// bytes once the answer is known to be JSON, which takes half the time of
// decoding them. Anything else is decoded.
func readHead(answer []byte) (wireHead, error) {
	var plain [2]string
	if wirejson.Valid(answer) && transport.PlainStrings(answer, headNames, plain[:]) {
		return wireHead{Code: plain[0], Message: plain[1]}, nil
	}
	var head wireHead
	err := wirejson.Unmarshal(answer, &head)
	return head, err
}

// tokenRejected reports whether an answer means the Public-Token was refused.
func tokenRejected(resp *transport.Response, env *envelope) bool {
	if resp.StatusCode == http.StatusUnauthorized {
		return true
	}
	if env == nil {
		return false
	}
	r, ok := ruleFor(env.Message)
	return ok && r.tokenRejected
}

// knownRefusal reports whether env is an envelope whose message is one of
// RuStore's known refusals. A 2xx answer that is not OK and says nothing
// known contradicts itself, so it proves neither that a write acted nor that
// it did not.
func knownRefusal(env *envelope) bool {
	if env == nil {
		return false
	}
	_, ok := ruleFor(env.Message)
	return ok
}

// classify turns a failed answer into a *payments.Error. perr is the
// envelope decoding error (env is nil then).
func classify(tr *transport.Client, op payments.Operation, resp *transport.Response, env *envelope, perr error) *payments.Error {
	e := &payments.Error{Provider: Name, Op: op, HTTPStatus: resp.StatusCode}
	if perr != nil {
		e.Code = transport.CodeForStatus(resp.StatusCode)
		e.Message = fmt.Sprintf("malformed answer (http %d): %s", resp.StatusCode, resp.Excerpt())
		e.RetryAfter = resp.RetryAfter()
		return e
	}
	e.ProviderCode = tr.Redact(env.Code)
	e.Message = tr.Redact(strings.TrimSpace(env.Message))
	if r, ok := ruleFor(env.Message); ok {
		e.Code, e.RetryAfter = r.code, r.retryAfter
	} else {
		e.Code = transport.CodeForStatus(resp.StatusCode)
	}
	if e.RetryAfter == 0 {
		e.RetryAfter = resp.RetryAfter()
	}
	if e.Message == "" {
		e.Message = fmt.Sprintf("RuStore answered http %d with code %q and no message", resp.StatusCode, e.ProviderCode)
	}
	return e
}

// malformed is the error for a 2xx answer that cannot be read.
func malformed(op payments.Operation, resp *transport.Response, what string) *payments.Error {
	return driver.Malformed(Name, op, resp.StatusCode, "", what, resp.Excerpt())
}
