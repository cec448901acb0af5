package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/regionpay/payments"
)

// commonFlags are the flags start, find and list share with the payment
// subcommands.
type commonFlags struct {
	config, region string
	json, verbose  bool
	timeout        time.Duration
}

func (c *commonFlags) register(fs *flag.FlagSet, configPath string) {
	fs.StringVar(&c.config, "config", configPath, "payments config `file` (default $PAYCTL_CONFIG)")
	fs.StringVar(&c.region, "region", "", "`region` of the config (default: its default_region)")
	fs.BoolVar(&c.json, "json", false, "print the result as JSON")
	fs.BoolVar(&c.verbose, "v", false, "log each HTTP attempt to stderr (never headers, bodies or keys)")
	fs.DurationVar(&c.timeout, "timeout", 0, "give up on the whole command after this `duration` (default: no overall limit)")
}

// open checks the shared flags and opens the region's provider; the
// returned context carries -timeout.
func (c *commonFlags) open(ctx context.Context, stderr io.Writer) (context.Context, payments.Provider, func(), error) {
	if c.timeout < 0 {
		return nil, nil, nil, usagef("-timeout must not be negative, got %s", c.timeout)
	}
	p, closeRegions, err := openProvider(ctx, c.config, c.region, c.verbose, stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	cancel := func() {}
	if c.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	return ctx, p, func() { cancel(); closeRegions() }, nil
}

// itemFlags collects repeated -item flags: "id:quantity:total:title".
type itemFlags []string

func (i *itemFlags) String() string     { return strings.Join(*i, " ") }
func (i *itemFlags) Set(v string) error { *i = append(*i, v); return nil }

// cart builds the cart from the -item flags; its total is their sum.
func (i itemFlags) cart(currency string) (payments.Cart, error) {
	var c payments.Cart
	if len(i) == 0 {
		return c, usagef("at least one -item is required")
	}
	c.Total.Currency = currency
	for n, v := range i {
		parts := strings.SplitN(v, ":", 4)
		if len(parts) != 4 {
			return c, usagef("-item %q: want id:quantity:total:title, e.g. tea:2:300.00:Green tea", v)
		}
		qty, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			return c, usagef("-item %d: quantity %q is not a whole number", n+1, parts[1])
		}
		total, err := payments.ParseMoney(parts[2], currency)
		if err != nil {
			return c, usagef("-item %d: total: %v", n+1, err)
		}
		c.Items = append(c.Items, payments.CartItem{ID: parts[0], Quantity: qty, Total: total, Title: parts[3]})
		c.Total.Minor += total.Minor
	}
	return c, nil
}

// startCommand starts a payment and prints where the buyer pays.
func startCommand(ctx context.Context, configPath string, args []string, stdout, stderr io.Writer) error {
	var (
		c                   commonFlags
		items               itemFlags
		order, currency     string
		success, fail, stop string
		methods             string
		ttl                 time.Duration
	)
	fs := newFlagSet("start", stderr, "payctl start: create a payment (a Yandex Pay order) and print its payment URL\n\n"+
		"Usage:\n  payctl [-config FILE] start -order ID -item id:quantity:total:title [-item ...] -success-url URL -error-url URL [flags]\n\n"+
		"Starting the same -order again with the same items prints the same payment, and creates nothing;\n"+
		"the same -order with other items is refused.\n")
	c.register(fs, configPath)
	fs.StringVar(&order, "order", "", "the merchant's order `id`: names the payment and makes a repeat safe (required)")
	fs.Var(&items, "item", "a cart line `id:quantity:total:title`, total being the line's decimal total (repeat for more lines)")
	fs.StringVar(&currency, "currency", "RUB", "ISO 4217 `code` of the amounts")
	fs.StringVar(&success, "success-url", "", "`URL` the buyer returns to after paying (required)")
	fs.StringVar(&fail, "error-url", "", "`URL` the buyer returns to after a failed payment (required)")
	fs.StringVar(&stop, "abort-url", "", "`URL` the buyer returns to after leaving the payment page")
	fs.StringVar(&methods, "methods", "", "comma-separated payment `methods` such as CARD,SPLIT (default: the provider's)")
	fs.DurationVar(&ttl, "ttl", 0, "how long the payment link works, e.g. 30m (default: the provider's)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(order) == "" {
		return usagef("-order is required")
	}
	cart, err := items.cart(currency)
	if err != nil {
		return err
	}
	req := &payments.StartRequest{OrderID: order, Cart: cart, TTL: ttl,
		Redirects: payments.Redirects{OnSuccess: success, OnError: fail, OnAbort: stop}}
	if methods != "" {
		req.PaymentMethods = strings.Split(methods, ",")
	}
	ctx, p, done, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer done()
	res, err := payments.Start(ctx, p, req)
	if err != nil {
		// The order id is the start's idempotency key: the same command
		// again creates nothing twice.
		return &keyedError{err: err, key: order, repeat: func(string) string {
			line := []string{"payctl"}
			if c.config != "" {
				line = append(line, "-config", shellQuote(c.config))
			}
			line = append(line, "start")
			for _, a := range args {
				line = append(line, shellQuote(a))
			}
			return strings.Join(line, " ")
		}}
	}
	if c.json {
		return writeJSON(stdout, res)
	}
	if res.Existing {
		fmt.Fprintf(stderr, "payctl start: order %s was started before; it is %s\n", res.Ref.ID, res.Status)
	}
	if res.PaymentURL == "" {
		return fmt.Errorf("order %s has no payment link (status %s)", res.Ref.ID, res.Status)
	}
	_, err = fmt.Fprintln(stdout, res.PaymentURL)
	return err
}

