package core

import (
	"regexp"
	"strings"
)

// Words returns s, a text in the administrator's words (a catalogue text, or a phrase
// the engine makes), as an upload of mode says it. An administrator's text comes back as
// it is. A teacher's template heads its columns differently ("Student ID" for "User
// ID") and holds only students, so a teacher reads the teacher template's headers,
// "student" for "user", no Role in a list of columns, and "Export Students" for "Export
// Teachers & Students". Only whole words change: "username", "userSourcedId",
// "users.csv" and "Import Users/Rosters" stay.
//
// Words is for texts with placeholders or for the engine's own phrases, never for a
// text that already holds a cell's value: a name such as "user" would change too.
func (m Mode) Words(s string) string {
	if m != ModeTeacher {
		return s
	}
	return studentNouns(teacherHeaders.Replace(s))
}

// teacherHeaders renames the columns whose teacher-template header differs, drops Role
// from a list of columns (the teacher's template and Error File have none), and names
// the export a teacher has in place of Export Teachers & Students (SPEC §4).
var teacherHeaders = func() *strings.Replacer {
	pairs := []string{", " + Columns[ColRole].Header + ", ", ", "}
	for c := range NumColumns {
		if spec := Columns[c]; spec.TeacherHeader != "" && spec.TeacherHeader != spec.Header {
			pairs = append(pairs, spec.Header, spec.TeacherHeader)
		}
	}
	pairs = append(pairs, "Export Teachers & Students", "Export Students")
	return strings.NewReplacer(pairs...)
}()

// userWord matches "user", "users" and "user's" as words.
var userWord = regexp.MustCompile(`\buser(?:s|'s)?\b`)

// studentNouns writes "student" for every "user" word of s, except where the word is
// the start of a file name (users.csv).
func studentNouns(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range userWord.FindAllStringIndex(s, -1) {
		if end := m[1]; end+1 < len(s) && s[end] == '.' && isLetter(s[end+1]) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString("student")
		b.WriteString(s[m[0]+len("user") : m[1]])
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// entryText is a catalogue entry's two texts in the words of one mode.
type entryText struct{ problem, fix string }

// teacherCatalog holds every entry's texts in a teacher's words, made once from Catalog
// by Mode.Words: the catalogue stays the one source of every message, but for the few
// of teacherTexts.
var teacherCatalog = func() map[Code]entryText {
	m := make(map[Code]entryText, len(Catalog))
	for _, e := range Catalog {
		m[e.Code] = entryText{ModeTeacher.Words(e.Problem), ModeTeacher.Words(e.Fix)}
		if t, ok := teacherTexts[e.Code]; ok {
			m[e.Code] = t
		}
	}
	return m
}()

// teacherTexts are the entries whose fix for a teacher differs in more than its words.
// A teacher's upload adds only students: what an administrator is told to change on a
// teacher's row (these rows are also refused with RoleTeacherMode), a teacher is told
// to remove; the holder of a taken Student ID may be a teacher, and only Student is a
// Role a teacher may type.
var teacherTexts = map[Code]entryText{
	UserIDTaken: {"Student ID \"{value}\" already belongs to {other}.",
		"Use another Student ID. If this row is meant to change one of your own students, put their Student GUID in the Student GUID column."},
	RoleInvalid: {"Role \"{value}\" is not valid.",
		"Type Student, or remove the Role column: Import Students/Rosters adds only students."},
	EmailTaken: {"Email {value} already belongs to another teacher, {other}.",
		"Remove this row: Import Students/Rosters adds only students, and an administrator adds teachers from Import Users/Rosters."},
	EmailDuplicate: {"Email {value} is given to different teachers on rows {rows}.",
		"Remove these rows: Import Students/Rosters adds only students, and an administrator adds teachers from Import Users/Rosters."},
	WarnTeacherGrade: {"Teachers have no grade level, so \"{value}\" was ignored.",
		"Remove this row: Import Students/Rosters adds only students."},
}

// TextsFor returns e's problem and fix, with their placeholders, as an upload of mode
// says them.
func (e Entry) TextsFor(mode Mode) (problem, fix string) {
	t := entryWords(&e, mode)
	return t.problem, t.fix
}

// entryWords returns e's texts as an upload of mode says them.
func entryWords(e *Entry, mode Mode) entryText {
	if mode == ModeTeacher {
		if t, ok := teacherCatalog[e.Code]; ok {
			return t
		}
	}
	return entryText{e.Problem, e.Fix}
}

// adminOnly lists the entries an upload of Import Students/Rosters never gives: a
// teacher's rows are students, so no Role is required, no role is changed (a teacher's
// row is refused with RoleTeacherMode instead), no teacher's email is asked for and the
// teacher is every new class's teacher.
var adminOnly = map[Code]bool{RoleRequired: true, RoleChange: true, EmailRequired: true, ClassNoTeacher: true}

// GivenIn reports whether an upload of mode can report entry e: the teacher template's
// Instructions list only those.
func (e Entry) GivenIn(mode Mode) bool { return mode != ModeTeacher || !adminOnly[e.Code] }
