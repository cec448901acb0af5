package driver_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regionpay/payments/driver"
)

func TestCallStats(t *testing.T) {
	assert.Nil(t, driver.StatsFrom(context.Background()), "no one is counting")
	var none *driver.CallStats
	none.AddRequest(3, 500) // a nil CallStats takes reports and ignores them
	none.TokenRefreshed()
	assert.Zero(t, none.Attempts())

	ctx, s := driver.WithCallStats(context.Background())
	assert.Same(t, s, driver.StatsFrom(ctx))
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			driver.StatsFrom(ctx).AddRequest(2, 200)
		}()
	}
	wg.Wait()
	s.AddRequest(1, 0) // no answer: the last status stays
	s.TokenRefreshed()
	assert.Equal(t, 9, s.Attempts())
	assert.Equal(t, 4, s.Retries())
	assert.Equal(t, 200, s.HTTPStatus())
	assert.Equal(t, 1, s.TokenRefreshes())
}
