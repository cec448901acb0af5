package rustore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/regionpay/payments"
)

// FuzzFindPage feeds arbitrary purchase list pages to Find, through the
// whole transport: whatever the page, Find must not panic, must yield only
// purchases with a UUID purchaseId, must end (a page naming itself as the
// next one is the same token twice), and must end any failure with one
// *payments.Error of OpFind that says something and keeps the token out.
func FuzzFindPage(f *testing.F) {
	const item = `{"purchaseId":"3aa0c7bd-964e-4562-b218-fe365adb4ae3","invoiceId":7001,"productId":"p","purchaseStatus":"CONFIRMED","purchaseType":1}`
	seeds := []struct {
		status int
		body   string
	}{
		{200, `{"code":"OK","body":{"purchases":[` + item + `],"continuationToken":"t1"}}`},
		{200, `{"code":"OK","body":[` + item + `]}`},
		{200, `{"code":"OK","body":{"items":[` + item + `,{"purchaseId":"not-a-uuid"}]}}`},
		{200, `{"code":"OK","body":{"content":[{"purchaseId":"3aa0c7bd-964e-4562-b218-fe365adb4ae3","invoiceId":"x1"}],"nextPageToken":"` + fuzzToken + `"}}`},
		{200, `{"code":"OK","body":{"list":[null,1,"a",[]],"nextToken":{"a":1}}}`},
		{200, `{"code":"OK","body":{"data":{"purchases":[]},"continuation":""}}`},
		{200, `{"code":"OK","body":null}`},
		{200, `{"code":"OK","body":"[]"}`},
		{400, `{"code":"ERROR","message":"appUserId is invalid"}`},
		{401, `{"code":"ERROR","message":"Jwe token is expired: ` + fuzzToken + `"}`},
		{200, `{"code":"OK","body":{"purchases":[` + item + `],"nextContinuationToken":7,"weirdNext":"z"}}`},
	}
	for _, s := range seeds {
		f.Add(s.status, []byte(s.body), uint8(0))
		f.Add(s.status, []byte(s.body), uint8(1))
	}
	rt := &scriptedRT{}
	c, err := newFuzzClient(rt)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, httpStatus int, body []byte, pageSize uint8) {
		rt.set(fuzzResponse(httpStatus, body))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q := payments.FindQuery{AppUserID: "user-1", PageSize: int(pageSize)}
		n, failures := 0, 0
		for fp, err := range c.Find(ctx, q) {
			if err != nil {
				failures++
				var pe *payments.Error
				if !errors.As(err, &pe) {
					t.Fatalf("want *payments.Error, got %T: %v", err, err)
				}
				if pe.Op != payments.OpFind {
					t.Fatalf("err.Op = %q, want %q", pe.Op, payments.OpFind)
				}
				checkError(t, pe)
				continue
			}
			if failures > 0 {
				t.Fatal("a purchase yielded after the error that ends the list")
			}
			if fp == nil || !isPurchaseID(fp.Ref.ID) {
				t.Fatalf("yielded a purchase without a UUID purchaseId: %+v", fp)
			}
			if n++; n > 10000 {
				t.Fatal("Find does not end on a page that repeats itself")
			}
		}
		if failures > 1 {
			t.Fatalf("%d errors yielded; an error ends the list", failures)
		}
	})
}
