package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// flags returns the flag set of the command being run, with the --db every command takes
// already defined (its default is the --db given before the command, if any).
func (c *cli) flags() *flag.FlagSet {
	fs := flag.NewFlagSet(c.cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // fail prints one line plus our own usage instead
	fs.Var(&c.db, "db", "database `PATH`")
	return fs
}

// parse parses args with fs, accepting flags before, between and after the positional
// arguments (so "import FILE --school X" works as well as "import --school X FILE"), and
// checks that there are between min and max positional arguments (max < 0: no limit).
func (c *cli) parse(fs *flag.FlagSet, args []string, min, max int) ([]string, error) {
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(c.stdout, c.cmd)
		return nil, helpShown
	}
	if err != nil {
		return nil, c.usageErrorf("%s", flagMessage(err))
	}
	switch {
	case len(pos) < min:
		return nil, c.usageErrorf("missing argument")
	case max >= 0 && len(pos) > max:
		return nil, c.usageErrorf("unexpected argument %q", pos[max])
	}
	return pos, nil
}

// parseInterspersed runs fs.Parse repeatedly, collecting each non-flag argument it stops
// at; after "--" everything is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// flagMessage turns the flag package's error into our wording ("flag provided but not
// defined: -x" → "unknown flag -x").
func flagMessage(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return "unknown flag " + name
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return "flag " + name + " needs a value"
	}
	return msg
}

// require returns a usage error if the value of flag name is empty. The message spells
// the flag as the usage does: -o FILE, --school NAME.
func (c *cli) require(name, value string) error {
	if strings.TrimSpace(value) != "" {
		return nil
	}
	if name == "o" {
		return c.usageErrorf("-o FILE is required")
	}
	return c.usageErrorf("--%s is required", name)
}

// usageErrorf returns a usage error of the command being run.
func (c *cli) usageErrorf(format string, args ...any) error {
	return usageErrorf(c.cmd, "%s: %s", c.cmd.name, fmt.Sprintf(format, args...))
}
