package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/regionpay/payments"
	_ "github.com/regionpay/payments/rustore" // registers "rustore"
	"github.com/regionpay/payments/status"
	_ "github.com/regionpay/payments/yandexpay" // registers "yandexpay"
)

// Exit statuses: one rule for every command, documented in the usage text
// and the README.
const (
	exitOK      = 0
	exitPayment = 1 // the provider refused, or the outcome is unknown
	exitUsage   = 2 // bad usage, config or input: no money moved
)

// usageError marks an error as the caller's: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

const topUsage = `payctl acts on payments through a payments config, and runs emulators for tests.

Usage:
  payctl [-config FILE] <command> [flags]

Commands:
  status     read a payment
  capture    charge an authorized payment (all of it, or -amount with -cart)
  void       release an authorized payment
  rollback   make sure a payment ends up not charged
  refund     give captured money back (all of it, or -amount with -cart)
  start      create a payment (a Yandex Pay order) and print its payment URL
  list       list one app user's payments (RuStore purchases)
  find       find a payment's full ref (RuStore invoiceId) from its id
  demo       walk both providers through every action against in-process emulators
  emulate    run both emulators on a loopback port and print a config for them
  notification  verify and decode a captured notification read from stdin

Run "payctl <command> -h" for a command's flags.

Exit status:
  0  success
  1  the provider refused, or the outcome is unknown (read the payment before acting again)
  2  bad usage, config or input (or an action the provider does not have),
     found before any money could move
`

// run is payctl without the process: it parses args, does the work and
// returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	top := flag.NewFlagSet("payctl", flag.ContinueOnError)
	top.SetOutput(stderr)
	top.Usage = func() {
		fmt.Fprint(stderr, topUsage)
		fmt.Fprintln(stderr, "\nGlobal flags:")
		top.PrintDefaults()
	}
	configPath := top.String("config", os.Getenv("PAYCTL_CONFIG"), "payments config `file` (default $PAYCTL_CONFIG)")
	if err := top.Parse(args); err != nil {
		return parseExit(err)
	}
	if top.NArg() == 0 {
		top.Usage()
		return exitUsage
	}
	cmd, rest := top.Arg(0), top.Args()[1:]
	var err error
	switch cmd {
	case "demo":
		err = demoCommand(ctx, rest, stdout, stderr)
	case "emulate":
		err = emulateCommand(ctx, rest, stdin, stdout, stderr)
	case "start":
		err = startCommand(ctx, *configPath, rest, stdout, stderr)
	case "find":
		err = findCommand(ctx, *configPath, rest, stdout, stderr)
	case "list":
		err = listCommand(ctx, *configPath, rest, stdout, stderr)
	case "notification":
		err = notificationCommand(ctx, *configPath, rest, stdin, stdout, stderr)
	case "help":
		top.SetOutput(stdout)
		top.Usage()
		return exitOK
	default:
		a, ok := actions[cmd]
		if !ok {
			fmt.Fprintf(stderr, "payctl: unknown command %q\n\n", cmd)
			top.Usage()
			return exitUsage
		}
		err = actionCommand(ctx, a, *configPath, rest, stdout, stderr)
	}
	return report(cmd, err, stderr)
}

// parseExit turns a flag parsing error into an exit status: -h is not a failure.
func parseExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

// errHelpShown ends a command after its -h output.
var errHelpShown = errors.New("help shown")

// errParse ends a command whose flags did not parse; package flag has printed why.
var errParse = errors.New("flag parse error")

// parseFlags parses a subcommand's args into fs. Every payctl value goes
// with a flag, so a positional argument is refused rather than ignored: a
// stray word may be a value the user meant for a flag.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelpShown
		}
		return errParse
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q: every value goes with a flag", fs.Arg(0))
	}
	return nil
}

