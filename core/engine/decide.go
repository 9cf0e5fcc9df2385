package engine

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// The decide stage: pure functions from a file's rows, and what is stored, to decisions
// (what fails and why, what is created, updated or enrolled). Nothing here touches the
// database: the stage's passes (check.go) read the rows a user or a class at a time and
// hand them over, so every rule of SPEC §2–§3 is tested on plain values
// (decide_test.go).

// maxLines is how many row numbers a problem keeps; it counts the others.
const maxLines = 6

// problem is a problem of a user or a class. Line 0 makes every row of the user or
// class fail with it; a Line makes only that row fail with it: the row whose own
// mistake (a date that is not a date) made its group's rows disagree. Col is the column
// it concerns, or -1.
type problem struct {
	core.Issue
	Line int         `json:",omitempty"`
	Col  core.Column `json:",omitempty"`
}

// parsers memoises NormalizeGrade and ParseClassDate for one import. A file repeats a
// handful of grades and dates on every row; bounded, so a file of a million junk grades
// costs no more than the per-call work it would have cost anyway.
type parsers struct {
	grades map[string]parsed
	dates  map[string]parsed
}

type parsed struct {
	v     string
	short bool // a date with a two-digit year
	ok    bool
}

const maxMemo = 4096

func (p *parsers) grade(v string) (string, bool) {
	if r, ok := p.grades[v]; ok {
		return r.v, r.ok
	}
	g, ok := core.NormalizeGrade(v)
	if p.grades == nil {
		p.grades = make(map[string]parsed)
	}
	if len(p.grades) < maxMemo {
		p.grades[v] = parsed{v: g, ok: ok}
	}
	return g, ok
}

func (p *parsers) date(v string) parsed {
	if r, ok := p.dates[v]; ok {
		return r
	}
	d, short, ok := core.ParseClassDate(v)
	r := parsed{v: d, short: short, ok: ok}
	if p.dates == nil {
		p.dates = make(map[string]parsed)
	}
	if len(p.dates) < maxMemo {
		p.dates[v] = r
	}
	return r
}

// userKey returns the key that groups a row with the other rows of the same person:
// its User GUID, else its User ID (folded by core.Key), else its line (a row that can
// be matched to no other).
func userKey(r *core.Row) string {
	if g := r.Cells[core.ColUserGUID]; g != "" {
		if ng, ok := core.NormalizeGUID(g); ok {
			return "g:" + ng
		}
		return "r:" + strconv.Itoa(r.Line)
	}
	if id := r.Cells[core.ColUserID]; id != "" {
		return "u:" + core.Key(id)
	}
	return "r:" + strconv.Itoa(r.Line)
}

// hasClass reports whether any class column (J–P) of the row is filled.
func hasClass(r *core.Row) bool {
	for c := core.ColClassID; c <= core.ColClassGUID; c++ {
		if r.Cells[c] != "" {
			return true
		}
	}
	return false
}

// classKey returns the key that groups a row with the other rows of the same class: its
// Class GUID, else its Class ID (folded), else its line; "" when the row has no class.
func classKey(r *core.Row) string {
	if !hasClass(r) {
		return ""
	}
	if g := r.Cells[core.ColClassGUID]; g != "" {
		if ng, ok := core.NormalizeGUID(g); ok {
			return "g:" + ng
		}
		return "r:" + strconv.Itoa(r.Line)
	}
	if id := r.Cells[core.ColClassID]; core.ValidClassID(id) {
		return "c:" + core.Key(id)
	}
	return "r:" + strconv.Itoa(r.Line)
}

// classOfOneRow reports whether a class key is a row's own (classKey's "r:"): the row
// names no class that could exist, since its Class ID or Class GUID is not one, and it
// fails on that. Such a class needs no teacher row: saying so would name a class that
// cannot be made.
func classOfOneRow(ckey string) bool { return strings.HasPrefix(ckey, "r:") }

// masterCode returns the row's Master Code, normalised, or "" when it has none or it is
// not valid.
func masterCode(r *core.Row) string {
	if mc, ok := core.NormalizeMasterCode(r.Cells[core.ColMasterCode]); ok {
		return mc
	}
	return ""
}

