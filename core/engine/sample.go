package engine

import (
	"context"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// sampleRoster is a small, realistic roster for trying the app: two teachers with their
// classes and students, one student in two classes.
const sampleRoster = `User GUID,User ID,Role,First Name,Last Name,Grade Level,Email,Username,Password,Class ID,Class Name,Class Grade Level,Class Start Date,Class End Date,Master Code,Class GUID
,T1001,Teacher,Maria,Garcia,,mgarcia@lincoln.example.org,,,MATH3A,Math 3A,3,08/25/2026,06/10/2027,,
,T1002,Teacher,James,O'Connor,,joconnor@lincoln.example.org,,,READ3B,Reading 3B,3,08/25/2026,06/10/2027,,
,S2001,Student,Ava,Johnson,3,,,,MATH3A,,,,,,
,S2001,Student,Ava,Johnson,3,,,,READ3B,,,,,,
,S2002,Student,Noah,Smith,3,,,,MATH3A,,,,,,
,S2003,Student,Sofía,Hernández,3,,,,READ3B,,,,,,
,S2004,Student,Liam,Nguyen,03,,,,MATH3A,,,,,,
,S2005,Student,Zoë,Smith-Brown,3,,,,READ3B,,,,,,
`

// sampleFixes is a second upload with two mistakes among good rows, so the history shows
// Completed with Errors and an Error File to try.
const sampleFixes = `User ID,Role,First Name,Last Name,Grade Level,Email,Class ID,Class Name
S2006,Student,Emma,Wilson,3,,,
S2007,Student,Oliver,,3,,,
T1003,Teacher,Grace,Lee,,not-an-email,SCI3,Science 3
T1004,Teacher,Henry,Park,,hpark@lincoln.example.org,ART3,Art 3
S2008,Student,Mia,Brown,3,,ART3,
`

// The sample Organization Administrator InitSample makes.
const (
	sampleAdminUsername = "admin"
	sampleAdminName     = "Sample Administrator"
)

// InitSample creates a sample organization with two schools, a sample Organization
// Administrator and a few rosters imported by them, so that a new user can try the app.
// It returns the administrator's username and temporary password, to show once (the
// first sign-in replaces the password). It fails if the database already has an
// organization.
func (s *Service) InitSample(ctx context.Context) (SampleResult, error) {
	if _, err := s.db.Org(ctx); err == nil {
		return SampleResult{}, core.Errorf(core.KindConflict, "This database already has an organization; sample data goes only into a new one.")
	}
	org, err := s.Init(ctx, "Sample School District")
	if err != nil {
		return SampleResult{}, err
	}
	res := SampleResult{Org: org}
	owner := Owner("Sample Data")
	lincoln, err := s.AddSchool(ctx, owner, "Lincoln Elementary")
	if err != nil {
		return res, err
	}
	if _, err := s.AddSchool(ctx, owner, "Washington Middle School"); err != nil {
		return res, err
	}
	op, cred, err := s.AddOperator(ctx, owner, NewOperator{Username: sampleAdminUsername, Name: sampleAdminName, Role: core.OperatorOrgAdmin})
	if err != nil {
		return res, err
	}
	res.Admin = cred
	actor := Actor{Role: core.OperatorOrgAdmin, OperatorID: op.ID}
	for _, f := range []struct{ name, data string }{
		{"Lincoln_Roster_Fall.csv", sampleRoster},
		{"Lincoln_New_Students.csv", sampleFixes},
	} {
		req := UploadRequest{FileName: f.name, Data: []byte(strings.ReplaceAll(f.data, "\n", "\r\n")), SchoolID: lincoln.ID, Actor: actor}
		if _, err := s.Import(ctx, req, nil); err != nil {
			return res, err
		}
	}
	return res, nil
}
