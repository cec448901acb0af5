package yandexpaytest

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"
)

// The payment page. Every order created through POST /v1/orders gets a
// paymentUrl on the emulator's second listener ([Server.PageURL]): a small
// real web page showing the order and its cart, with a Pay button (the
// order becomes AUTHORIZED, or CAPTURED with Options.OneStage) and a
// Decline button (FAILED). An unpaid order fails when its link expires on
// the emulator clock, whether or not anyone looks at it then; a buyer who
// opens the page before then gets OpenedGrace more, as Yandex Pay gives one. Tests without a browser use
// [Server.Pay], [Server.Decline] and [Server.Advance], which act exactly as
// the page does.

// Buyer actions, for Count.
const (
	ActionCreate  = "create"  // POST /v1/orders (also a fault action)
	ActionPay     = "pay"     // the buyer paid on the page
	ActionDecline = "decline" // the buyer declined on the page
	ActionExpire  = "expire"  // the link expired unpaid
)

// Errors of the buyer actions.
var (
	// ErrNotPayable is returned by Pay and Decline for an order that is not
	// PENDING (already paid, declined or expired).
	ErrNotPayable = errors.New("yandexpaytest: the order is not waiting for payment")
	// ErrNoOrder is returned for an unknown order id.
	ErrNoOrder = errors.New("yandexpaytest: no such order")
)

// PageURL is the root of the payment pages' listener.
func (s *Server) PageURL() string { return s.page.URL }

// Now is the emulator clock: real time plus every Advance. It decides when
// payment links expire.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Server) nowLocked() time.Time { return time.Now().UTC().Add(s.advanced) }

// Advance moves the emulator clock forward by d; unpaid orders whose link
// has expired fail (FAILED) at once. A negative d is ignored.
func (s *Server) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advanced += d
	now := s.nowLocked()
	for _, o := range s.orders {
		s.expire(o, now)
	}
	s.callback.Kick()
}

// SetOneStage switches the merchant between two-stage payment (the buyer's
// payment leaves the order AUTHORIZED until captured; the default) and
// one-stage (the order is CAPTURED at once), for payments made from now on.
func (s *Server) SetOneStage(oneStage bool) {
	s.mu.Lock()
	s.oneStage = oneStage
	s.mu.Unlock()
}

// Pay pays a PENDING order as the buyer's Pay button does.
func (s *Server) Pay(orderID string) error { return s.buyer(orderID, ActionPay) }

// Decline declines a PENDING order as the buyer's Decline button does.
func (s *Server) Decline(orderID string) error { return s.buyer(orderID, ActionDecline) }

func (s *Server) buyer(orderID, action string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[orderID]
	if !ok {
		return fmt.Errorf("%w %q", ErrNoOrder, orderID)
	}
	return s.buyerLocked(o, action, s.nowLocked())
}

// buyerLocked applies a buyer's action; the caller holds the lock.
func (s *Server) buyerLocked(o *Order, action string, now time.Time) error {
	s.expire(o, now)
	if o.Status != StatusPending {
		return fmt.Errorf("%w: %q is %s", ErrNotPayable, o.OrderID, o.Status)
	}
	switch action {
	case ActionPay:
		to := StatusAuthorized
		if s.oneStage {
			to, o.CapturedAmount = StatusCaptured, o.Amount
		}
		s.setStatus(o, to, "", now)
	case ActionDecline:
		s.setStatus(o, StatusFailed, "declined by the buyer", now)
	}
	s.applied.Add(o.OrderID, action)
	return nil
}

// expire fails a PENDING order whose link has expired; the caller holds
// the lock.
func (s *Server) expire(o *Order, now time.Time) {
	if o.Status != StatusPending || o.ExpiresAt.IsZero() || now.Before(o.ExpiresAt) {
		return
	}
	s.setStatus(o, StatusFailed, "the payment link expired", now)
	s.applied.Add(o.OrderID, ActionExpire)
}

// expiryTick is how often unpaid links are checked against the emulator
// clock, so that an order fails (and its notification goes out) near the
// time its link expires even when nobody reads it.
const expiryTick = 200 * time.Millisecond

// watchExpiry expires unpaid orders as their links run out, until done.
func (s *Server) watchExpiry(done <-chan struct{}) {
	t := time.NewTicker(expiryTick)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			s.mu.Lock()
			now := s.nowLocked()
			for _, o := range s.orders {
				s.expire(o, now)
			}
			s.mu.Unlock()
		}
	}
}

