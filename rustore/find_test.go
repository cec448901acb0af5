package rustore_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments"
	"github.com/regionpay/payments/internal/testlog"
	"github.com/regionpay/payments/rustore"
	"github.com/regionpay/payments/rustore/rustoretest"
	"github.com/regionpay/payments/status"
)

// seedUser stores n purchases of app user "u-1" (statuses cycling through
// paid, confirmed, refunded) and some of other users and of the sandbox,
// which the list must leave out. It returns u-1's purchases, oldest first.
func seedUser(t *testing.T, srv *rustoretest.Server, n int) []rustoretest.Purchase {
	t.Helper()
	statuses := []string{"paid", "confirmed", "refunded"}
	var out []rustoretest.Purchase
	for i := 0; i < n; i++ {
		p, err := srv.TryAddPurchase(rustoretest.Purchase{AppUserID: "u-1", Status: statuses[i%3],
			ItemCode: fmt.Sprintf("gems-%d", i), OrderID: fmt.Sprintf("app-order-%d", i)})
		require.NoError(t, err)
		out = append(out, p)
		_, err = srv.TryAddPurchase(rustoretest.Purchase{AppUserID: "u-2"})
		require.NoError(t, err)
	}
	_, err := srv.TryAddPurchase(rustoretest.Purchase{AppUserID: "u-1", Sandbox: true})
	require.NoError(t, err)
	return out
}

// collect iterates a listing to the end (or its first error).
func collect(t *testing.T, seq func(func(*payments.FoundPayment, error) bool)) ([]*payments.FoundPayment, error) {
	t.Helper()
	var out []*payments.FoundPayment
	for fp, err := range seq {
		if err != nil {
			return out, err
		}
		require.NotNil(t, fp)
		out = append(out, fp)
	}
	return out, nil
}

func TestFindPagesThroughOneUsersPurchases(t *testing.T) {
	e := newEnv(t, nil, nil)
	want := seedUser(t, e.srv, 7)
	got, err := collect(t, payments.Find(context.Background(), e.client, payments.FindQuery{AppUserID: "u-1", PageSize: 3}))
	require.NoError(t, err)
	require.Len(t, got, 7)
	for i, fp := range got {
		p := want[i]
		require.Equal(t, refOf(p), fp.Ref, "item %d carries both ids", i)
		require.Equal(t, rustore.Name, fp.Provider)
		require.Equal(t, p.ItemCode, fp.ProductID)
		require.Equal(t, p.OrderID, fp.OrderID)
		require.Equal(t, "CONSUMABLE", fp.ProductType)
		require.Equal(t, p.Status, fp.RawStatus)
		require.False(t, fp.Test)
		require.NotEmpty(t, fp.Raw)
	}
	require.Equal(t, status.Authorized, got[0].Status)
	require.Equal(t, status.Captured, got[1].Status)
	require.Equal(t, status.Refunded, got[2].Status)
	require.Equal(t, 3, e.srv.ListReads(), "7 purchases in pages of 3")
	for _, r := range e.srv.Requests() {
		if strings.HasSuffix(r.Path, "/purchases") {
			require.Contains(t, r.RawQuery, "appUserId=u-1")
			require.Contains(t, r.RawQuery, "limit=3")
		}
	}
}

func TestFindFetchesLazilyAndStopsWhenTheCallerBreaks(t *testing.T) {
	e := newEnv(t, nil, nil)
	seedUser(t, e.srv, 9)
	n := 0
	for fp, err := range e.client.Find(context.Background(), payments.FindQuery{AppUserID: "u-1", PageSize: 3}) {
		require.NoError(t, err)
		require.NotNil(t, fp)
		if n++; n == 4 {
			break
		}
	}
	require.Equal(t, 2, e.srv.ListReads(), "4 purchases need 2 pages of 3, not all 3")
}

func TestFindStopsWhenTheContextEnds(t *testing.T) {
	e := newEnv(t, nil, nil)
	seedUser(t, e.srv, 9)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	items, errs := 0, 0
	for fp, err := range e.client.Find(ctx, payments.FindQuery{AppUserID: "u-1", PageSize: 3}) {
		if err != nil {
			errs++
			require.ErrorIs(t, err, payments.ErrCanceled)
			require.ErrorIs(t, err, context.Canceled)
			continue
		}
		require.NotNil(t, fp)
		if items++; items == 3 {
			cancel()
		}
	}
	require.Equal(t, 3, items, "nothing after the context ended")
	require.Equal(t, 1, errs, "the context's error is yielded once")
	require.Equal(t, 1, e.srv.ListReads())
}

func TestFindByStatus(t *testing.T) {
	e := newEnv(t, nil, nil)
	seedUser(t, e.srv, 7)
	got, err := collect(t, e.client.Find(context.Background(), payments.FindQuery{AppUserID: "u-1", RawStatus: "CONFIRMED"}))
	require.NoError(t, err)
	require.Len(t, got, 2)
	for _, fp := range got {
		require.Equal(t, status.Captured, fp.Status)
	}
}

