package rustore_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/internal/readmetest"
)

// TestREADMEQuickStartIsTheExample: the README's quick start is the source of
// Example_quickStart, which go test compiles and runs, so the README cannot
// show code that does not build.
func TestREADMEQuickStartIsTheExample(t *testing.T) {
	block := readmetest.MustBlock(filepath.Join("..", "README.md"), "quickstart")
	src, err := os.ReadFile("example_quickstart_test.go")
	require.NoError(t, err)
	i := strings.Index(string(src), "import (")
	require.GreaterOrEqual(t, i, 0, "example_quickstart_test.go has no import block")
	assert.Equal(t, string(src[i:]), block, "README.md's quick start differs from example_quickstart_test.go: copy the file from its import block on")
}
