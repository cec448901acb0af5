package payments_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeProvider answers Status and Operation from scripted sequences.
type fakeProvider struct {
	mu        sync.Mutex
	statuses  []status.Status
	ops       []*payments.Result
	opErr     error
	statusN   int
	operation int
}

func (f *fakeProvider) Name() string { return "fake" }
func (f *fakeProvider) Capture(context.Context, payments.Ref, *payments.CaptureOptions) (*payments.Result, error) {
	return nil, nil
}
func (f *fakeProvider) Void(context.Context, payments.Ref, *payments.VoidOptions) (*payments.Result, error) {
	return nil, nil
}
func (f *fakeProvider) Rollback(context.Context, payments.Ref, *payments.RollbackOptions) (*payments.Result, error) {
	return nil, nil
}
func (f *fakeProvider) Status(_ context.Context, ref payments.Ref) (*payments.Payment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.statuses[min(f.statusN, len(f.statuses)-1)]
	f.statusN++
	return &payments.Payment{Ref: ref, Provider: "fake", Status: s, RawStatus: s.String()}, nil
}

// opProvider adds OperationChecker to fakeProvider.
type opProvider struct{ *fakeProvider }

func (o opProvider) Operation(_ context.Context, _ payments.Ref, id string) (*payments.Result, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.opErr != nil {
		return nil, o.opErr
	}
	r := o.ops[min(o.operation, len(o.ops)-1)]
	o.operation++
	return r, nil
}

var fast = &payments.WaitOptions{Interval: time.Millisecond, MaxInterval: 2 * time.Millisecond}

func TestWaitReturnsSettledResultWithoutPolling(t *testing.T) {
	f := &fakeProvider{statuses: []status.Status{status.Captured}}
	res := &payments.Result{Status: status.Captured}
	got, err := payments.Wait(context.Background(), f, res, fast)
	require.NoError(t, err)
	assert.Same(t, res, got)
	assert.Zero(t, f.statusN, "a settled result needs no request")
}

func TestWaitPollsStatusUntilNotPending(t *testing.T) {
	f := &fakeProvider{statuses: []status.Status{status.Pending, status.Pending, status.Captured}}
	got, err := payments.Wait(context.Background(), f, &payments.Result{Ref: payments.Ref{ID: "x"}, Pending: true}, fast)
	require.NoError(t, err)
	assert.False(t, got.Pending)
	assert.Equal(t, status.Captured, got.Status)
	assert.Equal(t, 3, f.statusN)
}

func TestWaitAsksTheOperationWhenItCan(t *testing.T) {
	f := &fakeProvider{statuses: []status.Status{status.Pending}, ops: []*payments.Result{
		{Pending: true, OperationID: "op"},
		{Status: status.Refunded, OperationID: "op"},
	}}
	got, err := payments.Wait(context.Background(), opProvider{f}, &payments.Result{Pending: true, OperationID: "op"}, fast)
	require.NoError(t, err)
	assert.Equal(t, status.Refunded, got.Status)
	assert.Equal(t, 2, f.operation)
	assert.Zero(t, f.statusN, "an operation is asked about directly")
}

func TestWaitReturnsOperationFailure(t *testing.T) {
	fail := &payments.Error{Code: payments.CodeFailedPrecondition, Message: "hold expired"}
	f := &fakeProvider{opErr: fail}
	_, err := payments.Wait(context.Background(), opProvider{f}, &payments.Result{Pending: true, OperationID: "op"}, fast)
	assert.ErrorIs(t, err, payments.ErrFailedPrecondition)
}

func TestWaitHonoursContext(t *testing.T) {
	f := &fakeProvider{statuses: []status.Status{status.Pending}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := payments.Wait(ctx, f, &payments.Result{Pending: true}, fast)
	assert.Equal(t, payments.CodeDeadlineExceeded, payments.CodeOf(err))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestWaitNilResult(t *testing.T) {
	_, err := payments.Wait(context.Background(), &fakeProvider{}, nil, nil)
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err))
}