// report prints err and picks the exit status by the one rule: 2 for the
// caller's mistakes (flags, config, input the adapter refused before any
// money could move, an -addr that cannot be listened on), 1 for everything
// else that failed: a refusal by the provider or an outcome not known.
func report(cmd string, err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, errHelpShown) {
		return exitOK
	}
	if errors.Is(err, errParse) {
		return exitUsage
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "payctl %s: %v\nRun \"payctl %s -h\" for usage.\n", cmd, err, cmd)
		return exitUsage
	}
	fmt.Fprintf(stderr, "payctl %s: %s\n", cmd, flagText(cmd, err))
	var pe *payments.Error
	if !errors.As(err, &pe) {
		return exitStatus(err)
	}
	fmt.Fprintf(stderr, "code: %s\n", pe.Code)
	if pe.Code == payments.CodeOutcomeUnknown {
		fmt.Fprintln(stderr, "the action may have happened: run \"payctl status\" before anything else")
	}
	adviseRepeat(err, pe, stderr)
	return exitStatus(err)
}

// adviseRepeat prints the idempotency key of a failed write, and how to
// repeat the write as the same action when a repeat can help.
func adviseRepeat(err error, pe *payments.Error, stderr io.Writer) {
	var ke *keyedError
	errors.As(err, &ke)
	key := pe.IdempotencyKey
	if ke != nil && ke.key != "" {
		key = ke.key
	}
	switch {
	case key != "" && (pe.Code == payments.CodeInvalidArgument || pe.Code == payments.CodeUnimplemented):
		// Nothing was sent, and the same command would be refused again;
		// when the key itself is what was refused (it names another
		// action), advising a repeat with it would be wrong.
		fmt.Fprintf(stderr, "idempotency key: %s (nothing was done: fix what the message names first)\n", key)
	case key != "":
		fmt.Fprintf(stderr, "idempotency key: %s (repeat the command with the same key to retry without acting twice)\n", key)
		if ke != nil && ke.repeat != nil {
			fmt.Fprintf(stderr, "repeat safely with: %s\n", ke.repeat(key))
		}
	case ke != nil && pe.Code == payments.CodeOutcomeUnknown:
		fmt.Fprintln(stderr, "to make a repeat safe, pass -idempotency-key with a key of your own")
	}
}

// flagText is err's message with the Go names it mentions replaced by the
// flags of cmd that fill them.
func flagText(cmd string, err error) string {
	msg := err.Error()
	if r, ok := commandFlagWords[cmd]; ok {
		msg = r.Replace(msg)
	}
	return flagWords.Replace(msg)
}

// commandFlagWords are the commands whose flags fill a Go name otherwise
// than flagWords says: find's purchase id is the Ref.ID that FindRef checks.
var commandFlagWords = map[string]*strings.Replacer{
	"find": strings.NewReplacer("Ref.ID", "-purchase"),
}

// flagWords names payctl's flags where an adapter's message names the Go
// field they fill: a payctl user has no opts.Cart to pass, but has -cart.
// Longer phrases come first, so that "leave opts.Amount nil" reads as an
// instruction about the flag rather than about a Go value.
var flagWords = strings.NewReplacer(
	"leave opts.Amount nil", "leave out -amount",
	"leave Amount nil", "leave out -amount",
	"leave Cart nil", "leave out -cart",
	"opts.Amount.Currency", "-currency",
	"opts.Cart's total", "-cart's total",
	"opts.Amount", "-amount",
	"opts.Cart", "-cart",
	"opts.IdempotencyKey", "-idempotency-key",
	"opts.Reason", "-reason",
	"Ref.InvoiceID", "-invoice",
	"Ref.ID", "-id",
)

