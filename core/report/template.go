package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// Sheet names of the Blank Template.
const (
	TemplateSheet     = "Users and Rosters"
	InstructionsSheet = "Instructions"
)

// Template writes the Blank Template for mode in format f: the header row only (CSV), or
// (XLSX) the header row on a sheet named "Users and Rosters" followed by an "Instructions"
// sheet describing every column and every error. The instructions are generated from
// core.Columns and core.Catalog, so the template cannot disagree with the importer.
func Template(w io.Writer, f core.Format, mode core.Mode) error {
	header := core.TemplateHeaders(mode)
	switch f {
	case core.FormatCSV:
		if err := WriteCSV(w, ',', header, nil); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		return nil
	case core.FormatXLSX:
		widths := make([]float64, len(header))
		for i, h := range header {
			// Room for typical values, not just the header: GUIDs are 36 characters.
			widths[i] = float64(max(len(h)+4, 16))
			if strings.HasSuffix(h, "GUID") {
				widths[i] = 38
			}
		}
		if err := WriteXLSX(w,
			Sheet{Name: TemplateSheet, Header: header, Widths: widths},
			instructions(mode),
		); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		return nil
	}
	return fmt.Errorf("template: unknown format %q", f)
}

// placeholders renders a catalogue text's {value}, {other} and {rows} for a reader who is
// not looking at a particular upload.
var placeholders = strings.NewReplacer("{value}", "…", "{other}", "…", "{rows}", "…", "{count} rows", "… rows",
	"{count} accounts", "… accounts", "{count}", "…", "{items}", "…")

// Problem returns the catalogue entry's "what is wrong" text in the words of mode's
// uploads (core.Entry.TextsFor) with its placeholders shown as "…".
func Problem(e core.Entry, mode core.Mode) string {
	p, _ := e.TextsFor(mode)
	return placeholders.Replace(p)
}

// Fix returns the catalogue entry's "how to fix it" text in the words of mode's uploads
// with its placeholders shown as "…".
func Fix(e core.Entry, mode core.Mode) string {
	_, f := e.TextsFor(mode)
	return placeholders.Replace(f)
}

// Requirement returns when column c must be filled in mode's template, in a few words,
// taken from the sentence of its help there (Column.HelpFor) that starts with "Required"
// or "Recommended", so the two cannot disagree; columns without one are "Optional".
func Requirement(c core.Column, mode core.Mode) string {
	for s := range strings.SplitSeq(c.HelpFor(mode), ". ") {
		if strings.HasPrefix(s, "Required") || strings.HasPrefix(s, "Recommended") {
			return strings.TrimSuffix(s, ".")
		}
	}
	return "Optional"
}

// Effect says in plain words what an entry of severity s does to an upload.
func Effect(s core.Severity) string {
	switch s {
	case core.SeverityFile:
		return "The whole file is refused: nothing is imported"
	case core.SeverityRow:
		return "The row is not imported; other rows are"
	case core.SeverityWarning:
		return "Warning only: the row is imported"
	case core.SeverityRequest:
		return "Refused: nothing changes"
	}
	return "?"
}

// EntryColumn returns the column a catalogue entry concerns, as mode's template heads it
// (the teacher's Instructions say "Student ID" where the catalogue says "User ID"), or
// "Whole file" or "Any" for entries tied to no single column.
func EntryColumn(e core.Entry, mode core.Mode) string {
	if e.Column == "" {
		if e.Severity == core.SeverityFile {
			return "Whole file"
		}
		return "Any"
	}
	for c := core.Column(0); c < core.NumColumns; c++ {
		if core.Columns[c].Header == e.Column {
			return c.HeaderFor(mode)
		}
	}
	return e.Column
}

func instructions(mode core.Mode) Sheet {
	who, tool := "user", "Import Users/Rosters"
	if mode == core.ModeTeacher {
		who, tool = "student", "Import Students/Rosters"
	}
	var rows [][]string
	cols := core.TemplateColumns(mode)
	for i, c := range cols {
		rows = append(rows, []string{columnLetter(i), c.HeaderFor(mode), Requirement(c, mode), c.HelpFor(mode)})
	}
	bold := map[int]bool{}
	heading := func(cells ...string) {
		rows = append(rows, nil)
		bold[len(rows)] = true
		rows = append(rows, cells)
	}
	heading("How to use this template")
	for n, line := range []string{
		"Fill in one row per " + who + " on the " + TemplateSheet + " sheet, under the header row. A " + who + " who belongs to several classes appears on several rows, one per class.",
		"Keep the header row. Columns may be in any order: headers are matched ignoring case and spaces.",
		"Save the file as Excel Workbook (.xlsx) or CSV UTF-8 (.csv) and upload it with " + tool + ".",
		"After the upload, download the Error File if any row failed: its Error column says what is wrong on each row and how to fix it. Fix those rows and upload the Error File itself.",
	} {
		// The prose sits in the wide column; the step number keeps column A meaningful.
		rows = append(rows, []string{"Step " + strconv.Itoa(n+1), "", "", line})
	}
	heading("Error code", "Column", "What happens", "What it means", "How to fix it")
	for _, e := range core.SortedCatalog() {
		if e.Severity == core.SeverityRequest {
			continue // sign-in and access refusals: not about the file
		}
		if !e.GivenIn(mode) {
			continue // a teacher's upload never says it
		}
		rows = append(rows, []string{string(e.Code), EntryColumn(e, mode), Effect(e.Severity), Problem(e, mode), Fix(e, mode)})
	}
	return Sheet{
		Name:   InstructionsSheet,
		Header: []string{"Column", "Header", "Required", "How to fill it in", ""},
		Rows:   Rows(rows),
		Widths: []float64{24, 22, 28, 70, 70},
		Wrap:   true,
		bold:   bold,
	}
}

// columnLetter returns the spreadsheet letter of the i-th column (0-based), A to ZZ.
func columnLetter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return columnLetter(i/26-1) + columnLetter(i%26)
}
