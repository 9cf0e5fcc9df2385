package engine

import (
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/sqlite"
)

// row is a data row as the import keeps it: the 16 template cells joined in one string,
// with the end of each. A core.Row (16 string headers and a Raw slice) is 288 bytes
// plus its cells; this is 96 plus the cells, which at 100,000 rows is 20 MB less of
// the import's live memory.
type row struct {
	line int // the row's number as a spreadsheet shows it
	s    string
	end  [core.NumColumns]uint32
}

// newRow compacts r.
func newRow(r *core.Row) *row {
	n := 0
	for _, c := range r.Cells {
		n += len(c)
	}
	var b strings.Builder
	b.Grow(n)
	out := &row{line: r.Line}
	for c, v := range r.Cells {
		b.WriteString(v)
		out.end[c] = uint32(b.Len())
	}
	out.s = b.String()
	return out
}

// cell returns the row's value for column c.
func (r *row) cell(c core.Column) string {
	start := uint32(0)
	if c > 0 {
		start = r.end[c-1]
	}
	return r.s[start:r.end[c]]
}

// rowPlan is one data row on its way through the checks.
type rowPlan struct {
	row    *row
	issues []core.Issue // the row's own problems (class cells, a malformed GUID)
	user   *userPlan
	class  *classPlan // nil when the row has no class columns
	failed bool
}

// userPlan is one user of the file: the rows that name them, merged.
type userPlan struct {
	key      string
	guid     string // given (existing user) or generated
	existing *sqlite.ExistingUser
	rows     []*rowPlan
	// val holds the merged B–I cells: the first non-blank value of each column, indexed
	// by column (A, the User GUID, is unused). Only B–I: at 100,000 users, sixteen
	// strings a user were 12 MB more of the import's live memory.
	val    [core.ColPassword + 1]string
	role   core.Role // effective role
	grade  string    // normalised
	issues []core.Issue

	username string // final username (given, stored or generated)
	tempPW   string // a generated temporary password, for the Completed File
	pwKind   core.PasswordState
	pwHash   string
	applied  bool
	id       int64
}

// classPlan is one class of the file.
type classPlan struct {
	key      string
	guid     string
	existing *sqlite.ExistingClass
	rows     []*rowPlan
	val      [core.NumColumns]string // merged, normalised K–N
	codes    []string
	issues   []core.Issue
	applied  bool
	id       int64
}

// userCols are the columns every row of one user must agree on (B–I).
var userCols = []core.Column{core.ColUserID, core.ColRole, core.ColFirstName, core.ColLastName, core.ColGrade, core.ColEmail, core.ColUsername, core.ColPassword}

// classCols are the columns every row of one class must agree on (K–N).
var classCols = []core.Column{core.ColClassName, core.ColClassGrade, core.ColClassStart, core.ColClassEnd}

// plan holds everything an import decides.
type plan struct {
	mode     core.Mode
	rows     []*rowPlan
	users    []*userPlan
	classes  []*classPlan
	warnings []core.Issue
	warnRows map[int][]core.Issue // row line → warnings shown on that row

	// grades and dates memoise NormalizeGrade and ParseDate for this import. A file
	// repeats a handful of grades and dates on every row, and each call allocates
	// (NormalizeGrade builds a strings.Replacer per call): without the memo they were
	// three quarters of the bytes a 100,000-row import allocated.
	grades, dates map[string]normalized

	// While rows are added (add), the users and classes by key, and the rowPlans not yet
	// used of the last chunk allocated.
	userByKey  map[string]*userPlan
	classByKey map[string]*classPlan
	chunk      []rowPlan
}

// normalized is a memoised result of NormalizeGrade or ParseDate.
type normalized struct {
	v  string
	ok bool
}

// maxMemo bounds each memo, so a hostile file of 100,000 distinct junk grades costs no
// more than the per-call work it would have cost anyway.
const maxMemo = 4096

func memo(m *map[string]normalized, v string, f func(string) (string, bool)) (string, bool) {
	if r, ok := (*m)[v]; ok {
		return r.v, r.ok
	}
	n, ok := f(v)
	if *m == nil {
		*m = make(map[string]normalized)
	}
	if len(*m) < maxMemo {
		(*m)[v] = normalized{n, ok}
	}
	return n, ok
}

// grade is core.NormalizeGrade, memoised.
func (p *plan) grade(v string) (string, bool) { return memo(&p.grades, v, core.NormalizeGrade) }

// date is core.ParseDate, memoised.
func (p *plan) date(v string) (string, bool) { return memo(&p.dates, v, core.ParseDate) }

