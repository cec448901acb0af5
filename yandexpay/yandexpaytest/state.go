package yandexpaytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// minRefund is the smallest refund, and the smallest non-zero remainder after
// one, in minor units (1.00 RUB).
const minRefund = 100

// transition is what one operation type needs and does to an order.
type transition struct {
	// action is the Count name of the change.
	action string
	// from lists the raw statuses the operation starts from.
	from []string
	// apply changes the order when the operation succeeds.
	apply func(o *Order, op *opState)
}

func capture(o *Order, op *opState) {
	o.Status, o.Amount, o.CapturedAmount = StatusCaptured, op.Amount, op.Amount
	if op.cart != nil {
		o.Cart = op.cart
	}
}

var transitions = map[string]transition{
	OperationCapture: {ActionCapture, []string{StatusAuthorized}, capture},
	OperationSubmit:  {ActionSubmit, []string{StatusConfirmed}, capture},
	OperationVoid: {ActionCancel, []string{StatusAuthorized}, func(o *Order, op *opState) {
		o.Status, o.Reason = StatusVoided, op.voidReason
	}},
	OperationRefund: {ActionRefund, []string{StatusCaptured, StatusPartiallyRefunded}, func(o *Order, op *opState) {
		o.RefundedAmount += op.Amount
		if op.cart != nil {
			o.Cart = op.cart
		}
		o.Status = StatusPartiallyRefunded
		if o.RefundedAmount >= o.Amount {
			o.Status = StatusRefunded
		}
	}},
}

// actionOperation names the operation type each write creates.
var actionOperation = map[string]string{
	ActionCapture:  OperationCapture,
	ActionSubmit:   OperationSubmit,
	ActionCancel:   OperationVoid,
	ActionRefund:   OperationRefund,
	ActionRefundV1: OperationRefund,
}

func allowed(t transition, status string) bool {
	for _, s := range t.from {
		if s == status {
			return true
		}
	}
	return false
}

// remaining is what a paid order can still refund.
func remaining(o *Order) int64 { return o.Amount - o.RefundedAmount }

// act performs one routed request under the lock and builds its answer.
func (s *Server) act(action, id string, body []byte, unknownStatus bool) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	if o, ok := s.orders[id]; ok {
		s.expire(o, now)
	}
	switch action {
	case ActionOrder:
		return s.readOrder(id, unknownStatus, now)
	case ActionOperation:
		return s.readOperation(id, now)
	case ActionRollback:
		return s.rollback(id, now)
	}
	return s.write(action, id, body, now)
}

func (s *Server) readOrder(id string, unknownStatus bool, now time.Time) reply {
	o, ok := s.orders[id]
	if !ok {
		return s.orderNotFound(id)
	}
	for _, op := range s.orderOps[id] {
		if op.Status == OperationPending && op.completeOnRead {
			s.complete(op, true, now)
		}
	}
	ops := make([]map[string]any, 0, len(s.orderOps[id]))
	for _, op := range s.orderOps[id] {
		ops = append(ops, operationJSON(op.Operation))
	}
	order := s.orderJSON(o)
	if unknownStatus {
		order["paymentStatus"] = UnknownStatus
	}
	return success(map[string]any{"order": order, "operations": ops})
}

func (s *Server) readOperation(extID string, now time.Time) reply {
	op, ok := s.byExtID[extID]
	if !ok {
		return s.refuse(s.wording.OperationNotFound, "operation not found",
			map[string]any{"externalOperationId": extID})
	}
	if op.Status == OperationPending && op.completeOnRead {
		s.complete(op, true, now)
	}
	return success(map[string]any{"operation": operationJSON(op.Operation)})
}

// writeRequest is the body of capture, cancel, submit and refund.
type writeRequest struct {
	ExternalOperationID *string         `json:"externalOperationId"`
	OrderAmount         json.RawMessage `json:"orderAmount"`
	RefundAmount        json.RawMessage `json:"refundAmount"`
	Reason              *string         `json:"reason"`
	Cart                json.RawMessage `json:"cart"`
	TargetCart          *cartChange     `json:"targetCart"`
	RefundCart          *cartChange     `json:"refundCart"`
}

