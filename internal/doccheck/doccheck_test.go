package doccheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// moduleRoot is the module's root, two levels above this package.
const moduleRoot = "../.."

// TestExportedNamesHaveDocComments walks the module's non-test,
// non-internal packages and fails naming every exported identifier, struct
// field or interface method without a comment of its own. A group's comment
// does not count for the names inside the group: each says what it is for.
func TestExportedNamesHaveDocComments(t *testing.T) {
	var missing []string
	files := 0
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != moduleRoot && (name == "internal" || name == "testdata" || name == "vendor" ||
				strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		files++
		rel, _ := filepath.Rel(moduleRoot, path)
		report := func(pos token.Pos, what string) {
			p := fset.Position(pos)
			missing = append(missing, rel+":"+strconv.Itoa(p.Line)+": "+what)
		}
		undocumented(f, report)
		return nil
	})
	if err != nil {
		t.Fatalf("walking the module: %v", err)
	}
	if files == 0 {
		t.Fatal("no Go files found under the module root: the walk is broken")
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no doc comment: %s", m)
	}
}

// TestUndocumentedIsFound guards the check itself: each kind of missing
// comment is reported, and documented names are not.
func TestUndocumentedIsFound(t *testing.T) {
	src := `package p

// Documented is documented.
type Documented struct {
	// A is documented.
	A int
	B int // B has a line comment.
	C int
	d int
}

type Bare int

// Closer is documented, its method is not.
type Closer interface {
	Close() error
}

// Grouped names need their own comments.
const (
	// One is documented.
	One = 1
	Two = 2
)

// F is documented.
func F() {}

func G() {}

func (Documented) M() {}

type hidden struct{ X int }

func (hidden) N() {}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	undocumented(f, func(pos token.Pos, what string) { got = append(got, what) })
	want := []string{"field Documented.C", "type Bare", "method Closer.Close", "Two", "func G", "method Documented.M"}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("reported %q, want %q", got, want)
	}
}

// undocumented calls report for each exported name in f lacking its own
// comment: functions, methods of exported types, types, constants and
// variables, and the exported fields and methods of exported struct and
// interface types.
func undocumented(f *ast.File, report func(pos token.Pos, what string)) {
	has := func(groups ...*ast.CommentGroup) bool {
		for _, g := range groups {
			if g != nil && strings.TrimSpace(g.Text()) != "" {
				return true
			}
		}
		return false
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if !d.Name.IsExported() {
				continue
			}
			if d.Recv == nil {
				if !has(d.Doc) {
					report(d.Pos(), "func "+d.Name.Name)
				}
				continue
			}
			recv := receiverName(d.Recv.List[0].Type)
			if ast.IsExported(recv) && !has(d.Doc) {
				report(d.Pos(), "method "+recv+"."+d.Name.Name)
			}
		case *ast.GenDecl:
			// An ungrouped declaration's comment sits on the GenDecl.
			single := !d.Lparen.IsValid()
			for _, spec := range d.Specs {
				switch s := spec.(type) {
				case *ast.TypeSpec:
					if !s.Name.IsExported() {
						continue
					}
					if !has(s.Doc, s.Comment) && !(single && has(d.Doc)) {
						report(s.Pos(), "type "+s.Name.Name)
					}
					members(s, has, report)
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() && !has(s.Doc, s.Comment) && !(single && has(d.Doc)) {
							report(n.Pos(), n.Name)
						}
					}
				}
			}
		}
	}
}

// members reports the exported fields of a struct type and the methods of
// an interface type that lack their own comment.
func members(s *ast.TypeSpec, has func(...*ast.CommentGroup) bool, report func(token.Pos, string)) {
	var list *ast.FieldList
	kind := "field "
	switch t := s.Type.(type) {
	case *ast.StructType:
		list = t.Fields
	case *ast.InterfaceType:
		list, kind = t.Methods, "method "
	default:
		return
	}
	for _, fld := range list.List {
		names := fld.Names
		if len(names) == 0 {
			// An embedded field or interface: named by its type.
			n := receiverName(fld.Type)
			if kind == "method " || !ast.IsExported(n) || has(fld.Doc, fld.Comment) {
				continue
			}
			report(fld.Pos(), kind+s.Name.Name+"."+n)
			continue
		}
		for _, n := range names {
			if n.IsExported() && !has(fld.Doc, fld.Comment) {
				report(n.Pos(), kind+s.Name.Name+"."+n.Name)
			}
		}
	}
}

// receiverName is the type name in a receiver or embedded field's type
// expression (T, *T, T[P], pkg.T).
func receiverName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.StarExpr:
		return receiverName(t.X)
	case *ast.IndexExpr:
		return receiverName(t.X)
	case *ast.IndexListExpr:
		return receiverName(t.X)
	case *ast.SelectorExpr:
		return t.Sel.Name
	}
	return ""
}