// comparable is the package's comparable with grades and dates read through the memo.
func (p *plan) comparable(c core.Column, v string) string {
	switch c {
	case core.ColGrade, core.ColClassGrade:
		if g, ok := p.grade(v); ok {
			return g
		}
		return strings.ToLower(strings.Join(strings.Fields(v), " "))
	case core.ColClassStart, core.ColClassEnd:
		if d, ok := p.date(v); ok {
			return d
		}
		return strings.ToLower(strings.Join(strings.Fields(v), " "))
	}
	return comparable(c, v)
}

// hasClass reports whether any class column (J–P) of the row is filled.
func hasClass(r *row) bool {
	for c := core.ColClassID; c <= core.ColClassGUID; c++ {
		if r.cell(c) != "" {
			return true
		}
	}
	return false
}

// comparable returns the form two cells of column c are compared in: roles, grades and
// identifiers ignore case, passwords do not.
func comparable(c core.Column, v string) string {
	switch c {
	case core.ColPassword:
		return v
	case core.ColRole:
		if r, ok := core.ParseRole(v); ok {
			return string(r)
		}
	case core.ColGrade, core.ColClassGrade:
		if g, ok := core.NormalizeGrade(v); ok {
			return g
		}
	case core.ColClassStart, core.ColClassEnd:
		if d, ok := core.ParseDate(v); ok {
			return d
		}
	}
	return strings.ToLower(strings.Join(strings.Fields(v), " "))
}

func lines(rows []*rowPlan) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.row.line
	}
	return out
}

// group builds the users and classes of rows and runs every check that needs no
// database: the cells' formats, and rows of one user or class agreeing. It is add for
// every row, then finish.
func (p *plan) group(rows []*row) {
	for _, r := range rows {
		p.add(r)
	}
	p.finish()
}

// planChunk is how many rowPlans add allocates at once: one allocation per chunk
// instead of one per row.
const planChunk = 1024

// expect sizes the plan for about n rows before they are added. Sized for the common
// file, a row or two per user: growing a 100,000-entry map rehashes it some fifteen
// times. A wrong guess costs only memory or those rehashes.
func (p *plan) expect(n int) {
	n = min(n, 1<<20) // a guess from the file's size: never trust it with more
	p.userByKey = make(map[string]*userPlan, n)
	p.classByKey = make(map[string]*classPlan)
	p.users = make([]*userPlan, 0, n)
	p.rows = make([]*rowPlan, 0, n)
}

// add files a row under its user and its class, checking the row's own cells. Rows are
// added in file order, as they are read.
func (p *plan) add(r *row) {
	if p.userByKey == nil {
		p.expect(0)
	}
	if len(p.chunk) == 0 {
		p.chunk = make([]rowPlan, planChunk)
	}
	rp := &p.chunk[0]
	p.chunk = p.chunk[1:]
	rp.row = r
	p.rows = append(p.rows, rp)

	key := ""
	if g := r.cell(core.ColUserGUID); g != "" {
		if ng, ok := core.NormalizeGUID(g); ok {
			key = "g:" + ng
		} else {
			rp.issues = append(rp.issues, core.Issue{Code: core.UserGUIDFormat, Value: g})
		}
	} else if id := r.cell(core.ColUserID); id != "" {
		key = "u:" + core.Key(id)
	}
	if key == "" {
		key = "r:" + itoa(r.line) // a row that cannot be matched to others stands alone
	}
	u := p.userByKey[key]
	if u == nil {
		u = &userPlan{key: key}
		if strings.HasPrefix(key, "g:") {
			u.guid = key[2:]
		}
		p.userByKey[key] = u
		p.users = append(p.users, u)
	}
	u.rows = append(u.rows, rp)
	rp.user = u

	if hasClass(r) {
		rp.class = p.classFor(rp, p.classByKey)
	}
}

// finish merges every user's and class's rows once all rows are added, and fails people
// who share an identifier.
func (p *plan) finish() {
	p.userByKey, p.classByKey, p.chunk = nil, nil, nil // only add needs them
	for _, u := range p.users {
		p.mergeUser(u)
	}
	for _, c := range p.classes {
		p.mergeClass(c)
	}
	p.duplicates()
}

