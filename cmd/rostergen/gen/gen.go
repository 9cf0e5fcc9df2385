// Package gen generates realistic roster files for benchmarks and load tests: one school's
// worth of classes of about 25 students, each with its teacher on a row of its own, in
// the columns of the administrator's template (core.TemplateHeaders(core.ModeAdmin)).
//
// The shape follows what a school office uploads at the start of a year, because that is
// what the import must be fast for:
//   - classes of 22 to 28 students, each preceded by one Teacher row that links the
//     class's teacher to it (so about 4% of rows are teacher rows);
//   - teachers teach one or two classes, so some teachers appear on two rows; every
//     teacher has an email of their own (emails are unique among teachers);
//   - about one student in seven is in a second class (1.1–1.2 rows per student); both
//     rows carry the same B–I cells, as the spec requires;
//   - names drawn from short lists with accents, apostrophes, hyphens and spaces, so
//     username folding and the name rules do real work;
//   - User and Username columns mostly blank, so usernames and temporary passwords are
//     generated, as in a real first import; a few students have a typed username;
//   - grades in the forms offices type (K, KG, 01, 3, Pre-K), class dates in both
//     MM/DD/YYYY and YYYY-MM-DD, and some classes with a Master Code.
//
// Output is a pure function of the Config: the same seed gives the same rows.
package gen

import (
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/account"
	"github.com/rosterdesk/rosterdesk/core/report"
)

// Config says what to generate.
type Config struct {
	// Rows is the number of data rows (the header is extra).
	Rows int
	// Passwords is how many students get a typed (permanent) password. Each of them is
	// on exactly one row, so it is also the number of argon2id hashes the import makes.
	// It is capped at the number of single-class students.
	Passwords int
	// Seed makes the output reproducible.
	Seed uint64
}

// Stats describes what a generated file holds, for reports and sanity checks.
type Stats struct {
	Rows, Teachers, TeacherRows, Students, Classes, Passwords int
}

var firstNames = []string{
	"Emma", "Liam", "Olivia", "Noah", "Ava", "Mateo", "Sophia", "Lucas", "Isabella", "Ethan",
	"Mia", "Mason", "Amelia", "Logan", "Harper", "Elijah", "Chloé", "José", "Zoë", "Renée",
	"D'Andre", "Mary-Kate", "Siobhán", "Björn", "François", "Łukasz", "Anaïs", "Nuño", "Ana Sofía",
	"Jean-Luc", "Aaliyah", "Xavier", "Priya", "Wei", "Hiroshi", "Fatima", "Omar", "Kwame", "Søren",
	"Maëlle", "Dmitri", "Gráinne", "Ximena", "Tomás", "Inés", "Kaitlyn", "Jamal", "Ngozi", "Ayşe", "T.J.",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "García", "Miller", "Davis", "Rodríguez", "Martínez",
	"Hernández", "López", "González", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Pérez", "Thompson", "White", "Harris", "O'Brien", "O'Connor", "D'Angelo", "McDonald", "Nguyen",
	"Müller", "Kowalski", "Núñez", "Van der Berg", "St. John", "Ørsted", "Strauß", "Dubois", "Côté", "Lefèvre",
	"Smith-Jones", "Fitzgerald", "Okafor", "Yamamoto", "Chen", "Patel", "Kim", "Schröder", "Løvland", "Ní Bhriain",
}

var subjects = []string{"Math", "Reading", "English", "Science", "Social Studies", "Art", "Music", "Spanish", "French", "Physical Education", "Homeroom", "Writing", "Biology", "Algebra I", "Geometry", "U.S. History"}

// gradeForms are the ways offices type each grade; the import normalises them.
var gradeForms = [][]string{
	{"PK", "Pre-K", "PK"},
	{"K", "KG", "K"},
	{"1", "01"}, {"2", "02"}, {"3", "03"}, {"4"}, {"5"}, {"6"}, {"7"}, {"8"}, {"9"}, {"10"}, {"11"}, {"12"},
}

// person is one user of the file, with the B–I cells every row of theirs carries.
type person struct {
	userID, role, first, last, grade, email, username, password string
	classes                                                     int // classes joined so far
}

type class struct {
	id, name, grade, start, end, code string
}

// generator holds the state of one run.
type generator struct {
	cfg      Config
	rng      *rand.Rand
	header   []string
	stats    Stats
	nextID   int
	pwLeft   int
	pool     []*person // students in one class so far and without a typed password: may join a second
	teachers []*person // teachers with one class so far: may take a second
}

// Header returns the header row the generator writes.
func Header() []string { return core.TemplateHeaders(core.ModeAdmin) }

// Rows returns the rows for cfg, in template column order, and a pointer to statistics
// that are complete once the iteration has finished.
func Rows(cfg Config) (iter.Seq[[]string], *Stats) {
	g := &generator{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)), header: Header(), pwLeft: cfg.Passwords}
	return g.rows, &g.stats
}

// Write writes cfg's rows to w in format f (core.FormatCSV or core.FormatXLSX) with
// report.Write, which streams: a 1,000,000-row file costs no more memory than a small one.
func Write(w io.Writer, f core.Format, cfg Config) (Stats, error) {
	rows, st := Rows(cfg)
	err := report.Write(w, f, "Users and Rosters", Header(), rows)
	return *st, err
}

