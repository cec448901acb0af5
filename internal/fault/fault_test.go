package fault

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		f   Fault
		err string
	}{
		{testConfig, Fault{Kind: ServerError, Action: "pay"}, ""},
		{testConfig, Fault{Kind: ServerError}, ""},
		{testConfig, Fault{Kind: UnknownStatus}, ""},
		{testConfig, Fault{Kind: UnknownStatus, Action: "read"}, ""},
		{testConfig, Fault{Kind: 0}, "emu: fault kind 0 is not defined"},
		{testConfig, Fault{Kind: ServerError, Action: "capture"}, `emu: fault action "capture" is not one of pay, undo, read`},
		{testConfig, Fault{Kind: UnknownStatus, Action: "pay"}, `emu: FaultUnknownStatus applies to read reads only, not "pay"`},
		{Config{}, Fault{Kind: UnknownStatus, Action: "whatever"}, ""},
		{Config{}, Fault{Kind: ServerError, Times: -2}, "fault times -2 is negative"},
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
		armed     Fault
		takeAs    string
		wantTaken Fault
	}{
		{testConfig, Fault{Kind: Slow, Action: "pay"}, "pay", Fault{Kind: Slow, Action: "pay", Times: 1, Delay: time.Second, RetryAfter: 2 * time.Second}},
		{testConfig, Fault{Kind: TooManyRequests, Times: 2, Delay: time.Millisecond, RetryAfter: time.Minute}, "undo",
			Fault{Kind: TooManyRequests, Times: 2, Delay: time.Millisecond, RetryAfter: time.Minute}},
		{testConfig, Fault{Kind: UnknownStatus}, "read", Fault{Kind: UnknownStatus, Action: "read", Times: 1, Delay: time.Second, RetryAfter: 2 * time.Second}},
		{Config{}, Fault{Kind: Slow}, "x", Fault{Kind: Slow, Times: 1}},
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
	require.Error(t, in.Arm(Fault{Kind: ServerError, Action: "nope"}))
	require.Error(t, in.Arm(Fault{Kind: UnknownStatus, Action: "pay"}))
	for _, action := range append(testConfig.Actions, "nope") {
		_, ok := in.Take(action)
		assert.False(t, ok, "a refused fault was armed for %q", action)
	}
}

func TestTakeOrderAndTimes(t *testing.T) {
	in := NewInjector(testConfig)
	require.NoError(t, in.Arm(Fault{Kind: ServerError, Action: "pay", Times: 2}))
	require.NoError(t, in.Arm(Fault{Kind: TooManyRequests, Action: "pay"}))
	require.NoError(t, in.Arm(Fault{Kind: ResetBeforeApply}))
	require.NoError(t, in.Arm(Fault{Kind: UnknownStatus}))

	steps := []struct {
		action string
		want   Kind // 0: no fault
	}{
		{"undo", ResetBeforeApply}, // the empty-action fault matches any action
		{"read", UnknownStatus},    // UnknownStatus waits for the status read
		{"read", 0},
		{"pay", ServerError},
		{"pay", ServerError},
		{"pay", TooManyRequests},
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
	require.NoError(t, in.Arm(Fault{Kind: ServerError, Times: 5}))
	require.NoError(t, in.Arm(Fault{Kind: Slow, Action: "x"}))
	in.Reset()
	_, ok := in.Take("x")
	assert.False(t, ok)
	require.NoError(t, in.Arm(Fault{Kind: ServerError}))
	f, ok := in.Take("x")
	assert.True(t, ok)
	assert.Equal(t, ServerError, f.Kind)
}

// TestInjectorConcurrent arms and takes from many goroutines: every armed
// request's worth is taken exactly once.
func TestInjectorConcurrent(t *testing.T) {
	in := NewInjector(testConfig)
	const workers, times = 8, 25
	var wg sync.WaitGroup
	taken := make(chan Fault, workers*times)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			action := testConfig.Actions[i%2]
			assert.NoError(t, in.Arm(Fault{Kind: ServerError, Action: action, Times: times}))
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
