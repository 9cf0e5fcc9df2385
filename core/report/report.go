// Package report writes every file Rosterdesk hands to people: the Blank Template, the
// exports, the Uploaded, Completed and Error Files, and the Errors and Resolution Steps
// document.
//
// Every table is written either as CSV (UTF-8 with a byte order mark and CRLF line ends, so
// Excel on Windows opens it with the right encoding) or as an Excel workbook whose cells are
// all text, so IDs such as "00123" keep their leading zeros and "1/2" never becomes a date.
// Rows arrive as an iterator and are streamed out: a 100,000-row export never sits in memory
// as a whole.
package report

import (
	"io"
	"iter"

	"github.com/rosterdesk/rosterdesk/core"
)

// Write writes a table with Options' zero value: see Options.Write.
func Write(w io.Writer, f core.Format, sheet string, header []string, rows iter.Seq[[]string]) error {
	return Options{}.Write(w, f, sheet, header, rows)
}

// Rows returns an iterator over a slice of rows, for callers that already hold them.
func Rows(rows [][]string) iter.Seq[[]string] {
	return func(yield func([]string) bool) {
		for _, r := range rows {
			if !yield(r) {
				return
			}
		}
	}
}