// setStatus is the one place the buyer's side (paying, declining, expiry)
// changes an order's status, so that every such change is also where the
// provider's ORDER_STATUS_UPDATED notification is sent from. The caller
// holds the lock.
func (s *Server) setStatus(o *Order, to, reason string, now time.Time) {
	o.Status, o.Updated = to, now
	if reason != "" {
		o.Reason = reason
	}
	s.orderStatusChanged(o)
}

// orderStatusChanged is called after every change setStatus makes; it
// records the change and sends its webhook.
func (s *Server) orderStatusChanged(o *Order) {
	s.statusChanges = append(s.statusChanges, StatusChange{OrderID: o.OrderID, Status: o.Status, At: o.Updated})
	s.orderChanged(o, o.Updated)
}

// StatusChange is one change the buyer's side made to an order.
type StatusChange struct {
	// OrderID names the order that changed.
	OrderID string
	// Status is the paymentStatus the order moved to (StatusAuthorized,
	// StatusCaptured, StatusFailed).
	Status string
	// At is when it changed, on the emulator clock.
	At time.Time
}

// StatusChanges lists the changes the buyer's side (Pay, Decline, expiry)
// made to orders, oldest first.
func (s *Server) StatusChanges() []StatusChange {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]StatusChange(nil), s.statusChanges...)
}

// pageView is what the page template shows.
type pageView struct {
	OrderID, Status, Amount, Expires, Reason string
	Items                                    []pageItem
	Pending                                  bool
	Return                                   string
}

type pageItem struct{ Title, Count, Total string }

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Yandex Pay emulator: order {{.OrderID}}</title></head>
<body>
<h1>Yandex Pay (emulator)</h1>
<p>Order <code id="order">{{.OrderID}}</code>: <strong id="amount">{{.Amount}}</strong></p>
<table id="cart">{{range .Items}}<tr><td>{{.Title}}</td><td>× {{.Count}}</td><td>{{.Total}}</td></tr>{{end}}</table>
<p>Status: <strong id="status">{{.Status}}</strong>{{if .Reason}} (<span id="reason">{{.Reason}}</span>){{end}}</p>
{{if .Pending}}<p>The link expires at <time id="expires">{{.Expires}}</time>.</p>
<form method="post"><button type="submit" id="pay" name="action" value="pay">Pay {{.Amount}}</button>
<button type="submit" id="decline" name="action" value="decline">Decline</button></form>
{{else if .Return}}<p><a id="return" href="{{.Return}}">Return to the shop</a></p>{{end}}
</body></html>
`))

// servePage serves GET and POST /pay/{token}.
func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutPrefix(r.URL.Path, "/pay/")
	if !ok || token == "" || strings.Contains(token, "/") {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[s.pageTokens[token]]
	if !ok {
		http.NotFound(w, r)
		return
	}
	now := s.nowLocked()
	switch r.Method {
	case http.MethodGet:
		s.expire(o, now)
		if o.Status == StatusPending && !o.opened {
			o.opened = true
			if grace := now.Add(OpenedGrace); o.ExpiresAt.Before(grace) {
				o.ExpiresAt = grace
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = pageTemplate.Execute(w, s.view(o))
	case http.MethodPost:
		action := r.PostFormValue("action")
		if action != ActionPay && action != ActionDecline {
			http.Error(w, "action must be pay or decline", http.StatusBadRequest)
			return
		}
		if err := s.buyerLocked(o, action, now); err != nil {
			http.Error(w, err.Error(), http.StatusConflict)
			return
		}
		// Post/Redirect/Get: a reload shows the result, never pays twice.
		http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (s *Server) view(o *Order) pageView {
	v := pageView{OrderID: o.OrderID, Status: o.Status, Reason: o.Reason,
		Amount: formatAmount(o.Amount) + " " + o.Currency, Pending: o.Status == StatusPending,
		Expires: o.ExpiresAt.Format(time.RFC3339)}
	if o.Cart != nil {
		for _, it := range o.Cart.Items {
			v.Items = append(v.Items, pageItem{Title: it.Title, Count: fmt.Sprint(it.Count), Total: formatAmount(it.Total)})
		}
	}
	switch o.Status {
	case StatusAuthorized, StatusCaptured:
		v.Return = o.RedirectURLs.OnSuccess
	case StatusFailed:
		v.Return = o.RedirectURLs.OnError
	}
	return v
}
