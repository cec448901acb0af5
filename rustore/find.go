package rustore

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/driver"
	"github.com/regionpay/payments/internal/transport"
)

// Purchase list paging.
const (
	// DefaultPageSize is how many purchases one list request asks for when
	// FindQuery.PageSize is zero.
	DefaultPageSize = 100
	// MaxPageSize is the largest FindQuery.PageSize: RuStore caps its
	// catalog lists at 500, and a page RuStore cut shorter than asked would
	// look like the last one.
	MaxPageSize = 500
)

// The purchase list page's shape is only partly documented: RuStore's page
// names the items' fields and the continuation query parameter, not the
// field the next page's token comes back in, nor where the items sit in the
// body. The adapter therefore accepts every plausible shape (see Find).
var (
	// itemFields are where a body object may hold the items, in order of
	// preference; failing these, the first array of objects in the body.
	itemFields = []string{"purchases", "items", "content", "list", "data"}
	// tokenFields are the names the next page's token may have; failing
	// these, any string field whose name mentions a continuation or a next
	// token.
	tokenFields = []string{"continuationToken", "continuation", "nextContinuationToken", "nextContinuation", "nextPageToken", "nextToken"}
)

// listItem is one purchase as the list carries it. The item's status field
// is not named on RuStore's page either: the plausible names are read.
type listItem struct {
	PurchaseID     string     `json:"purchaseId"`
	ProductID      string     `json:"productId"`
	InvoiceID      flexString `json:"invoiceId"`
	OrderID        string     `json:"orderId"`
	PurchaseType   flexString `json:"purchaseType"`
	ProductType    string     `json:"productType"`
	PurchaseStatus string     `json:"purchaseStatus"`
	Status         string     `json:"status"`
	InvoiceStatus  string     `json:"invoiceStatus"`
}

// Find lists the purchases of one app user (GET
// /public/applications/{appId}/purchases) in the order RuStore gives them,
// fetching a page only when the caller has consumed the one before
// and stopping as soon as the caller breaks out of the loop or ctx ends
// (the context's error is then yielded once). q.AppUserID is required;
// q.RawStatus is sent as purchaseStatus and also checked on each item that
// carries a status, in case the filter is ignored; q.PageSize is at most
// MaxPageSize (zero: DefaultPageSize).
//
// Each payment carries both ids (ready for Status, Capture and Refund), the
// product, the app's orderId, the status where the item names one, and Test
// for test purchases (purchaseType 1, or a sandbox client).
//
// RuStore's documentation does not name the field the next page's token
// comes back in. Find takes it from continuationToken, continuation,
// nextContinuationToken, nextContinuation, nextPageToken or nextToken, then
// from the first, by name, of the string fields named like a continuation or
// a next token, so the same page always leads to the same next one. A page
// shorter than asked for, without a token, is the last. A full page
// without a token Find recognises may not be: Find yields the purchases
// read so far and then a payments.CodeUnknown error saying the list may go
// on (naming a field that might be the token), so a listing is never
// reported complete when it could not tell; the one false alarm is a last
// page that happens to be exactly full. A token repeated from an earlier
// page ends the listing the same way, instead of looping.
func (c *Client) Find(ctx context.Context, q payments.FindQuery) iter.Seq2[*payments.FoundPayment, error] {
	return func(yield func(*payments.FoundPayment, error) bool) {
		limit, err := c.checkFind(q)
		if err == nil {
			err = driver.ContextError(ctx, Name, payments.OpFind)
		}
		if err != nil {
			yield(nil, err)
			return
		}
		seen := map[string]bool{}
		token := ""
		for {
			if err := driver.ContextError(ctx, Name, payments.OpFind); err != nil {
				yield(nil, err)
				return
			}
			pg, err := c.listPage(ctx, q, token, limit)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, fp := range pg.items {
				if !yield(fp, nil) {
					return
				}
			}
			switch {
			case pg.next == "" && pg.full:
				msg := fmt.Sprintf("RuStore returned a full page of %d purchases and no continuation token this adapter recognises", pg.count)
				if pg.suspect != "" {
					msg += fmt.Sprintf(" (its field %q may be one)", pg.suspect)
				}
				msg += ": the list may go on past the purchases listed; a larger FindQuery.PageSize (at most 500) may fit it in one page"
				yield(nil, &payments.Error{Code: payments.CodeUnknown, Provider: Name, Op: payments.OpFind, Message: msg})
				return
			case pg.next == "":
				return
			case seen[pg.next]:
				yield(nil, &payments.Error{Code: payments.CodeUnknown, Provider: Name, Op: payments.OpFind,
					Message: "RuStore returned a continuation token it had returned before; stopping instead of listing the same purchases again"})
				return
			}
			seen[pg.next] = true
			token = pg.next
		}
	}
}

