package transport

import (
	"net/http"

	"github.com/regionpay/payments"
)

// statusCodes is what an HTTP status says about a failed call when the
// provider's body says nothing the adapter recognizes. Adapters try their own
// rules (RuStore messages, Yandex Pay reasonCodes) first and fall back to
// CodeForStatus, so both classify the same status the same way.
var statusCodes = map[int]payments.Code{
	http.StatusBadRequest:          payments.CodeInvalidArgument,
	http.StatusUnauthorized:        payments.CodeUnauthenticated,
	http.StatusForbidden:           payments.CodePermissionDenied,
	http.StatusNotFound:            payments.CodeNotFound,
	http.StatusConflict:            payments.CodeConflict,
	http.StatusUnprocessableEntity: payments.CodeInvalidArgument,
	http.StatusTooManyRequests:     payments.CodeResourceExhausted,
	// 501 will not change on a retry, unlike the other 5xx.
	http.StatusNotImplemented: payments.CodeUnimplemented,
}

// CodeForStatus classifies a failed answer by its HTTP status alone: the
// statuses in the table above, any other 5xx as CodeUnavailable (the server
// failed, a later call may work), and anything else as CodeUnknown, since a
// status nobody listed says nothing certain about the call.
func CodeForStatus(httpStatus int) payments.Code {
	if c, ok := statusCodes[httpStatus]; ok {
		return c
	}
	if httpStatus >= 500 && httpStatus <= 599 {
		return payments.CodeUnavailable
	}
	return payments.CodeUnknown
}
