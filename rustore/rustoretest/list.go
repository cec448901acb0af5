package rustoretest

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Purchase list paging.
const (
	// DefaultListLimit is the page size when the request gives no limit.
	DefaultListLimit = 20
	// MaxListLimit caps the page size, as RuStore's catalog lists do.
	MaxListLimit = 500
)

const msgNoAppUser = "appUserId is required"

// listItem is one purchase in GET {prefix}/applications/{appId}/purchases,
// with the fields RuStore's purchase list page names.
type listItem struct {
	PurchaseID     string `json:"purchaseId"`
	ProductID      string `json:"productId"`
	InvoiceID      int64  `json:"invoiceId"`
	OrderID        string `json:"orderId"`
	PurchaseType   int    `json:"purchaseType"` // 0 production, 1 test
	ProductType    string `json:"productType"`
	Description    string `json:"description"`
	PurchaseStatus string `json:"purchaseStatus"`
}

// list answers the purchases of one app user, oldest invoice first, a page
// at a time: the page's continuation token (under the field
// Options.ContinuationField) names the last invoice shown, and is absent on
// the last page.
func (s *Server) list(rt route, q url.Values) reply {
	user := q.Get("appUserId")
	if strings.TrimSpace(user) == "" {
		return errReply(http.StatusBadRequest, codeBadRequest, msgNoAppUser)
	}
	limit, after, rep, ok := listPage(q)
	if !ok {
		return rep
	}
	status := q.Get("purchaseStatus")
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*purchaseState
	for _, ps := range s.purchases {
		p := ps.p
		if p.AppUserID == user && p.Sandbox == rt.sandbox && p.InvoiceID > after &&
			(status == "" || strings.EqualFold(p.Status, status)) {
			all = append(all, ps)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].p.InvoiceID < all[j].p.InvoiceID })
	page := all[:min(limit, len(all))]
	items := make([]listItem, 0, len(page))
	for _, ps := range page {
		items = append(items, listItemOf(ps.p))
	}
	s.listReads++
	body := map[string]any{"purchases": items}
	if len(all) > len(page) {
		last := page[len(page)-1].p.InvoiceID
		body[s.contField] = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(last, 10)))
	}
	return okReply(body)
}

// listPage reads a list request's limit and continuation token (the last
// invoice id of the page before).
func listPage(q url.Values) (limit int, after int64, rep reply, ok bool) {
	limit = DefaultListLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return 0, 0, errReply(http.StatusBadRequest, codeBadRequest, "limit must be a positive number"), false
		}
		limit = min(n, MaxListLimit)
	}
	if tok := q.Get("continuation"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err == nil {
			after, err = strconv.ParseInt(string(b), 10, 64)
		}
		if err != nil {
			return 0, 0, errReply(http.StatusBadRequest, codeBadRequest, "continuation is not a token this list gave"), false
		}
	}
	return limit, after, reply{}, true
}

// listItemOf is a purchase as the list reports it.
func listItemOf(p Purchase) listItem {
	typ := 0
	if p.Sandbox {
		typ = 1
	}
	return listItem{PurchaseID: p.PurchaseID, ProductID: p.ProductID, InvoiceID: p.InvoiceID,
		OrderID: p.OrderID, PurchaseType: typ, ProductType: p.ProductType, Description: p.Description,
		PurchaseStatus: p.Status}
}

// ListReads says how many purchase list pages were served.
func (s *Server) ListReads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.listReads
}
