package yandexpaytest

import "net/http"

// Refusal is the HTTP status and reasonCode of one kind of fail answer.
type Refusal struct {
	// HTTP is the status code.
	HTTP int
	// ReasonCode is the envelope's reasonCode.
	ReasonCode string
}

// Wording is how the emulator words the answers Yandex Pay's documentation
// leaves open: no public table of reasonCodes exists, so the code of a
// wrong-status refusal, the HTTP status of a duplicate externalOperationId
// and every reason text are the emulator's own choice. Making them a
// per-server setting lets a test prove that a client depends only on what
// the documentation says (DUPLICATE_EXTERNAL_OPERATION_ID,
// ANOTHER_OPERATION_IN_PROGRESS with 409, the order's paymentStatus) by
// passing against two different wordings. Zero fields take the value of
// [DefaultWording].
type Wording struct {
	// WrongStatus answers an action the order's paymentStatus does not allow
	// (also /capture of a CONFIRMED Split order).
	WrongStatus Refusal
	// InvalidAmount answers an amount the order cannot take (capture above
	// the hold, refund below 1.00 or above what remains).
	InvalidAmount Refusal
	// OrderNotFound answers a request naming no known order.
	OrderNotFound Refusal
	// OperationNotFound answers a read of an unknown externalOperationId.
	OperationNotFound Refusal
	// DuplicateHTTP is the HTTP status sent with the documented reasonCode
	// DUPLICATE_EXTERNAL_OPERATION_ID; the documentation names no status.
	DuplicateHTTP int
	// Reason, when not empty, replaces the emulator's explanatory reason
	// text in every fail answer, so a client cannot lean on its wording.
	Reason string
}

// DefaultWording is the wording a Server uses unless Options.Wording says
// otherwise; the table in the package documentation lists it.
func DefaultWording() Wording {
	return Wording{
		WrongStatus:       Refusal{http.StatusBadRequest, ReasonWrongStatus},
		InvalidAmount:     Refusal{http.StatusBadRequest, ReasonInvalidAmount},
		OrderNotFound:     Refusal{http.StatusNotFound, ReasonOrderNotFound},
		OperationNotFound: Refusal{http.StatusNotFound, ReasonOperationNotFound},
		DuplicateHTTP:     http.StatusConflict,
	}
}

// AlternateWording is a second, equally plausible wording of everything
// the documentation leaves open: a wrong status is 409 ORDER_STATUS_CONFLICT,
// amounts and missing objects use the generic BAD_REQUEST and NOT_FOUND, a
// duplicate key is answered 400, and every reason is the same terse text.
// The conformance suite runs the yandexpay adapter against both.
func AlternateWording() Wording {
	return Wording{
		WrongStatus:       Refusal{http.StatusConflict, "ORDER_STATUS_CONFLICT"},
		InvalidAmount:     Refusal{http.StatusBadRequest, ReasonBadRequest},
		OrderNotFound:     Refusal{http.StatusNotFound, ReasonNotFound},
		OperationNotFound: Refusal{http.StatusNotFound, ReasonNotFound},
		DuplicateHTTP:     http.StatusBadRequest,
		Reason:            "request refused",
	}
}

// withDefaults fills w's zero fields from DefaultWording.
func (w Wording) withDefaults() Wording {
	d := DefaultWording()
	for _, f := range []struct{ v, def *Refusal }{
		{&w.WrongStatus, &d.WrongStatus}, {&w.InvalidAmount, &d.InvalidAmount},
		{&w.OrderNotFound, &d.OrderNotFound}, {&w.OperationNotFound, &d.OperationNotFound},
	} {
		if f.v.HTTP == 0 {
			f.v.HTTP = f.def.HTTP
		}
		if f.v.ReasonCode == "" {
			f.v.ReasonCode = f.def.ReasonCode
		}
	}
	if w.DuplicateHTTP == 0 {
		w.DuplicateHTTP = d.DuplicateHTTP
	}
	return w
}

// refuse builds a fail answer of kind r in the server's wording; reason is
// the emulator's own explanation, replaced by Wording.Reason when set.
func (s *Server) refuse(r Refusal, reason string, details map[string]any) reply {
	if s.wording.Reason != "" {
		reason = s.wording.Reason
	}
	return fail(r.HTTP, r.ReasonCode, reason, details)
}