// checkRow returns the problems of the row's own cells, those that need no other row:
// a User GUID that is not one, and every class cell. The row fails with them whatever
// its user and class.
func checkRow(r *core.Row, p *parsers) []core.Issue {
	var out []core.Issue
	c := &r.Cells
	if g := c[core.ColUserGUID]; g != "" {
		if _, ok := core.NormalizeGUID(g); !ok {
			out = append(out, core.Issue{Code: core.UserGUIDFormat, Value: g})
		}
	}
	if !hasClass(r) {
		return out
	}
	guidOK := false
	if g := c[core.ColClassGUID]; g != "" {
		if _, guidOK = core.NormalizeGUID(g); !guidOK {
			out = append(out, core.Issue{Code: core.ClassGUIDFormat, Value: g})
		}
	}
	switch id := c[core.ColClassID]; {
	case id == "":
		out = append(out, core.Issue{Code: core.ClassIDRequired})
	case core.ScientificNotation(id) && guidOK:
		// A spreadsheet mangled the Class ID of a class given by its GUID: the stored
		// Class ID is kept (checkStoredClass).
	case core.ScientificNotation(id):
		out = append(out, core.Issue{Code: core.ClassIDScientific, Value: id})
	case !core.ValidClassID(id):
		out = append(out, core.Issue{Code: core.ClassIDFormat, Value: id})
	}
	if v := c[core.ColClassGrade]; v != "" {
		if _, ok := p.grade(v); !ok {
			out = append(out, core.Issue{Code: core.ClassGradeInvalid, Value: v})
		}
	}
	if v := c[core.ColClassStart]; v != "" && !p.date(v).ok {
		out = append(out, core.Issue{Code: core.ClassStartInvalid, Value: v, Other: core.DateExample(v)})
	}
	if v := c[core.ColClassEnd]; v != "" && !p.date(v).ok {
		out = append(out, core.Issue{Code: core.ClassEndInvalid, Value: v, Other: core.DateExample(v)})
	}
	if v := c[core.ColClassName]; v != "" {
		if is, ok := classNameIssue(v); !ok {
			out = append(out, is)
		}
	}
	if v := c[core.ColMasterCode]; v != "" {
		if _, ok := core.NormalizeMasterCode(v); !ok {
			out = append(out, core.Issue{Code: core.MasterCodeFormat, Value: v})
		}
	}
	return out
}

// classNameIssue returns what is wrong with a Class Name cell, if anything: a line break
// or another control character, and a sign that starts a formula, are said as such, not
// as "longer than 100 characters".
func classNameIssue(v string) (core.Issue, bool) {
	switch {
	case core.ValidClassName(v):
		return core.Issue{}, true
	case strings.ContainsAny(v, "\r\n"):
		return core.Issue{Code: core.ClassNameBreak, Value: v}, false
	case utf8.RuneCountInString(v) > 100:
		return core.Issue{Code: core.ClassNameFormat, Value: v}, false
	case strings.ContainsFunc(v, core.Unprintable):
		return core.Issue{Code: core.ClassNameControl}, false
	}
	return core.Issue{Code: core.ClassNameStart, Value: v}, false
}

// cellIssue returns the problem of a user cell of column c that is not valid, and false
// when it is valid.
func cellIssue(c core.Column, v string, p *parsers) (core.Issue, bool) {
	switch c {
	case core.ColUserID:
		if core.ScientificNotation(v) {
			return core.Issue{Code: core.UserIDScientific, Value: v}, true
		}
		if !core.ValidUserID(v) {
			return core.Issue{Code: core.UserIDFormat, Value: v}, true
		}
	case core.ColRole:
		if _, ok := core.ParseRole(v); !ok {
			return core.Issue{Code: core.RoleInvalid, Value: v}, true
		}
	case core.ColFirstName, core.ColLastName:
		if core.ValidName(v) {
			break
		}
		codes := map[bool][2]core.Code{true: {core.FirstNameStart, core.LastNameStart}, false: {core.FirstNameFormat, core.LastNameFormat}}[!core.StartsWithLetter(v)]
		if c == core.ColFirstName {
			return core.Issue{Code: codes[0], Value: v}, true
		}
		return core.Issue{Code: codes[1], Value: v}, true
	case core.ColGrade:
		if _, ok := p.grade(v); !ok {
			return core.Issue{Code: core.GradeInvalid, Value: v}, true
		}
	case core.ColEmail:
		if !core.ValidEmail(v) {
			return core.Issue{Code: core.EmailFormat, Value: v}, true
		}
	case core.ColUsername:
		if !core.ValidUsername(v) {
			return core.Issue{Code: core.UsernameFormat, Value: v}, true
		}
	case core.ColPassword:
		if probs := passwordProblems(v, "", ""); len(probs) > 0 {
			return core.Issue{Code: core.PasswordPolicy, Items: probs}, true
		}
	}
	return core.Issue{}, false
}

// classCellValid reports whether a class cell of column c is valid on its own.
func classCellValid(c core.Column, v string, p *parsers) bool {
	switch c {
	case core.ColClassName:
		return core.ValidClassName(v)
	case core.ColClassGrade:
		_, ok := p.grade(v)
		return ok
	case core.ColClassStart, core.ColClassEnd:
		return p.date(v).ok
	}
	return true
}

// passwordProblems is account.PolicyProblems plus the rule of files: a typed password
// that begins with ' = + - or @ cannot survive a spreadsheet program (it drops the
// apostrophe, or runs the rest as a formula), so the password stored would not be the
// one typed.
func passwordProblems(pw, username, email string) []string {
	probs := account.PolicyProblems(pw, username, email)
	if pw != "" && strings.ContainsRune("'=+-@", rune(pw[0])) {
		probs = append(probs, "it begins with "+pw[:1]+", which a spreadsheet program removes or runs as a formula; begin it with a letter or a digit")
	}
	return probs
}

// sameForm returns the form two cells of column c are compared in: roles, grades,
// dates and other cells ignore case (as core.Key folds it) and spacing, passwords do not.
func (p *parsers) sameForm(c core.Column, v string) string {
	switch c {
	case core.ColPassword:
		return v
	case core.ColRole:
		if r, ok := core.ParseRole(v); ok {
			return string(r)
		}
	case core.ColGrade, core.ColClassGrade:
		if g, ok := p.grade(v); ok {
			return g
		}
	case core.ColClassStart, core.ColClassEnd:
		if d := p.date(v); d.ok {
			return d.v
		}
	}
	return core.Key(strings.Join(strings.Fields(v), " "))
}