// amountField reads an optional decimal-string amount; set is false when it
// is absent or null.
func amountField(name string, raw json.RawMessage) (v int64, set bool, msg string) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return 0, false, ""
	}
	var str string
	if err := json.Unmarshal(raw, &str); err != nil {
		return 0, false, name + " must be a decimal string such as \"123.45\""
	}
	v, err := parseAmount(str)
	if err != nil {
		return 0, false, name + " " + err.Error()
	}
	return v, true, ""
}

func (s *Server) badRequest(msg string) reply {
	return s.refuse(Refusal{http.StatusBadRequest, ReasonBadRequest}, msg, nil)
}

func (s *Server) orderNotFound(id string) reply {
	return s.refuse(s.wording.OrderNotFound, "order not found", map[string]any{"orderId": id})
}

func (s *Server) invalidAmount(msg string, details map[string]any) reply {
	return s.refuse(s.wording.InvalidAmount, msg, details)
}

// writeAmounts are the amounts a write request carries.
type writeAmounts struct {
	order, refund       int64
	orderSet, refundSet bool
}

// decodeWrite reads a write request's body and checks its fields.
func decodeWrite(action string, body []byte) (writeRequest, writeAmounts, string) {
	var req writeRequest
	var am writeAmounts
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			return req, am, "request body must be a JSON object: " + err.Error()
		}
	}
	var msg string
	if am.order, am.orderSet, msg = amountField("orderAmount", req.OrderAmount); msg != "" {
		return req, am, msg
	}
	if am.refund, am.refundSet, msg = amountField("refundAmount", req.RefundAmount); msg != "" {
		return req, am, msg
	}
	if msg := requiredFields(action, req, am.refundSet); msg != "" {
		return req, am, msg
	}
	if action == ActionRefundV1 && (!am.orderSet || len(req.Cart) == 0) {
		return req, am, "orderAmount and cart (the order after the refund) are required"
	}
	return req, am, ""
}

// write handles capture, cancel, submit and refund: checks, idempotency,
// then a new operation that succeeds at once unless it must stay PENDING.
func (s *Server) write(action, id string, body []byte, now time.Time) reply {
	o, ok := s.orders[id]
	if !ok {
		return s.orderNotFound(id)
	}
	req, am, msg := decodeWrite(action, body)
	if msg != "" {
		return s.badRequest(msg)
	}
	typ := actionOperation[action]
	extID := ""
	if req.ExternalOperationID != nil {
		extID = *req.ExternalOperationID
		if rep, seen := s.repeated(extID, id, typ); seen {
			return rep
		}
	}
	if rep, busy := s.busy(id); busy {
		return rep
	}
	if !allowed(transitions[typ], o.Status) {
		return s.wrongStatus(action, o)
	}
	amount, rep, ok := s.writeAmount(action, o, am)
	if !ok {
		return rep
	}
	cart, amount, rep, ok := s.writeCart(action, o, req, am, amount)
	if !ok {
		return rep
	}
	// Without an externalOperationId the operation has none: the field is
	// the merchant's own key, never one the server makes up.
	op := &opState{Operation: Operation{
		OperationID: newUUID(), ExternalOperationID: extID, OrderID: id, Type: typ,
		Status: OperationPending, Amount: amount, Created: now, Updated: now,
		Params: writeParams(action, amount, req),
	}, cart: cart}
	if req.Reason != nil {
		op.voidReason = *req.Reason
	}
	s.record(op)
	switch {
	case s.async:
	case action == ActionRefund: // v2 refunds run asynchronously
		op.completeOnRead = true
	default:
		s.complete(op, true, now)
	}
	return success(map[string]any{"operation": operationJSON(op.Operation)})
}

// repeated answers a write whose externalOperationId is taken: the pending
// operation it names again, or DUPLICATE_EXTERNAL_OPERATION_ID.
func (s *Server) repeated(extID, id, typ string) (reply, bool) {
	prev, ok := s.byExtID[extID]
	switch {
	case !ok:
		return reply{}, false
	case prev.Status == OperationPending && prev.OrderID == id && prev.Type == typ:
		return success(map[string]any{"operation": operationJSON(prev.Operation)}), true
	}
	return s.refuse(Refusal{s.wording.DuplicateHTTP, ReasonDuplicateExternalOperationID},
		"an operation with this externalOperationId already exists; read it with /v1/operations/{external_operation_id}",
		map[string]any{"externalOperationId": extID}), true
}

