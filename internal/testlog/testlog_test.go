package testlog

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentWrites logs from many goroutines while reading: under -race
// this fails if Buffer is not guarded, and every line must arrive whole.
func TestConcurrentWrites(t *testing.T) {
	logger, buf := New(slog.LevelInfo)
	const workers, lines = 8, 50
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < lines; i++ {
				logger.Info("attempt", "worker", w, "n", i)
				_ = buf.String()
			}
		}(w)
	}
	wg.Wait()
	out := buf.String()
	if got := strings.Count(out, "msg=attempt"); got != workers*lines {
		t.Fatalf("%d lines logged, want %d", got, workers*lines)
	}
	for w := 0; w < workers; w++ {
		for _, n := range []int{0, lines - 1} {
			if want := fmt.Sprintf("worker=%d n=%d\n", w, n); !strings.Contains(out, want) {
				t.Errorf("no line ending %q in the log", want)
			}
		}
	}
}

// TestLevel: records below the level are left out; a second logger on the
// same Buffer adds to it.
func TestLevel(t *testing.T) {
	cases := []struct {
		level      slog.Level
		debug, err bool
	}{
		{slog.LevelDebug, true, true},
		{slog.LevelInfo, false, true},
		{slog.LevelError + 1, false, false},
	}
	for _, c := range cases {
		var buf Buffer
		logger := buf.Logger(c.level)
		logger.Debug("quiet")
		logger.Error("loud")
		out := buf.String()
		if got := strings.Contains(out, "msg=quiet"); got != c.debug {
			t.Errorf("level %v: debug record logged = %t, want %t", c.level, got, c.debug)
		}
		if got := strings.Contains(out, "msg=loud"); got != c.err {
			t.Errorf("level %v: error record logged = %t, want %t", c.level, got, c.err)
		}
		buf.Logger(slog.LevelDebug).Debug("second")
		if !strings.Contains(buf.String(), "msg=second") {
			t.Errorf("level %v: a second logger on the buffer was not kept", c.level)
		}
	}
}

func TestWriteReportsLength(t *testing.T) {
	var buf Buffer
	for _, s := range []string{"", "a", "line\n"} {
		n, err := buf.Write([]byte(s))
		if n != len(s) || err != nil {
			t.Errorf("Write(%q) = %d, %v; want %d, nil", s, n, err, len(s))
		}
	}
	if got := buf.String(); got != "aline\n" {
		t.Errorf("String() = %q, want %q", got, "aline\n")
	}
}
