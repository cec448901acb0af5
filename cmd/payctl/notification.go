package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/regionpay/payments"
)

// notificationCommand verifies and decodes one captured notification body
// read from stdin, with the region's keys, for on-call people asking "what
// did the provider tell us?". It prints the event; it never prints the body.
func notificationCommand(ctx context.Context, configPath string, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("payctl notification", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", configPath, "payments config `file` (default $PAYCTL_CONFIG)")
	region := fs.String("region", "", "`region` whose keys verify the notification (default: the config's default_region)")
	at := fs.String("at", "", "check the notification's times as of this RFC 3339 `time` (when it was captured) instead of now: a Yandex Pay token expires minutes after it is signed")
	fs.Usage = func() {
		fmt.Fprint(stderr, `payctl notification: verify and decode a captured provider notification.

It reads the notification's body exactly as received (RuStore's JSON,
Yandex Pay's token) from stdin, checks it with the region's keys (RuStore:
notification_key; Yandex Pay: merchant_id and the provider's JWKS) and
prints the event as JSON. A notification that is refused (forged,
tampered, expired, another merchant's or app's) is exit status 1; input
that is no notification of that provider at all (empty, or another
provider's body: check -region) is exit status 2.

Usage:
  payctl [-config FILE] notification [-region R] [-at TIME] < body

A body captured earlier than a few minutes ago: pass -at with the time it
was received, so that its signature is checked as of then.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *config == "" {
		return usagef("no config: pass -config FILE or set PAYCTL_CONFIG")
	}
	var now func() time.Time
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usagef("-at %q is not an RFC 3339 time like 2026-11-29T21:50:00Z", *at)
		}
		now = func() time.Time { return t }
	}
	body, err := io.ReadAll(io.LimitReader(stdin, payments.DefaultMaxNotificationSize+1))
	if err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	cfg, err := payments.LoadConfig(*config)
	if err != nil {
		return err
	}
	if *region == "" {
		*region = cfg.DefaultName()
	}
	regions, err := payments.Open(ctx, cfg, &payments.OpenOptions{Only: []string{*region}, Now: now})
	if err != nil {
		return err
	}
	defer regions.Close()
	p, err := regions.Provider(*region)
	if err != nil {
		return err
	}
	ev, err := payments.ParseNotification(ctx, p, nil, body)
	if err != nil {
		return err
	}
	ev.Region = *region
	out, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", out)
	return err
}