// writeAmount is the amount a write moves: the refund's, a partial
// capture's, or the order's; ok is false with the refusal of an amount the
// order does not allow.
func (s *Server) writeAmount(action string, o *Order, am writeAmounts) (int64, reply, bool) {
	switch {
	case action == ActionRefund, action == ActionRefundV1:
		if rep, bad := s.refundRefusal(o, am.refund); bad {
			return 0, rep, false
		}
		return am.refund, reply{}, true
	case am.orderSet && (action == ActionCapture || action == ActionSubmit):
		if am.order <= 0 || am.order > o.Amount {
			return 0, s.invalidAmount("orderAmount must be above 0 and not above the authorized amount",
				map[string]any{"orderAmount": formatAmount(am.order), "authorized": formatAmount(o.Amount)}), false
		}
		return am.order, reply{}, true
	}
	return o.Amount, reply{}, true
}

// refundRefusal refuses a refund amount the order cannot give back.
func (s *Server) refundRefusal(o *Order, amount int64) (reply, bool) {
	left := remaining(o)
	switch {
	case amount < minRefund:
		return s.invalidAmount("refundAmount must be at least 1.00", map[string]any{"refundAmount": formatAmount(amount)}), true
	case amount > left:
		return s.invalidAmount("refundAmount is more than the order has left to refund",
			map[string]any{"refundAmount": formatAmount(amount), "remaining": formatAmount(left)}), true
	case left-amount != 0 && left-amount < minRefund:
		return s.invalidAmount("a refund must leave 0 or at least 1.00 in the order",
			map[string]any{"refundAmount": formatAmount(amount), "remaining": formatAmount(left)}), true
	}
	return reply{}, false
}

// requiredFields names a missing required field of a write, or returns "".
func requiredFields(action string, req writeRequest, refundAmountSet bool) string {
	switch {
	case action == ActionCancel && (req.Reason == nil || *req.Reason == ""):
		return "reason is required"
	case action == ActionSubmit && (req.ExternalOperationID == nil || *req.ExternalOperationID == ""):
		return "externalOperationId is required"
	case (action == ActionRefund || action == ActionRefundV1) && !refundAmountSet:
		return "refundAmount is required"
	case req.ExternalOperationID != nil && *req.ExternalOperationID == "":
		return "externalOperationId must not be empty when present"
	}
	return ""
}

// busy answers ANOTHER_OPERATION_IN_PROGRESS when an operation of the order
// is still PENDING.
func (s *Server) busy(id string) (reply, bool) {
	for _, op := range s.orderOps[id] {
		if op.Status == OperationPending {
			return s.refuse(Refusal{http.StatusConflict, ReasonAnotherOperationInProgress},
				"another operation of this order is in progress",
				map[string]any{"externalOperationId": op.ExternalOperationID}), true
		}
	}
	return reply{}, false
}

func (s *Server) wrongStatus(action string, o *Order) reply {
	reason := fmt.Sprintf("%s is not allowed for an order in status %s", action, o.Status)
	if action == ActionCapture && o.Status == StatusConfirmed {
		reason = "a CONFIRMED (Split) order is captured with /submit, not /capture"
	}
	return s.refuse(s.wording.WrongStatus, reason, map[string]any{"paymentStatus": o.Status})
}

// rollback moves any order to FAILED, refunding a paid one in full.
func (s *Server) rollback(id string, now time.Time) reply {
	o, ok := s.orders[id]
	if !ok {
		return s.orderNotFound(id)
	}
	if rep, busy := s.busy(id); busy {
		return rep
	}
	if (o.Status == StatusCaptured || o.Status == StatusPartiallyRefunded) && remaining(o) > 0 {
		op := &opState{Operation: Operation{
			OperationID: newUUID(), OrderID: id, Type: OperationRefund, Status: OperationSuccess,
			Amount: remaining(o), Created: now, Updated: now,
		}}
		s.record(op)
		o.RefundedAmount = o.Amount
		s.applied.Add(id, ActionRefund)
		s.operationEnded(op, now)
	}
	if o.Status != StatusFailed {
		o.Status = StatusFailed
		o.Updated = now
		s.applied.Add(id, ActionRollback)
		s.orderChanged(o, now)
	}
	return success(map[string]any{})
}

