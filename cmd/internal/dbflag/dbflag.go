// Package dbflag is the --db flag of rosterctl and the window: the database's path, and
// whether --db was given at all, so that an empty --db is a mistake of the command line
// rather than a request for the default database.
package dbflag

import "errors"

// Value is the flag's value; use it with flag.FlagSet.Var.
type Value struct {
	Path  string
	Given bool
}

// String implements flag.Value.
func (v *Value) String() string {
	if v == nil {
		return ""
	}
	return v.Path
}

// Set implements flag.Value.
func (v *Value) Set(s string) error {
	v.Path, v.Given = s, true
	return nil
}

// ErrEmpty is Check's error for an empty --db.
var ErrEmpty = errors.New("--db needs the database file's PATH")

// Check returns ErrEmpty when --db was given with no path.
func (v *Value) Check() error {
	if v.Given && v.Path == "" {
		return ErrEmpty
	}
	return nil
}