// listCommand prints one app user's payments, a page at a time as it goes.
func listCommand(ctx context.Context, configPath string, args []string, stdout, stderr io.Writer) error {
	var (
		c        commonFlags
		user     string
		rawState string
		pageSize int
	)
	fs := newFlagSet("list", stderr, "payctl list: list one app user's payments (RuStore purchases)\n\n"+
		"Usage:\n  payctl [-config FILE] list -user APP_USER_ID [flags]\n\n"+
		"Prints one payment a line: id, invoice id, status, product, the app's order id, and \"test\" for\n"+
		"test purchases; with -json, one JSON object a line.\n")
	c.register(fs, configPath)
	fs.StringVar(&user, "user", "", "the app's `id` of the buyer, as given to the provider's SDK (required)")
	fs.StringVar(&rawState, "status", "", "only payments in this provider `status`, e.g. CONFIRMED")
	fs.IntVar(&pageSize, "page-size", 0, "payments fetched per request (default: the adapter's)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(user) == "" {
		return usagef("-user is required")
	}
	ctx, p, done, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer done()
	for fp, err := range payments.Find(ctx, p, payments.FindQuery{AppUserID: user, RawStatus: rawState, PageSize: pageSize}) {
		if err != nil {
			return err
		}
		if c.json {
			if err := writeJSONLine(stdout, fp); err != nil {
				return err
			}
			continue
		}
		test := ""
		if fp.Test {
			test = "\ttest"
		}
		if _, err := fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s%s\n", fp.Ref.ID, dash(fp.Ref.InvoiceID), statusWord(fp),
			dash(fp.ProductID), dash(fp.OrderID), test); err != nil {
			return err
		}
	}
	return nil
}

// findCommand finds one payment of an app user by its id and prints its
// full ref.
func findCommand(ctx context.Context, configPath string, args []string, stdout, stderr io.Writer) error {
	var (
		c        commonFlags
		user, id string
	)
	fs := newFlagSet("find", stderr, "payctl find: find a payment's full ref (RuStore: the invoiceId) from its id\n\n"+
		"Usage:\n  payctl [-config FILE] find -user APP_USER_ID -purchase ID [flags]\n\n"+
		"Prints \"id invoice_id\", ready for payctl status -id ... -invoice ...\n")
	c.register(fs, configPath)
	fs.StringVar(&user, "user", "", "the app's `id` of the buyer, as given to the provider's SDK (required)")
	fs.StringVar(&id, "purchase", "", "the payment's `id` (RuStore purchaseId) (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(user) == "":
		return usagef("-user is required")
	case strings.TrimSpace(id) == "":
		return usagef("-purchase is required")
	}
	ctx, p, done, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer done()
	ref, err := payments.FindRef(ctx, p, payments.FindQuery{AppUserID: user}, id)
	if err != nil {
		return err
	}
	if c.json {
		return writeJSON(stdout, ref)
	}
	_, err = fmt.Fprintf(stdout, "%s %s\n", ref.ID, ref.InvoiceID)
	return err
}

func statusWord(fp *payments.FoundPayment) string {
	if fp.RawStatus == "" {
		return "-"
	}
	return fp.Status.String() + "(" + fp.RawStatus + ")"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeJSONLine(w io.Writer, v any) error { return json.NewEncoder(w).Encode(v) }
