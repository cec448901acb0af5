package readmetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	require.NoError(t, os.WriteFile(path, []byte("# x\n\n<!-- readme-test: a -->\n```sh\necho 1\necho 2\n```\n\n<!-- readme-test: loose -->\ntext\n\n<!-- readme-test: open -->\n```\necho\n\n<!-- readme-test: empty -->\n```\n```\n"), 0o600))
	b, err := Block(path, "a")
	require.NoError(t, err)
	assert.Equal(t, "echo 1\necho 2\n", b)

	cases := map[string]string{
		"missing": `marker "<!-- readme-test: missing -->" appears 0 times`,
		"loose":   "is not followed by a code fence",
		"empty":   `block "empty" is empty or its fence is not closed`,
	}
	for name, want := range cases {
		_, err := Block(path, name)
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), want, name)
		}
	}
	assert.Panics(t, func() { MustBlock(path, "missing") })
}
