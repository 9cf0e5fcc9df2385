package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/inputfile"
)

// chosenFile is the file picked with Choose File, read into memory.
type chosenFile struct {
	name string
	data []byte
}

// importScreen is the Import Users/Rosters page (Import Students/Rosters for teachers).
type importScreen struct {
	a *App

	title                               *widget.Label
	intro                               *widget.Label
	downloads                           *widget.Form
	usersItem                           *widget.FormItem // "Export Teachers & Students" / "Export Students"
	templateCSV, templateXLSX           *keyButton
	exportUsersCSV, exportUsersXLSX     *keyButton
	exportClassesCSV, exportClassesXLSX *keyButton
	exportOneRoster, exportOrgOneRoster *keyButton // the school's package, the organization's
	pickBtn, checkBtn, uploadBtn        *keyButton
	fileLabel                           *widget.Label
	progress                            *widget.ProgressBar
	result                              *widget.Label
	notes                               *fyne.Container // the last check's problems and warnings
	content                             fyne.CanvasObject

	file         *chosenFile
	busy         bool   // picking, checking or uploading
	progressLine string // what the progress bar says while a check runs
}

func newImportScreen(a *App) *importScreen {
	s := &importScreen{a: a}
	s.title = widget.NewLabelWithStyle("Import Users/Rosters", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.intro = widget.NewLabel("")
	s.intro.Wrapping = fyne.TextWrapWord
	s.templateCSV = a.newButton("CSV", theme.DocumentIcon(), func() { s.onTemplate(core.FormatCSV) })
	s.templateXLSX = a.newButton("Excel", theme.GridIcon(), func() { s.onTemplate(core.FormatXLSX) })
	s.exportUsersCSV = a.newButton("CSV", theme.DocumentIcon(), func() { s.onExportUsers(core.FormatCSV) })
	s.exportUsersXLSX = a.newButton("Excel", theme.GridIcon(), func() { s.onExportUsers(core.FormatXLSX) })
	s.exportClassesCSV = a.newButton("CSV", theme.DocumentIcon(), func() { s.onExportClasses(core.FormatCSV) })
	s.exportClassesXLSX = a.newButton("Excel", theme.GridIcon(), func() { s.onExportClasses(core.FormatXLSX) })
	s.exportOneRoster = a.newButton("OneRoster (.zip)", theme.DownloadIcon(), func() { s.onExportOneRoster(false) })
	s.exportOrgOneRoster = a.newButton("Whole organization (.zip)", theme.DownloadIcon(), func() { s.onExportOneRoster(true) })
	s.pickBtn = a.newButton("Choose File", theme.FolderOpenIcon(), s.onPick)
	s.fileLabel = widget.NewLabel("No file chosen")
	s.checkBtn = a.newButton("Check File", theme.SearchIcon(), s.onCheck)
	s.uploadBtn = a.newButton("Upload", theme.UploadIcon(), s.onUpload)
	s.uploadBtn.Importance = widget.HighImportance
	s.progress = widget.NewProgressBar()
	s.progress.TextFormatter = func() string { return s.progressLine }
	s.progress.Hide()
	s.result = widget.NewLabel("")
	s.result.Wrapping = fyne.TextWrapWord
	s.notes = container.NewStack()

	s.usersItem = widget.NewFormItem("Export Teachers & Students", container.NewHBox(s.exportUsersCSV, s.exportUsersXLSX))
	s.downloads = widget.NewForm(
		widget.NewFormItem("Blank Template", container.NewHBox(s.templateCSV, s.templateXLSX)),
		s.usersItem,
		widget.NewFormItem("Export Classes", container.NewHBox(s.exportClassesCSV, s.exportClassesXLSX)),
		widget.NewFormItem("Export for other platforms", container.NewHBox(s.exportOneRoster, s.exportOrgOneRoster)),
	)
	upload := container.NewVBox(
		// Left to right in the order of the steps, so the eye does not have to jump across
		// the window from the file name to the buttons that act on it.
		container.NewHBox(s.pickBtn, s.fileLabel, s.checkBtn, s.uploadBtn),
		s.progress,
		s.result,
		s.notes,
	)
	s.content = container.NewVScroll(container.NewPadded(container.NewVBox(
		s.title,
		s.intro,
		widget.NewCard("", "1. Get a file to fill in", s.downloads),
		widget.NewCard("", "2. Upload it for the selected school", upload),
		keyboardHelp(),
	)))
	s.update()
	return s
}

// update follows the role and the selected school.
func (s *importScreen) update() {
	school, ok := s.a.school()
	name := "no school selected"
	if ok {
		name = school.Name
	}
	if s.a.mode() == core.ModeTeacher {
		s.title.SetText("Import Students/Rosters")
		s.usersItem.Text = "Export Students"
		s.intro.SetText("Create or update student accounts and class rosters for " + name + ". Download the Blank Template or Export Students, fill it in, then upload it.")
	} else {
		s.title.SetText("Import Users/Rosters")
		s.usersItem.Text = "Export Teachers & Students"
		s.intro.SetText("Create or update teacher and student accounts and class rosters for " + name + ". Download the Blank Template (or Export Teachers & Students to update accounts), fill it in, then upload it.")
	}
	// Only an Organization Administrator may export the whole organization (the engine
	// refuses anyone else): the button is not offered to others.
	if s.a.profile.Role == core.OperatorOrgAdmin && s.a.mode() != core.ModeTeacher {
		s.exportOrgOneRoster.Show()
	} else {
		s.exportOrgOneRoster.Hide()
	}
	s.downloads.Refresh()
	s.updateButtons()
}

func (s *importScreen) updateButtons() {
	_, haveSchool := s.a.school()
	setEnabled(s.pickBtn, !s.busy)
	setEnabled(s.checkBtn, !s.busy && s.file != nil && haveSchool)
	setEnabled(s.uploadBtn, !s.busy && s.file != nil && haveSchool)
	for _, b := range []*keyButton{s.exportUsersCSV, s.exportUsersXLSX, s.exportClassesCSV, s.exportClassesXLSX, s.exportOneRoster} {
		setEnabled(b, haveSchool)
	}
}

// keyboardHelp lists the window's keys, on the page a new user sees first.
func keyboardHelp() fyne.CanvasObject {
	l := widget.NewLabelWithStyle("Keyboard: Ctrl+O choose a file · Ctrl+U upload · F5 refresh · Ctrl+Tab next page · Esc close a dialog",
		fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	l.Wrapping = fyne.TextWrapWord
	return l
}

func setEnabled(b fyne.Disableable, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (s *importScreen) templateName(f core.Format) string {
	if s.a.mode() == core.ModeTeacher {
		return "Import_Students_Rosters_Template" + ext(f)
	}
	return "Import_Users_Rosters_Template" + ext(f)
}

func (s *importScreen) exportName(what string, school core.School, f core.Format) string {
	return what + "_" + fileSafe(school.Name) + "_" + s.a.eng.Now().Format("2006-01-02") + ext(f)
}

func (s *importScreen) onTemplate(f core.Format) {
	mode := s.a.mode()
	s.a.save("Save the Blank Template", s.templateName(f), func(_ context.Context, w io.Writer, f core.Format) error {
		return s.a.eng.WriteTemplate(w, f, mode)
	})
}

func (s *importScreen) onExportUsers(f core.Format) {
	school, ok := s.a.requireSchool()
	if !ok {
		return
	}
	actor := s.a.actor()
	what := "Export_Teachers_Students"
	if actor.Mode() == core.ModeTeacher {
		what = "Export_Students"
	}
	s.a.save("Save the export", s.exportName(what, school, f), func(ctx context.Context, w io.Writer, f core.Format) error {
		return s.a.eng.ExportUsers(ctx, actor, w, f, school.ID)
	})
}

func (s *importScreen) onExportClasses(f core.Format) {
	school, ok := s.a.requireSchool()
	if !ok {
		return
	}
	actor := s.a.actor()
	s.a.save("Save the classes", s.exportName("Export_Classes", school, f), func(ctx context.Context, w io.Writer, f core.Format) error {
		return s.a.eng.ExportClasses(ctx, actor, w, f, school.ID)
	})
}

// onExportOneRoster saves a OneRoster 1.1 CSV bulk package of the selected school (a
// teacher's: their classes in it), or of the whole organization, for the platforms
// schools roster into.
func (s *importScreen) onExportOneRoster(org bool) {
	var schoolID int64
	name := "OneRoster_" + fileSafe(s.a.org.Name) + "_" + s.a.eng.Now().Format("2006-01-02") + ext(core.FormatOneRoster)
	if !org {
		school, ok := s.a.requireSchool()
		if !ok {
			return
		}
		schoolID, name = school.ID, s.exportName("OneRoster", school, core.FormatOneRoster)
	}
	actor := s.a.actor()
	s.a.save("Save the OneRoster package", name, func(ctx context.Context, w io.Writer, _ core.Format) error {
		return s.a.eng.ExportOneRoster(ctx, actor, w, schoolID)
	})
}

// onPick asks for the roster file and reads it whole: the engine takes bytes, and reading
// now means a file moved or changed later cannot change what is uploaded.
func (s *importScreen) onPick() {
	if s.busy {
		return
	}
	s.busy = true
	s.updateButtons()
	var file chosenFile
	s.a.background("choose file", func(context.Context) error {
		path, err := s.a.picker.Open("Choose a roster file (.csv or .xlsx) or a OneRoster package (.zip)", []FileFilter{filterInput})
		if err != nil {
			return err
		}
		if _, ok := core.FormatOf(path); !ok {
			return core.Errorf(core.KindInvalid, "%s is not a .csv or .xlsx file or a OneRoster .zip package. Save the roster as CSV or Excel Workbook (.xlsx) and choose it again.", filepath.Base(path))
		}
		data, err := readChosen(path)
		if err != nil {
			if ce := (*core.Error)(nil); errors.As(err, &ce) && ce.Code != "" || errors.Is(err, inputfile.ErrNotAFile) {
				return err // too big, changed while it was read, or no file at all (a pipe): their own words
			}
			return &core.Error{Kind: core.KindInvalid, Op: "read file", Message: "Rosterdesk could not read " + filepath.Base(path) + ". Close it in Excel if it is open, then choose it again.", Err: err}
		}
		file = chosenFile{name: filepath.Base(path), data: data}
		return nil
	}, func(err error) {
		s.busy = false
		if err == nil {
			s.file = &file
			s.fileLabel.SetText(file.name)
			s.result.SetText("")
			s.showNotes(nil, 0)
		}
		s.updateButtons()
		s.a.showError(err)
	})
}

// readChosen reads a chosen file through engine.ReadFile, which refuses one too big to
// upload before reading it and one that changes while it is read. inputfile.Open
// refuses a named pipe or a device before it could block the read for ever.
func readChosen(path string) ([]byte, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return engine.ReadFile(f)
}

func (s *importScreen) request(school core.School) engine.UploadRequest {
	return engine.UploadRequest{FileName: s.file.name, Data: s.file.data, SchoolID: school.ID, Actor: s.a.actor()}
}

// onCheck runs every check of an upload without changing anything (a dry run).
func (s *importScreen) onCheck() {
	school, ok := s.a.requireSchool()
	if !ok || s.file == nil || s.busy {
		return
	}
	req := s.request(school)
	s.busy = true
	s.updateButtons()
	s.progress.SetValue(0)
	s.progress.Show()
	s.result.SetText("Checking " + req.FileName + " for " + school.Name + "…")
	est := &estimator{now: s.a.clock}
	s.progressLine = "Checking"
	progress := s.a.progressSink(func(p core.Progress) {
		s.progressLine = est.observe(p)
		s.progress.SetValue(fraction(p.Done, p.Total))
	})
	var res engine.Result
	s.a.background("check file", func(ctx context.Context) error {
		var err error
		res, err = s.a.eng.Check(ctx, req, progress)
		return err
	}, func(err error) {
		s.busy = false
		s.progress.Hide()
		s.updateButtons()
		if err != nil {
			s.result.SetText("")
			s.showNotes(nil, 0)
			s.a.showError(err)
			return
		}
		s.result.SetText(checkSummary(req.FileName, school.Name, res))
		s.showNotes(res.Notes, res.Failed)
	})
}

// checkSummary says in plain words what an upload of the file would do; the notes
// follow it (checkNotes).
func checkSummary(file, school string, r engine.Result) string {
	var b strings.Builder
	switch {
	case r.Status == core.StatusFailed && r.Applied == 0 && r.Failed == 0:
		// Refused as a whole: its rows were not checked.
		fmt.Fprintf(&b, "%s cannot be uploaded: %s", file, r.Message)
		if r.Rows > 0 {
			fmt.Fprintf(&b, " (%s read.)", count(r.Rows, "row"))
		}
	case r.Status == core.StatusFailed:
		// Every row has a problem: say which, not what the upload would do.
		fmt.Fprintf(&b, "Check of %s for %s: nothing has been changed yet.\n", file, school)
		fmt.Fprintf(&b, "No row can be applied as the file stands (%s checked): fix the problems below, then check it again.", count(r.Rows, "row"))
	default:
		fmt.Fprintf(&b, "Check of %s for %s: nothing has been changed yet.\n", file, school)
		has := "have"
		if r.Failed == 1 {
			has = "has"
		}
		fmt.Fprintf(&b, "%s: %s would be applied, %s %s errors, %s.\n", count(r.Rows, "row"), core.Thousands(r.Applied), core.Thousands(r.Failed),
			has, count(r.Warnings, "warning"))
		fmt.Fprintf(&b, "Would create %s, update %s, create %s and add %s.",
			count(r.UsersCreated, "user"), count(r.UsersUpdated, "user"), count(r.ClassesCreated, "class"), count(r.EnrollmentsAdded, "class enrollment"))
	}
	return b.String()
}

// consequence matches the note the engine writes once per class or user whose rows fail
// because of another row's own mistake (FAILED_BY_ROW: "26 rows of class 4A cannot be
// saved because row 12's Class Start Date is not a date. …"), built from the catalogue
// so its wording has one home.
var consequence = func() *regexp.Regexp {
	e, ok := core.Lookup(core.FailedByRow)
	if !ok {
		panic("no catalogue entry " + core.FailedByRow)
	}
	q := regexp.QuoteMeta(e.Problem)
	// "{count} rows" reads "1 row" for one: the word goes with the number.
	q = regexp.MustCompile(`\\\{count\\\} [a-z]+|\\\{[a-z]+\\\}`).ReplaceAllString(q, ".+?")
	return regexp.MustCompile("^" + q)
}()

// warningPrefix starts the notes that are warnings rather than problems.
const warningPrefix = "Warning: "

// noteGroup is a problem as Check File and Details list it: a row's own mistake
// ("Row 12: …") and what it does to other rows of its class or user ("26 rows of class
// 4A cannot be saved because row 12's …"), said once, under it.
type noteGroup struct {
	line  string
	after []string
}

// groupNotes sorts an upload's notes into problems, each row's own mistake with its
// consequences, and warnings (among them the changes a spreadsheet program made, which
// the engine says in one line). A consequence whose cause was not kept (the engine
// keeps the first notes only) is a problem of its own.
func groupNotes(notes []string) (problems []noteGroup, warnings []string) {
	for _, n := range notes {
		switch {
		case strings.HasPrefix(n, warningPrefix):
			warnings = append(warnings, strings.TrimPrefix(n, warningPrefix))
		case consequence.MatchString(n) && len(problems) > 0 && strings.HasPrefix(problems[len(problems)-1].line, "Row "):
			p := &problems[len(problems)-1]
			p.after = append(p.after, n)
		default:
			problems = append(problems, noteGroup{line: n})
		}
	}
	return problems, warnings
}

// moreProblems says what the problems a list does not show hold. The engine keeps at
// most engine.MaxNotes notes, so when it kept that many, the problems not shown are
// counted by the rows that failed (failed in all), not by the notes that were kept.
func moreProblems(notes []string, shown, problems, failed int, where string) string {
	if len(notes) >= engine.MaxNotes && failed > 0 {
		line := "… and more: " + count(failed, "row") + " with problems in all"
		if where != "" {
			line += " (" + where + ")"
		}
		return line + "."
	}
	return moreLine(problems-shown, "problem", where)
}

// moreLine says how many of a list are not shown, and where they are.
func moreLine(n int, noun, where string) string {
	if where != "" {
		return "… and " + count(n, "more "+noun) + " (" + where + ")."
	}
	return "… and " + count(n, "more "+noun) + "."
}

// notesText is the notes as plain text, laid out as notesView shows them: at most most
// problems and most warnings, more saying where the rest are; failed is how many rows
// failed in all. "" when there are none.
func notesText(notes []string, failed, most int, more string) string {
	problems, warnings := groupNotes(notes)
	var b strings.Builder
	if len(problems) > 0 {
		b.WriteString("Problems:")
		for i, p := range problems {
			if i == most {
				b.WriteString("\n" + moreProblems(notes, most, len(problems), failed, more))
				break
			}
			b.WriteString("\n• " + p.line)
			for _, c := range p.after {
				b.WriteString("\n      – " + c) // the default font has no arrows
			}
		}
	}
	if len(warnings) > 0 {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString("Warnings:")
		for i, w := range warnings {
			if i == most {
				b.WriteString("\n" + moreLine(len(warnings)-most, "warning", ""))
				break
			}
			b.WriteString("\n• " + w)
		}
	}
	return b.String()
}

// notesView shows the notes as notesText says them, with hanging indents: a wrapped
// line stays under its own text, a consequence under its cause.
func notesView(notes []string, failed, most int, more string) *fyne.Container {
	problems, warnings := groupNotes(notes)
	box := container.NewVBox()
	item := func(depth int, mark, text string) {
		m := widget.NewLabel(mark)
		inset := layout.NewCustomPaddedLayout(0, 0, float32(depth)*6*theme.Padding(), 0)
		box.Add(container.New(inset, container.NewBorder(nil, nil, container.NewVBox(m), nil, wrapped(text))))
	}
	section := func(title string) {
		box.Add(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	if len(problems) > 0 {
		section("Problems")
		for i, p := range problems {
			if i == most {
				box.Add(wrapped(moreProblems(notes, most, len(problems), failed, more)))
				break
			}
			item(0, "•", p.line)
			for _, c := range p.after {
				item(1, "–", c)
			}
		}
	}
	if len(warnings) > 0 {
		section("Warnings")
		for i, w := range warnings {
			if i == most {
				box.Add(wrapped(moreLine(len(warnings)-most, "warning", "")))
				break
			}
			item(0, "•", w)
		}
	}
	return box
}

// checkNotes is how many of each kind of note Check File lists.
const checkNotes = 10

// showNotes lists a check's problems and warnings under its summary.
func (s *importScreen) showNotes(notes []string, failed int) {
	s.notes.RemoveAll()
	if len(notes) > 0 {
		s.notes.Add(notesView(notes, failed, checkNotes, "the Error File lists every row that failed, after the upload"))
	}
}

// onUpload queues the chosen file for the selected school and shows the history, where
// the upload's progress appears.
func (s *importScreen) onUpload() {
	school, ok := s.a.requireSchool()
	if !ok || s.file == nil || s.busy {
		return
	}
	req := s.request(school)
	s.busy = true
	s.updateButtons()
	var up core.Upload
	s.a.background("upload", func(ctx context.Context) error {
		var err error
		up, err = s.a.eng.Enqueue(ctx, req)
		return err
	}, func(err error) {
		s.busy = false
		if err != nil {
			s.updateButtons()
			s.a.showError(err)
			return
		}
		s.a.names[up.ID] = up.FileName
		s.file = nil
		s.fileLabel.SetText("No file chosen")
		s.result.SetText("")
		s.showNotes(nil, 0)
		s.updateButtons()
		s.a.setStatus(req.FileName + " is queued for " + school.Name + ".")
		if s.a.currentPage() == PageHistory {
			// Ctrl+U on the history: no tab change reads it again, and a runner busy
			// with another upload sends nothing about this one until it starts.
			s.a.history.onRefresh()
		} else {
			s.a.showPage(PageHistory)
		}
		s.a.kickRunner()
	})
}
