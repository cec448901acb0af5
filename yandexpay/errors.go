package yandexpay

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/textcut"
	"github.com/regionpay/payments/internal/transport"
	"github.com/regionpay/payments/internal/urlcheck"
)

// reasonDuplicate answers a write whose externalOperationId already named a
// completed operation (Yandex Pay's idempotency documentation): the outcome
// is read from GET /v1/operations/{id}.
const reasonDuplicate = "DUPLICATE_EXTERNAL_OPERATION_ID"

// reasonCartData is how Yandex Pay refuses a cart (an unpayable unit price,
// a total that is not the sum of its lines); public clients report it.
const reasonCartData = "ORDER_CART_DATA_ERROR"

// reasonCodes is the one table from Yandex Pay's reasonCode to a Code, and
// it holds only names with a public source: DUPLICATE_EXTERNAL_OPERATION_ID
// and ANOTHER_OPERATION_IN_PROGRESS (documented), ORDER_CART_DATA_ERROR
// (cart validation, seen in integrations). Yandex Pay publishes no full
// list, so any other reasonCode is classified by its HTTP status
// (transport.CodeForStatus), and a write's 4xx refusal with such a code is
// first checked against the order's status (classifyRefusal).
var reasonCodes = map[string]payments.Code{
	"ANOTHER_OPERATION_IN_PROGRESS": payments.CodeConflict,
	reasonDuplicate:                 payments.CodeConflict, // reconciled before it reaches a caller
	reasonCartData:                  payments.CodeInvalidArgument,
}

// explainedStatuses are the HTTP statuses that say all there is to say
// about a refusal whatever its reasonCode: credentials, a missing order,
// a rate limit.
var explainedStatuses = map[int]bool{
	http.StatusUnauthorized:    true,
	http.StatusForbidden:       true,
	http.StatusNotFound:        true,
	http.StatusTooManyRequests: true,
}

// unexplainedRefusal reports a 4xx refusal whose reasonCode has no public
// meaning: whether the order's status forbade the action is then read from
// the order, not guessed from the code's name.
func unexplainedRefusal(err error) bool {
	var e *payments.Error
	if !errors.As(err, &e) || e.HTTPStatus < 400 || e.HTTPStatus > 499 || explainedStatuses[e.HTTPStatus] || errors.Is(err, errNotAPI) {
		return false
	}
	_, documented := reasonCodes[strings.ToUpper(e.ProviderCode)]
	return !documented
}

// authStatuses are the HTTP statuses that override the reasonCode: a 401 or
// 403 means the key, whatever the body says, and is classified by the status
// alone.
var authStatuses = map[int]bool{
	http.StatusUnauthorized: true,
	http.StatusForbidden:    true,
}

// codeFor classifies a fail answer: the HTTP status decides for credentials,
// then a known reasonCode, then the HTTP status.
func codeFor(statusCode int, reasonCode string) payments.Code {
	if authStatuses[statusCode] {
		return transport.CodeForStatus(statusCode)
	}
	if c, ok := reasonCodes[strings.ToUpper(reasonCode)]; ok {
		return c
	}
	return transport.CodeForStatus(statusCode)
}

// errNotAPI marks a 404 that did not come from the Merchant API (no
// envelope): a base URL that points elsewhere.
var errNotAPI = errors.New("not the Yandex Pay Merchant API")

// apiError builds the error for a non-success answer. env is nil when the
// body was not a fail envelope; then the redacted excerpt stands in for the
// provider's reason.
func (c *Client) apiError(op payments.Operation, reqID string, resp *transport.Response, env *envelope) *payments.Error {
	e := &payments.Error{
		Provider:   Name,
		Op:         op,
		HTTPStatus: resp.StatusCode,
		RequestID:  reqID,
	}
	if env != nil && env.ReasonCode != "" {
		e.ProviderCode = c.scrub(env.ReasonCode, 64)
		e.Message = c.scrub(env.Reason, 256)
		e.Code = codeFor(resp.StatusCode, env.ReasonCode)
		if strings.EqualFold(env.ReasonCode, reasonCartData) && len(env.Details) > 0 && string(env.Details) != "{}" && string(env.Details) != "null" {
			// The reason alone may not say which line or field is wrong;
			// the details do.
			e.Message = "the cart was refused: " + e.Message + " (details: " + c.scrub(string(env.Details), 256) + ")"
		}
	} else if resp.StatusCode == http.StatusNotFound {
		// Yandex Pay answers in its envelope; a bare 404 comes from
		// whatever else serves that URL, so the request never reached the
		// Merchant API and "no such payment" would mislead.
		e.Code = payments.CodeInvalidArgument
		e.Message = fmt.Sprintf("no Yandex Pay Merchant API at base URL %s: HTTP 404 without Yandex Pay's answer envelope, so nothing was done; check the base URL (Yandex Pay's ends in /api/merchant, e.g. %s)",
			urlcheck.Redacted(c.baseURL), ProductionBaseURL)
		e.Err = errNotAPI
	} else {
		e.Code = transport.CodeForStatus(resp.StatusCode)
		e.Message = fmt.Sprintf("unexpected answer: %s", resp.Excerpt())
		if resp.StatusCode < 400 {
			e.Code = payments.CodeUnknown
			e.Err = driver.ErrMalformed
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	if e.Message == "" {
		// A status net/http has no name for, with a fail envelope giving no
		// reason: say at least what came back.
		e.Message = fmt.Sprintf("HTTP %d answer without a reason", resp.StatusCode)
	}
	e.RetryAfter = resp.RetryAfter()
	return e
}

// malformed builds the error for a success status whose body could not be
// read.
func (c *Client) malformed(op payments.Operation, reqID string, resp *transport.Response, what string) *payments.Error {
	return driver.Malformed(Name, op, resp.StatusCode, reqID, what, resp.Excerpt())
}

// scrub prepares provider text for an error message: the key is redacted
// before the text is cut to n bytes, so a cut cannot leave part of the key
// that Redact would no longer recognize.
func (c *Client) scrub(s string, n int) string {
	return textcut.Cut(c.tr.Redact(s), n)
}

// serverFailed reports an error built from a 5xx answer (501 aside): the
// server, or a gateway in front of it, failed, possibly after the backend
// acted, so a write that got one is settled by a read like a lost answer.
func serverFailed(err error) bool {
	if err == nil {
		return false // before errors.As, whose target would escape on every call
	}
	var e *payments.Error
	return errors.As(err, &e) && e.HTTPStatus >= 500 && e.HTTPStatus <= 599 && e.HTTPStatus != http.StatusNotImplemented &&
		!transport.Ambiguous(err) // an answer that never arrived whole keeps its stricter rules
}

// providerCode returns err's reasonCode, or "".
func providerCode(err error) string {
	if err == nil {
		return ""
	}
	var e *payments.Error
	if errors.As(err, &e) {
		return e.ProviderCode
	}
	return ""
}
