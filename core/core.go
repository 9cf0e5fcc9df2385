// Package core holds Rosterdesk's domain: the template's columns, the rows read from an
// uploaded file, users, classes, uploads, the error catalogue and the field rules.
//
// Core never imports fyne.io/...: the window (package ui) and the command line
// (cmd/rosterctl) both drive the same engine (package core/engine). A test in this package
// fails if that rule is broken.
package core

import (
	"strconv"
	"strings"
	"time"
)

// Column identifies one template column (A–P).
type Column int

// The template columns, in template order (A–P).
const (
	ColUserGUID Column = iota
	ColUserID
	ColRole
	ColFirstName
	ColLastName
	ColGrade
	ColEmail
	ColUsername
	ColPassword
	ColClassID
	ColClassName
	ColClassGrade
	ColClassStart
	ColClassEnd
	ColMasterCode
	ColClassGUID
	NumColumns
)

// ColumnSpec describes a template column: its header, the other headers accepted for it,
// and the teacher template's header where it differs.
type ColumnSpec struct {
	Header        string
	TeacherHeader string // header in the Import Students/Rosters template
	Aliases       []string
	Help          string // one line for the template's Instructions sheet
	TeacherHelp   string // Help in the Import Students/Rosters template, where it differs
}

// Columns lists the template columns in order A–P.
var Columns = [NumColumns]ColumnSpec{
	ColUserGUID:   {Header: "User GUID", TeacherHeader: "Student GUID", Aliases: []string{"Student GUID"}, Help: "Leave blank to create a new user. To update a user, copy their GUID from Export Teachers & Students. Never type or change a GUID.", TeacherHelp: "Leave blank to create a new student. To update a student, copy their GUID from Export Students. Never type or change a GUID."},
	ColUserID:     {Header: "User ID", TeacherHeader: "Student ID", Aliases: []string{"Student ID"}, Help: "Required for a new user. Letters and digits only, 1 to 50 characters, unique in the organization.", TeacherHelp: "Required for a new student. The student's ID from your student information system: letters and digits only, 1 to 50 characters, and no one else in the district has it."},
	ColRole:       {Header: "Role", Help: "Teacher or Student. Required for a new user."},
	ColFirstName:  {Header: "First Name", Help: "Required for a new user. Letters, spaces, apostrophes ('), hyphens (-) and periods (.), 1 to 50 characters; it must start with a letter.", TeacherHelp: "Required for a new student. Letters, spaces, apostrophes ('), hyphens (-) and periods (.), 1 to 50 characters; it must start with a letter."},
	ColLastName:   {Header: "Last Name", Help: "Required for a new user. Same rules as First Name.", TeacherHelp: "Required for a new student. Same rules as First Name."},
	ColGrade:      {Header: "Grade Level", Help: "Students only, optional: PK, K or 1 to 12. Leave blank for teachers.", TeacherHelp: "Optional: the student's grade, PK, K or 1 to 12."},
	ColEmail:      {Header: "Email", Help: "Required for teachers, recommended for students. A teacher's email may not belong to another teacher.", TeacherHelp: "Recommended. The student's email address, written as name@example.org."},
	ColUsername:   {Header: "Username", Help: "Optional. Left blank, one is made from the first initial and last name (jsmith). 3 to 50 letters A–Z (without accents), digits, . _ - @, no spaces, and it does not start with - or @."},
	ColPassword:   {Header: "Password", Help: "Optional. Left blank, a new user gets a temporary password and an existing user keeps theirs. Typed: 9 to 20 characters with an upper-case letter, a lower-case letter and a digit, no spaces, no character five times in a row, not the username or email.", TeacherHelp: "Optional. Left blank, a new student gets a temporary password, to be changed at the first sign-in, and a student already in Rosterdesk keeps theirs. Typed: 9 to 20 characters with an upper-case letter, a lower-case letter and a digit, no spaces, no character five times in a row, not the username or email."},
	ColClassID:    {Header: "Class ID", Help: "Required when any class column is filled. Letters, digits, - and _, 1 to 50 characters; identifies the class in the school."},
	ColClassName:  {Header: "Class Name", Help: "Required to create a class. 1 to 100 characters on one line; it may not start with = + - or @, which spreadsheets read as a formula."},
	ColClassGrade: {Header: "Class Grade Level", Help: "Optional: PK, K or 1 to 12."},
	ColClassStart: {Header: "Class Start Date", Help: "Optional: MM/DD/YYYY or YYYY-MM-DD."},
	ColClassEnd:   {Header: "Class End Date", Help: "Optional: MM/DD/YYYY or YYYY-MM-DD, after the start date."},
	ColMasterCode: {Header: "Master Code", Help: "Optional product code: 16 letters and digits (XXXX-XXXX-XXXX-XXXX is accepted)."},
	ColClassGUID:  {Header: "Class GUID", Help: "Leave blank for a new class. To add users to an existing class, copy its GUID from Export Classes.", TeacherHelp: "Leave blank for a new class. To add students to an existing class, copy its GUID from Export Classes."},
}

