package ui

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoStorageImports keeps the window away from the database: ui reaches storage only
// through the engine (cmd → ui → core), never by importing SQL or SQLite itself.
func TestNoStorageImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := filepath.Glob("*/*.go")
	files = append(files, sub...)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case path == "database/sql",
				strings.HasPrefix(path, "modernc.org/"),
				strings.Contains(path, "/core/sqlite"):
				t.Errorf("%s imports %s; the window must reach the database through the engine", f, path)
			}
		}
	}
}
