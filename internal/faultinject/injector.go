package faultinject

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/regionpay/payments/fault"
)

// Config is what an emulator tells its Injector about itself. The zero
// value accepts any action and keeps zero delays as they are.
type Config struct {
	// Name prefixes Arm's errors, so they say which emulator refused
	// ("rustoretest: fault times -1 is negative").
	Name string
	// Actions lists the action names a fault may target, in the order error
	// messages list them; empty accepts any action.
	Actions []string
	// StatusAction is the action [fault.UnknownStatus] applies to: a fault of that
	// kind with an empty Action targets it, and one naming any other action
	// is refused.
	StatusAction string
	// DefaultDelay replaces a zero [fault.Fault].Delay.
	DefaultDelay time.Duration
	// DefaultRetryAfter replaces a zero [fault.Fault].RetryAfter.
	DefaultRetryAfter time.Duration
}

// Injector is an emulator's queue of armed faults. Faults are used in the
// order armed, each by the next Times requests of its action. It is safe
// for concurrent use; the zero value is ready and accepts any action.
type Injector struct {
	cfg   Config
	mu    sync.Mutex
	armed []*armed
}

// armed is one queued fault and, for a compound one, how far it has got.
type armed struct {
	fault.Fault
	lost bool // ResetThenRefuse: the first request's answer was lost already
}

// NewInjector returns an empty queue that checks and completes faults as
// cfg says.
func NewInjector(cfg Config) *Injector {
	cfg.Actions = append([]string(nil), cfg.Actions...)
	return &Injector{cfg: cfg}
}

// Check reports what is wrong with f for this emulator, if anything: what
// [fault.Fault.Validate] finds, an Action not among Actions, or
// UnknownStatus aimed at an action other than StatusAction. The error names
// the emulator.
func (c Config) Check(f fault.Fault) error {
	err := f.Validate()
	switch {
	case err != nil:
	case f.Action != "" && len(c.Actions) > 0 && !slices.Contains(c.Actions, f.Action):
		err = fmt.Errorf("fault action %q is not one of %s", f.Action, strings.Join(c.Actions, ", "))
	case f.Kind == fault.UnknownStatus && f.Action != "" && c.StatusAction != "" && f.Action != c.StatusAction:
		err = fmt.Errorf("fault.%s applies to %s reads only, not %q", fault.UnknownStatus, c.StatusAction, f.Action)
	}
	if err != nil && c.Name != "" {
		return fmt.Errorf("%s: %w", c.Name, err)
	}
	return err
}

// Arm checks f (see Config.Check), fills its defaults and queues it; on
// error nothing is armed.
func (in *Injector) Arm(f fault.Fault) error {
	if err := in.cfg.Check(f); err != nil {
		return err
	}
	if f.Times == 0 {
		f.Times = 1
	}
	if f.Delay == 0 {
		f.Delay = in.cfg.DefaultDelay
	}
	if f.RetryAfter == 0 {
		f.RetryAfter = in.cfg.DefaultRetryAfter
	}
	if f.Kind == fault.UnknownStatus && f.Action == "" {
		f.Action = in.cfg.StatusAction
	}
	if f.Kind == fault.GatewayErrorApplyLater && f.Status == 0 {
		f.Status = fault.DefaultGatewayStatus
	}
	in.mu.Lock()
	in.armed = append(in.armed, &armed{Fault: f})
	in.mu.Unlock()
	return nil
}

// Take uses up one request's worth of the oldest armed fault that matches
// action; ok is false when none does. A compound fault is handed out as its
// steps: a [fault.ResetThenRefuse] is a [fault.ResetAfterApply] for the
// first request, then a [fault.Refuse] for each of the next Times.
func (in *Injector) Take(action string) (f fault.Fault, ok bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for i, a := range in.armed {
		if a.Action != "" && a.Action != action {
			continue
		}
		f = a.Fault
		if f.Kind == fault.ResetThenRefuse {
			if !a.lost {
				a.lost = true
				return fault.Fault{Kind: fault.ResetAfterApply, Action: f.Action, Times: 1}, true
			}
			f.Kind = fault.Refuse
		}
		a.Times--
		if a.Times <= 0 {
			in.armed = append(in.armed[:i], in.armed[i+1:]...)
		}
		return f, true
	}
	return fault.Fault{}, false
}

// Reset disarms every fault.
func (in *Injector) Reset() {
	in.mu.Lock()
	in.armed = nil
	in.mu.Unlock()
}