// ErrorHeader is the header of the column an Error File adds; an import ignores it.
const ErrorHeader = "Error"

// Mode says whose tool an upload runs in.
type Mode int

const (
	// ModeAdmin is "Import Users/Rosters": teachers and students, any class of the school.
	ModeAdmin Mode = iota
	// ModeTeacher is "Import Students/Rosters": students only, into the teacher's school,
	// and classes the teacher creates get the teacher as primary teacher.
	ModeTeacher
)

// TemplateColumns returns the columns of the template for mode, in order: every column for
// administrators, every column but Role for teachers.
func TemplateColumns(mode Mode) []Column {
	cols := make([]Column, 0, NumColumns)
	for c := Column(0); c < NumColumns; c++ {
		if mode == ModeTeacher && c == ColRole {
			continue
		}
		cols = append(cols, c)
	}
	return cols
}

// TemplateHeaders returns the header row of the template for mode.
func TemplateHeaders(mode Mode) []string {
	cols := TemplateColumns(mode)
	h := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.HeaderFor(mode)
	}
	return h
}

// HeaderFor returns the column's header in the template for mode.
func (c Column) HeaderFor(mode Mode) string {
	spec := Columns[c]
	if mode == ModeTeacher && spec.TeacherHeader != "" {
		return spec.TeacherHeader
	}
	return spec.Header
}

// HelpFor returns the column's line on the Instructions sheet of mode's template.
func (c Column) HelpFor(mode Mode) string {
	spec := Columns[c]
	if mode == ModeTeacher && spec.TeacherHelp != "" {
		return spec.TeacherHelp
	}
	return spec.Help
}

// String returns the column's administrator-template header.
func (c Column) String() string {
	if c < 0 || c >= NumColumns {
		return "?"
	}
	return Columns[c].Header
}

