package core_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

func TestHeaderKey(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"User ID", "userid"},
		{"user id", "userid"},
		{"USERID", "userid"},
		{"User_ID", "userid"},
		{" User  ID ", "userid"},
		{"User-ID:", "userid"},
		{"\ufeffUser GUID", "userguid"},
		{"User\u00a0ID", "userid"},
		{"Class Start Date", "classstartdate"},
		{"Élève", "élève"},
		{"", ""},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got := core.HeaderKey(tt.in); got != tt.want {
				t.Errorf("HeaderKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHeaderKeyTemplateUnique(t *testing.T) {
	seen := map[string]core.Column{}
	for c := core.Column(0); c < core.NumColumns; c++ {
		spec := core.Columns[c]
		for _, h := range append([]string{spec.Header, spec.TeacherHeader}, spec.Aliases...) {
			if h == "" {
				continue
			}
			k := core.HeaderKey(h)
			if o, ok := seen[k]; ok && o != c {
				t.Errorf("header %q of %v folds like a header of %v", h, c, o)
			}
			seen[k] = c
		}
	}
	if _, ok := seen[core.HeaderKey(core.ErrorHeader)]; ok {
		t.Errorf("ErrorHeader %q folds like a template header", core.ErrorHeader)
	}
}

func TestTemplateHeaders(t *testing.T) {
	admin := core.TemplateHeaders(core.ModeAdmin)
	if len(admin) != int(core.NumColumns) || admin[0] != "User GUID" || admin[len(admin)-1] != "Class GUID" {
		t.Errorf("TemplateHeaders(ModeAdmin) = %q, want the 16 columns A–P", admin)
	}
	teacher := core.TemplateHeaders(core.ModeTeacher)
	want := "Student GUID,Student ID,First Name,Last Name,Grade Level,Email,Username,Password,Class ID,Class Name,Class Grade Level,Class Start Date,Class End Date,Master Code,Class GUID"
	if got := strings.Join(teacher, ","); got != want {
		t.Errorf("TemplateHeaders(ModeTeacher) = %q, want %q", got, want)
	}
}

func TestPasswordLabel(t *testing.T) {
	issued := time.Date(2026, 8, 20, 9, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, tt := range []struct {
		name  string
		state core.PasswordState
		now   time.Time
		want  string
	}{
		{"Permanent", core.PasswordPermanent, issued.Add(500 * day), "permanent"},
		{"None", core.PasswordNone, issued, "none"},
		{"Empty", "", issued, "none"},
		{"TemporaryNew", core.PasswordTemporary, issued, "temporary — expires in 90 days"},
		{"TemporaryDay78", core.PasswordTemporary, issued.Add(78 * day), "temporary — expires in 12 days"},
		{"TemporaryPartDay", core.PasswordTemporary, issued.Add(78*day + time.Hour), "temporary — expires in 12 days"},
		{"TemporaryLastDay", core.PasswordTemporary, issued.Add(89*day + 12*time.Hour), "temporary — expires in 1 day"},
		{"TemporaryLastSecond", core.PasswordTemporary, issued.Add(90*day - time.Second), "temporary — expires in 1 day"},
		{"TemporaryExpired", core.PasswordTemporary, issued.Add(90 * day), "temporary — expired"},
		{"TemporaryLongExpired", core.PasswordTemporary, issued.Add(400 * day), "temporary — expired"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := &core.Account{Password: tt.state, IssuedAt: issued}
			if got := a.PasswordLabel(tt.now); got != tt.want {
				t.Errorf("PasswordLabel(%v) = %q, want %q", tt.now, got, tt.want)
			}
		})
	}
	a := &core.Account{IssuedAt: issued}
	if got, want := a.TempExpiresAt(), issued.Add(core.TempPasswordLifetime); !got.Equal(want) {
		t.Errorf("TempExpiresAt() = %v, want %v", got, want)
	}
}

func TestErrorKind(t *testing.T) {
	conflict := &core.Error{Kind: core.KindConflict, Message: "taken"}
	for _, tt := range []struct {
		name string
		err  error
		want core.Kind
	}{
		{"Nil", nil, core.KindInternal},
		{"Plain", errors.New("boom"), core.KindInternal},
		{"Direct", conflict, core.KindConflict},
		{"Wrapped", fmt.Errorf("add school: %w", conflict), core.KindConflict},
		{"Joined", errors.Join(errors.New("a"), core.Errorf(core.KindNotFound, "gone")), core.KindNotFound},
		{"Outermost", &core.Error{Kind: core.KindBusy, Err: conflict}, core.KindBusy},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.ErrorKind(tt.err); got != tt.want {
				t.Errorf("ErrorKind(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	inner := &core.Error{Kind: core.KindStorage, Message: "The disk is full."}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"Nil", nil, ""},
		{"Direct", core.Errorf(core.KindInvalid, "Type a %s name.", "school"), "Type a school name."},
		{"Wrapped", fmt.Errorf("import: %w", inner), "The disk is full."},
		{"OuterWithoutMessage", &core.Error{Kind: core.KindInternal, Op: "import", Err: inner}, "The disk is full."},
		{"OuterWins", &core.Error{Message: "Outer.", Err: inner}, "Outer."},
		{"Plain", errors.New("boom"), "Something went wrong inside Rosterdesk (boom). Try again; if it keeps happening, send this message to your IT coordinator."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.ErrorMessage(tt.err); got != tt.want {
				t.Errorf("ErrorMessage(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestErrorError(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  *core.Error
		want string
	}{
		{"All", &core.Error{Op: "open", Message: "No file.", Err: errors.New("enoent")}, "open: No file.: enoent"},
		{"MessageOnly", &core.Error{Message: "No file."}, "No file."},
		{"CauseOnly", &core.Error{Op: "open", Err: errors.New("enoent")}, "open: enoent"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	cause := errors.New("cause")
	if err := (&core.Error{Err: cause}); !errors.Is(err, cause) {
		t.Errorf("errors.Is(&Error{Err: cause}, cause) = false, want true")
	}
}

func TestFormatOf(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want core.Format
		ok   bool
	}{
		{"roster.csv", core.FormatCSV, true},
		{"ROSTER.CSV", core.FormatCSV, true},
		{"roster.xlsx", core.FormatXLSX, true},
		{"Roster.Fall.XLSX", core.FormatXLSX, true},
		{"district.zip", core.FormatOneRoster, true},
		{"OneRoster.ZIP", core.FormatOneRoster, true},
		{"roster.xls", "", false},
		{"roster.txt", "", false},
		{"roster", "", false},
		{"roster.csv.exe", "", false},
		{"roster.zip.csv", core.FormatCSV, true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := core.FormatOf(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("FormatOf(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestStatusFinished(t *testing.T) {
	for _, tt := range []struct {
		s    core.Status
		want bool
	}{
		{core.StatusQueued, false},
		{core.StatusInProgress, false},
		{core.StatusCompleted, true},
		{core.StatusCompletedWithError, true},
		{core.StatusFailed, true},
	} {
		if got := tt.s.Finished(); got != tt.want {
			t.Errorf("Status(%q).Finished() = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestUploadHasFile(t *testing.T) {
	u := &core.Upload{Files: []core.FileKind{core.FileUploaded, core.FileError}}
	for _, tt := range []struct {
		k    core.FileKind
		want bool
	}{{core.FileUploaded, true}, {core.FileCompleted, false}, {core.FileError, true}} {
		if got := u.HasFile(tt.k); got != tt.want {
			t.Errorf("HasFile(%q) = %v, want %v", tt.k, got, tt.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 300000: "300,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := core.Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestErrorCode(t *testing.T) {
	refused := core.Refusal(core.KindDenied, core.AccessSchool, "Lincoln", "")
	for _, tt := range []struct {
		name string
		err  error
		want core.Code
	}{
		{"Nil", nil, ""},
		{"Plain", errors.New("disk on fire"), ""},
		{"NoCode", core.Errorf(core.KindInvalid, "bad"), ""},
		{"Code", refused, core.AccessSchool},
		{"Wrapped", fmt.Errorf("list accounts: %w", refused), core.AccessSchool},
		{"CodeUnderPlainError", &core.Error{Kind: core.KindInvalid, Op: "read", Err: fmt.Errorf("x: %w", core.NewFileError(core.FileEmpty, "", nil))}, core.FileEmpty},
		{"OuterWins", &core.Error{Code: core.SignInLocked, Err: refused}, core.SignInLocked},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.ErrorCode(tt.err); got != tt.want {
				t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
	if got, want := core.ErrorMessage(refused), (core.Issue{Code: core.AccessSchool, Value: "Lincoln"}).Text(); got != want {
		t.Errorf("ErrorMessage(Refusal) = %q, want the catalogue's words %q", got, want)
	}
	if core.ErrorKind(refused) != core.KindDenied {
		t.Errorf("ErrorKind(Refusal) = %v, want KindDenied", core.ErrorKind(refused))
	}
}

func TestFileKindTitle(t *testing.T) {
	for k, want := range map[core.FileKind]string{core.FileUploaded: "Uploaded File", core.FileCompleted: "Completed File", core.FileError: "Error File", "other": "other"} {
		if got := k.Title(); got != want {
			t.Errorf("FileKind(%q).Title() = %q, want %q", k, got, want)
		}
	}
}

func TestFullName(t *testing.T) {
	for _, tt := range []struct{ first, last, want string }{
		{"Maria", "Garcia", "Maria Garcia"}, {"Maria", "", "Maria"}, {"", "Garcia", "Garcia"}, {"", "", ""},
	} {
		if got := (core.Account{FirstName: tt.first, LastName: tt.last}).FullName(); got != tt.want {
			t.Errorf("FullName(%q, %q) = %q, want %q", tt.first, tt.last, got, tt.want)
		}
	}
}