// record stores a new operation; one without an externalOperationId cannot
// be read by it.
func (s *Server) record(op *opState) {
	s.byOpID[op.OperationID] = op
	if op.ExternalOperationID != "" {
		s.byExtID[op.ExternalOperationID] = op
	}
	s.orderOps[op.OrderID] = append(s.orderOps[op.OrderID], op)
}

// complete finishes a PENDING operation; the caller holds the lock.
func (s *Server) complete(op *opState, ok bool, now time.Time) {
	op.Updated = now
	defer s.operationEnded(op, now)
	if !ok {
		op.Status, op.Reason = OperationFail, "declined"
		return
	}
	o, found := s.orders[op.OrderID]
	t := transitions[op.Type]
	switch {
	case !found:
		op.Status, op.Reason = OperationFail, "order not found"
	case !allowed(t, o.Status):
		op.Status, op.Reason = OperationFail, "order is in status "+o.Status
	case op.Type == OperationRefund && op.Amount > remaining(o):
		op.Status, op.Reason = OperationFail, "refund is more than the order has left"
	case (op.Type == OperationCapture || op.Type == OperationSubmit) && op.Amount > o.Amount:
		op.Status, op.Reason = OperationFail, "capture is more than the authorized amount"
	default:
		op.Status = OperationSuccess
		t.apply(o, op)
		o.Updated = now
		s.applied.Add(op.OrderID, t.action)
		s.orderChanged(o, now)
	}
}

const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

func (s *Server) orderJSON(o *Order) map[string]any {
	var status any = o.Status
	if o.Status == "" {
		status = nil
	}
	var reason any
	if o.Reason != "" {
		reason = o.Reason
	}
	left := o.Amount - o.RefundedAmount
	if left < 0 {
		left = 0
	}
	out := map[string]any{
		"orderId":       o.OrderID,
		"merchantId":    s.merchantID,
		"orderAmount":   formatAmount(left),
		"currencyCode":  o.Currency,
		"paymentStatus": status,
		"reason":        reason,
		"created":       o.Created.UTC().Format(timeLayout),
		"updated":       o.Updated.UTC().Format(timeLayout),
	}
	if o.Cart != nil {
		out["cart"] = cartJSON(o.Cart)
	} else {
		out["cart"] = cartJSON(defaultCart(o))
	}
	if o.PaymentURL != "" {
		out["paymentUrl"] = o.PaymentURL
	}
	return out
}

// writeParams are an operation's params: what its request asked for.
func writeParams(action string, amount int64, req writeRequest) map[string]string {
	p := map[string]string{}
	switch action {
	case ActionCapture, ActionSubmit:
		p["orderAmount"] = formatAmount(amount)
	case ActionRefund, ActionRefundV1:
		p["refundAmount"] = formatAmount(amount)
	case ActionCancel:
		if req.Reason != nil {
			p["reason"] = *req.Reason
		}
	}
	return p
}

func operationJSON(op Operation) map[string]any {
	var reason, ext any
	if op.Reason != "" {
		reason = op.Reason
	}
	if op.ExternalOperationID != "" {
		ext = op.ExternalOperationID
	}
	params := map[string]string{}
	for k, v := range op.Params {
		params[k] = v
	}
	return map[string]any{
		"operationId":         op.OperationID,
		"orderId":             op.OrderID,
		"amount":              formatAmount(op.Amount),
		"operationType":       op.Type,
		"status":              op.Status,
		"externalOperationId": ext,
		"reason":              reason,
		"params":              params,
		"created":             op.Created.UTC().Format(timeLayout),
		"updated":             op.Updated.UTC().Format(timeLayout),
	}
}
