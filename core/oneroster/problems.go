package oneroster

import (
	"fmt"
	"strings"
)

// ProblemCode identifies a reason Read gives for a row that cannot be imported.
type ProblemCode string

// The row problems Read finds. They are shaped like core's catalogue entries (a problem
// and its fix, with {value} and {other}) so they can move there when the import is wired.
const (
	// ProblemClassMissing: an enrollment names a class that classes.csv does not have.
	ProblemClassMissing ProblemCode = "ONEROSTER_CLASS_MISSING"
	// ProblemUserMissing: an enrollment names a user that users.csv does not have.
	ProblemUserMissing ProblemCode = "ONEROSTER_USER_MISSING"
	// ProblemSchoolMissing: a class names a school that orgs.csv does not have.
	ProblemSchoolMissing ProblemCode = "ONEROSTER_SCHOOL_MISSING"
	// ProblemTermMissing: a class names a term that academicSessions.csv does not have.
	ProblemTermMissing ProblemCode = "ONEROSTER_TERM_MISSING"
	// ProblemTermDates: a class's term has no valid start and end dates.
	ProblemTermDates ProblemCode = "ONEROSTER_TERM_DATES"
	// ProblemClassID: neither the classCode nor the sourcedId of a class can be its Class ID.
	ProblemClassID ProblemCode = "ONEROSTER_CLASS_ID"
	// ProblemUserIDShared: two users of the package would get the same User ID.
	ProblemUserIDShared ProblemCode = "ONEROSTER_USER_ID_SHARED"
	// ProblemDuplicateID: two records of one file share a sourcedId.
	ProblemDuplicateID ProblemCode = "ONEROSTER_DUPLICATE_ID"
)

// problemTexts holds what is wrong and how to fix it, for each code.
var problemTexts = map[ProblemCode][2]string{
	ProblemClassMissing: {`The class "{value}" (classSourcedId) is not in classes.csv.`,
		"Type the Class ID and Class Name of the class this user belongs in, or delete this row."},
	ProblemUserMissing: {`The user "{value}" (userSourcedId) is not in users.csv.`,
		"Type the user's User ID, Role, First Name and Last Name, or delete this row."},
	ProblemSchoolMissing: {`The school "{value}" of class "{other}" (schoolSourcedId) is not in orgs.csv.`,
		"Check that the class belongs in the selected school, then upload this row again."},
	ProblemTermMissing: {`The term "{value}" of class "{other}" (termSourcedIds) is not in academicSessions.csv.`,
		"Type the Class Start Date and Class End Date, or leave them blank."},
	ProblemTermDates: {`The term "{value}" of class "{other}" has no valid startDate and endDate in academicSessions.csv.`,
		"Type the Class Start Date and Class End Date, or leave them blank."},
	ProblemClassID: {`Class "{other}" has no Class ID Rosterdesk can use: {value}.`,
		"Type a Class ID of 1 to 50 letters, digits, hyphens (-) or underscores (_) that no other class of the school has."},
	ProblemUserIDShared: {`User ID "{value}" would be given to more than one user of the package ({other}).`,
		"Give each person their own User ID, here or in the source system."},
	ProblemDuplicateID: {`The sourcedId "{value}" is used by more than one record of {other}.`,
		"Export the package again from the source system: each record needs its own sourcedId."},
}

// Problem is a reason a row Read made cannot be imported: a reference that does not
// resolve, an identifier that cannot be used.
type Problem struct {
	Code  ProblemCode
	Value string
	Other string
}

// Text returns the problem in plain words: what is wrong, then how to fix it.
func (p Problem) Text() string {
	t, ok := problemTexts[p.Code]
	if !ok {
		return string(p.Code)
	}
	r := strings.NewReplacer("{value}", clip(p.Value), "{other}", clip(p.Other))
	return r.Replace(t[0]) + " " + r.Replace(t[1])
}

// clip keeps a value echoed in a message short.
func clip(s string) string {
	const max = 60
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// Origin is where a row came from: a file of the package and its line.
type Origin struct {
	File string
	Line int
}

// String returns the origin as the Error File names it: "enrollments.csv line 14".
func (o Origin) String() string {
	return fmt.Sprintf("%s line %d", o.File, o.Line)
}