func TestFindSandboxListsTestPurchases(t *testing.T) {
	e := newEnv(t, nil, func(c *rustore.Config) { c.Sandbox = true })
	seedUser(t, e.srv, 2)
	got, err := collect(t, e.client.Find(context.Background(), payments.FindQuery{AppUserID: "u-1"}))
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.True(t, got[0].Test)
}

// TestFindToleratesTheTokenFieldsName: RuStore's page does not name the
// field the next page's token comes in; every plausible name works.
func TestFindToleratesTheTokenFieldsName(t *testing.T) {
	for _, field := range []string{"continuationToken", "continuation", "nextPageToken", "nextContinuation", "pageContinuationId"} {
		t.Run(field, func(t *testing.T) {
			e := newEnv(t, &rustoretest.Options{ContinuationField: field}, nil)
			seedUser(t, e.srv, 7)
			got, err := collect(t, e.client.Find(context.Background(), payments.FindQuery{AppUserID: "u-1", PageSize: 3}))
			require.NoError(t, err)
			require.Len(t, got, 7)
		})
	}
}

// TestFindUnknownTokenFieldIsNotReportedComplete: a full page whose token
// comes under a name the adapter does not know yields what was read and
// then an error saying the list may go on.
func TestFindUnknownTokenFieldIsNotReportedComplete(t *testing.T) {
	e := newEnv(t, &rustoretest.Options{ContinuationField: "cursor"}, nil)
	seedUser(t, e.srv, 7)
	got, err := collect(t, e.client.Find(context.Background(), payments.FindQuery{AppUserID: "u-1", PageSize: 3}))
	pe := asError(t, err)
	require.Equal(t, payments.CodeUnknown, pe.Code)
	require.Contains(t, pe.Message, `"cursor"`)
	require.Contains(t, pe.Message, "may go on")
	require.Len(t, got, 3, "the first page is still yielded")
	// A short last page needs no token: no error.
	got, err = collect(t, e.client.Find(context.Background(), payments.FindQuery{AppUserID: "u-1", PageSize: 10}))
	require.NoError(t, err)
	require.Len(t, got, 7)
}

func listAnswer(body string) fakeAnswer {
	return fakeAnswer{status: http.StatusOK, body: `{"code":"OK","message":null,"body":` + body + `,"timestamp":"2025-04-01T15:02:09.427Z"}`}
}

const (
	itemA = `{"purchaseId":"3aa0c7bd-964e-4562-b218-fe365adb4ae3","invoiceId":"100001","productId":"gems","orderId":"o-1","purchaseType":"1","status":"CONFIRMED"}`
	itemB = `{"purchaseId":"4bb0c7bd-964e-4562-b218-fe365adb4ae3","invoiceId":100002,"productId":"gems","orderId":"o-2","purchaseType":0}`
)

func TestFindListShapes(t *testing.T) {
	cases := []struct {
		name   string
		bodies []string
		want   int
		code   payments.Code
		says   string
	}{
		{"bare array", []string{`[` + itemA + `,` + itemB + `]`}, 2, 0, ""},
		{"full bare array", []string{`[` + itemA + `,` + itemB + `]`}, -2, payments.CodeUnknown, "may go on"},
		{"full page, no token", []string{`{"purchases":[` + itemA + `,` + itemB + `]}`}, -2, payments.CodeUnknown, "may go on"},
		{"items field", []string{`{"items":[` + itemA + `],"nextToken":"t1"}`, `{"items":[` + itemB + `]}`}, 2, 0, ""},
		{"unnamed array field", []string{`{"records":[` + itemA + `,` + itemB + `]}`}, 2, 0, ""},
		{"empty body", []string{`null`}, 0, 0, ""},
		{"token repeated", []string{`{"purchases":[` + itemA + `],"continuationToken":"same"}`}, 2, payments.CodeUnknown, "returned before"},
		{"item without a purchase id", []string{`{"purchases":[{"invoiceId":1}]}`}, 0, payments.CodeUnknown, "purchaseId"},
		{"not JSON", []string{`"nope"`}, 0, payments.CodeUnknown, "malformed purchase list"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var answers []fakeAnswer
			for _, b := range tc.bodies {
				answers = append(answers, listAnswer(b))
			}
			f := newFakeAPI(t, answers...)
			q := payments.FindQuery{AppUserID: "u"}
			want := tc.want
			if want < 0 {
				// A negative count asks for pages of exactly that many.
				want = -want
				q.PageSize = want
			}
			got, err := collect(t, f.client(t, &testlog.Buffer{}).Find(context.Background(), q))
			require.Len(t, got, want)
			if tc.says == "" {
				require.NoError(t, err)
				return
			}
			pe := asError(t, err)
			require.Equal(t, tc.code, pe.Code)
			require.Contains(t, pe.Error(), tc.says)
		})
	}
	f := newFakeAPI(t, listAnswer(`[`+itemA+`,`+itemB+`]`))
	got, err := collect(t, f.client(t, &testlog.Buffer{}).Find(context.Background(), payments.FindQuery{AppUserID: "u"}))
	require.NoError(t, err)
	require.Equal(t, payments.Ref{ID: "3aa0c7bd-964e-4562-b218-fe365adb4ae3", InvoiceID: "100001"}, got[0].Ref)
	require.True(t, got[0].Test)
	require.Equal(t, status.Captured, got[0].Status)
	require.Equal(t, "100002", got[1].Ref.InvoiceID)
	require.False(t, got[1].Test)
	require.Equal(t, status.Unknown, got[1].Status, "no status field: Unknown, read Status for it")
}

