package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// ErrorsDoc writes the "Errors and Resolution Steps" document to w as Markdown, generated
// from core.Catalog and core.Columns: the whole-file problems, the row problems and the
// warnings, each with its code, column, meaning and fix, then every template column with
// its help. docs/errors.md is this output, kept current by a test.
func ErrorsDoc(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	p("# Errors and Resolution Steps\n\n")
	p("<!-- Generated from core/catalog.go, core/core.go and core/words.go by `go test ./core/report -update`. Do not edit. -->\n\n")
	p("When an upload finishes, its history entry says Completed, Completed with Errors or Failed. ")
	p("The Error File lists every row that was not imported, with an Error column on the right that says what is wrong and how to fix it; ")
	p("fix those rows and upload the Error File itself. ")
	p("This page lists every message Rosterdesk can give. Where a message shows \"…\", the real message names the value, row numbers or other user concerned.\n\n")
	p("A teacher's upload (Import Students/Rosters) gives the same messages in the words of the teacher's template: Student ID and Student GUID for User ID and User GUID, student for user, Export Students for Export Teachers & Students. ")
	p("It never gives %s, which are about teachers' rows and roles.\n\n", joinCodes(func(e core.Entry) bool { return !e.GivenIn(core.ModeTeacher) }))

	entries := core.SortedCatalog()
	sections := []struct {
		sev          core.Severity
		title, intro string
	}{
		{core.SeverityFile, "Whole-file problems", "The upload is Failed and nothing in the file is imported. Fix the file and upload it again."},
		{core.SeverityRow, "Row problems", "The row is not imported; every other row is. The row appears in the Error File with the reason."},
		{core.SeverityWarning, "Warnings", "Nothing is refused: the upload goes ahead and the warning is shown with its result."},
		{core.SeverityRequest, "Sign-in and access", "These are not about a file: a sign-in, or something a person asked for that their role does not allow, was refused and nothing changed. The window and rosterctl show the same words."},
	}
	for _, s := range sections {
		p("## %s\n\n%s\n\n", s.title, s.intro)
		for _, e := range entries {
			if e.Severity != s.sev {
				continue
			}
			p("### `%s`\n\n", e.Code)
			if e.Severity != core.SeverityRequest {
				p("- **Column:** %s\n", mdEscape(EntryColumn(e, core.ModeAdmin)))
			}
			p("- **What it means:** %s\n", mdEscape(Problem(e, core.ModeAdmin)))
			p("- **How to fix it:** %s\n\n", mdEscape(Fix(e, core.ModeAdmin)))
		}
	}

	p("## Template columns\n\n")
	p("Headers are matched ignoring case and spaces, so columns may be in any order. ")
	p("The teacher's template (Import Students/Rosters) has no Role column: every row is a student.\n\n")
	for i := range core.NumColumns {
		c := core.Column(i)
		spec := core.Columns[c]
		p("### %s. %s\n\n", columnLetter(int(i)), mdEscape(spec.Header))
		if len(spec.Aliases) > 0 {
			p("- **Also accepted as:** %s\n", mdEscape(strings.Join(spec.Aliases, ", ")))
		}
		p("- **Required:** %s\n", mdEscape(Requirement(c, core.ModeAdmin)))
		p("- **How to fill it in:** %s\n", mdEscape(spec.Help))
		if spec.TeacherHelp != "" {
			p("- **In the teacher's template** (%s, %s): %s\n", mdEscape(c.HeaderFor(core.ModeTeacher)), mdEscape(Requirement(c, core.ModeTeacher)), mdEscape(spec.TeacherHelp))
		}
		p("\n")
	}
	p("A column headed `%s` (added by the Error File) is ignored, so an Error File uploads as it is. ", core.ErrorHeader)
	p("Any other column is ignored with a warning.\n")

	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write errors doc: %w", err)
	}
	return nil
}

// mdEscaper escapes the characters that would turn catalogue prose into Markdown markup,
// such as the asterisks of "(*.xlsx) … (*.csv)" becoming emphasis.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `<`, `\<`,
)

func mdEscape(s string) string { return mdEscaper.Replace(s) }

// joinCodes lists, as Markdown code, the codes of the catalogue entries keep selects, in
// the order of SortedCatalog: "`A`, `B` or `C`".
func joinCodes(keep func(core.Entry) bool) string {
	var codes []string
	for _, e := range core.SortedCatalog() {
		if keep(e) {
			codes = append(codes, "`"+string(e.Code)+"`")
		}
	}
	if len(codes) < 2 {
		return strings.Join(codes, "")
	}
	return strings.Join(codes[:len(codes)-1], ", ") + " or " + codes[len(codes)-1]
}