// exitStatus is the exit status of a failed command. A *payments.Error with
// CodeInvalidArgument is bad input: the adapter refused it before sending, or
// the provider refused it without acting, so no money moved. CodeUnimplemented
// is bad input for that provider (a partial capture or a cart to RuStore):
// the adapter knows it cannot and sends nothing. A config error is the
// caller's too. Everything else is 1, and an outcome that is not known is
// never 2: the caller must read the payment before acting again.
func exitStatus(err error) int {
	var ce *payments.ConfigError
	if errors.As(err, &ce) {
		return exitUsage
	}
	switch payments.CodeOf(err) {
	case payments.CodeInvalidArgument, payments.CodeUnimplemented:
		return exitUsage
	}
	return exitPayment
}

// keyedError carries the idempotency key a failed write was sent with, so the
// user can repeat it safely, and how to spell that repeat.
type keyedError struct {
	err error
	key string
	// repeat returns the command line that repeats the write with a key.
	repeat func(key string) string
}

func (e *keyedError) Error() string { return e.err.Error() }
func (e *keyedError) Unwrap() error { return e.err }

// action is one of the payment subcommands.
type action struct {
	name    string
	summary string
	write   bool // takes -idempotency-key and -wait
	amount  bool // takes -amount and -currency
	reason  bool // takes -reason
	do      func(ctx context.Context, p payments.Provider, ref payments.Ref, f *actionFlags) (*output, error)
}

// actions is the table of payment subcommands.
var actions = map[string]*action{
	"status": {name: "status", summary: "read a payment", do: doStatus},
	"capture": {name: "capture", summary: "charge an authorized payment: all of it, or -amount", write: true, amount: true,
		do: func(ctx context.Context, p payments.Provider, ref payments.Ref, f *actionFlags) (*output, error) {
			res, err := p.Capture(ctx, ref, &payments.CaptureOptions{Amount: f.money, Cart: f.cart, IdempotencyKey: f.key})
			return settle(ctx, p, res, err, f)
		}},
	"void": {name: "void", summary: "release an authorized payment without charging it", write: true, reason: true,
		do: func(ctx context.Context, p payments.Provider, ref payments.Ref, f *actionFlags) (*output, error) {
			res, err := p.Void(ctx, ref, &payments.VoidOptions{Reason: f.reason, IdempotencyKey: f.key})
			return settle(ctx, p, res, err, f)
		}},
	"rollback": {name: "rollback", summary: "make sure a payment ends up not charged (release, stop or refund it)", write: true,
		do: func(ctx context.Context, p payments.Provider, ref payments.Ref, f *actionFlags) (*output, error) {
			res, err := p.Rollback(ctx, ref, &payments.RollbackOptions{IdempotencyKey: f.key})
			return settle(ctx, p, res, err, f)
		}},
	"refund": {name: "refund", summary: "give captured money back: all of it, or -amount", write: true, amount: true,
		do: func(ctx context.Context, p payments.Provider, ref payments.Ref, f *actionFlags) (*output, error) {
			res, err := payments.Refund(ctx, p, ref, &payments.RefundOptions{Amount: f.money, Cart: f.cart, IdempotencyKey: f.key})
			return settle(ctx, p, res, err, f)
		}},
}

// actionFlags are the parsed flags of a payment subcommand.
type actionFlags struct {
	config, region, id, invoice string
	amount, currency, reason    string
	cartFile                    string
	key                         string
	json, verbose               bool
	timeout, wait               time.Duration
	money                       *payments.Money
	cart                        *payments.Cart
}

