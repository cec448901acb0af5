package fault

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestKindString(t *testing.T) {
	cases := []struct {
		k       Kind
		name    string
		defined bool
	}{
		{ServerError, "ServerError", true},
		{TooManyRequests, "TooManyRequests", true},
		{ResetBeforeApply, "ResetBeforeApply", true},
		{ResetAfterApply, "ResetAfterApply", true},
		{Slow, "Slow", true},
		{TruncatedBody, "TruncatedBody", true},
		{OversizedBody, "OversizedBody", true},
		{UnknownStatus, "UnknownStatus", true},
		{Refuse, "Refuse", true},
		{ResetThenRefuse, "ResetThenRefuse", true},
		{GatewayErrorApplyLater, "GatewayErrorApplyLater", true},
		{0, "FaultKind(0)", false},
		{99, "FaultKind(99)", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.name, c.k.String())
		assert.Equal(t, c.defined, c.k.Defined(), c.name)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		f   Fault
		err string
	}{
		{Fault{Kind: ServerError}, ""},
		{Fault{Kind: Slow, Action: "anything", Times: 3, Delay: time.Second, RetryAfter: time.Second}, ""},
		{Fault{}, "fault kind 0 is not defined"},
		{Fault{Kind: 42}, "fault kind 42 is not defined"},
		{Fault{Kind: ServerError, Times: -1}, "fault times -1 is negative"},
		{Fault{Kind: Slow, Delay: -time.Second}, "fault delay and retry-after must not be negative"},
		{Fault{Kind: TooManyRequests, RetryAfter: -time.Second}, "fault delay and retry-after must not be negative"},
		{Fault{Kind: Refuse, Status: 409}, ""},
		{Fault{Kind: Refuse}, "fault.Refuse needs a Status from 400 to 599, got 0"},
		{Fault{Kind: ResetThenRefuse, Status: 302}, "fault.ResetThenRefuse needs a Status from 400 to 599, got 302"},
		{Fault{Kind: GatewayErrorApplyLater}, ""},
		{Fault{Kind: GatewayErrorApplyLater, Status: 429}, "fault.GatewayErrorApplyLater needs a Status from 500 to 599 (or 0 for 502), got 429"},
		{Fault{Kind: ServerError, Status: 500}, "fault.ServerError takes no Status"},
	}
	for _, c := range cases {
		err := c.f.Validate()
		if c.err == "" {
			assert.NoError(t, err, "%+v", c.f)
			continue
		}
		assert.EqualError(t, err, c.err, "%+v", c.f)
	}
}
