package transport

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regionpay/payments"
)

func TestCodeForStatus(t *testing.T) {
	tests := []struct {
		status int
		want   payments.Code
	}{
		{http.StatusBadRequest, payments.CodeInvalidArgument},
		{http.StatusUnauthorized, payments.CodeUnauthenticated},
		{http.StatusForbidden, payments.CodePermissionDenied},
		{http.StatusNotFound, payments.CodeNotFound},
		{http.StatusMethodNotAllowed, payments.CodeUnknown},
		{http.StatusConflict, payments.CodeConflict},
		{http.StatusGone, payments.CodeUnknown},
		{http.StatusUnprocessableEntity, payments.CodeInvalidArgument},
		{http.StatusTooManyRequests, payments.CodeResourceExhausted},
		{http.StatusInternalServerError, payments.CodeUnavailable},
		{http.StatusNotImplemented, payments.CodeUnimplemented},
		{http.StatusBadGateway, payments.CodeUnavailable},
		{http.StatusServiceUnavailable, payments.CodeUnavailable},
		{http.StatusGatewayTimeout, payments.CodeUnavailable},
		{599, payments.CodeUnavailable},
		{600, payments.CodeUnknown},
		{http.StatusOK, payments.CodeUnknown},
		{http.StatusFound, payments.CodeUnknown},
		{0, payments.CodeUnknown},
		{-1, payments.CodeUnknown},
	}
	tested := map[int]bool{}
	for _, tt := range tests {
		assert.Equal(t, tt.want, CodeForStatus(tt.status), "http %d", tt.status)
		tested[tt.status] = true
	}
	for status := range statusCodes {
		assert.True(t, tested[status], "the table row for http %d has no test case", status)
	}
}