func TestFindRefusesBadQueriesBeforeSending(t *testing.T) {
	e := newEnv(t, nil, nil)
	for _, q := range []payments.FindQuery{
		{},
		{AppUserID: " "},
		{AppUserID: "u\n1"},
		{AppUserID: "u", PageSize: rustore.MaxPageSize + 1},
		{AppUserID: "u", PageSize: -1},
		{AppUserID: "u", RawStatus: "paid&x=1"},
	} {
		_, err := collect(t, e.client.Find(context.Background(), q))
		require.Equal(t, payments.CodeInvalidArgument, asError(t, err).Code, "%+v", q)
	}
	require.Empty(t, e.srv.Requests())
}

// TestFindRefThenRefund: from a bare purchaseId (a support ticket) to a
// refunded purchase, with the library alone.
func TestFindRefThenRefund(t *testing.T) {
	e := newEnv(t, nil, nil)
	want := seedUser(t, e.srv, 7)[4] // confirmed
	ctx := context.Background()
	ref, err := payments.FindRef(ctx, e.client, payments.FindQuery{AppUserID: "u-1", PageSize: 2}, want.PurchaseID)
	require.NoError(t, err)
	require.Equal(t, refOf(want), ref)
	require.Equal(t, 3, e.srv.ListReads(), "FindRef stops at the page holding the purchase")
	res, err := payments.Refund(ctx, e.client, ref, nil)
	require.NoError(t, err)
	require.Equal(t, status.Refunded, res.Status)
	require.Equal(t, 1, e.srv.Count(want.PurchaseID, rustoretest.ActionRefund))

	_, err = payments.FindRef(ctx, e.client, payments.FindQuery{AppUserID: "u-2"}, want.PurchaseID)
	require.Equal(t, payments.CodeNotFound, asError(t, err).Code)
}

// TestFindRefRefusesANonUUIDBeforeListing: a purchaseId that is not a UUID
// is refused as bad input before any page is read, as Status refuses it.
func TestFindRefRefusesANonUUIDBeforeListing(t *testing.T) {
	e := newEnv(t, nil, nil)
	seedUser(t, e.srv, 2)
	for _, id := range []string{"not-a-uuid", "{3aa0c7bd-964e-4562-b218-fe365adb4ae3}"} {
		_, err := payments.FindRef(context.Background(), e.client, payments.FindQuery{AppUserID: "u-1"}, id)
		require.Equal(t, payments.CodeInvalidArgument, asError(t, err).Code, id)
		require.Contains(t, err.Error(), "must be a RuStore purchaseId")
	}
	require.Zero(t, e.srv.ListReads(), "nothing listed for a malformed id")
}

// TestFindPicksTheSameTokenEveryTime: a page with two token-like fields
// that are not among the known names must lead to the same next page on
// every run (the fallback goes by name order, not map order), and a full
// page without a token names the same suspect field every time.
func TestFindPicksTheSameTokenEveryTime(t *testing.T) {
	f := newFakeAPI(t,
		listAnswer(`{"purchases":[`+itemA+`,`+itemB+`],"pageContinuationKey":"tok-p","nextCursorToken":"tok-n"}`),
		listAnswer(`[]`))
	got, err := collect(t, f.client(t, &testlog.Buffer{}).Find(context.Background(), payments.FindQuery{AppUserID: "u", PageSize: 2}))
	require.NoError(t, err)
	require.Len(t, got, 2)
	f.mu.Lock()
	conts := append([]string(nil), f.conts...)
	f.mu.Unlock()
	require.Equal(t, []string{"", "tok-n"}, conts, "nextCursorToken sorts before pageContinuationKey")

	f = newFakeAPI(t, listAnswer(`{"purchases":[`+itemA+`,`+itemB+`],"zeta":"z","cursor":"c","after":"a"}`))
	_, err = collect(t, f.client(t, &testlog.Buffer{}).Find(context.Background(), payments.FindQuery{AppUserID: "u", PageSize: 2}))
	pe := asError(t, err)
	require.Contains(t, pe.Message, `"after"`, "the first string field by name is the suspect")
}
