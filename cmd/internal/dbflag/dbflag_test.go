package dbflag

import (
	"errors"
	"flag"
	"io"
	"testing"
)

func TestValue(t *testing.T) {
	for _, tt := range []struct {
		args []string
		path string
		err  error
	}{
		{nil, "", nil},
		{[]string{"--db", "/x/School #5.db"}, "/x/School #5.db", nil},
		{[]string{"--db", ""}, "", ErrEmpty},
		{[]string{"--db="}, "", ErrEmpty},
	} {
		var v Value
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Var(&v, "db", "")
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		if v.Path != tt.path || !errors.Is(v.Check(), tt.err) {
			t.Errorf("%q: Path %q, Check %v; want %q, %v", tt.args, v.Path, v.Check(), tt.path, tt.err)
		}
	}
}