// lineList keeps the first maxLines row numbers of a list and counts the others.
type lineList struct {
	lines []int
	more  int
}

func (l *lineList) add(line int) {
	if len(l.lines) < maxLines {
		l.lines = append(l.lines, line)
	} else {
		l.more++
	}
}

func (l *lineList) n() int { return len(l.lines) + l.more }

// cellValue is one of the distinct values a column takes on a group's rows.
type cellValue struct {
	raw, cmp string
	bad      bool // not valid on its own
	rows     lineList
}

// maxDistinct bounds the distinct values a column's merge keeps: more than that and the
// rows disagree, whatever the values.
const maxDistinct = 8

// column merges one column over the rows of a group, in line order.
type column struct {
	vals     []cellValue
	overflow bool
}

func (m *column) add(line int, v string, cmp func(string) string, bad func(string) bool) {
	if v == "" {
		return
	}
	for i := range m.vals {
		if m.vals[i].raw == v {
			m.vals[i].rows.add(line)
			return
		}
	}
	c := cmp(v)
	for i := range m.vals {
		if m.vals[i].cmp == c {
			m.vals[i].rows.add(line)
			return
		}
	}
	if len(m.vals) == maxDistinct {
		m.overflow = true
		return
	}
	m.vals = append(m.vals, cellValue{raw: v, cmp: c, bad: bad(v)})
	m.vals[len(m.vals)-1].rows.add(line)
}

// verdict is what a column's merge found.
type verdict int

const (
	agree    verdict = iota // one value (or none): merged is it
	disagree                // two valid values differ
	caused                  // one valid value; rows with a value not valid on their own differ from it
)

// result returns the merged value (the first non-blank value, or the valid one when
// rows with invalid values caused the difference) and the verdict.
func (m *column) result() (string, verdict) {
	switch {
	case len(m.vals) == 0:
		return "", agree
	case len(m.vals) == 1 && !m.overflow:
		return m.vals[0].raw, agree
	}
	valid := -1
	for i := range m.vals {
		if !m.vals[i].bad {
			if valid >= 0 {
				return m.vals[0].raw, disagree
			}
			valid = i
		}
	}
	if valid < 0 || m.overflow {
		return m.vals[0].raw, disagree
	}
	return m.vals[valid].raw, caused
}

// causes returns the rows whose invalid value caused the difference, and the first such
// value.
func (m *column) causes() (lineList, string) {
	var l lineList
	first := ""
	for _, v := range m.vals {
		if !v.bad {
			continue
		}
		if first == "" {
			first = v.raw
		}
		for _, line := range v.rows.lines {
			l.add(line)
		}
		l.more += v.rows.more
	}
	return l, first
}

// rows returns every row that has a value in the column.
func (m *column) rowCount() int {
	n := 0
	for _, v := range m.vals {
		n += v.rows.n()
	}
	return n
}

// userCols are the columns every row of one user must agree on (B–I).
var userCols = []core.Column{core.ColUserID, core.ColRole, core.ColFirstName, core.ColLastName, core.ColGrade, core.ColEmail, core.ColUsername, core.ColPassword}

// classCols are the columns every row of one class must agree on (K–N).
var classCols = []core.Column{core.ColClassName, core.ColClassGrade, core.ColClassStart, core.ColClassEnd}

// userMerge merges the rows of one user as they come, in line order. It keeps a few
// values per column, not the rows, so a user on a million rows costs what one on two
// rows does.
type userMerge struct {
	mode  core.Mode
	p     *parsers
	key   string
	first int
	rows  lineList
	cols  [core.ColPassword + 1]column
}

func newUserMerge(mode core.Mode, p *parsers, key string) *userMerge {
	return &userMerge{mode: mode, p: p, key: key}
}

// add merges the next row of the user.
func (m *userMerge) add(r *core.Row) {
	if m.rows.n() == 0 {
		m.first = r.Line
	}
	m.rows.add(r.Line)
	for _, c := range userCols {
		c := c
		m.cols[c].add(r.Line, r.Cells[c], func(v string) string { return m.p.sameForm(c, v) },
			func(v string) bool { _, bad := cellIssue(c, v, m.p); return bad })
	}
}

// userPlan is a user of the file once its rows are merged: what the stage keeps.
type userPlan struct {
	key       string
	firstLine int
	rows      int
	guid      string
	vals      [core.ColPassword + 1]string // merged B–I
	role      core.Role
	grade     string // normalised
	problems  []problem
}

