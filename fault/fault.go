// Package fault names the failures an emulator can be asked to inject: a
// 503 or a 429 before acting, a connection reset before or after acting, a
// held request, a truncated or oversized answer, an unknown status, a
// refusal with any status, and the compound faults where one failure hides
// another: an answer lost and the retry refused, a gateway's 5xx for a write
// the provider applies a moment later.
//
// It is the one vocabulary the RuStore and Yandex Pay emulators
// (rustoretest, yandexpaytest) and the conformance suite share, so "reset
// after the state changed" means the same thing wherever it is asked for.
// How each emulator delivers a fault, and which action names it knows, is
// that emulator's business; this package only describes the failure.
//
// Arm a fault on an emulator by naming the kind and the emulator's action:
//
//	srv := rustoretest.NewServer(nil)
//	defer srv.Close()
//	// The next confirm is applied, then its connection is reset.
//	srv.InjectFault(fault.Fault{Kind: fault.ResetAfterApply, Action: rustoretest.ActionConfirm})
//
// Use the emulator's TryInjectFault to learn why a fault is refused.
package fault

import (
	"errors"
	"fmt"
	"time"
)

// Kind is a class of failure an emulator can produce on request.
type Kind int

// The fault classes. "Before acting" faults leave the emulator's state
// untouched; the others apply the request first and then spoil the answer.
const (
	// ServerError answers 503 before acting.
	ServerError Kind = iota + 1
	// TooManyRequests answers 429 with Retry-After before acting.
	TooManyRequests
	// ResetBeforeApply drops the connection (TCP reset) before acting.
	ResetBeforeApply
	// ResetAfterApply acts, then drops the connection without answering.
	ResetAfterApply
	// Slow waits Fault.Delay, then acts and answers. If the client goes away
	// or the emulator closes during the wait, nothing is applied and the
	// connection is dropped.
	Slow
	// TruncatedBody acts, then sends half of the body under the full
	// Content-Length and closes the connection.
	TruncatedBody
	// OversizedBody acts, then sends a valid JSON answer padded to about
	// OversizedBodySize bytes.
	OversizedBody
	// UnknownStatus makes status reads report a raw status no table knows.
	// It applies to an emulator's status-read action only.
	UnknownStatus
	// Refuse answers Fault.Status (400-599) with the emulator's own error
	// answer for that status, before acting: a 409 "another operation in
	// progress", a 401, a 404... A 429 carries Fault.RetryAfter.
	Refuse
	// ResetThenRefuse is a compound fault: "applied, answer lost, then the
	// retry refused". The first matching request is applied and its
	// connection reset (as ResetAfterApply); the next Times matching
	// requests are refused with Fault.Status before acting (as Refuse). A
	// refusal checked before the provider's idempotency check (a rate
	// limit, a lock, a proxy's auth) does this to a retry.
	ResetThenRefuse
	// GatewayErrorApplyLater is a compound fault: "a gateway's 5xx now, the
	// write applied later". The request is answered with Fault.Status
	// (default 502) and an HTML page, as a proxy in front of the provider
	// answers, while the provider still receives it and applies it
	// Fault.Delay later (the emulator's default when zero). Each of the
	// Times matching requests is delivered so.
	GatewayErrorApplyLater
)

// DefaultGatewayStatus is what GatewayErrorApplyLater answers when
// Fault.Status is zero.
const DefaultGatewayStatus = 502

// OversizedBodySize is roughly how many bytes an OversizedBody answer has:
// far beyond any real answer, so a client that does not cap what it reads
// is caught.
const OversizedBodySize = 4 << 20

// names doubles as the set of defined kinds.
var names = map[Kind]string{
	ServerError:      "ServerError",
	TooManyRequests:  "TooManyRequests",
	ResetBeforeApply: "ResetBeforeApply",
	ResetAfterApply:  "ResetAfterApply",
	Slow:             "Slow",
	TruncatedBody:    "TruncatedBody",
	OversizedBody:    "OversizedBody",
	UnknownStatus:    "UnknownStatus",
	Refuse:           "Refuse",
	ResetThenRefuse:  "ResetThenRefuse",

	GatewayErrorApplyLater: "GatewayErrorApplyLater",
}

// String names the kind, for subtest names and messages; an undefined kind
// prints as FaultKind(n).
func (k Kind) String() string {
	if n, ok := names[k]; ok {
		return n
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Defined reports whether k is one of the fault classes above.
func (k Kind) Defined() bool {
	_, ok := names[k]
	return ok
}

// Fault is one armed failure: the next Times requests of Action fail as Kind.
type Fault struct {
	// Kind is the failure class.
	Kind Kind
	// Action names the emulator requests that fail, in the emulator's own
	// action names; empty matches every action (UnknownStatus: the
	// emulator's status read only).
	Action string
	// Times is how many matching requests fail in a row; 0 means 1.
	Times int
	// Delay is how long Slow holds the request; 0 means the emulator's
	// default.
	Delay time.Duration
	// RetryAfter is what TooManyRequests asks for, sent in whole seconds
	// rounded up; 0 means the emulator's default. A Refuse or
	// ResetThenRefuse with Status 429 sends it too.
	RetryAfter time.Duration
	// Status is the HTTP status of Refuse and ResetThenRefuse (required,
	// 400-599) and of GatewayErrorApplyLater (500-599, default 502).
	Status int
}

// Validate reports what is wrong with f on its own, if anything. Whether
// f.Action names a real action is for the emulator to say: its
// TryInjectFault checks that against the actions it knows.
func (f Fault) Validate() error {
	if !f.Kind.Defined() {
		return fmt.Errorf("fault kind %d is not defined", int(f.Kind))
	}
	if f.Times < 0 {
		return fmt.Errorf("fault times %d is negative", f.Times)
	}
	if f.Delay < 0 || f.RetryAfter < 0 {
		return errors.New("fault delay and retry-after must not be negative")
	}
	switch f.Kind {
	case Refuse, ResetThenRefuse:
		if f.Status < 400 || f.Status > 599 {
			return fmt.Errorf("fault.%s needs a Status from 400 to 599, got %d", f.Kind, f.Status)
		}
	case GatewayErrorApplyLater:
		if f.Status != 0 && (f.Status < 500 || f.Status > 599) {
			return fmt.Errorf("fault.%s needs a Status from 500 to 599 (or 0 for %d), got %d", f.Kind, DefaultGatewayStatus, f.Status)
		}
	default:
		if f.Status != 0 {
			return fmt.Errorf("fault.%s takes no Status", f.Kind)
		}
	}
	return nil
}
