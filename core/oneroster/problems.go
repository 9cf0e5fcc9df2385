package oneroster

import (
	"fmt"

	"github.com/rosterdesk/rosterdesk/core"
)

// ProblemCode identifies a reason Read gives for a row that cannot be imported.
type ProblemCode string

// The row problems Read finds. Each is also a row entry of core's catalogue (the same
// code), which holds what is wrong and how to fix it.
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

// Problem is a reason a row Read made cannot be imported: a reference that does not
// resolve, an identifier that cannot be used.
type Problem struct {
	Code  ProblemCode
	Value string
	Other string
}

// Issue returns the problem as the catalogue issue an import reports it with.
func (p Problem) Issue() core.Issue {
	if p.Code == ProblemClassID {
		// The reasons are a phrase of their own, too long to be clipped as a value is.
		return core.Issue{Code: core.Code(p.Code), Items: []string{p.Value}, Other: p.Other}
	}
	return core.Issue{Code: core.Code(p.Code), Value: p.Value, Other: p.Other}
}

// Text returns the problem in plain words: what is wrong, then how to fix it.
func (p Problem) Text() string { return p.Issue().Text() }

// Origin is where a row came from: a file of the package and its line.
type Origin struct {
	File string
	Line int
}

// String returns the origin as the Error File names it: "enrollments.csv line 14".
func (o Origin) String() string {
	return fmt.Sprintf("%s line %d", o.File, o.Line)
}