// checkFind validates q and returns the page size.
func (c *Client) checkFind(q payments.FindQuery) (int, error) {
	bad := func(format string, args ...any) (int, error) {
		return 0, driver.InvalidArgument(Name, payments.OpFind, format, args...)
	}
	switch {
	case c == nil || c.tr == nil:
		return 0, &payments.Error{Code: payments.CodeFailedPrecondition, Provider: Name, Op: payments.OpFind,
			Message: "the rustore.Client was not created by rustore.New"}
	case strings.TrimSpace(q.AppUserID) == "":
		return bad("FindQuery.AppUserID is empty: RuStore lists purchases by the app user id the app gave the Pay SDK")
	case strings.IndexFunc(q.AppUserID, unicode.IsControl) >= 0 || len(q.AppUserID) > 256:
		return bad("FindQuery.AppUserID must be at most 256 bytes without control characters")
	case strings.IndexFunc(q.RawStatus, func(r rune) bool { return !unicode.IsLetter(r) && r != '_' }) >= 0:
		return bad("FindQuery.RawStatus %.40q must be a RuStore status word such as CONFIRMED", q.RawStatus)
	case q.PageSize < 0 || q.PageSize > MaxPageSize:
		return bad("FindQuery.PageSize must be 0 (default %d) to %d, got %d", DefaultPageSize, MaxPageSize, q.PageSize)
	case q.PageSize == 0:
		return DefaultPageSize, nil
	}
	return q.PageSize, nil
}

// page is one page of the list, read.
type page struct {
	items   []*payments.FoundPayment
	count   int    // items on the page before the status check
	next    string // the next page's token, "" for none
	full    bool   // the page holds as many purchases as asked for
	suspect string // for a full page without a token: a field that may be one
}

func (c *Client) listPath(q payments.FindQuery, token string, limit int) string {
	v := url.Values{"appUserId": {q.AppUserID}, "limit": {strconv.Itoa(limit)}}
	if q.RawStatus != "" {
		v.Set("purchaseStatus", q.RawStatus)
	}
	if token != "" {
		v.Set("continuation", token)
	}
	return c.prefix + "/applications/" + strconv.FormatInt(c.appID, 10) + "/purchases?" + v.Encode()
}

// listPage fetches and reads one page.
func (c *Client) listPage(ctx context.Context, q payments.FindQuery, token string, limit int) (*page, error) {
	out := c.send(ctx, payments.OpFind, http.MethodGet, c.listPath(q, token, limit), transport.RetrySafe, nil)
	if out.err != nil {
		return nil, out.err
	}
	malformed := func(what string) error {
		return &payments.Error{Code: payments.CodeUnknown, Provider: Name, Op: payments.OpFind, HTTPStatus: out.httpStatus,
			ProviderCode: out.env.Code, Message: "malformed purchase list: " + c.tr.Redact(what), Err: driver.ErrMalformed}
	}
	raws, fields, err := splitPage(out.env.Body())
	if err != nil {
		return nil, malformed(err.Error())
	}
	pg := &page{count: len(raws)}
	for i, raw := range raws {
		fp, err := c.foundPayment(raw)
		if err != nil {
			return nil, malformed(fmt.Sprintf("item %d: %v", i, err))
		}
		if q.RawStatus != "" && fp.RawStatus != "" && !strings.EqualFold(fp.RawStatus, q.RawStatus) {
			continue
		}
		pg.items = append(pg.items, fp)
	}
	pg.next, pg.suspect = nextToken(fields)
	pg.full = len(raws) >= limit
	return pg, nil
}