func (p *plan) classFor(rp *rowPlan, classes map[string]*classPlan) *classPlan {
	r := rp.row
	key := ""
	if g := r.cell(core.ColClassGUID); g != "" {
		if ng, ok := core.NormalizeGUID(g); ok {
			key = "g:" + ng
		} else {
			rp.issues = append(rp.issues, core.Issue{Code: core.ClassGUIDFormat, Value: g})
		}
	}
	id := r.cell(core.ColClassID)
	switch {
	case id == "":
		rp.issues = append(rp.issues, core.Issue{Code: core.ClassIDRequired})
	case !core.ValidClassID(id):
		rp.issues = append(rp.issues, core.Issue{Code: core.ClassIDFormat, Value: id})
	case key == "":
		key = "c:" + core.Key(id)
	}
	if key == "" || r.cell(core.ColClassGUID) != "" && !strings.HasPrefix(key, "g:") {
		key = "r:" + itoa(r.line)
	}
	if v := r.cell(core.ColClassGrade); v != "" {
		if _, ok := p.grade(v); !ok {
			rp.issues = append(rp.issues, core.Issue{Code: core.ClassGradeInvalid, Value: v})
		}
	}
	if v := r.cell(core.ColClassStart); v != "" {
		if _, ok := p.date(v); !ok {
			rp.issues = append(rp.issues, core.Issue{Code: core.ClassStartInvalid, Value: v})
		}
	}
	if v := r.cell(core.ColClassEnd); v != "" {
		if _, ok := p.date(v); !ok {
			rp.issues = append(rp.issues, core.Issue{Code: core.ClassEndInvalid, Value: v})
		}
	}
	if v := r.cell(core.ColClassName); v != "" && !core.ValidClassName(v) {
		rp.issues = append(rp.issues, core.Issue{Code: core.ClassNameFormat, Value: v})
	}
	if v := r.cell(core.ColMasterCode); v != "" {
		if _, ok := core.NormalizeMasterCode(v); !ok {
			rp.issues = append(rp.issues, core.Issue{Code: core.MasterCodeFormat, Value: v})
		}
	}
	c := classes[key]
	if c == nil {
		c = &classPlan{key: key}
		if strings.HasPrefix(key, "g:") {
			c.guid = key[2:]
		}
		classes[key] = c
		p.classes = append(p.classes, c)
	}
	c.rows = append(c.rows, rp)
	return c
}

// merge returns the first non-blank cell of column c among rows, and false when two
// rows give different values (a blank cell agrees with anything). Most users are on one
// or two rows with identical cells, so normalising waits until two cells differ.
func (p *plan) merge(rows []*rowPlan, c core.Column) (string, bool) {
	first, seen, normalized := "", "", false
	for _, rp := range rows {
		v := rp.row.cell(c)
		if v == "" || v == first {
			continue
		}
		if first == "" {
			first = v
			continue
		}
		if !normalized {
			seen, normalized = p.comparable(c, first), true
		}
		if p.comparable(c, v) != seen {
			return first, false
		}
	}
	return first, true
}

// mergeUser merges the user's rows: a blank cell agrees with anything; two different
// non-blank values are a disagreement that fails every row of the user.
func (p *plan) mergeUser(u *userPlan) {
	for _, c := range userCols {
		var ok bool
		if u.val[c], ok = p.merge(u.rows, c); ok {
			continue
		}
		if strings.HasPrefix(u.key, "u:") && (c == core.ColFirstName || c == core.ColLastName) {
			// Rows with one User ID and different names are two people sharing an ID,
			// not one person typed two ways.
			u.issues = append(u.issues, core.Issue{Code: core.UserIDDuplicate, Value: u.val[core.ColUserID], Rows: lines(u.rows)})
		} else {
			u.issues = append(u.issues, core.Issue{Code: core.UserRowsDisagree, Value: c.HeaderFor(p.mode), Rows: lines(u.rows)})
		}
	}
	u.issues = dedupe(u.issues)
	v := &u.val
	if x := v[core.ColUserID]; x != "" && !core.ValidUserID(x) {
		u.issues = append(u.issues, core.Issue{Code: core.UserIDFormat, Value: x})
	}
	if x := v[core.ColRole]; x != "" {
		if r, ok := core.ParseRole(x); !ok {
			u.issues = append(u.issues, core.Issue{Code: core.RoleInvalid, Value: x})
		} else {
			u.role = r
			if p.mode == core.ModeTeacher && r == core.RoleTeacher {
				u.issues = append(u.issues, core.Issue{Code: core.RoleTeacherMode})
			}
		}
	} else if p.mode == core.ModeTeacher {
		u.role = core.RoleStudent
	}
	if x := v[core.ColFirstName]; x != "" && !core.ValidName(x) {
		u.issues = append(u.issues, core.Issue{Code: core.FirstNameFormat, Value: x})
	}
	if x := v[core.ColLastName]; x != "" && !core.ValidName(x) {
		u.issues = append(u.issues, core.Issue{Code: core.LastNameFormat, Value: x})
	}
	if x := v[core.ColGrade]; x != "" {
		if g, ok := p.grade(x); ok {
			u.grade = g
		} else {
			u.issues = append(u.issues, core.Issue{Code: core.GradeInvalid, Value: x})
		}
	}
	if x := v[core.ColEmail]; x != "" && !core.ValidEmail(x) {
		u.issues = append(u.issues, core.Issue{Code: core.EmailFormat, Value: x})
	}
	if x := v[core.ColUsername]; x != "" && !core.ValidUsername(x) {
		u.issues = append(u.issues, core.Issue{Code: core.UsernameFormat, Value: x})
	}
	if x := v[core.ColPassword]; x != "" {
		if probs := account.PolicyProblems(x, v[core.ColUsername], v[core.ColEmail]); len(probs) > 0 {
			u.issues = append(u.issues, core.Issue{Code: core.PasswordPolicy, Value: strings.Join(probs, "; ")})
		}
	}
}

