// Package readmetest gives tests the code blocks of README.md, so that what
// the README tells a newcomer to type is what the tests run or compile.
//
// A block is marked by an HTML comment on the line before its fence:
//
//	<!-- readme-test: NAME -->
//	```sh
//	...
//	```
package readmetest

import (
	"fmt"
	"os"
	"strings"
)

// Block returns the body of the fenced code block marked NAME in the
// Markdown file at path, without its fences. It fails when the marker is
// missing, appears twice, or is not followed by a closed fence: a test must
// never run an empty or partial block by mistake.
func Block(path, name string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	marker := "<!-- readme-test: " + name + " -->"
	text := string(raw)
	if n := strings.Count(text, marker); n != 1 {
		return "", fmt.Errorf("%s: marker %q appears %d times, want once", path, marker, n)
	}
	rest := text[strings.Index(text, marker)+len(marker):]
	rest = strings.TrimPrefix(rest, "\n")
	if !strings.HasPrefix(rest, "```") {
		return "", fmt.Errorf("%s: marker %q is not followed by a code fence on the next line", path, marker)
	}
	nl := strings.IndexByte(rest, '\n')
	if nl < 0 {
		return "", fmt.Errorf("%s: block %q has no body", path, name)
	}
	body := rest[nl+1:]
	end := strings.Index(body, "\n```")
	if strings.HasPrefix(body, "```") {
		end = -1 // an empty block
	}
	if end < 0 {
		return "", fmt.Errorf("%s: block %q is empty or its fence is not closed", path, name)
	}
	return body[:end+1], nil
}

// MustBlock is Block for tests: it panics with Block's error.
func MustBlock(path, name string) string {
	b, err := Block(path, name)
	if err != nil {
		panic(err)
	}
	return b
}