// splitPage finds the items of a list body and the body's other fields: the
// body may be the array itself, or an object holding it.
func splitPage(body json.RawMessage) ([]json.RawMessage, map[string]json.RawMessage, error) {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" || trimmed == "null" {
		return nil, nil, nil
	}
	var list []json.RawMessage
	if strings.HasPrefix(trimmed, "[") {
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, nil, fmt.Errorf("body: %v", err)
		}
		return list, nil, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, nil, fmt.Errorf("body is neither a list nor an object: %v", err)
	}
	for _, name := range itemFields {
		if raw, ok := fields[name]; ok && json.Unmarshal(raw, &list) == nil {
			delete(fields, name)
			return list, fields, nil
		}
	}
	// Sorted, so a body with two arrays is read the same way every time.
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		raw := fields[name]
		if strings.HasPrefix(strings.TrimSpace(string(raw)), "[") && json.Unmarshal(raw, &list) == nil {
			delete(fields, name)
			return list, fields, nil
		}
	}
	return nil, fields, nil
}

// nextToken picks the next page's token from a page's other fields; when
// there is none, suspect names a string field that might be one.
func nextToken(fields map[string]json.RawMessage) (next, suspect string) {
	str := func(raw json.RawMessage) string {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return strings.TrimSpace(s)
	}
	for _, name := range tokenFields {
		if v := str(fields[name]); v != "" {
			return v, ""
		}
	}
	// The fallback runs over the names sorted, not in map order: with two
	// token-like fields a map walk would pick either at random, so the same
	// page could lead to different next pages from one run to the next.
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		lower := strings.ToLower(name)
		named := strings.Contains(lower, "continuation") || strings.Contains(lower, "next") && strings.Contains(lower, "token")
		if v := str(fields[name]); v != "" {
			if named {
				return v, ""
			}
			if suspect == "" {
				suspect = name
			}
		}
	}
	return "", suspect
}

// foundPayment reads one list item.
func (c *Client) foundPayment(raw json.RawMessage) (*payments.FoundPayment, error) {
	var it listItem
	if err := json.Unmarshal(raw, &it); err != nil {
		return nil, fmt.Errorf("does not parse: %v", err)
	}
	ref := payments.Ref{ID: strings.TrimSpace(it.PurchaseID), InvoiceID: string(it.InvoiceID)}
	if !isPurchaseID(ref.ID) {
		return nil, fmt.Errorf("purchaseId %.64q is not a UUID", ref.ID)
	}
	if ref.InvoiceID != "" && !isInvoiceID(ref.InvoiceID) {
		return nil, fmt.Errorf("invoiceId %.32q is not a number", ref.InvoiceID)
	}
	rawStatus := firstNonEmpty(it.PurchaseStatus, it.Status, it.InvoiceStatus)
	return &payments.FoundPayment{
		Ref:         ref,
		Provider:    Name,
		ProductID:   it.ProductID,
		ProductType: it.ProductType,
		OrderID:     it.OrderID,
		Status:      normalize(rawStatus),
		RawStatus:   rawStatus,
		Test:        string(it.PurchaseType) == "1" || strings.EqualFold(string(it.PurchaseType), "test") || c.prefix == sandboxPrefix,
		Raw:         append(json.RawMessage(nil), raw...),
	}, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