// mergeClass merges the class's rows (K–N) and collects its Master Codes.
func (p *plan) mergeClass(c *classPlan) {
	for _, col := range classCols {
		var ok bool
		if c.val[col], ok = p.merge(c.rows, col); !ok {
			c.issues = append(c.issues, core.Issue{Code: core.ClassRowsDisagree, Value: col.HeaderFor(p.mode), Rows: lines(c.rows)})
		}
	}
	// Normalise what is valid; invalid cells were reported on their rows.
	if g, ok := p.grade(c.val[core.ColClassGrade]); ok {
		c.val[core.ColClassGrade] = g
	} else {
		c.val[core.ColClassGrade] = ""
	}
	// The message quotes the dates as typed, not as stored.
	typedStart, typedEnd := c.val[core.ColClassStart], c.val[core.ColClassEnd]
	for _, col := range []core.Column{core.ColClassStart, core.ColClassEnd} {
		if d, ok := p.date(c.val[col]); ok {
			c.val[col] = d
		} else {
			c.val[col] = ""
		}
	}
	if s, e := c.val[core.ColClassStart], c.val[core.ColClassEnd]; s != "" && e != "" && e <= s {
		c.issues = append(c.issues, core.Issue{Code: core.ClassDatesOrder, Value: typedEnd, Other: typedStart})
	}
	if !core.ValidClassName(c.val[core.ColClassName]) {
		c.val[core.ColClassName] = ""
	}
	seen := map[string]bool{}
	for _, rp := range c.rows {
		if mc, ok := core.NormalizeMasterCode(rp.row.cell(core.ColMasterCode)); ok && !seen[mc] {
			seen[mc] = true
			c.codes = append(c.codes, mc)
		}
		if c.val[core.ColClassID] == "" && core.ValidClassID(rp.row.cell(core.ColClassID)) {
			c.val[core.ColClassID] = rp.row.cell(core.ColClassID)
		}
	}
}

// duplicates fails every row of two different people who share a User ID, a username, or
// (teachers) an email in the same file.
func (p *plan) duplicates() {
	type dup struct {
		code  core.Code
		users []*userPlan
		value string
	}
	type dupKey struct {
		code core.Code
		key  string
	}
	// Sized for the usual file: every user has a User ID.
	byKey := make(map[dupKey]*dup, len(p.users))
	add := func(code core.Code, value string, u *userPlan) {
		k := dupKey{code, core.Key(value)}
		d := byKey[k]
		if d == nil {
			d = &dup{code: code, value: value}
			byKey[k] = d
		}
		d.users = append(d.users, u)
	}
	for _, u := range p.users {
		if v := u.val[core.ColUserID]; v != "" {
			add(core.UserIDDuplicate, v, u)
		}
		if v := u.val[core.ColUsername]; v != "" {
			add(core.UsernameDuplicate, v, u)
		}
		if v := u.val[core.ColEmail]; v != "" && u.role == core.RoleTeacher {
			add(core.EmailDuplicate, v, u)
		}
	}
	var keys []dupKey
	for k, d := range byKey {
		if len(d.users) > 1 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].code != keys[j].code {
			return keys[i].code < keys[j].code
		}
		return keys[i].key < keys[j].key
	})
	for _, k := range keys {
		d := byKey[k]
		var rows []*rowPlan
		for _, u := range d.users {
			rows = append(rows, u.rows...)
		}
		ls := lines(rows)
		sort.Ints(ls)
		for _, u := range d.users {
			u.issues = append(u.issues, core.Issue{Code: d.code, Value: d.value, Rows: ls})
		}
	}
}

// newGUID returns a random (version 4) GUID.
func newGUID() string { return uuid.NewString() }

// dedupe drops repeated issues (a first and a last name that both differ are one
// problem).
func dedupe(is []core.Issue) []core.Issue {
	out := is[:0]
	seen := map[core.Code]bool{}
	for _, x := range is {
		if x.Code == core.UserIDDuplicate && seen[x.Code] {
			continue
		}
		seen[x.Code] = true
		out = append(out, x)
	}
	return out
}
