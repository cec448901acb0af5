package faultinject

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/regionpay/payments/fault"
)

// Reply is an emulator's answer in wire form, built before delivery so a
// fault can spoil how it travels without touching the state again.
type Reply struct {
	// Status is the HTTP status code.
	Status int
	// Header holds the answer's headers; Content-Length is set on delivery.
	Header http.Header
	// Body is the complete answer body.
	Body []byte
}

// Hooks is what only the emulator knows about one request, handed to
// Deliver.
type Hooks struct {
	// Refusal builds the emulator's own error answer for a fault that
	// refuses before acting: status is 503 ([fault.ServerError]), 429
	// ([fault.TooManyRequests]) or any 4xx/5xx of [fault.Refuse]. Deliver
	// adds Retry-After itself.
	Refusal func(status int) Reply
	// Act applies the request and returns its answer. kind is the fault
	// that will spoil the answer (0 for none), for emulators that record
	// an abnormal ending or report an unknown status. Deliver calls it at
	// most once, and never for faults that refuse before acting; for
	// [fault.GatewayErrorApplyLater] it calls it from another goroutine
	// after the answer was sent, so Act must not use the ResponseWriter
	// or read the request.
	Act func(kind fault.Kind) Reply
	// Hold, when set, is called as [fault.Slow] starts holding the request; the
	// function it returns is called when the hold ends, with aborted true
	// when the client or the emulator went away. RuStore uses it to show a
	// held confirm as "processing".
	Hold func() (release func(aborted bool))
	// Done is closed when the emulator closes; a held request then ends
	// without acting.
	Done <-chan struct{}
}

// refusals maps the kinds that refuse before acting to their HTTP status.
var refusals = map[fault.Kind]int{
	fault.ServerError:     http.StatusServiceUnavailable,
	fault.TooManyRequests: http.StatusTooManyRequests,
}

// Deliver answers one request as f says: a zero f (no fault armed) acts and
// answers normally. It is the single place both emulators spoil answers, so
// a fault means the same on either.
func Deliver(w http.ResponseWriter, r *http.Request, f fault.Fault, h Hooks) {
	status, refused := refusals[f.Kind]
	if f.Kind == fault.Refuse {
		status, refused = f.Status, true
	}
	if refused {
		rep := h.Refusal(status)
		if status == http.StatusTooManyRequests {
			rep.Header = withHeader(rep.Header, "Retry-After", RetryAfterSeconds(f.RetryAfter))
		}
		Respond(w, rep)
		return
	}
	switch f.Kind {
	case fault.GatewayErrorApplyLater:
		Respond(w, GatewayPage(f.Status))
		go func() {
			if Wait(context.Background(), h.Done, f.Delay) {
				h.Act(f.Kind)
			}
		}()
		return
	case fault.ResetBeforeApply:
		Reset(w)
		return
	case fault.Slow:
		var release func(bool)
		if h.Hold != nil {
			release = h.Hold()
		}
		aborted := !Wait(r.Context(), h.Done, f.Delay)
		if release != nil {
			release(aborted)
		}
		if aborted {
			Reset(w)
			return
		}
	}
	rep := h.Act(f.Kind)
	switch f.Kind {
	case fault.ResetAfterApply:
		Reset(w)
	case fault.TruncatedBody:
		RespondTruncated(w, rep)
	case fault.OversizedBody:
		rep.Body = Pad(rep.Body, fault.OversizedBodySize)
		Respond(w, rep)
	default:
		Respond(w, rep)
	}
}

// withHeader returns h (a new header when nil) with key set to value.
func withHeader(h http.Header, key, value string) http.Header {
	if h == nil {
		h = http.Header{}
	}
	h.Set(key, value)
	return h
}

// RetryAfterSeconds renders d as a Retry-After value: whole seconds,
// rounded up, so a client never retries sooner than asked.
func RetryAfterSeconds(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return strconv.FormatInt(int64((d+time.Second-1)/time.Second), 10)
}

// Respond sends rep whole, with its Content-Length.
func Respond(w http.ResponseWriter, rep Reply) {
	h := w.Header()
	for k, v := range rep.Header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(rep.Body)))
	w.WriteHeader(rep.Status)
	_, _ = w.Write(rep.Body)
}

// Wait holds a request for d. It reports true when d passed, false when the
// client went away (ctx) or the emulator closed (done; nil never closes)
// first. net/http cancels a request's context on a client leaving only once
// the handler has read the request body to its end.
func Wait(ctx context.Context, done <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-done:
		return false
	}
}

// Reset drops the connection with a TCP reset and no answer, as a crashed
// proxy would: SO_LINGER 0 turns the close into an RST.
func Reset(w http.ResponseWriter) {
	conn, _ := hijack(w)
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// RespondTruncated announces the whole body in Content-Length, sends half of
// it and closes the connection, so the client meets an unexpected EOF.
func RespondTruncated(w http.ResponseWriter, rep Reply) {
	conn, buf := hijack(w)
	defer conn.Close()
	h := rep.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Length", strconv.Itoa(len(rep.Body)))
	h.Set("Connection", "close")
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", rep.Status, http.StatusText(rep.Status))
	_ = h.Write(buf)
	_, _ = buf.WriteString("\r\n")
	_, _ = buf.Write(rep.Body[:len(rep.Body)/2])
	_ = buf.Flush()
}

// hijack takes the connection over from net/http, looking through
// middleware that wraps the ResponseWriter. Where that is impossible (HTTP/2,
// a wrapper that hides it) the handler is aborted the way net/http
// documents, which drops the connection or stream without an answer: a
// spoiled answer must never turn into a well-formed one.
func hijack(w http.ResponseWriter) (net.Conn, interface {
	WriteString(string) (int, error)
	Write([]byte) (int, error)
	Flush() error
}) {
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	return conn, rw.Writer
}

// Pad grows a JSON object to about size more bytes with a "padding" member,
// so the answer stays valid JSON and only its size is wrong. A body that is
// not a JSON object is returned as it is.
func Pad(body []byte, size int) []byte {
	trimmed := bytes.TrimRight(body, " \t\r\n")
	if len(trimmed) == 0 || trimmed[len(trimmed)-1] != '}' || size <= 0 {
		return body
	}
	// Spliced in rather than marshalled: encoding megabytes of JSON string
	// is slow under the race detector.
	inner := bytes.TrimSpace(trimmed[:len(trimmed)-1])
	out := make([]byte, 0, len(trimmed)+size+16)
	out = append(out, inner...)
	if len(inner) > 1 { // more than "{": the object has members already
		out = append(out, ',')
	}
	out = append(out, `"padding":"`...)
	out = append(out, bytes.Repeat([]byte{'x'}, size)...)
	return append(out, `"}`...)
}

// GatewayPage is the answer of a reverse proxy that could not get one from
// the server behind it: an HTML page, not the provider's JSON, as nginx and
// cloud load balancers send.
func GatewayPage(status int) Reply {
	text := fmt.Sprintf("%d %s", status, http.StatusText(status))
	body := "<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text +
		"</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	return Reply{Status: status, Header: http.Header{"Content-Type": []string{"text/html"}}, Body: []byte(body)}
}