func (g *generator) rows(yield func([]string) bool) {
	g.stats = Stats{}
	emitted := 0
	for c := 1; emitted < g.cfg.Rows; c++ {
		cl := g.newClass(c)
		g.stats.Classes++
		t := g.teacherFor(cl)
		if !yield(g.row(t, cl)) {
			return
		}
		emitted++
		g.stats.TeacherRows++
		size := 22 + g.rng.IntN(7)
		members := map[*person]bool{}
		for i := 0; i < size && emitted < g.cfg.Rows; i++ {
			s := g.studentFor(cl, members)
			members[s] = true
			if !yield(g.row(s, cl)) {
				return
			}
			emitted++
		}
	}
	g.stats.Rows = emitted
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *generator) newClass(n int) *class {
	gi := g.rng.IntN(len(gradeForms))
	canonical := gradeForms[gi][0]
	subject := g.pick(subjects)
	label := "Grade " + canonical
	switch canonical {
	case "PK":
		label = "Pre-K"
	case "K":
		label = "Kindergarten"
	}
	cl := &class{
		// Class IDs look like the ones a student information system exports.
		id:    fmt.Sprintf("%s-%s-%05d", subjectCode(subject), canonical, n),
		name:  fmt.Sprintf("%s %s, Section %d", label, subject, 1+g.rng.IntN(6)),
		grade: g.pick(gradeForms[gi]),
	}
	if g.rng.IntN(2) == 0 {
		cl.start, cl.end = "08/25/2025", "06/12/2026"
	} else {
		cl.start, cl.end = "2025-08-25", "2026-06-12"
	}
	if g.rng.IntN(10) < 3 {
		cl.code = g.masterCode()
	}
	return cl
}

// masterCode returns a 16-character product code, dashed as printed on the box.
func (g *generator) masterCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b strings.Builder
	for i := range 16 {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(alphabet[g.rng.IntN(len(alphabet))])
	}
	return b.String()
}

func (g *generator) newPerson(role string) *person {
	g.nextID++
	p := &person{role: role, first: g.pick(firstNames), last: g.pick(lastNames)}
	folded := account.UsernameBase(p.first, p.last, "")
	if role == "Teacher" {
		g.stats.Teachers++
		p.userID = fmt.Sprintf("T%06d", g.nextID)
		// The number keeps teacher emails unique, as the spec requires.
		p.email = fmt.Sprintf("%s%d@springfield.k12.example.org", folded, g.nextID)
		return p
	}
	g.stats.Students++
	// Zero-padded numeric IDs, as student information systems export them.
	p.userID = fmt.Sprintf("%08d", 10000000+g.nextID)[1:]
	if g.rng.IntN(10) < 7 {
		p.email = fmt.Sprintf("%s.%s@students.example.org", folded, p.userID)
	}
	if g.rng.IntN(50) == 0 {
		p.username = "s" + p.userID
	}
	return p
}

// teacherFor returns the teacher of a new class: often a teacher who has one class so far.
func (g *generator) teacherFor(cl *class) *person {
	if n := len(g.teachers); n > 0 && g.rng.IntN(10) < 3 {
		i := g.rng.IntN(n)
		t := g.teachers[i]
		g.teachers[i] = g.teachers[n-1]
		g.teachers = g.teachers[:n-1]
		t.classes++
		return t
	}
	t := g.newPerson("Teacher")
	t.classes = 1
	g.teachers = append(g.teachers, t)
	return t
}

// studentFor returns the next student of a class: about one in seven is a student of an
// earlier class joining a second one, the rest are new.
func (g *generator) studentFor(cl *class, members map[*person]bool) *person {
	if n := len(g.pool); n > 0 && g.rng.IntN(100) < 14 {
		i := g.rng.IntN(n)
		if s := g.pool[i]; !members[s] {
			g.pool[i] = g.pool[n-1]
			g.pool = g.pool[:n-1]
			s.classes++
			return s
		}
	}
	s := g.newPerson("Student")
	s.classes = 1
	s.grade = cl.grade
	if g.pwLeft > 0 {
		// A student with a typed password stays on one row, so -passwords N means exactly
		// N argon2id hashes.
		g.pwLeft--
		g.stats.Passwords++
		s.password = g.password()
	} else {
		g.pool = append(g.pool, s)
	}
	return s
}

// password returns a valid typed password: 9 to 20 characters with an upper-case letter,
// a lower-case letter and a digit, and no long runs.
func (g *generator) password() string {
	const (
		upper = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		lower = "abcdefghijkmnopqrstuvwxyz"
		digit = "23456789"
		all   = upper + lower + digit
	)
	for {
		n := 9 + g.rng.IntN(12)
		b := []byte{upper[g.rng.IntN(len(upper))], lower[g.rng.IntN(len(lower))], digit[g.rng.IntN(len(digit))]}
		for len(b) < n {
			b = append(b, all[g.rng.IntN(len(all))])
		}
		g.rng.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		if pw := string(b); len(account.PolicyProblems(pw, "", "")) == 0 {
			return pw
		}
	}
}

// row builds one row in template order.
func (g *generator) row(p *person, cl *class) []string {
	cells := make([]string, len(g.header))
	cells[core.ColUserID] = p.userID
	cells[core.ColRole] = p.role
	cells[core.ColFirstName] = p.first
	cells[core.ColLastName] = p.last
	cells[core.ColGrade] = p.grade
	cells[core.ColEmail] = p.email
	cells[core.ColUsername] = p.username
	cells[core.ColPassword] = p.password
	cells[core.ColClassID] = cl.id
	cells[core.ColClassName] = cl.name
	cells[core.ColClassGrade] = cl.grade
	cells[core.ColClassStart] = cl.start
	cells[core.ColClassEnd] = cl.end
	if p.role == "Teacher" {
		// The code goes on the teacher's row, as an office would type it once per class.
		cells[core.ColMasterCode] = cl.code
	}
	return cells
}

// subjectCode returns the first three letters of a subject in upper case ("U.S. History"
// → "USH"): Class IDs allow only letters, digits, - and _.
func subjectCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r >= 'A' && r <= 'Z' && b.Len() < 3 {
			b.WriteRune(r)
		}
	}
	return b.String()
}
