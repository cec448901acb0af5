package payments_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/status"
)

// Wait used to panic on a nil Provider (it asked the nil for its name to
// build the nil-Result error) and on a nil context; bad input is an error.
func TestWaitRefusesNilProviderAndContext(t *testing.T) {
	pending := &payments.Result{Pending: true}
	_, err := payments.Wait(context.Background(), nil, pending, fast)
	require.Error(t, err)
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err))
	assert.Contains(t, err.Error(), "nil Provider")

	//lint:ignore SA1012 a nil context is the input under test
	_, err = payments.Wait(nil, &fakeProvider{statuses: []status.Status{status.Pending}}, pending, fast)
	require.Error(t, err)
	assert.Equal(t, payments.CodeInvalidArgument, payments.CodeOf(err))
	assert.Contains(t, err.Error(), "nil context")
}

// nilAnswerProvider answers a poll with neither a value nor an error, as a
// buggy third-party adapter registered through payments.Register might.
type nilAnswerProvider struct{ fakeProvider }

func (*nilAnswerProvider) Status(context.Context, payments.Ref) (*payments.Payment, error) {
	return nil, nil
}

func (*nilAnswerProvider) Operation(context.Context, payments.Ref, string) (*payments.Result, error) {
	return nil, nil
}

// Wait dereferenced the poll's answer unchecked and crashed the caller. The
// action it waits for was accepted, so the answer is OutcomeUnknown ("check
// Status"), never a panic and never a plain failure.
func TestWaitSurvivesNilPollAnswer(t *testing.T) {
	for _, res := range []*payments.Result{
		{Pending: true},                     // polled through Status
		{Pending: true, OperationID: "op1"}, // polled through Operation
	} {
		got, err := payments.Wait(context.Background(), &nilAnswerProvider{}, res, fast)
		assert.Nil(t, got)
		require.Error(t, err)
		assert.Equal(t, payments.CodeOutcomeUnknown, payments.CodeOf(err), "%v", err)
		assert.Contains(t, err.Error(), "may still finish")
	}
}
