package faultinject

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/fault"
)

var testConfig = Config{
	Name:              "emu",
	Actions:           []string{"pay", "undo", "read"},
	StatusAction:      "read",
	DefaultDelay:      time.Second,
	DefaultRetryAfter: 2 * time.Second,
}

func TestConfigCheck(t *testing.T) {
	cases := []struct {
		cfg Config
		f   fault.Fault
		err string
	}{
		{testConfig, fault.Fault{Kind: fault.ServerError, Action: "pay"}, ""},
		{testConfig, fault.Fault{Kind: fault.ServerError}, ""},
		{testConfig, fault.Fault{Kind: fault.UnknownStatus}, ""},
		{testConfig, fault.Fault{Kind: fault.UnknownStatus, Action: "read"}, ""},
		{testConfig, fault.Fault{Kind: 0}, "emu: fault kind 0 is not defined"},
		{testConfig, fault.Fault{Kind: fault.ServerError, Action: "capture"}, `emu: fault action "capture" is not one of pay, undo, read`},
		{testConfig, fault.Fault{Kind: fault.UnknownStatus, Action: "pay"}, `emu: fault.UnknownStatus applies to read reads only, not "pay"`},
		{Config{}, fault.Fault{Kind: fault.UnknownStatus, Action: "whatever"}, ""},
		{Config{}, fault.Fault{Kind: fault.ServerError, Times: -2}, "fault times -2 is negative"},
	}
	for _, c := range cases {
		err := c.cfg.Check(c.f)
		if c.err == "" {
			assert.NoError(t, err, "%+v", c.f)
			continue
		}
		assert.EqualError(t, err, c.err, "%+v", c.f)
	}
}

func TestArmFillsDefaults(t *testing.T) {
	cases := []struct {
		cfg       Config
		armed     fault.Fault
		takeAs    string
		wantTaken fault.Fault
	}{
		{testConfig, fault.Fault{Kind: fault.Slow, Action: "pay"}, "pay", fault.Fault{Kind: fault.Slow, Action: "pay", Times: 1, Delay: time.Second, RetryAfter: 2 * time.Second}},
		{testConfig, fault.Fault{Kind: fault.TooManyRequests, Times: 2, Delay: time.Millisecond, RetryAfter: time.Minute}, "undo",
			fault.Fault{Kind: fault.TooManyRequests, Times: 2, Delay: time.Millisecond, RetryAfter: time.Minute}},
		{testConfig, fault.Fault{Kind: fault.UnknownStatus}, "read", fault.Fault{Kind: fault.UnknownStatus, Action: "read", Times: 1, Delay: time.Second, RetryAfter: 2 * time.Second}},
		{Config{}, fault.Fault{Kind: fault.Slow}, "x", fault.Fault{Kind: fault.Slow, Times: 1}},
	}
	for _, c := range cases {
		in := NewInjector(c.cfg)
		require.NoError(t, in.Arm(c.armed))
		got, ok := in.Take(c.takeAs)
		require.True(t, ok, "%+v", c.armed)
		assert.Equal(t, c.wantTaken, got)
	}
}

func TestArmRefusesInvalid(t *testing.T) {
	in := NewInjector(testConfig)
	require.Error(t, in.Arm(fault.Fault{Kind: fault.ServerError, Action: "nope"}))
	require.Error(t, in.Arm(fault.Fault{Kind: fault.UnknownStatus, Action: "pay"}))
	for _, action := range append(testConfig.Actions, "nope") {
		_, ok := in.Take(action)
		assert.False(t, ok, "a refused fault was armed for %q", action)
	}
}

func TestTakeOrderAndTimes(t *testing.T) {
	in := NewInjector(testConfig)
	require.NoError(t, in.Arm(fault.Fault{Kind: fault.ServerError, Action: "pay", Times: 2}))
	require.NoError(t, in.Arm(fault.Fault{Kind: fault.TooManyRequests, Action: "pay"}))
	require.NoError(t, in.Arm(fault.Fault{Kind: fault.ResetBeforeApply}))
	require.NoError(t, in.Arm(fault.Fault{Kind: fault.UnknownStatus}))

	steps := []struct {
		action string
		want   fault.Kind // 0: no fault
	}{
		{"undo", fault.ResetBeforeApply}, // the empty-action fault matches any action
		{"read", fault.UnknownStatus},    // UnknownStatus waits for the status read
		{"read", 0},
		{"pay", fault.ServerError},
		{"pay", fault.ServerError},
		{"pay", fault.TooManyRequests},
		{"pay", 0},
		{"undo", 0},
	}
	for i, s := range steps {
		f, ok := in.Take(s.action)
		assert.Equal(t, s.want != 0, ok, "step %d", i)
		assert.Equal(t, s.want, f.Kind, "step %d", i)
	}
}

func TestReset(t *testing.T) {
	var in Injector // the zero value is ready
	require.NoError(t, in.Arm(fault.Fault{Kind: fault.ServerError, Times: 5}))
	require.NoError(t, in.Arm(fault.Fault{Kind: fault.Slow, Action: "x"}))
	in.Reset()
	_, ok := in.Take("x")
	assert.False(t, ok)
	require.NoError(t, in.Arm(fault.Fault{Kind: fault.ServerError}))
	f, ok := in.Take("x")
	assert.True(t, ok)
	assert.Equal(t, fault.ServerError, f.Kind)
}

// TestInjectorConcurrent arms and takes from many goroutines: every armed
// request's worth is taken exactly once.
func TestInjectorConcurrent(t *testing.T) {
	in := NewInjector(testConfig)
	const workers, times = 8, 25
	var wg sync.WaitGroup
	taken := make(chan fault.Fault, workers*times)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			action := testConfig.Actions[i%2]
			assert.NoError(t, in.Arm(fault.Fault{Kind: fault.ServerError, Action: action, Times: times}))
			for j := 0; j < times; j++ {
				if f, ok := in.Take(action); ok {
					taken <- f
				}
			}
		}(i)
	}
	wg.Wait()
	close(taken)
	n := 0
	for range taken {
		n++
	}
	for _, action := range testConfig.Actions {
		for {
			if _, ok := in.Take(action); !ok {
				break
			}
			n++
		}
	}
	assert.Equal(t, workers*times, n, fmt.Sprintf("%d armed, %d taken", workers*times, n))
}

// TestTakeResetThenRefuse: the compound fault is handed out as its steps,
// the answer lost first, then Times refusals, then nothing.
func TestTakeResetThenRefuse(t *testing.T) {
	in := NewInjector(testConfig)
	require.NoError(t, in.Arm(fault.Fault{Kind: fault.ResetThenRefuse, Action: "pay", Status: 409, Times: 2}))
	var kinds []fault.Kind
	for i := 0; i < 4; i++ {
		f, ok := in.Take("pay")
		if !ok {
			break
		}
		kinds = append(kinds, f.Kind)
		if f.Kind == fault.Refuse {
			assert.Equal(t, 409, f.Status)
		}
	}
	assert.Equal(t, []fault.Kind{fault.ResetAfterApply, fault.Refuse, fault.Refuse}, kinds)
}

// TestArmGatewayDefaultStatus: a gateway fault without a status answers 502.
func TestArmGatewayDefaultStatus(t *testing.T) {
	in := NewInjector(testConfig)
	require.NoError(t, in.Arm(fault.Fault{Kind: fault.GatewayErrorApplyLater}))
	f, ok := in.Take("pay")
	require.True(t, ok)
	assert.Equal(t, fault.DefaultGatewayStatus, f.Status)
}
