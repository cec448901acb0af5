package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/status"
	"github.com/regionpay/payments/yandexpay/yandexpaytest"
)

// demoConfig is an ordinary config, one region per provider. Its secrets are
// "${ENV}" references that the demo resolves to the emulators' own test
// credentials, and its base URLs are set to the emulators after loading: the
// demo needs nothing from the user and no network.
//
//go:embed demo.json
var demoConfig []byte

// Environment variables demo.json refers to, resolved in memory only.
const (
	demoRuStoreKeyEnv   = "PAYCTL_DEMO_RUSTORE_PRIVATE_KEY"
	demoYandexPayKeyEnv = "PAYCTL_DEMO_YANDEXPAY_API_KEY"
)

// demoRow is one line of the demo's table.
type demoRow struct {
	Provider, Region, Flow string
	Before, After          status.Status
	RawBefore, RawAfter    string
}

// demoFlow is one action the demo shows, from the state it needs.
type demoFlow struct {
	name string
	from status.Status
	act  func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error)
}

// demoFlows run in this order for every provider.
var demoFlows = []demoFlow{
	{"capture", status.Authorized, func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
		return p.Capture(ctx, ref, nil)
	}},
	{"void", status.Authorized, func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
		return p.Void(ctx, ref, nil)
	}},
	{"rollback", status.Captured, func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
		return p.Rollback(ctx, ref, nil)
	}},
	{"refund", status.Captured, func(ctx context.Context, p payments.Provider, ref payments.Ref) (*payments.Result, error) {
		return payments.Refund(ctx, p, ref, nil)
	}},
}

// demoSeeder stores a payment in an emulator in a normalized state.
type demoSeeder func(from status.Status) (payments.Ref, error)

// Raw statuses the demo seeds, per provider.
var (
	demoRuStoreRaw   = map[status.Status]string{status.Authorized: "paid", status.Captured: "confirmed"}
	demoYandexPayRaw = map[status.Status]string{status.Authorized: yandexpaytest.StatusAuthorized, status.Captured: yandexpaytest.StatusCaptured}
)

func demoCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("payctl demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "payctl demo: start both emulators in this process and walk each provider through\n"+
			"capture, void, rollback and refund, printing one table. Needs no credentials and no network.\n\nUsage:\n  payctl demo\n")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	rows, err := runDemo(ctx)
	if err != nil {
		return err
	}
	return printDemo(stdout, rows)
}

// runDemo starts both emulators, opens the embedded config against them and
// runs every demo flow for every region.
func runDemo(ctx context.Context) ([]demoRow, error) {
	rs := rustoretest.NewServer(nil)
	defer rs.Close()
	ys := yandexpaytest.NewServer(nil)
	defer ys.Close()

	cfg, err := payments.ParseConfig(demoConfig)
	if err != nil {
		return nil, fmt.Errorf("embedded demo config: %w", err)
	}
	seeders := map[string]demoSeeder{
		"rustore-ru": func(from status.Status) (payments.Ref, error) {
			p, err := rs.TryAddPurchase(rustoretest.Purchase{Status: demoRuStoreRaw[from], AmountCreate: 29900})
			if err != nil {
				return payments.Ref{}, err
			}
			return payments.Ref{ID: p.PurchaseID, InvoiceID: strconv.FormatInt(p.InvoiceID, 10)}, nil
		},
		"yandexpay-ru": func(from status.Status) (payments.Ref, error) {
			o := ys.AddOrder(yandexpaytest.Order{Status: demoYandexPayRaw[from], Amount: 29900})
			return payments.Ref{ID: o.OrderID}, nil
		},
	}
	baseURLs := map[string]string{"rustore-ru": rs.URL, "yandexpay-ru": ys.BaseURL()}
	for name, rc := range cfg.Regions {
		u, ok := baseURLs[name]
		if !ok {
			return nil, fmt.Errorf("embedded demo config: no emulator for region %q", name)
		}
		rc.BaseURL = u
	}
	secrets := map[string]string{demoRuStoreKeyEnv: rs.PrivateKeyBase64(), demoYandexPayKeyEnv: ys.APIKey()}
	regions, err := payments.Open(ctx, cfg, &payments.OpenOptions{Getenv: func(name string) string { return secrets[name] }})
	if err != nil {
		return nil, err
	}
	defer regions.Close()

	var rows []demoRow
	for _, region := range regions.Names() {
		p, err := regions.Provider(region)
		if err != nil {
			return nil, err
		}
		for _, flow := range demoFlows {
			row, err := runDemoFlow(ctx, p, region, flow, seeders[region])
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", region, flow.name, err)
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// runDemoFlow seeds one payment, reads it, acts, settles a pending action
// and reads it again.
func runDemoFlow(ctx context.Context, p payments.Provider, region string, flow demoFlow, seed demoSeeder) (demoRow, error) {
	ref, err := seed(flow.from)
	if err != nil {
		return demoRow{}, fmt.Errorf("seeding: %w", err)
	}
	before, err := p.Status(ctx, ref)
	if err != nil {
		return demoRow{}, err
	}
	res, err := flow.act(ctx, p, ref)
	if err != nil {
		return demoRow{}, err
	}
	if _, err := payments.Wait(ctx, p, res, &payments.WaitOptions{Interval: 10 * time.Millisecond, MaxInterval: 200 * time.Millisecond}); err != nil {
		return demoRow{}, err
	}
	after, err := p.Status(ctx, ref)
	if err != nil {
		return demoRow{}, err
	}
	return demoRow{
		Provider: p.Name(), Region: region, Flow: flow.name,
		Before: before.Status, After: after.Status,
		RawBefore: before.RawStatus, RawAfter: after.RawStatus,
	}, nil
}

// printDemo writes the rows as one aligned table.
func printDemo(w io.Writer, rows []demoRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROVIDER\tFLOW\tBEFORE\tAFTER\tRAW")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s -> %s\n", r.Provider, r.Flow, r.Before, r.After, r.RawBefore, r.RawAfter)
	}
	return tw.Flush()
}
