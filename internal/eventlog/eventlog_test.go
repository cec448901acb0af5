package eventlog_test

import (
	"context"
	"errors"
	"testing"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/eventlog"
)

func TestAppFailsItsFirstCallsThenRecords(t *testing.T) {
	app := &eventlog.App{FailFirst: 2}
	want := []error{eventlog.ErrNotReady, eventlog.ErrNotReady, nil, nil}
	for i, w := range want {
		err := app.Handle(context.Background(), payments.Event{ID: string(rune('a' + i))})
		if !errors.Is(err, w) || (w == nil && err != nil) {
			t.Fatalf("call %d: got %v, want %v", i, err, w)
		}
	}
	got := app.Events()
	if len(got) != 4 || got[0].ID != "a" || got[3].ID != "d" {
		t.Fatalf("Events() = %v, want the four events in order", got)
	}
	got[0].ID = "changed"
	if app.Events()[0].ID != "a" {
		t.Fatal("Events must return a copy")
	}
}
