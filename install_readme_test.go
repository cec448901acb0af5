package payments_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regionpay/payments/internal/readmetest"
)

// installAppMain is an app that imports the library and both adapters.
const installAppMain = `package main

import (
	"github.com/regionpay/payments"
	_ "github.com/regionpay/payments/rustore"
	_ "github.com/regionpay/payments/yandexpay"
)

func main() { _ = payments.Adapters() }
`

// TestREADMEInstallFromClone: an app outside this module finds the library
// and every package it imports in a clone, the two ways the README's Install
// section gives: a replace line in go.mod (the README's lines, with the
// clone's path) and a workspace. The go command runs offline (GOPROXY=off),
// with the local toolchain only, and lists rather than compiles: that the
// library compiles is what the rest of the tests show, and a second,
// non-race build of it would double a cold test run.
func TestREADMEInstallFromClone(t *testing.T) {
	root, err := os.Getwd()
	require.NoError(t, err)
	lines := readmetest.MustBlock("README.md", "go.mod")
	require.Contains(t, lines, "../payments", "the README's replace line no longer points at ../payments; update this test")
	lines = strings.ReplaceAll(lines, "../payments", root)
	sums, err := os.ReadFile("go.sum")
	require.NoError(t, err)

	t.Run("replace", func(t *testing.T) {
		app := installApp(t, "module example.com/app\n\ngo 1.23\n\n"+lines)
		// The app has no sums of its own yet; go mod tidy would fetch them.
		require.NoError(t, os.WriteFile(filepath.Join(app, "go.sum"), sums, 0o600))
		installGo(t, app, []string{"GOFLAGS=-mod=mod", "GOWORK=off"}, "list", "-deps", ".")
	})
	t.Run("workspace", func(t *testing.T) {
		app := installApp(t, "module example.com/app\n\ngo 1.23\n")
		installGo(t, app, []string{"GOFLAGS="}, "work", "init", ".", root)
		installGo(t, app, []string{"GOFLAGS="}, "list", "-deps", ".")
	})
}

// TestREADMEGoVersion: the Go version the README asks for is go.mod's go
// line, the true minimum that vet's standard-library check keeps honest.
func TestREADMEGoVersion(t *testing.T) {
	mod, err := os.ReadFile("go.mod")
	require.NoError(t, err)
	var line string
	for _, l := range strings.Split(string(mod), "\n") {
		if strings.HasPrefix(l, "go ") {
			line = strings.TrimSuffix(strings.TrimPrefix(l, "go "), ".0")
		}
	}
	require.NotEmpty(t, line, "go.mod has no go line")
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	require.Contains(t, string(readme), "Go "+line+" or newer", "README.md must ask for go.mod's Go version")
}

func installApp(t *testing.T, gomod string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(installAppMain), 0o600))
	return dir
}

func installGo(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOPROXY=off", "GOTOOLCHAIN=local"), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go %s in %s:\n%s", strings.Join(args, " "), dir, out)
}