// plan finishes the merge: the merged cells and every problem that needs no other user
// and nothing stored.
func (m *userMerge) plan() *userPlan {
	u := &userPlan{key: m.key, firstLine: m.first, rows: m.rows.n()}
	if strings.HasPrefix(m.key, "g:") {
		u.guid = m.key[2:]
	}
	for _, c := range userCols {
		col := &m.cols[c]
		v, verdict := col.result()
		u.vals[c] = v
		switch verdict {
		case agree:
			if is, bad := cellIssue(c, v, m.p); bad && v != "" {
				u.problems = append(u.problems, problem{Issue: is, Col: c})
			}
		case disagree:
			if strings.HasPrefix(m.key, "u:") && (c == core.ColFirstName || c == core.ColLastName) {
				// Rows with one User ID and different names are two people sharing an ID,
				// not one person typed two ways.
				if !hasCode(u.problems, core.UserIDDuplicate) {
					u.problems = append(u.problems, problem{Issue: core.Issue{Code: core.UserIDDuplicate, Value: u.vals[core.ColUserID],
						Rows: m.rows.lines, MoreRows: m.rows.more}, Col: -1})
				}
			} else {
				u.problems = append(u.problems, problem{Issue: core.Issue{Code: core.UserRowsDisagree, Value: c.HeaderFor(m.mode),
					Rows: m.rows.lines, MoreRows: m.rows.more}, Col: c})
			}
			if is, bad := cellIssue(c, v, m.p); bad {
				u.problems = append(u.problems, problem{Issue: is, Col: c})
			}
		case caused:
			u.problems = append(u.problems, m.causeProblems(c)...)
		}
	}
	v := &u.vals
	if x := v[core.ColRole]; x != "" {
		if r, ok := core.ParseRole(x); ok {
			u.role = r
			if m.mode == core.ModeTeacher && r == core.RoleTeacher {
				u.problems = append(u.problems, problem{Issue: core.Issue{Code: core.RoleTeacherMode}, Col: core.ColRole})
			}
		}
	} else if m.mode == core.ModeTeacher {
		u.role = core.RoleStudent
	}
	if g, ok := m.p.grade(v[core.ColGrade]); ok {
		u.grade = g
	}
	if pw := v[core.ColPassword]; pw != "" && !hasCol(u.problems, core.ColPassword) {
		probs := passwordProblems(pw, v[core.ColUsername], v[core.ColEmail])
		if u.guid == "" && v[core.ColUsername] == "" && madeUsername(pw, account.UsernameBase(v[core.ColFirstName], v[core.ColLastName], v[core.ColUserID])) {
			probs = append(probs, "it is the username made for this row, or that username with digits")
		}
		if len(probs) > 0 {
			u.problems = append(u.problems, problem{Issue: core.Issue{Code: core.PasswordPolicy, Items: probs}, Col: core.ColPassword})
		}
	}
	return u
}

// madeUsername reports whether pw is, ignoring case, the username base or the base
// followed by digits: the username a new user without one is given (jsmith, jsmith2).
func madeUsername(pw, base string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(pw), base)
	if !ok || base == "" {
		return false
	}
	for _, r := range rest {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// causeProblems returns the problems of a column whose rows differ only because some
// of them hold a value that is not valid on its own: each such row fails with its own
// problem, and the user's other rows with the consequence, said once.
func (m *userMerge) causeProblems(c core.Column) []problem {
	causes, _ := m.cols[c].causes()
	var out []problem
	for _, val := range m.cols[c].vals {
		if !val.bad {
			continue
		}
		is, _ := cellIssue(c, val.raw, m.p)
		for _, line := range val.rows.lines {
			out = append(out, problem{Issue: is, Line: line, Col: c})
		}
	}
	who := m.mode.Words("user ") + m.name()
	out = append(out, problem{Issue: core.Issue{Code: core.FailedByRow, Value: who, Other: causePhrase(c, m.mode, causes),
		Rows: causes.lines, MoreRows: causes.more, Count: m.rows.n() - causes.n()}, Col: c})
	return out
}

// name names the user in messages: their User ID, else their name.
func (m *userMerge) name() string {
	if v, _ := m.cols[core.ColUserID].result(); v != "" {
		return v
	}
	f, _ := m.cols[core.ColFirstName].result()
	l, _ := m.cols[core.ColLastName].result()
	if n := strings.TrimSpace(f + " " + l); n != "" {
		return n
	}
	return "on row " + strconv.Itoa(m.first)
}

// causePhrase says which rows' cells of column c are wrong and how: "row 12's Class
// Start Date is not a date", "rows 12 and 14 have a Class Start Date that is not a date".
func causePhrase(c core.Column, mode core.Mode, causes lineList) string {
	what := "is not valid"
	switch c {
	case core.ColClassStart, core.ColClassEnd:
		what = "is not a date"
	case core.ColGrade, core.ColClassGrade:
		what = "is not a grade"
	case core.ColEmail:
		what = "is not an email address"
	case core.ColRole:
		what = "is not Teacher or Student"
	}
	header := c.HeaderFor(mode)
	lines := make([]string, len(causes.lines))
	for i, l := range causes.lines {
		lines[i] = strconv.Itoa(l)
	}
	if causes.n() == 1 {
		return "row " + lines[0] + "'s " + header + " " + what
	}
	list := strings.Join(lines, ", ")
	if causes.more > 0 {
		list += " and " + core.Thousands(causes.more) + " more"
	} else if i := strings.LastIndex(list, ", "); i >= 0 {
		list = list[:i] + " and " + list[i+2:]
	}
	return "rows " + list + " have a " + header + " that " + what[len("is "):] + ""
}

func hasCode(ps []problem, code core.Code) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}

