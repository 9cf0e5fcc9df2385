// Command rostergen writes realistic roster files for benchmarks and load tests:
//
//	rostergen -rows N -format csv|xlsx [-passwords N] [-seed S] -o FILE
//
// The file has the administrator template's columns and one school's classes of about
// 25 students with their teachers (see package gen for the exact shape). -passwords N
// gives N students a typed password, which the import hashes with argon2id. The same
// -seed gives the same rows. XLSX is written with core/report, which streams, so a
// million rows costs no more memory than a hundred.
//
// A summary (rows, classes, teachers, students, passwords) goes to standard error.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/rosterdesk/rosterdesk/cmd/rostergen/gen"
	"github.com/rosterdesk/rosterdesk/core"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "rostergen:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fl := flag.NewFlagSet("rostergen", flag.ContinueOnError)
	rows := fl.Int("rows", 10000, "number of data `rows`")
	format := fl.String("format", "", "csv or xlsx (default: from the -o extension)")
	passwords := fl.Int("passwords", 0, "number of students with a typed password (`N` argon2id hashes on import)")
	seed := fl.Uint64("seed", 1, "random `seed`; the same seed gives the same rows")
	out := fl.String("o", "", "output `FILE` (.csv or .xlsx)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *out == "" || *rows < 1 || *passwords < 0 || fl.NArg() > 0 {
		fl.Usage()
		return errors.New("usage: rostergen -rows N -format csv|xlsx [-passwords N] [-seed S] -o FILE")
	}
	f := core.Format(*format)
	if f == "" {
		var ok bool
		if f, ok = core.FormatOf(*out); !ok {
			return fmt.Errorf("say -format csv or -format xlsx, or name a .csv or .xlsx file")
		}
	}
	if f != core.FormatCSV && f != core.FormatXLSX {
		return fmt.Errorf("unknown format %q: use csv or xlsx", *format)
	}

	file, err := os.Create(*out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(file, 256<<10)
	st, err := gen.Write(bw, f, gen.Config{Rows: *rows, Passwords: *passwords, Seed: *seed})
	if err == nil {
		err = bw.Flush()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	fmt.Fprintf(os.Stderr, "rostergen: %s: %d rows, %d classes, %d teachers (%d teacher rows), %d students, %d typed passwords\n",
		*out, st.Rows, st.Classes, st.Teachers, st.TeacherRows, st.Students, st.Passwords)
	return nil
}