// newFlagSet is the flag set of subcommand name: errors and -h go to
// stderr, as usage (which ends with a newline) and then every flag.
func newFlagSet(name string, stderr io.Writer, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("payctl "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage+"\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

func actionCommand(ctx context.Context, a *action, configPath string, args []string, stdout, stderr io.Writer) error {
	f := &actionFlags{config: configPath}
	fs := newFlagSet(a.name, stderr, fmt.Sprintf("payctl %s: %s\n\nUsage:\n  payctl [-config FILE] %s -id ID [flags]\n", a.name, a.summary, a.name))
	fs.StringVar(&f.config, "config", configPath, "payments config `file` (default $PAYCTL_CONFIG)")
	fs.StringVar(&f.region, "region", "", "`region` of the config (default: its default_region)")
	fs.StringVar(&f.id, "id", "", "payment `id`: RuStore purchaseId, Yandex Pay order_id (RuStore status and refund need only -invoice)")
	fs.StringVar(&f.invoice, "invoice", "", "RuStore invoiceId (`digits`): needed by RuStore status, refund and rollback")
	fs.BoolVar(&f.json, "json", false, "print the result as one JSON object")
	fs.BoolVar(&f.verbose, "v", false, "log each HTTP attempt to stderr (never headers, bodies or keys)")
	fs.DurationVar(&f.timeout, "timeout", 0, "give up on the whole command after this `duration` (default: no overall limit; each request is bounded by the region's settings, e.g. Yandex Pay's default_timeout, and by a 60 s HTTP limit)")
	if a.write {
		fs.StringVar(&f.key, "idempotency-key", "", "`key` naming this action, so that repeating the command with it acts once (default: the adapter makes one and prints it)")
		fs.DurationVar(&f.wait, "wait", 0, "wait up to this `duration` for an action the provider is still running (0: report it pending)")
	}
	if a.amount {
		fs.StringVar(&f.amount, "amount", "", "`decimal` amount like 123.45 (default: the whole payment)")
		fs.StringVar(&f.currency, "currency", "RUB", "ISO 4217 `code` of -amount")
		fs.StringVar(&f.cartFile, "cart", "", "JSON `file` holding the cart after the action ({\"items\":[{\"id\",\"title\",\"quantity\",\"total\":{\"minor\",\"currency\"}}],\"total\":{...}}); Yandex Pay requires it with -amount")
	}
	if a.reason {
		fs.StringVar(&f.reason, "reason", "", "`text` shown to the provider (default: the adapter's)")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := f.check(a); err != nil {
		return err
	}
	p, closeRegions, err := openProvider(ctx, f.config, f.region, f.verbose, stderr)
	if err != nil {
		return err
	}
	defer closeRegions()
	if f.timeout > 0 {
		// Only when asked: a deadline replaces the region's default_timeout
		// in what Yandex Pay is told (X-Request-Timeout).
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	out, err := a.do(ctx, p, payments.Ref{ID: f.id, InvoiceID: f.invoice}, f)
	if err != nil {
		var ke *keyedError
		switch {
		case !a.write:
		case errors.As(err, &ke):
			ke.repeat = f.repeatCommand(a)
		default:
			return &keyedError{err: err, key: f.key, repeat: f.repeatCommand(a)}
		}
		return err
	}
	if out.note != "" {
		fmt.Fprintf(stderr, "payctl %s: %s\n", a.name, out.note)
	}
	return printOutput(stdout, out, f.json)
}

// openProvider opens the one region a command acts on (the config's default
// region when region is empty) and returns its provider and how to release
// it. Only that region is opened: a secret missing for another region must
// not stop the command.
func openProvider(ctx context.Context, configPath, region string, verbose bool, stderr io.Writer) (payments.Provider, func(), error) {
	if configPath == "" {
		return nil, nil, usagef("no config: pass -config FILE or set PAYCTL_CONFIG")
	}
	cfg, err := payments.LoadConfig(configPath)
	if err != nil {
		return nil, nil, err
	}
	var logger *slog.Logger
	if verbose {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if region == "" {
		region = cfg.DefaultName()
	}
	regions, err := payments.Open(ctx, cfg, &payments.OpenOptions{Logger: logger, Only: []string{region}})
	if err != nil {
		return nil, nil, err
	}
	p, err := regions.Provider(region)
	if err != nil {
		regions.Close()
		return nil, nil, err
	}
	return p, func() { regions.Close() }, nil
}

// check validates the flags before anything is opened and parses -amount.
//
// No idempotency key is made up here: an adapter may read a caller's key as
// "I mean to repeat this action" (RuStore treats a repeated capture as done),
// so only the user may say that.
func (f *actionFlags) check(a *action) error {
	if strings.TrimSpace(f.id) == "" && strings.TrimSpace(f.invoice) == "" {
		return usagef("-id (or, for RuStore, -invoice) is required")
	}
	if f.timeout < 0 {
		return usagef("-timeout must not be negative, got %s", f.timeout)
	}
	if f.wait < 0 {
		return usagef("-wait must not be negative, got %s", f.wait)
	}
	if f.amount != "" {
		m, err := payments.ParseMoney(f.amount, f.currency)
		if err != nil {
			return usagef("-amount: %v", err)
		}
		if err := m.Validate(); err != nil {
			return usagef("-amount: %v", err)
		}
		f.money = &m
	}
	if f.cartFile != "" {
		cart, err := readCart(f.cartFile)
		if err != nil {
			return usagef("-cart: %v", err)
		}
		f.cart = cart
	}
	return nil
}

// readCart reads a payments.Cart from a JSON file and validates it, so a
// mistyped cart is refused before anything is sent.
func readCart(path string) (*payments.Cart, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var cart payments.Cart
	if err := dec.Decode(&cart); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: more than one JSON value", path)
	}
	if err := cart.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &cart, nil
}

// output is what a payment subcommand prints: what is known, and nothing
// made up. A field the provider did not report (an action's answer carries no
// amount; a pending action has no status yet) is left out of the JSON and the
// human output, never printed as "" or null.
type output struct {
	Provider       string  `json:"provider"`
	ID             string  `json:"id,omitempty"` // absent for a RuStore read by -invoice alone
	InvoiceID      string  `json:"invoice_id,omitempty"`
	Status         string  `json:"status,omitempty"`
	RawStatus      string  `json:"raw_status,omitempty"`
	Amount         *string `json:"amount,omitempty"`
	Currency       *string `json:"currency,omitempty"`
	Pending        bool    `json:"pending"`
	OperationID    string  `json:"operation_id,omitempty"`
	IdempotencyKey string  `json:"idempotency_key,omitempty"`
	NoOp           bool    `json:"no_op,omitempty"`

	// note goes to stderr, beside the output: why a -wait ended early.
	note string
}

// knownStatus is the status to print: empty when the provider reported
// none (Unknown with no raw value), as for an action it is still running.
func knownStatus(st status.Status, raw string) string {
	if st == status.Unknown && raw == "" {
		return ""
	}
	return st.String()
}

func doStatus(ctx context.Context, p payments.Provider, ref payments.Ref, _ *actionFlags) (*output, error) {
	pay, err := p.Status(ctx, ref)
	if err != nil {
		return nil, err
	}
	out := &output{
		Provider:  pay.Provider,
		ID:        pay.Ref.ID,
		InvoiceID: pay.Ref.InvoiceID,
		Status:    knownStatus(pay.Status, pay.RawStatus),
		RawStatus: pay.RawStatus,
	}
	if pay.Amount.Currency != "" {
		amount, currency := pay.Amount.Decimal(), pay.Amount.Currency
		out.Amount, out.Currency = &amount, &currency
	}
	return out, nil
}

// settle waits for a pending result when -wait asks for it and converts it to output.
//
// The provider has accepted a pending action, so a wait that ends without an
// answer must not read as a failure: the user would repeat the command, and
// without the generated idempotency key the repeat is a new action. A wait
// cut short by its deadline (or -timeout, or a signal) reports the result
// still pending, as -wait 0 does; a wait that failed otherwise is an error
// that carries the action's key, so that a repeat stays the same action.
func settle(ctx context.Context, p payments.Provider, res *payments.Result, err error, f *actionFlags) (*output, error) {
	if err != nil {
		return nil, err
	}
	note := ""
	if res.Pending && f.wait > 0 {
		wctx, cancel := context.WithTimeout(ctx, f.wait)
		defer cancel()
		settled, werr := payments.Wait(wctx, p, res, &payments.WaitOptions{Interval: 100 * time.Millisecond, MaxInterval: 2 * time.Second})
		switch {
		case werr == nil:
			res = settled
		case wctx.Err() != nil:
			note = fmt.Sprintf("stopped waiting (%v): the provider accepted the action and is still running it", wctx.Err())
		case payments.CodeOf(werr) != payments.CodeFailedPrecondition:
			// Only the operation's own failure settles it. A poll that
			// failed (a 503, a lost answer) says nothing about an action
			// the provider accepted: it is still pending as far as known.
			note = fmt.Sprintf("stopped waiting: reading the outcome failed (%s): the provider accepted the action, which may still complete; check it with \"payctl status\" and repeat only with idempotency key %s",
				payments.CodeOf(werr), res.IdempotencyKey)
		default:
			return nil, &keyedError{key: res.IdempotencyKey,
				err: fmt.Errorf("the provider accepted the action (operation %q) but waiting for its outcome failed: %w", res.OperationID, werr)}
		}
	}
	return &output{
		note:           note,
		Provider:       res.Provider,
		ID:             res.Ref.ID,
		InvoiceID:      res.Ref.InvoiceID,
		Status:         knownStatus(res.Status, res.RawStatus),
		RawStatus:      res.RawStatus,
		Pending:        res.Pending,
		OperationID:    res.OperationID,
		IdempotencyKey: res.IdempotencyKey,
		NoOp:           res.NoOp,
	}, nil
}

func printOutput(w io.Writer, out *output, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		return enc.Encode(out)
	}
	st := out.Status
	if st == "" && out.Pending {
		st = "pending (the provider is still running the action)"
	}
	rows := [][2]string{
		{"provider", out.Provider},
		{"id", out.ID},
		{"invoice_id", out.InvoiceID},
		{"status", st},
		{"raw_status", out.RawStatus},
	}
	if out.Amount != nil {
		rows = append(rows, [2]string{"amount", *out.Amount + " " + *out.Currency})
	}
	rows = append(rows, [2]string{"pending", fmt.Sprint(out.Pending)})
	if out.OperationID != "" {
		rows = append(rows, [2]string{"operation_id", out.OperationID})
	}
	if out.IdempotencyKey != "" {
		rows = append(rows, [2]string{"idempotency_key", out.IdempotencyKey})
	}
	if out.NoOp {
		rows = append(rows, [2]string{"no_op", "true (nothing had to be done)"})
	}
	for _, r := range rows {
		if r[1] == "" {
			continue
		}
		if _, err := fmt.Fprintf(w, "%-16s %s\n", r[0]+":", r[1]); err != nil {
			return err
		}
	}
	return nil
}

// repeatCommand returns how to spell this write again with a given key:
// the same region, payment, amount, cart and reason, so that a repeat is the same
// action and acts at most once; the config file is named, whether it came
// from -config or $PAYCTL_CONFIG.
func (f *actionFlags) repeatCommand(a *action) func(key string) string {
	return func(key string) string {
		args := []string{"payctl"}
		if f.config != "" {
			args = append(args, "-config", shellQuote(f.config))
		}
		args = append(args, a.name)
		add := func(flag, v string) {
			if v != "" {
				args = append(args, flag, shellQuote(v))
			}
		}
		add("-region", f.region)
		add("-id", f.id)
		add("-invoice", f.invoice)
		if f.amount != "" {
			add("-amount", f.amount)
			add("-currency", f.currency)
		}
		add("-cart", f.cartFile)
		add("-reason", f.reason)
		add("-idempotency-key", key)
		return strings.Join(args, " ")
	}
}

// shellQuote quotes s for a POSIX shell where it holds anything but plain
// word characters.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}
