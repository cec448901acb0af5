package payments

// Operation names a portable operation. It is the one vocabulary used by
// errors (Error.Op), logs, spans and the conformance suite, so that "capture"
// means the same thing wherever it is read.
type Operation string

// The portable operations.
const (
	// OpCapture charges held money (Provider.Capture).
	OpCapture Operation = "capture"
	// OpVoid releases a hold (Provider.Void).
	OpVoid Operation = "void"
	// OpRollback makes sure a payment ends up not charged (Provider.Rollback).
	OpRollback Operation = "rollback"
	// OpRefund returns captured money (Refunder.Refund).
	OpRefund Operation = "refund"
	// OpStatus reads a payment (Provider.Status).
	OpStatus Operation = "status"
	// OpOperation reads the outcome of an earlier action (OperationChecker).
	OpOperation Operation = "operation"
	// OpWait settles a pending result (Wait).
	OpWait Operation = "wait"
	// OpAuth obtains credentials from the provider (RuStore's token).
	OpAuth Operation = "auth"
	// OpStart creates a payment at the provider (Starter).
	OpStart Operation = "start"
	// OpFind looks payments up (Finder).
	OpFind Operation = "find"
	// OpNew builds a provider from its Config (an adapter's New); its errors
	// name the refused field in Error.Field.
	OpNew Operation = "new"
	// OpNotification verifies and decodes a provider notification.
	OpNotification Operation = "notification"
)

// IsWrite reports whether op may move money: capture, void, rollback, refund
// and start. Writes carry an idempotency key and are never reported as "not
// done" once an attempt may have reached the provider.
func (op Operation) IsWrite() bool {
	switch op {
	case OpCapture, OpVoid, OpRollback, OpRefund, OpStart:
		return true
	}
	return false
}

// String returns the operation's name.
func (op Operation) String() string { return string(op) }
