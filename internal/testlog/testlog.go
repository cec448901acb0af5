// Package testlog collects log output in tests: a [Buffer] that a logger
// may write to from many goroutines while the test reads it, for checks
// such as "no secret reached the log".
//
// It is an ordinary package so tests of several packages can share it, but
// only tests import it; like Go's own internal/testenv it is never part of
// what the module ships.
package testlog

import (
	"bytes"
	"log/slog"
	"sync"
)

// Buffer is a bytes.Buffer guarded by a mutex, so a logger used by
// concurrent requests (retries, parallel calls) can write to it while the
// test reads it under the race detector. The zero value is ready.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p; it never fails.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Logger returns a text logger that writes records of level and above to
// b, so several loggers can share one buffer.
func (b *Buffer) Logger(level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: level}))
}

// New returns a text logger of level and above and the Buffer it writes to.
func New(level slog.Level) (*slog.Logger, *Buffer) {
	b := &Buffer{}
	return b.Logger(level), b
}
