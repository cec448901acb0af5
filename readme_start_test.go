package payments_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/internal/readmetest"
)

// TestREADMEStartIsInTheExample: the README's "Starting a payment" code is
// part of ExampleStart, line for line (indented one tab), so go test
// compiles and runs what the README shows.
func TestREADMEStartIsInTheExample(t *testing.T) {
	block := readmetest.MustBlock("README.md", "start")
	var indented strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
		if line != "" {
			indented.WriteString("\t")
		}
		indented.WriteString(line + "\n")
	}
	src, err := os.ReadFile("example_start_test.go")
	require.NoError(t, err)
	require.Contains(t, string(src), indented.String(),
		"README.md's Starting a payment block is no longer part of ExampleStart in example_start_test.go: make them the same again")
}
