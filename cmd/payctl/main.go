// Command payctl acts on payments from the command line through the same
// config an app uses, and runs the emulators for offline testing.
//
//	payctl demo                      walk both providers through every action against in-process emulators
//	payctl emulate -addr 127.0.0.1:8787
//	                                 run both emulators, print a config for them, seed them over HTTP
//	payctl -config FILE status   -region R -id ID [-invoice N] [-json]
//	payctl -config FILE capture  -region R -id ID [-invoice N] [-amount 123.45] [-idempotency-key K] [-json]
//	payctl -config FILE void     -region R -id ID [-invoice N] [-reason TEXT] [-idempotency-key K] [-json]
//	payctl -config FILE rollback -region R -id ID [-invoice N] [-idempotency-key K] [-json]
//	payctl -config FILE refund   -region R -id ID [-invoice N] [-amount 123.45] [-idempotency-key K] [-json]
//
// Install it from a clone with "go install ./cmd/payctl" (it lands in
// $(go env GOPATH)/bin). Only the region a command acts on is opened. Without
// -timeout a command has no overall deadline: each request is bounded by the
// region's settings (Yandex Pay's default_timeout) and the HTTP limit.
//
// Exit status, one rule for every command: 0 success; 1 the provider refused
// or the outcome is unknown (the code and message go to stderr); 2 bad usage,
// config or input, found before any money could move.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
