// Package oneroster reads and writes OneRoster 1.1 CSV bulk packages (1EdTech): the zip
// of CSV files that LMS, SIS, assessment and content vendors exchange rosters in.
//
// Write turns a plain Snapshot of an organization (or one school) into a package;
// Validate checks a package against the 1.1 CSV binding and Rosterdesk's stricter export
// profile; Read translates a package back into template rows (core.Row) for one school,
// so it can be imported like any uploaded file. The package knows nothing of the
// database or of paths: it takes an io.Writer, an fs.FS and plain values.
//
// docs/oneroster.md says what is written and read, field by field, and which documents
// the rules come from.
package oneroster

// The OneRoster 1.1 CSV binding in tables: the files, their columns in the binding's
// order, which are required, and what each holds. Write, Validate and Read share them.

// File names inside a package.
const (
	ManifestFile         = "manifest.csv"
	OrgsFile             = "orgs.csv"
	AcademicSessionsFile = "academicSessions.csv"
	CoursesFile          = "courses.csv"
	ClassesFile          = "classes.csv"
	UsersFile            = "users.csv"
	EnrollmentsFile      = "enrollments.csv"
)

// dataFiles are the 13 data files a 1.1 manifest accounts for, in the binding's order.
// Rosterdesk writes the six rostering ones and marks the others absent.
var dataFiles = []string{
	"academicSessions", "categories", "classes", "classResources", "courses",
	"courseResources", "demographics", "enrollments", "lineItems", "orgs",
	"resources", "results", "users",
}

// kind says what a column holds.
type kind int

const (
	kindString   kind = iota
	kindID            // the record's own sourcedId
	kindRef           // the sourcedId of a record of another (or the same) file
	kindRefList       // a list of such sourcedIds
	kindEnum          // one of a fixed set of tokens
	kindDate          // YYYY-MM-DD
	kindDateTime      // ISO 8601 date and time (dateLastModified)
	kindYear          // YYYY
	kindBool          // true or false
	kindGrades        // a list of CEDS grade codes
	kindUserIDs       // a list of {type:identifier}
	kindList          // a list of strings (subjects, periods)
)

// column is one column of a file of the binding.
type column struct {
	name     string
	required bool
	kind     kind
	enum     []string // kindEnum: the allowed tokens
	ref      string   // kindRef, kindRefList: the file the sourcedIds point into
}

// table is one data file of the binding.
type table struct {
	name    string
	columns []column
}

// statusEnum is the status vocabulary; a bulk file leaves status blank.
var statusEnum = []string{"active", "tobedeleted"}

// common are the three columns every data file starts with.
func common() []column {
	return []column{
		{name: "sourcedId", required: true, kind: kindID},
		{name: "status", kind: kindEnum, enum: statusEnum},
		{name: "dateLastModified", kind: kindDateTime},
	}
}

// The vocabularies of the 1.1 binding.
var (
	orgTypes        = []string{"department", "district", "local", "national", "school", "state"}
	sessionTypes    = []string{"gradingPeriod", "semester", "schoolYear", "term"}
	classTypes      = []string{"homeroom", "scheduled"}
	userRoles       = []string{"administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"}
	enrollmentRoles = []string{"administrator", "proctor", "student", "teacher"}
	// cedsGrades is CEDS (version 5) Entry Grade Level, the vocabulary 1.1 names for grades.
	cedsGrades = []string{"IT", "PR", "PK", "TK", "KG", "01", "02", "03", "04", "05", "06",
		"07", "08", "09", "10", "11", "12", "13", "PS", "UG", "Other"}
)

// tables are the six rostering files Rosterdesk writes and reads, in the order the
// package lists them.
var tables = []table{
	{OrgsFile, append(common(),
		column{name: "name", required: true},
		column{name: "type", required: true, kind: kindEnum, enum: orgTypes},
		column{name: "identifier"},
		column{name: "parentSourcedId", kind: kindRef, ref: OrgsFile},
	)},
	{AcademicSessionsFile, append(common(),
		column{name: "title", required: true},
		column{name: "type", required: true, kind: kindEnum, enum: sessionTypes},
		column{name: "startDate", required: true, kind: kindDate},
		column{name: "endDate", required: true, kind: kindDate},
		column{name: "parentSourcedId", kind: kindRef, ref: AcademicSessionsFile},
		column{name: "schoolYear", required: true, kind: kindYear},
	)},
	{CoursesFile, append(common(),
		column{name: "schoolYearSourcedId", kind: kindRef, ref: AcademicSessionsFile},
		column{name: "title", required: true},
		column{name: "courseCode"},
		column{name: "grades", kind: kindGrades},
		column{name: "orgSourcedId", required: true, kind: kindRef, ref: OrgsFile},
		column{name: "subjects", kind: kindList},
		column{name: "subjectCodes", kind: kindList},
	)},
	{ClassesFile, append(common(),
		column{name: "title", required: true},
		column{name: "grades", kind: kindGrades},
		column{name: "courseSourcedId", required: true, kind: kindRef, ref: CoursesFile},
		column{name: "classCode"},
		column{name: "classType", required: true, kind: kindEnum, enum: classTypes},
		column{name: "location"},
		column{name: "schoolSourcedId", required: true, kind: kindRef, ref: OrgsFile},
		column{name: "termSourcedIds", required: true, kind: kindRefList, ref: AcademicSessionsFile},
		column{name: "subjects", kind: kindList},
		column{name: "subjectCodes", kind: kindList},
		column{name: "periods", kind: kindList},
	)},
	{UsersFile, append(common(),
		column{name: "enabledUser", required: true, kind: kindBool},
		column{name: "orgSourcedIds", required: true, kind: kindRefList, ref: OrgsFile},
		column{name: "role", required: true, kind: kindEnum, enum: userRoles},
		column{name: "username", required: true},
		column{name: "userIds", kind: kindUserIDs},
		column{name: "givenName", required: true},
		column{name: "familyName", required: true},
		column{name: "middleName"},
		column{name: "identifier"},
		column{name: "email"},
		column{name: "sms"},
		column{name: "phone"},
		column{name: "agentSourcedIds", kind: kindRefList, ref: UsersFile},
		column{name: "grades", kind: kindGrades},
		column{name: "password"},
	)},
	{EnrollmentsFile, append(common(),
		column{name: "classSourcedId", required: true, kind: kindRef, ref: ClassesFile},
		column{name: "schoolSourcedId", required: true, kind: kindRef, ref: OrgsFile},
		column{name: "userSourcedId", required: true, kind: kindRef, ref: UsersFile},
		column{name: "role", required: true, kind: kindEnum, enum: enrollmentRoles},
		column{name: "primary", kind: kindBool},
		column{name: "beginDate", kind: kindDate},
		column{name: "endDate", kind: kindDate},
	)},
}

// tableNamed returns the table of file name, and false for a file Rosterdesk does not
// handle.
func tableNamed(name string) (*table, bool) {
	for i := range tables {
		if tables[i].name == name {
			return &tables[i], true
		}
	}
	return nil, false
}

// Header returns the header row of file name (for example "users.csv"), exactly as the
// binding orders it, or nil for a file Rosterdesk does not handle.
func Header(name string) []string {
	t, ok := tableNamed(name)
	if !ok {
		return nil
	}
	h := make([]string, len(t.columns))
	for i, c := range t.columns {
		h[i] = c.name
	}
	return h
}

// manifestKey returns the manifest property of a data file: "users.csv" → "file.users".
func manifestKey(file string) string {
	return "file." + file[:len(file)-len(".csv")]
}
