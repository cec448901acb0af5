// Package doccheck holds the test that every exported name of the module's
// public packages, and every exported field and interface method of their
// exported types, carries a doc comment of its own.
package doccheck