func hasCol(ps []problem, c core.Column) bool {
	for _, p := range ps {
		if p.Col == c && p.Line == 0 {
			return true
		}
	}
	return false
}

// classMerge merges the rows of one class as they come, in line order.
type classMerge struct {
	mode      core.Mode
	p         *parsers
	key       string
	first     int
	rows      lineList
	classID   string // the first valid Class ID
	typedID   string // the first Class ID typed, valid or not
	nameGiven bool
	cols      [core.NumColumns]column
	short     []string // dates with a two-digit year, the first few
	shortN    int
}

func newClassMerge(mode core.Mode, p *parsers, key string) *classMerge {
	return &classMerge{mode: mode, p: p, key: key}
}

func (m *classMerge) add(r *core.Row) {
	if m.rows.n() == 0 {
		m.first = r.Line
	}
	m.rows.add(r.Line)
	if id := r.Cells[core.ColClassID]; m.classID == "" && core.ValidClassID(id) {
		m.classID = id
	}
	if id := r.Cells[core.ColClassID]; m.typedID == "" {
		m.typedID = id
	}
	if r.Cells[core.ColClassName] != "" {
		m.nameGiven = true
	}
	for _, c := range classCols {
		c := c
		v := r.Cells[c]
		m.cols[c].add(r.Line, v, func(v string) string { return m.p.sameForm(c, v) },
			func(v string) bool { return !classCellValid(c, v, m.p) })
		if (c == core.ColClassStart || c == core.ColClassEnd) && v != "" && m.p.date(v).short {
			if m.shortN++; len(m.short) < 3 && !contains(m.short, v) {
				m.short = append(m.short, v)
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// classPlan is a class of the file once its rows are merged.
type classPlan struct {
	key       string
	firstLine int
	guid      string
	classID   string
	typedID   string
	name      string // "" when none, or none valid
	nameGiven bool   // a Class Name was typed, valid or not
	grade     string // normalised
	start     string // YYYY-MM-DD
	end       string
	problems  []problem
}

// plan finishes the merge. Cells that are not valid already fail their rows
// (checkRow); a class's own problems are rows that disagree, dates in the wrong order,
// and the consequence for its other rows when one row's bad cell is the only
// difference.
func (m *classMerge) plan() *classPlan {
	c := &classPlan{key: m.key, firstLine: m.first, classID: m.classID, typedID: m.typedID, nameGiven: m.nameGiven}
	if strings.HasPrefix(m.key, "g:") {
		c.guid = m.key[2:]
	}
	var vals [core.NumColumns]string
	typed := map[core.Column]string{}
	for _, col := range classCols {
		v, verdict := m.cols[col].result()
		typed[col] = v
		switch verdict {
		case disagree:
			if !m.allBad(col) {
				c.problems = append(c.problems, problem{Issue: core.Issue{Code: core.ClassRowsDisagree, Value: col.HeaderFor(m.mode),
					Rows: m.rows.lines, MoreRows: m.rows.more}, Col: col})
			}
		case caused:
			causes, _ := m.cols[col].causes()
			c.problems = append(c.problems, problem{Issue: core.Issue{Code: core.FailedByRow, Value: "class " + m.label(),
				Other: causePhrase(col, m.mode, causes), Rows: causes.lines, MoreRows: causes.more, Count: m.rows.n() - causes.n()}, Col: col})
		}
		if classCellValid(col, v, m.p) {
			vals[col] = v
		}
	}
	c.name = vals[core.ColClassName]
	if g, ok := m.p.grade(vals[core.ColClassGrade]); ok {
		c.grade = g
	}
	if d := m.p.date(vals[core.ColClassStart]); d.ok {
		c.start = d.v
	}
	if d := m.p.date(vals[core.ColClassEnd]); d.ok {
		c.end = d.v
	}
	if c.start != "" && c.end != "" && c.end <= c.start {
		c.problems = append(c.problems, problem{Issue: core.Issue{Code: core.ClassDatesOrder, Value: typed[core.ColClassEnd], Other: typed[core.ColClassStart]}, Col: core.ColClassEnd})
	}
	return c
}

// allBad reports whether every value of column col is invalid: its rows fail on their
// own, and saying they also disagree would only repeat it.
func (m *classMerge) allBad(col core.Column) bool {
	for _, v := range m.cols[col].vals {
		if !v.bad {
			return false
		}
	}
	return true
}

// label names the class in messages: its Class ID, else its first row.
func (m *classMerge) label() string {
	if m.classID != "" {
		return m.classID
	}
	return "on row " + strconv.Itoa(m.first)
}

// sharedKind is a key two people of one file may not share.
type sharedKind int

// The keys two people of one file may not share.
const (
	sharedUserID sharedKind = iota
	sharedUsername
	sharedEmail
)

// duplicateProblem is the problem of every user of the file who shares a User ID, a
// username or (teachers) an email with another: lines are the rows of all of them.
func duplicateProblem(key sharedKind, value string, lines lineList) problem {
	code := [...]core.Code{sharedUserID: core.UserIDDuplicate, sharedUsername: core.UsernameDuplicate, sharedEmail: core.EmailDuplicate}[key]
	return problem{Issue: core.Issue{Code: code, Value: value, Rows: lines.lines, MoreRows: lines.more}, Col: -1}
}

// userSnapshot is what is stored about one user of the file: the user their User GUID
// names, whether that user belongs to the upload's school and is a student of the
// uploading teacher's classes, and the stored users who already hold their User ID,
// username or (a teacher's) email. restricted is the upload's: its uploader manages only
// some schools; private, that it may not learn who holds an identifier (a teacher's or
// a School Organization Administrator's upload).
type userSnapshot struct {
	byGUID                                *sqlite.ExistingUser
	inSchool, taught, restricted, private bool
	idOwner, nameOwner, emailOwner        *sqlite.ExistingUser
}

// notices gathers an import's warnings: the first MaxNotes of them, a count of all, and
// the changes a spreadsheet program made, said together in one line at the end.
type notices struct {
	list  []core.Issue
	n     int
	kept  int      // typed passwords that were the account's current temporary one
	sheet [4]items // what a spreadsheet program did, by sheetChange
}

// items keeps the first few of a list of values and counts them all.
type items struct {
	first []string
	n     int
}

func (it *items) add(v string) {
	it.n++
	if len(it.first) < 3 && !contains(it.first, v) {
		if r := []rune(v); len(r) > 40 {
			v = string(r[:40]) + "…"
		}
		it.first = append(it.first, v)
	}
}

// The changes a spreadsheet program makes to a roster it opens and saves as CSV.
const (
	sheetZeros      = iota // User IDs that lost their leading zeros
	sheetScientific        // User IDs in scientific notation
	sheetClassIDs          // Class IDs, either way
	sheetShortYears        // dates with a two-digit year
)

func (w *notices) add(is core.Issue) {
	w.n++
	if len(w.list) < MaxNotes {
		w.list = append(w.list, is)
	}
}

// finish adds the warnings said once for the whole file, in the words of an upload of
// mode, and returns them all.
func (w *notices) finish(mode core.Mode) []core.Issue {
	if w.kept > 0 {
		w.add(core.Issue{Code: core.WarnPasswordKept, Count: w.kept})
	}
	var changes []string
	phrase := func(it items, one, many string) {
		if it.n == 0 {
			return
		}
		list := strings.Join(it.first, ", ")
		switch {
		case it.n > len(it.first):
			list += " and " + core.Thousands(it.n-len(it.first)) + " more"
		case len(it.first) > 1:
			list = strings.Join(it.first[:len(it.first)-1], ", ") + " and " + it.first[len(it.first)-1]
		}
		if it.n == 1 {
			changes = append(changes, strings.ReplaceAll(mode.Words(one), "%s", list))
		} else {
			changes = append(changes, strings.ReplaceAll(mode.Words(many), "%s", list))
		}
	}
	phrase(w.sheet[sheetZeros], "it removed the leading zeros of User ID %s (the stored ID was kept)",
		"it removed the leading zeros of User IDs %s (the stored IDs were kept)")
	phrase(w.sheet[sheetScientific], "it turned User ID %s into scientific notation (the stored ID was kept)",
		"it turned User IDs %s into scientific notation (the stored IDs were kept)")
	phrase(w.sheet[sheetClassIDs], "it changed Class ID %s (the stored Class ID was kept)",
		"it changed Class IDs %s (the stored Class IDs were kept)")
	if it := w.sheet[sheetShortYears]; it.n > 0 {
		// Such dates repeat on every row of a class: an example or two is enough.
		changes = append(changes, "it wrote dates such as "+strings.Join(it.first, " and ")+" with a two-digit year (read as 20YY)")
	}
	if len(changes) > 0 {
		w.add(core.Issue{Code: core.WarnSpreadsheet, Items: changes})
	}
	return w.list
}

// checkStoredUser applies the rules that need what is stored (snap) to a user of the
// file, changing u: a User GUID must name a stored user, whose role an import does not
// change and who, for a teacher's upload, must be a student of the school; a new user
// needs every required cell; nobody may take an identifier another stored user holds.
// A Password cell that is the account's current temporary password keeps it, and a User
// ID a spreadsheet mangled keeps the stored one (both said in w).
func checkStoredUser(mode core.Mode, u *userPlan, snap userSnapshot, w *notices) {
	v := &u.vals
	add := func(is core.Issue, c core.Column) { u.problems = append(u.problems, problem{Issue: is, Col: c}) }
	e := snap.byGUID
	switch {
	case u.guid != "" && e == nil:
		add(core.Issue{Code: core.UserGUIDUnknown, Value: u.guid}, core.ColUserGUID)
	case e != nil:
		role := core.Role(e.Role)
		// In a teacher's upload a role that differs always involves a teacher, which
		// RoleTeacherMode refuses in a teacher's words; RoleChange would call that
		// teacher a student.
		if u.role != "" && u.role != role && v[core.ColRole] != "" && mode == core.ModeAdmin {
			add(core.Issue{Code: core.RoleChange, Value: string(u.role), Other: e.Role}, core.ColRole)
		}
		u.role = role
		if snap.restricted && !snap.inSchool {
			add(core.Issue{Code: core.UserOtherSchool}, core.ColUserGUID)
		}
		if mode == core.ModeTeacher {
			if role == core.RoleTeacher {
				if !hasCode(u.problems, core.RoleTeacherMode) {
					add(core.Issue{Code: core.RoleTeacherMode}, core.ColRole)
				}
			} else if !snap.inSchool {
				add(core.Issue{Code: core.UserNotInSchool}, core.ColUserGUID)
			}
		}
		if id := v[core.ColUserID]; id != "" && core.Key(id) != core.Key(e.UserID) {
			switch {
			case core.LeadingZerosLost(e.UserID, id):
				w.sheet[sheetZeros].add(e.UserID)
				v[core.ColUserID] = ""
			case core.ScientificNotation(id):
				w.sheet[sheetScientific].add(id)
				v[core.ColUserID] = ""
			}
			if v[core.ColUserID] == "" {
				u.problems = dropCol(u.problems, core.ColUserID)
			}
		}
		if pw := v[core.ColPassword]; pw != "" {
			switch {
			case e.PwKind == string(core.PasswordTemporary) && account.Verify(e.PwHash, pw):
				// A Completed File uploaded again: its Password cells are the temporary
				// passwords it handed out. They stay temporary (SPEC §12).
				w.kept++
				v[core.ColPassword] = ""
				u.problems = dropCol(u.problems, core.ColPassword)
			case v[core.ColUsername] == "" && strings.EqualFold(pw, e.Username):
				u.problems = addPolicyProblem(u.problems, "it is the same as the username")
			case v[core.ColEmail] == "" && e.Email != "" && strings.EqualFold(pw, e.Email):
				u.problems = addPolicyProblem(u.problems, "it is the same as the email")
			}
		}
		if mode == core.ModeTeacher && role == core.RoleStudent && snap.inSchool && !snap.taught && changesStored(u, e) {
			// A teacher changes only the students of their own classes, as a password
			// reset does; another's student may only be rostered into their class.
			add(core.Issue{Code: core.UserNotYours}, core.ColUserGUID)
		}
	default:
		if v[core.ColUserID] == "" {
			add(core.Issue{Code: core.UserIDRequired}, core.ColUserID)
		}
		if v[core.ColRole] == "" && mode == core.ModeAdmin {
			add(core.Issue{Code: core.RoleRequired}, core.ColRole)
		}
		if v[core.ColFirstName] == "" {
			add(core.Issue{Code: core.FirstNameRequired}, core.ColFirstName)
		}
		if v[core.ColLastName] == "" {
			add(core.Issue{Code: core.LastNameRequired}, core.ColLastName)
		}
		// A teacher's upload refuses a teacher row outright (RoleTeacherMode): asking
		// for its email too would have them fix a row that has to go.
		if u.role == core.RoleTeacher && v[core.ColEmail] == "" && mode == core.ModeAdmin {
			add(core.Issue{Code: core.EmailRequired}, core.ColEmail)
		}
	}
	if u.role == core.RoleTeacher && v[core.ColGrade] != "" {
		// A teacher's grade is ignored, which is worth saying once per teacher.
		w.add(core.Issue{Code: core.WarnTeacherGrade, Value: v[core.ColGrade]})
		u.grade, v[core.ColGrade] = "", ""
		u.problems = dropCol(u.problems, core.ColGrade)
	}
	taken := func(other *sqlite.ExistingUser, code core.Code, value string, c core.Column) {
		if other != nil && value != "" && (e == nil || other.ID != e.ID) {
			who := other.String()
			if snap.private {
				who = "an account you do not manage"
			}
			add(core.Issue{Code: code, Value: value, Other: who}, c)
		}
	}
	taken(snap.idOwner, core.UserIDTaken, v[core.ColUserID], core.ColUserID)
	taken(snap.nameOwner, core.UsernameTaken, v[core.ColUsername], core.ColUsername)
	if u.role == core.RoleTeacher {
		taken(snap.emailOwner, core.EmailTaken, v[core.ColEmail], core.ColEmail)
	}
}

// changesStored reports whether applying u would change the stored user e: a cell that
// is not blank and differs from what is stored, exactly (a User ID, email or username
// in another case is written as typed, so it is a change), or a Password cell (a new
// permanent password; one that keeps the temporary password was blanked before). A
// user rostered with cells blank or as stored changes nothing. ImportTx.UpdateUsers
// writes and counts as updated exactly the users this holds for.
func changesStored(u *userPlan, e *sqlite.ExistingUser) bool {
	v := &u.vals
	differs := func(c core.Column, stored string) bool { return v[c] != "" && v[c] != stored }
	return differs(core.ColUserID, e.UserID) || differs(core.ColFirstName, e.FirstName) || differs(core.ColLastName, e.LastName) ||
		v[core.ColGrade] != "" && u.grade != e.Grade || differs(core.ColEmail, e.Email) || differs(core.ColUsername, e.Username) ||
		v[core.ColPassword] != ""
}

// addPolicyProblem adds what is wrong with a Password cell to its policy problem, so
// the cell is reported once with every reason.
func addPolicyProblem(ps []problem, why string) []problem {
	for i := range ps {
		if ps[i].Code == core.PasswordPolicy && ps[i].Col == core.ColPassword && ps[i].Line == 0 {
			ps[i].Items = append(ps[i].Items, why)
			return ps
		}
	}
	return append(ps, problem{Issue: core.Issue{Code: core.PasswordPolicy, Items: []string{why}}, Col: core.ColPassword})
}

// dropCol returns ps without the problems of column c, for a cell whose value is no
// longer used (a teacher's grade, a User ID kept as stored).
func dropCol(ps []problem, c core.Column) []problem {
	out := ps[:0]
	for _, p := range ps {
		if p.Col != c {
			out = append(out, p)
		}
	}
	return out
}

// classSnapshot is what is stored about one class of the file: the class its Class
// GUID names, whether the uploading teacher teaches it, and the class of the school
// that already holds its Class ID.
type classSnapshot struct {
	byGUID  *sqlite.ExistingClass
	teaches bool
	idOwner *sqlite.ExistingClass
}

// checkStoredClass applies the rules that need what is stored to a class of the file:
// a Class GUID must name a class of the school (and, for a teacher, one they teach); a
// new class's Class ID must be free and it needs a name; a Class ID a spreadsheet
// mangled keeps the stored one.
func checkStoredClass(mode core.Mode, schoolID int64, c *classPlan, snap classSnapshot, w *notices) {
	add := func(is core.Issue, col core.Column) { c.problems = append(c.problems, problem{Issue: is, Col: col}) }
	switch e := snap.byGUID; {
	case c.guid != "":
		if e == nil || e.SchoolID != schoolID {
			add(core.Issue{Code: core.ClassGUIDUnknown, Value: c.guid}, core.ColClassGUID)
			return
		}
		if mode == core.ModeTeacher && !snap.teaches {
			add(core.Issue{Code: core.ClassNotYours, Value: e.ClassID}, core.ColClassGUID)
		}
		if id := c.typedID; id != "" && core.Key(id) != core.Key(e.ClassID) {
			switch {
			case core.LeadingZerosLost(e.ClassID, id), core.ScientificNotation(id):
				w.sheet[sheetClassIDs].add(id)
				c.classID = ""
			case snap.idOwner != nil && snap.idOwner.ID != e.ID:
				add(core.Issue{Code: core.ClassIDTaken, Value: id}, core.ColClassID)
			}
		}
	case strings.HasPrefix(c.key, "c:"):
		if snap.idOwner != nil {
			add(core.Issue{Code: core.ClassIDExists, Value: c.classID}, core.ColClassID)
			return
		}
		if !c.nameGiven {
			add(core.Issue{Code: core.ClassNameRequired}, core.ColClassName)
		}
	}
}

// noTeacherProblem is the problem of a new class no teacher row of which was applied
// (an administrator's upload): none of its rows is.
func noTeacherProblem(classID string) problem {
	return problem{Issue: core.Issue{Code: core.ClassNoTeacher, Value: classID}, Col: -1}
}

// kept reports which of a group's optional columns hold a value on a row that did not
// fail: each row is all or nothing, so a failed row's cells must not reach the database
// through a row that passed.
type kept [core.NumColumns]bool

func (k *kept) add(r *core.Row) {
	for c, v := range r.Cells {
		if v != "" {
			k[c] = true
		}
	}
}

// narrowUser drops from a user the values that only failed rows gave. Values a new user
// cannot be created without (names, role, User ID, a new teacher's email) agree on
// every row and stay.
func narrowUser(u *userPlan, k kept) {
	if !k[core.ColGrade] {
		u.grade, u.vals[core.ColGrade] = "", ""
	}
	if !k[core.ColEmail] && (u.guid != "" || u.role != core.RoleTeacher) {
		u.vals[core.ColEmail] = ""
	}
	if !k[core.ColUsername] {
		u.vals[core.ColUsername] = ""
	}
	if !k[core.ColPassword] {
		u.vals[core.ColPassword] = ""
	}
}

// narrowClass does for a class what narrowUser does for a user.
func narrowClass(c *classPlan, k kept) {
	if !k[core.ColClassGrade] {
		c.grade = ""
	}
	if !k[core.ColClassStart] {
		c.start = ""
	}
	if !k[core.ColClassEnd] {
		c.end = ""
	}
	if c.guid != "" && !k[core.ColClassName] {
		c.name = ""
	}
}

// rowProblems returns the problems a failed row is reported with, in this order: its
// own (checkRow), its user's and its class's. A problem of a group tied to another row
// (that row's own mistake) is left out, and so is the consequence of a mistake when
// the row has one of its own: it is the cause.
func rowProblems(line int, own []core.Issue, groups ...[]problem) []core.Issue {
	out := append([]core.Issue(nil), own...)
	var consequences []core.Issue
	for _, ps := range groups {
		for _, p := range ps {
			switch {
			case p.Line != 0 && p.Line != line:
			case p.Code == core.FailedByRow:
				consequences = append(consequences, p.Issue)
			default:
				out = append(out, p.Issue)
			}
		}
	}
	if len(out) == 0 {
		return consequences
	}
	return out
}

// firstCause returns the consequence problem whose first cause row is line, if any of
// the groups has one: the note that follows the cause's own.
func firstCause(line int, groups ...[]problem) []core.Issue {
	var out []core.Issue
	for _, ps := range groups {
		for _, p := range ps {
			if p.Code == core.FailedByRow && len(p.Rows) > 0 && p.Rows[0] == line {
				out = append(out, p.Issue)
			}
		}
	}
	return out
}