// HeaderKey folds a header for matching: case-insensitive, spaces, underscores and
// punctuation ignored, so "user id", "UserID" and "User_ID" all match "User ID".
func HeaderKey(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r > 127 && !isSpaceLike(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isSpaceLike(r rune) bool {
	switch r {
	case '\u00a0', '\u2007', '\u202f', '\ufeff', '\u200b':
		return true
	}
	return false
}

// Role is a user's role: Teacher or Student.
type Role string

// The roles.
const (
	RoleTeacher Role = "Teacher"
	RoleStudent Role = "Student"
)

// Row is one data row of an uploaded file.
type Row struct {
	// Line is the row's number as a spreadsheet shows it (the header is usually row 1).
	Line int
	// Cells holds the row's value for each template column, as written in the file
	// (trimmed of surrounding spaces); a column missing from the file is "".
	Cells [NumColumns]string
	// Raw holds every cell of the row in file order, for the Uploaded File.
	Raw []string
}

// Cell returns the row's value for column c.
func (r *Row) Cell(c Column) string { return r.Cells[c] }

// Status is an upload's state.
type Status string

// The upload statuses, exactly as the history and rosterctl show them.
const (
	StatusQueued             Status = "Queued"
	StatusInProgress         Status = "In Progress"
	StatusCompleted          Status = "Completed"
	StatusCompletedWithError Status = "Completed with Errors"
	StatusFailed             Status = "Failed"
	// StatusCancelled is an upload someone cancelled before it was saved: nothing of it
	// was applied.
	StatusCancelled Status = "Cancelled"
)

// Finished reports whether the status is final.
func (s Status) Finished() bool {
	return s == StatusCompleted || s == StatusCompletedWithError || s == StatusFailed || s == StatusCancelled
}

// FileKind names one of an upload's three downloadable files.
type FileKind string

// The per-upload files.
const (
	FileUploaded  FileKind = "uploaded"
	FileCompleted FileKind = "completed"
	FileError     FileKind = "error"
)

// Title returns the file's name as the history's Actions menu and messages show it:
// "Uploaded File", "Completed File", "Error File".
func (k FileKind) Title() string {
	switch k {
	case FileUploaded:
		return "Uploaded File"
	case FileCompleted:
		return "Completed File"
	case FileError:
		return "Error File"
	}
	return string(k)
}

// Org is the organization (district) a database belongs to.
type Org struct {
	Name      string
	CreatedAt time.Time
}

// School is one school of the organization.
type School struct {
	ID   int64
	GUID string
	Name string
}

// Counts are an import's figures, as rosterctl --json prints them.
type Counts struct {
	Rows             int `json:"rows"`
	Applied          int `json:"applied"`
	Failed           int `json:"failed"`
	Warnings         int `json:"warnings"`
	UsersCreated     int `json:"users_created"`
	UsersUpdated     int `json:"users_updated"`
	ClassesCreated   int `json:"classes_created"`
	EnrollmentsAdded int `json:"enrollments_added"`
}

// Upload is one entry of the upload history.
type Upload struct {
	ID         int64
	FileName   string
	Format     string // "csv" or "xlsx"
	SchoolID   int64
	SchoolName string
	UploadedBy string
	Mode       Mode
	TeacherID  int64 // the teacher's user id in ModeTeacher
	Status     Status
	UploadedAt time.Time
	StartedAt  time.Time
	FinishedAt time.Time
	Counts
	// Done and Total are the progress of an upload In Progress (rows checked or applied).
	Done, Total int
	// Phase is the stage an upload In Progress is in, and PhaseStarted when it began, so
	// a window can estimate the time left (see Progress).
	Phase        Phase
	PhaseStarted time.Time
	// Resumed reports that the upload was interrupted (a crash, a quit) and run again
	// from the start.
	Resumed bool
	// Message says in one line why an upload Failed or was Cancelled, in plain words.
	Message string
	// Notes are the warnings and the first row errors, for display.
	Notes []string
	// Files lists which of the three files exist.
	Files []FileKind
}

// HasFile reports whether the upload has the file of kind k.
func (u *Upload) HasFile(k FileKind) bool {
	for _, f := range u.Files {
		if f == k {
			return true
		}
	}
	return false
}

// Phase names a stage of an import, for progress display.
type Phase string

// The import phases.
const (
	PhaseReading  Phase = "Reading file"
	PhaseChecking Phase = "Checking rows"
	PhaseHashing  Phase = "Securing passwords"
	PhaseApplying Phase = "Saving"
	PhaseDone     Phase = "Done"
)

// Progress reports how far an upload has come. Done and Total count rows (in
// PhaseHashing, typed passwords); Total is 0 while it is not known yet. Started is when
// the phase began, so that done, total and the time since Started give an estimate of
// the time left.
type Progress struct {
	Upload  int64
	Phase   Phase
	Done    int
	Total   int
	Started time.Time
}

// PasswordState is the state of an account's password.
type PasswordState string

// The password states.
const (
	PasswordNone      PasswordState = "none"
	PasswordTemporary PasswordState = "temporary"
	PasswordPermanent PasswordState = "permanent"
)

// TempPasswordLifetime is how long an unused temporary password stays valid.
const TempPasswordLifetime = 90 * 24 * time.Hour

// Account is a user as the Accounts page and the exports show it.
type Account struct {
	ID        int64
	GUID      string
	UserID    string
	Role      Role
	FirstName string
	LastName  string
	Grade     string
	Email     string
	Username  string
	Classes   []string // Class IDs in the listed school
	Password  PasswordState
	// IssuedAt is when a temporary password was issued.
	IssuedAt time.Time
}

// FullName returns the account's first and last names: "Maria Garcia".
func (a Account) FullName() string { return strings.TrimSpace(a.FirstName + " " + a.LastName) }

// TempExpiresAt returns when the account's temporary password expires.
func (a *Account) TempExpiresAt() time.Time { return a.IssuedAt.Add(TempPasswordLifetime) }

// PasswordLabel describes the password state in plain words at time now:
// "temporary — expires in 12 days", "temporary — expired" or "permanent".
func (a *Account) PasswordLabel(now time.Time) string {
	return passwordLabel(a.Password, a.IssuedAt, now)
}

func passwordLabel(state PasswordState, issued, now time.Time) string {
	switch state {
	case PasswordPermanent:
		return "permanent"
	case PasswordTemporary:
		left := issued.Add(TempPasswordLifetime).Sub(now)
		if left <= 0 {
			return "temporary — expired"
		}
		days := int((left + 24*time.Hour - 1) / (24 * time.Hour))
		if days == 1 {
			return "temporary — expires in 1 day"
		}
		return "temporary — expires in " + strconv.Itoa(days) + " days"
	}
	return "none"
}

// OperatorRole is a role an account holds in the window; it decides what the person may
// see and do (SPEC §8).
type OperatorRole string

// The roles, as the Profile menu names them.
const (
	// OperatorOrgAdmin manages every school of the organization and the administrators.
	OperatorOrgAdmin OperatorRole = "Organization Administrator"
	// OperatorSchoolAdmin manages the schools assigned to them.
	OperatorSchoolAdmin OperatorRole = "School Organization Administrator"
	// OperatorTeacher uses Import Students/Rosters for the schools they teach in, and sees
	// only their own uploads and the students of their own classes.
	OperatorTeacher OperatorRole = "Teacher"
)

// IsAdmin reports whether the role is one of the two administrator roles.
func (r OperatorRole) IsAdmin() bool { return r == OperatorOrgAdmin || r == OperatorSchoolAdmin }

// Operator is an administrator account: an Organization Administrator or a School
// Organization Administrator, who signs in to the window with its own username.
type Operator struct {
	ID       int64
	Username string
	Name     string // shown as "Uploaded By" for the administrator's uploads
	Email    string
	Role     OperatorRole // OperatorOrgAdmin or OperatorSchoolAdmin
	// Schools are a School Organization Administrator's schools, by name.
	Schools []School
	// Teacher is the teacher account this administrator also is (the Teacher role is
	// then theirs too); its ID is 0 when there is none.
	Teacher  Account
	Password PasswordState
	// IssuedAt is when a temporary password was issued.
	IssuedAt time.Time
	// LockedUntil is when the pause after five wrong passwords in a row ends; zero when
	// sign-in is not paused.
	LockedUntil time.Time
	CreatedAt   time.Time
}

// PasswordLabel describes the password state in plain words at time now, as
// Account.PasswordLabel does.
func (o *Operator) PasswordLabel(now time.Time) string {
	return passwordLabel(o.Password, o.IssuedAt, now)
}

// Class is a class of a school.
type Class struct {
	ID          int64
	GUID        string
	SchoolID    int64
	ClassID     string
	Name        string
	Grade       string
	Start       string // YYYY-MM-DD or ""
	End         string
	MasterCodes []string
	Teacher     string // primary teacher's name
	Students    int
	Teachers    int
}

// Credential is a username with a freshly issued temporary password, shown once.
type Credential struct {
	UserID    string
	Name      string
	Username  string
	Password  string
	ExpiresAt time.Time
}

// Format is a file format Rosterdesk reads and writes.
type Format string

// The file formats.
const (
	FormatCSV  Format = "csv"
	FormatXLSX Format = "xlsx"
	// FormatOneRoster is a OneRoster 1.1 CSV bulk package: a zip that an upload reads
	// (its rows translated to template rows) and an export writes, but never a format
	// the template files themselves are written in.
	FormatOneRoster Format = "zip"
)

// FormatOf returns the format named by a file name's extension, case-insensitively, and
// false for any other extension.
func FormatOf(name string) (Format, bool) {
	ext := strings.ToLower(name)
	switch {
	case strings.HasSuffix(ext, ".csv"):
		return FormatCSV, true
	case strings.HasSuffix(ext, ".xlsx"):
		return FormatXLSX, true
	case strings.HasSuffix(ext, ".zip"):
		return FormatOneRoster, true
	}
	return "", false
}

// Thousands writes n with thousands separators, as every message and screen shows
// counts: 120,000 reads at a glance.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
