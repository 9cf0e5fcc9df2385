package oneroster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rosterdesk/rosterdesk/core"
)

// sisPackage is a package shaped like a district SIS's export: two schools, a teacher in
// both, a parent, terms under a school year, a class in two terms, userIds with a Fed and
// a Local id, a middle name, agents, locations and periods, and courses marked absent.
func sisPackage() map[string]string {
	return map[string]string{
		ManifestFile: `propertyName,value
manifest.version,1.0
oneroster.version,1.1
file.academicSessions,bulk
file.categories,absent
file.classes,bulk
file.classResources,absent
file.courses,absent
file.courseResources,absent
file.demographics,absent
file.enrollments,bulk
file.lineItems,absent
file.orgs,bulk
file.resources,absent
file.results,absent
file.users,bulk
source.systemName,PowerSIS
`,
		OrgsFile: `sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
D1,,,Springfield USD,district,,
S-LIN,,,Lincoln Elementary,school,0601,D1
S-ROO,,,Roosevelt Middle,school,0602,D1
`,
		AcademicSessionsFile: `sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
Y2027,,,2026-2027,schoolYear,2026-07-01,2027-06-30,,2027
F26,,,Fall 2026,term,2026-08-25,2027-01-15,Y2027,2027
S27,,,Spring 2027,term,2027-01-19,2027-06-10,Y2027,2027
`,
		ClassesFile: `sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
CL-1,,,Math 3A,03,CO-1,MATH3A,scheduled,Room 4,S-LIN,"F26,S27",Math,,1
CL-2,,,Reading 3B,03,CO-2,READ3B,scheduled,,S-LIN,F26,,,
CL-3,,,Science 7,07,CO-3,SCI7,scheduled,,S-ROO,F26,,,
`,
		UsersFile: `sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
U-T1,,,true,"S-LIN,S-ROO",teacher,mgarcia,{Local:T1001},Maria,Garcia,,T1001,mgarcia@example.org,,,,,
U-T2,,,true,S-LIN,teacher,joconnor,{Local:T1002},James,O'Connor,,T1002,joconnor@example.org,,,,,
U-S1,,,true,S-LIN,student,ajohnson,{Local:S2001},Ava,Johnson,Marie,S2001,,,,U-P1,03,
U-S2,,,true,S-LIN,student,nsmith,"{Fed:999},{Local:S2002}",Noah,Smith,,,,,,,KG,
U-S3,,,true,S-ROO,student,lnguyen,,Liam,Nguyen,,S3001,,,,,07,
U-P1,,,true,S-LIN,parent,pjohnson,,Pat,Johnson,,,pat@example.org,,,,,
`,
		EnrollmentsFile: `sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
E1,,,CL-1,S-LIN,U-T2,teacher,false,,
E2,,,CL-1,S-LIN,U-T1,teacher,true,,
E3,,,CL-1,S-LIN,U-S1,student,false,,
E4,,,CL-2,S-LIN,U-T2,teacher,true,,
E5,,,CL-2,S-LIN,U-S1,student,,,
E6,,,CL-2,S-LIN,U-S2,student,,,
E7,,,CL-3,S-ROO,U-T1,teacher,true,,
E8,,,CL-3,S-ROO,U-S3,student,,,
`,
	}
}

// sisLincoln is what sisPackage reads as for Lincoln Elementary, one row per line:
// origin, then the 16 template cells joined by "|".
var sisLincoln = []string{
	"enrollments.csv line 3: |T1001|Teacher|Maria|Garcia||mgarcia@example.org|mgarcia||MATH3A|Math 3A|3|2026-08-25|2027-06-10||",
	"enrollments.csv line 2: |T1002|Teacher|James|O'Connor||joconnor@example.org|joconnor||MATH3A|Math 3A|3|2026-08-25|2027-06-10||",
	"enrollments.csv line 4: |S2001|Student|Ava|Johnson|3||ajohnson||MATH3A|Math 3A|3|2026-08-25|2027-06-10||",
	"enrollments.csv line 5: |T1002|Teacher|James|O'Connor||joconnor@example.org|joconnor||READ3B|Reading 3B|3|2026-08-25|2027-01-15||",
	"enrollments.csv line 6: |S2001|Student|Ava|Johnson|3||ajohnson||READ3B|Reading 3B|3|2026-08-25|2027-01-15||",
	"enrollments.csv line 7: |S2002|Student|Noah|Smith|K||nsmith||READ3B|Reading 3B|3|2026-08-25|2027-01-15||",
}

// crlf turns a test file's LF line ends into CRLF, as most exports write them.
func crlf(files map[string]string) map[string]string {
	for name, data := range files {
		files[name] = strings.ReplaceAll(data, "\n", "\r\n")
	}
	return files
}

// rowStrings renders rows as sisLincoln does, with their problems after " ! ".
func rowStrings(rows []Row) []string {
	var out []string
	for i, r := range rows {
		s := r.Origin.String() + ": " + strings.Join(r.Cells[:], "|")
		for _, p := range r.Problems {
			s += " ! " + string(p.Code) + " " + p.Value
		}
		if r.Line != i+2 {
			s += fmt.Sprintf(" (Line %d)", r.Line)
		}
		out = append(out, s)
	}
	return out
}

func read(t *testing.T, fsys fs.FS, opts Options) *Result {
	t.Helper()
	res, err := Read(context.Background(), fsys, opts)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return res
}

func TestReadSIS(t *testing.T) {
	res := read(t, mapFS(crlf(sisPackage())), Options{School: []string{"some-guid", "lincoln elementary"}})
	if got := rowStrings(res.Rows); !slices.Equal(got, sisLincoln) {
		t.Errorf("rows =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(sisLincoln, "\n"))
	}
	if res.SchoolID != "S-LIN" || res.SchoolName != "Lincoln Elementary" {
		t.Errorf("school = %q %q, want S-LIN Lincoln Elementary", res.SchoolID, res.SchoolName)
	}
	want := Skipped{Schools: 1, OtherRoles: 1, OtherSchools: 1, Classes: 1, Enrollments: 2}
	if res.Skipped != want {
		t.Errorf("Skipped = %+v, want %+v", res.Skipped, want)
	}
	wantWarnings := []string{
		"Only Lincoln Elementary was read; the package's other school was skipped.",
		"1 student or teacher of another school only was skipped.",
		"1 user who is neither a student nor a teacher (a parent, an administrator…) was skipped.",
		"1 class of another school was skipped.",
		"2 enrollments in other schools' classes, or of users left out, were skipped.",
	}
	if !slices.Equal(res.Warnings, wantWarnings) {
		t.Errorf("Warnings =\n%s\nwant\n%s", strings.Join(res.Warnings, "\n"), strings.Join(wantWarnings, "\n"))
	}
	// Raw is the row as the Uploaded File shows it: the template's cells in order.
	if r := res.Rows[0]; len(r.Raw) != int(core.NumColumns) || r.Raw[core.ColUserID] != "T1001" {
		t.Errorf("Raw = %q, want the 16 template cells", r.Raw)
	}
}

// TestReadChoosesSchool: the school is picked by sourcedId or by name; a package of one
// school needs no match; several schools and no match is refused, naming them.
func TestReadChoosesSchool(t *testing.T) {
	for _, tc := range []struct {
		name   string
		school []string
		files  func(map[string]string)
		want   string // sourcedId chosen, or an error's text
	}{
		{"BySourcedID", []string{"S-ROO"}, nil, "S-ROO"},
		{"ByName", []string{"", "roosevelt MIDDLE"}, nil, "S-ROO"},
		{"SourcedIDBeforeName", []string{"S-LIN", "Roosevelt Middle"}, nil, "S-LIN"},
		{"OneSchoolNeedsNoMatch", []string{"Elsewhere"}, func(f map[string]string) {
			f[OrgsFile] = strings.Replace(f[OrgsFile], "S-ROO,,,Roosevelt Middle,school", "S-ROO,,,Roosevelt Middle,department", 1)
		}, "S-LIN"},
		{"NoMatch", []string{"guid", "Washington Middle"}, nil, `The package has 2 schools ("Lincoln Elementary"; "Roosevelt Middle") and none of them is "guid".`},
		{"NoSchool", nil, func(f map[string]string) {
			f[OrgsFile] = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\nD1,,,Springfield USD,district,,\n"
		}, "orgs.csv has no org of type school"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := sisPackage()
			if tc.files != nil {
				tc.files(files)
			}
			res, err := Read(context.Background(), mapFS(files), Options{School: tc.school})
			switch {
			case err != nil && strings.Contains(core.ErrorMessage(err), tc.want):
			case err != nil:
				t.Errorf("Read: %v, want %q", err, tc.want)
			case res.SchoolID != tc.want:
				t.Errorf("Read chose %q, want %q", res.SchoolID, tc.want)
			}
		})
	}
}

// TestReadLenient changes the package the ways real exports differ; each must read as
// the plain package does.
func TestReadLenient(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(map[string]string)
	}{
		{"LF", func(map[string]string) {}},
		{"CRLF", func(f map[string]string) { crlf(f) }},
		{"CR", func(f map[string]string) {
			for n, d := range f {
				f[n] = strings.ReplaceAll(d, "\n", "\r")
			}
		}},
		{"BOM", func(f map[string]string) {
			for n, d := range f {
				f[n] = "\ufeff" + d
			}
		}},
		{"ExtensionColumns", func(f map[string]string) {
			f[UsersFile] = strings.Replace(f[UsersFile], "grades,password\n", "grades,password,metadata.ethnicity,ext_clever_id\n", 1)
			f[UsersFile] = strings.ReplaceAll(f[UsersFile], ",\nU-", ",x,y\nU-")
		}},
		{"HeadersInAnyCaseAndOrder", func(f map[string]string) {
			f[EnrollmentsFile] = `userSourcedId,ROLE,Primary,classSourcedId,schoolSourcedId,sourcedId
U-T2,teacher,false,CL-1,S-LIN,E1
U-T1,teacher,true,CL-1,S-LIN,E2
U-S1,student,false,CL-1,S-LIN,E3
U-T2,teacher,true,CL-2,S-LIN,E4
U-S1,student,,CL-2,S-LIN,E5
U-S2,student,,CL-2,S-LIN,E6
U-T1,teacher,true,CL-3,S-ROO,E7
U-S3,student,,CL-3,S-ROO,E8
`
		}},
		{"StatusInBulk", func(f map[string]string) {
			f[UsersFile] = strings.Replace(f[UsersFile], "U-S1,,,", "U-S1,active,2026-08-01T00:00:00Z,", 1)
			f[UsersFile] = strings.Replace(f[UsersFile], "U-S2,,,", "U-S2,inactive,,", 1)
		}},
		{"GradesWithoutPadding", func(f map[string]string) {
			f[UsersFile] = strings.Replace(f[UsersFile], ",03,\n", ",3,\n", 1)
			f[UsersFile] = strings.Replace(f[UsersFile], ",KG,\n", ",k,\n", 1)
			f[ClassesFile] = strings.Replace(f[ClassesFile], "Math 3A,03,", "Math 3A,3,", 1)
		}},
		{"BooleansInAnyCase", func(f map[string]string) {
			f[EnrollmentsFile] = strings.ReplaceAll(f[EnrollmentsFile], ",true,", ",TRUE,")
			f[EnrollmentsFile] = strings.ReplaceAll(f[EnrollmentsFile], ",false,", ",False,")
		}},
		{"FileNamesInAnyCase", func(f map[string]string) {
			f["Users.CSV"] = f[UsersFile]
			delete(f, UsersFile)
		}},
		{"DatesWithTimes", func(f map[string]string) {
			f[AcademicSessionsFile] = strings.ReplaceAll(f[AcademicSessionsFile], "-25,", "-25T00:00:00.000Z,")
		}},
		{"ListsWithSpaces", func(f map[string]string) {
			f[ClassesFile] = strings.Replace(f[ClassesFile], `"F26,S27"`, `"F26, S27"`, 1)
		}},
		{"NoManifestVersion", func(f map[string]string) {
			f[ManifestFile] = strings.Replace(f[ManifestFile], "oneroster.version,1.1\n", "", 1)
		}},
		{"AbsentFileInZip", func(f map[string]string) { f[CoursesFile] = "anything" }},
		{"BlankLines", func(f map[string]string) { f[UsersFile] += "\n\n" }},
		{"SpacesAroundValues", func(f map[string]string) {
			f[UsersFile] = strings.Replace(f[UsersFile], ",Ava,Johnson,", ", Ava , Johnson ,", 1)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := sisPackage()
			tc.change(files)
			res := read(t, mapFS(files), Options{School: []string{"Lincoln Elementary"}})
			if got := rowStrings(res.Rows); !slices.Equal(got, sisLincoln) {
				t.Errorf("rows =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(sisLincoln, "\n"))
			}
		})
	}
}

// TestReadFolder: a zip made by compressing a folder (with macOS's __MACOSX beside it)
// holds the package one level down.
func TestReadFolder(t *testing.T) {
	fsys := fstest.MapFS{"__MACOSX/roster/._users.csv": &fstest.MapFile{Data: []byte{0, 5, 22, 7}}}
	for name, data := range sisPackage() {
		fsys["roster/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	res := read(t, fsys, Options{School: []string{"Lincoln Elementary"}})
	if got := rowStrings(res.Rows); !slices.Equal(got, sisLincoln) {
		t.Errorf("rows =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(sisLincoln, "\n"))
	}
}

// TestReadRefuses: what makes the whole package unusable fails it, in words that say
// what to do.
func TestReadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(map[string]string)
		code   core.Code
		want   string
	}{
		{"NoManifest", func(f map[string]string) { delete(f, ManifestFile) }, core.FileOneRosterNotPackage, "The zip has no manifest.csv"},
		{"ManifestColumns", func(f map[string]string) { f[ManifestFile] = "name,value\nfile.users,bulk\n" }, core.FileOneRosterColumn, "manifest.csv has no column propertyName"},
		{"Delta", func(f map[string]string) {
			f[ManifestFile] = strings.Replace(f[ManifestFile], "file.enrollments,bulk", "file.enrollments,DELTA", 1)
		}, core.FileOneRosterDelta, "manifest.csv marks enrollments.csv as delta. " + DeltaMessage},
		{"Version12", func(f map[string]string) {
			f[ManifestFile] = strings.Replace(f[ManifestFile], "oneroster.version,1.1", "oneroster.version,1.2", 1)
		}, core.FileOneRosterVersion, "This is a OneRoster 1.2 package; Rosterdesk reads OneRoster 1.1."},
		{"NoUsers", func(f map[string]string) {
			delete(f, UsersFile)
			f[ManifestFile] = strings.Replace(f[ManifestFile], "file.users,bulk", "file.users,absent", 1)
		}, core.FileOneRosterFile, "The package has no users.csv, which Rosterdesk needs."},
		{"NoOrgs", func(f map[string]string) {
			delete(f, OrgsFile)
			f[ManifestFile] = strings.Replace(f[ManifestFile], "file.orgs,bulk\n", "", 1)
		}, core.FileOneRosterFile, "The package has no orgs.csv"},
		{"ListedButMissing", func(f map[string]string) { delete(f, ClassesFile) }, core.FileOneRosterFile, "The package has no classes.csv, though manifest.csv lists it."},
		{"MissingColumn", func(f map[string]string) {
			f[UsersFile] = strings.Replace(f[UsersFile], "givenName", "firstName", 1)
		}, core.FileOneRosterColumn, "users.csv has no column givenName"},
		{"EmptyFile", func(f map[string]string) { f[EnrollmentsFile] = "" }, core.FileOneRosterUnreadable, "enrollments.csv in the package cannot be read (it is empty"},
		{"UnclosedQuote", func(f map[string]string) {
			f[UsersFile] = strings.Replace(f[UsersFile], "U-S3,,,true,S-ROO", `U-S3,,,true,"S-ROO`, 1)
		}, core.FileOneRosterUnreadable, "users.csv in the package cannot be read (line 6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := sisPackage()
			tc.change(files)
			_, err := Read(context.Background(), mapFS(files), Options{School: []string{"Lincoln Elementary"}})
			if err == nil || core.ErrorKind(err) != core.KindInvalid || core.ErrorCode(err) != tc.code || !strings.Contains(core.ErrorMessage(err), tc.want) {
				t.Errorf("Read = %v (%s), want an invalid-package error %s containing %q", err, core.ErrorCode(err), tc.code, tc.want)
			}
		})
	}
}

func TestReadTooBig(t *testing.T) {
	_, err := Read(context.Background(), mapFS(sisPackage()), Options{School: []string{"S-LIN"}, MaxFileBytes: 200})
	if err == nil || !strings.Contains(core.ErrorMessage(err), "too large to read") {
		t.Errorf("Read = %v, want a file refused as too large", err)
	}
}

func TestReadCanceled(t *testing.T) {
	files := sisPackage()
	var b strings.Builder
	b.WriteString(files[UsersFile])
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, "X%d,,,true,S-LIN,student,x%d,,A,B,,X%d,,,,,,\n", i, i, i)
	}
	files[UsersFile] = b.String()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Read(ctx, mapFS(files), Options{School: []string{"S-LIN"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a canceled context = %v, want context.Canceled", err)
	}
}

// TestReadRowProblems: a reference that does not resolve, or an identifier that cannot
// be used, fails the rows that need it, naming it; other rows are untouched.
func TestReadRowProblems(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(map[string]string)
		want   []string // rows that differ from sisLincoln, by origin prefix; "" cells elided
	}{
		{"EnrollmentOfMissingClass", func(f map[string]string) {
			f[EnrollmentsFile] += "E9,,,CL-404,S-LIN,U-S2,student,,,\n"
		}, []string{"enrollments.csv line 10: |S2002|Student|Noah|Smith|K||nsmith|||||||| ! ONEROSTER_CLASS_MISSING CL-404"}},
		{"EnrollmentOfMissingUser", func(f map[string]string) {
			f[EnrollmentsFile] += "E9,,,CL-2,S-LIN,U-404,student,,,\n"
		}, []string{"enrollments.csv line 10: |||||||||READ3B|Reading 3B|3|2026-08-25|2027-01-15|| ! ONEROSTER_USER_MISSING U-404"}},
		{"MissingClassOfOtherSchool", func(f map[string]string) {
			f[EnrollmentsFile] += "E9,,,CL-404,S-ROO,U-S3,student,,,\n" // Roosevelt's problem, not Lincoln's
		}, nil},
		{"ClassOfMissingSchool", func(f map[string]string) {
			f[ClassesFile] = strings.Replace(f[ClassesFile], "READ3B,scheduled,,S-LIN", "READ3B,scheduled,,S-GONE", 1)
		}, []string{
			"enrollments.csv line 5: |T1002|Teacher|James|O'Connor||joconnor@example.org|joconnor||READ3B|Reading 3B|3|2026-08-25|2027-01-15|| ! ONEROSTER_SCHOOL_MISSING S-GONE",
			"enrollments.csv line 6: |S2001|Student|Ava|Johnson|3||ajohnson||READ3B|Reading 3B|3|2026-08-25|2027-01-15|| ! ONEROSTER_SCHOOL_MISSING S-GONE",
			"enrollments.csv line 7: |S2002|Student|Noah|Smith|K||nsmith||READ3B|Reading 3B|3|2026-08-25|2027-01-15|| ! ONEROSTER_SCHOOL_MISSING S-GONE",
		}},
		{"MissingTerm", func(f map[string]string) {
			f[ClassesFile] = strings.Replace(f[ClassesFile], `"F26,S27"`, `"F26,W27"`, 1)
		}, []string{
			"enrollments.csv line 3: |T1001|Teacher|Maria|Garcia||mgarcia@example.org|mgarcia||MATH3A|Math 3A|3|2026-08-25|2027-01-15|| ! ONEROSTER_TERM_MISSING W27",
			"enrollments.csv line 2: |T1002|Teacher|James|O'Connor||joconnor@example.org|joconnor||MATH3A|Math 3A|3|2026-08-25|2027-01-15|| ! ONEROSTER_TERM_MISSING W27",
			"enrollments.csv line 4: |S2001|Student|Ava|Johnson|3||ajohnson||MATH3A|Math 3A|3|2026-08-25|2027-01-15|| ! ONEROSTER_TERM_MISSING W27",
		}},
		{"TermWithoutDates", func(f map[string]string) {
			f[AcademicSessionsFile] = strings.Replace(f[AcademicSessionsFile], "2027-01-15,Y2027", "soon,Y2027", 1)
		}, []string{
			"enrollments.csv line 3: |T1001|Teacher|Maria|Garcia||mgarcia@example.org|mgarcia||MATH3A|Math 3A|3|2027-01-19|2027-06-10|| ! ONEROSTER_TERM_DATES F26",
			"enrollments.csv line 2: |T1002|Teacher|James|O'Connor||joconnor@example.org|joconnor||MATH3A|Math 3A|3|2027-01-19|2027-06-10|| ! ONEROSTER_TERM_DATES F26",
			"enrollments.csv line 4: |S2001|Student|Ava|Johnson|3||ajohnson||MATH3A|Math 3A|3|2027-01-19|2027-06-10|| ! ONEROSTER_TERM_DATES F26",
			"enrollments.csv line 5: |T1002|Teacher|James|O'Connor||joconnor@example.org|joconnor||READ3B|Reading 3B|3|||| ! ONEROSTER_TERM_DATES F26",
			"enrollments.csv line 6: |S2001|Student|Ava|Johnson|3||ajohnson||READ3B|Reading 3B|3|||| ! ONEROSTER_TERM_DATES F26",
			"enrollments.csv line 7: |S2002|Student|Noah|Smith|K||nsmith||READ3B|Reading 3B|3|||| ! ONEROSTER_TERM_DATES F26",
		}},
		{"SharedClassCodeFallsBackToSourcedID", func(f map[string]string) {
			f[ClassesFile] = strings.Replace(f[ClassesFile], ",READ3B,", ",MATH3A,", 1)
		}, []string{
			"enrollments.csv line 3: |T1001|Teacher|Maria|Garcia||mgarcia@example.org|mgarcia||CL-1|Math 3A|3|2026-08-25|2027-06-10||",
			"enrollments.csv line 2: |T1002|Teacher|James|O'Connor||joconnor@example.org|joconnor||CL-1|Math 3A|3|2026-08-25|2027-06-10||",
			"enrollments.csv line 4: |S2001|Student|Ava|Johnson|3||ajohnson||CL-1|Math 3A|3|2026-08-25|2027-06-10||",
			"enrollments.csv line 5: |T1002|Teacher|James|O'Connor||joconnor@example.org|joconnor||CL-2|Reading 3B|3|2026-08-25|2027-01-15||",
			"enrollments.csv line 6: |S2001|Student|Ava|Johnson|3||ajohnson||CL-2|Reading 3B|3|2026-08-25|2027-01-15||",
			"enrollments.csv line 7: |S2002|Student|Noah|Smith|K||nsmith||CL-2|Reading 3B|3|2026-08-25|2027-01-15||",
		}},
		{"NoUsableClassID", func(f map[string]string) {
			f[ClassesFile] = strings.Replace(f[ClassesFile], "CL-2,,,Reading 3B,03,CO-2,READ3B", "CL 2,,,Reading 3B,03,CO-2,READ 3B", 1)
			f[EnrollmentsFile] = strings.ReplaceAll(f[EnrollmentsFile], ",CL-2,", ",CL 2,")
		}, []string{
			`enrollments.csv line 5: |T1002|Teacher|James|O'Connor||joconnor@example.org|joconnor|||Reading 3B|3|2026-08-25|2027-01-15|| ! ONEROSTER_CLASS_ID classCode "READ 3B" is not letters, digits, - and _ and sourcedId "CL 2" is not 1 to 50 letters, digits, - and _`,
			`enrollments.csv line 6: |S2001|Student|Ava|Johnson|3||ajohnson|||Reading 3B|3|2026-08-25|2027-01-15|| ! ONEROSTER_CLASS_ID classCode "READ 3B" is not letters, digits, - and _ and sourcedId "CL 2" is not 1 to 50 letters, digits, - and _`,
			`enrollments.csv line 7: |S2002|Student|Noah|Smith|K||nsmith|||Reading 3B|3|2026-08-25|2027-01-15|| ! ONEROSTER_CLASS_ID classCode "READ 3B" is not letters, digits, - and _ and sourcedId "CL 2" is not 1 to 50 letters, digits, - and _`,
		}},
		{"SharedUserID", func(f map[string]string) {
			f[UsersFile] = strings.Replace(f[UsersFile], "{Local:S2002}", "{Local:s2001}", 1)
		}, []string{
			"enrollments.csv line 4: |S2001|Student|Ava|Johnson|3||ajohnson||MATH3A|Math 3A|3|2026-08-25|2027-06-10|| ! ONEROSTER_USER_ID_SHARED S2001",
			"enrollments.csv line 6: |S2001|Student|Ava|Johnson|3||ajohnson||READ3B|Reading 3B|3|2026-08-25|2027-01-15|| ! ONEROSTER_USER_ID_SHARED S2001",
			"enrollments.csv line 7: |s2001|Student|Noah|Smith|K||nsmith||READ3B|Reading 3B|3|2026-08-25|2027-01-15|| ! ONEROSTER_USER_ID_SHARED s2001",
		}},
		{"DuplicateUserSourcedID", func(f map[string]string) {
			f[UsersFile] += "U-S2,,,true,S-LIN,student,nsmith2,,Nora,Smith,,S2009,,,,,04,\n"
		}, []string{
			"enrollments.csv line 7: |S2002|Student|Noah|Smith|K||nsmith||READ3B|Reading 3B|3|2026-08-25|2027-01-15|| ! ONEROSTER_DUPLICATE_ID U-S2",
			"users.csv line 8: |S2009|Student|Nora|Smith|4||nsmith2|||||||| ! ONEROSTER_DUPLICATE_ID U-S2",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := sisPackage()
			tc.change(files)
			res := read(t, mapFS(files), Options{School: []string{"Lincoln Elementary"}})
			got := rowStrings(res.Rows)
			want := slices.Clone(sisLincoln)
			for _, w := range tc.want {
				origin, _, _ := strings.Cut(w, ": ")
				i := slices.IndexFunc(want, func(s string) bool { return strings.HasPrefix(s, origin+": ") })
				if i >= 0 {
					want[i] = w
				} else {
					want = append(want, w)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("rows =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestProblemText: every problem is a row entry of core's catalogue, and says what is
// wrong and what to do.
func TestProblemText(t *testing.T) {
	for _, code := range []ProblemCode{ProblemClassMissing, ProblemUserMissing, ProblemSchoolMissing, ProblemTermMissing,
		ProblemTermDates, ProblemClassID, ProblemUserIDShared, ProblemDuplicateID} {
		if e, ok := core.Lookup(core.Code(code)); !ok || e.Severity != core.SeverityRow {
			t.Errorf("%s: catalogue entry %v, %v; want a row entry", code, e, ok)
		}
		text := Problem{Code: code, Value: "V1", Other: "O1"}.Text()
		if !strings.Contains(text, "V1") || strings.Contains(text, "{") || !strings.HasSuffix(text, ".") {
			t.Errorf("%s text = %q, want the value named and no placeholder left", code, text)
		}
	}
	if e, _ := core.Lookup(core.FileOneRosterDelta); e == nil || e.Fix != DeltaMessage {
		t.Errorf("FILE_ONEROSTER_DELTA's fix = %v, want DeltaMessage %q", e, DeltaMessage)
	}
	long := strings.Repeat("x", 500)
	if text := (Problem{Code: ProblemClassMissing, Value: long}).Text(); len(text) > 300 {
		t.Errorf("a 500-character value made a %d-character message, want it clipped", len(text))
	}
}

// TestReadSkips: roles other than student and teacher, users and classes of other
// schools, records marked tobedeleted and repeated enrollments are left out and counted;
// in Import Students/Rosters teachers are too, and the rows have no Role.
func TestReadSkips(t *testing.T) {
	files := sisPackage()
	files[UsersFile] += "U-A1,,,true,S-LIN,administrator,principal,,Pat,Lee,,,lee@example.org,,,,,\n" +
		"U-S4,tobedeleted,,true,S-LIN,student,gone,,Gone,Away,,S2004,,,,,03,\n" +
		"U-S5,,,true,S-LIN,student,mlopez,,Mia,Lopez,,S2005,,,,,04,\n" // in no class
	files[EnrollmentsFile] += "E9,,,CL-2,S-LIN,U-S2,student,,,\n" + // again
		"E10,,,CL-2,S-LIN,U-A1,administrator,,,\n" +
		"E11,tobedeleted,,CL-1,S-LIN,U-S2,student,,,\n" +
		"E12,,,CL-1,S-LIN,U-P1,student,,,\n" + // a parent enrolled as a student: the user's role decides
		"E13,,,CL-1,S-LIN,U-S4,student,,,\n" // a user the package deletes: not a missing user

	res := read(t, mapFS(files), Options{School: []string{"S-LIN"}})
	want := append(slices.Clone(sisLincoln), "users.csv line 10: |S2005|Student|Mia|Lopez|4||mlopez||||||||")
	if got := rowStrings(res.Rows); !slices.Equal(got, want) {
		t.Errorf("rows =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantSkipped := Skipped{Schools: 1, OtherRoles: 2, OtherSchools: 1, Classes: 1, Enrollments: 5, Deleted: 2, Duplicates: 1}
	if res.Skipped != wantSkipped {
		t.Errorf("Skipped = %+v, want %+v", res.Skipped, wantSkipped)
	}
	wantWarnings := []string{
		"Only Lincoln Elementary was read; the package's other school was skipped.",
		"1 student or teacher of another school only was skipped.",
		"2 users who are neither students nor teachers (parents, administrators, aides…) were skipped.",
		"1 class of another school was skipped.",
		"5 enrollments in other schools' classes, or of users left out, were skipped.",
		"1 repeated enrollment of a user already in the class was skipped.",
		"2 records marked tobedeleted were skipped: an import never removes anything.",
	}
	if !slices.Equal(res.Warnings, wantWarnings) {
		t.Errorf("Warnings =\n%s\nwant\n%s", strings.Join(res.Warnings, "\n"), strings.Join(wantWarnings, "\n"))
	}

	res = read(t, mapFS(files), Options{School: []string{"S-LIN"}, Mode: core.ModeTeacher})
	var got []string
	for _, r := range res.Rows {
		if r.Cells[core.ColRole] != "" || len(r.Raw) != int(core.NumColumns)-1 {
			t.Errorf("teacher mode row %v has Role %q and %d raw cells, want no Role", r.Origin, r.Cells[core.ColRole], len(r.Raw))
		}
		got = append(got, r.Origin.String()+" "+r.Cells[core.ColUserID])
	}
	wantRows := []string{"enrollments.csv line 4 S2001", "enrollments.csv line 6 S2001", "enrollments.csv line 7 S2002", "users.csv line 10 S2005"}
	if !slices.Equal(got, wantRows) {
		t.Errorf("teacher mode rows = %q, want %q", got, wantRows)
	}
	if res.Skipped.Teachers != 2 || !slices.Contains(res.Warnings, "2 teachers were skipped: Import Students/Rosters imports students only.") {
		t.Errorf("teacher mode skipped %d teachers, warnings %q; want the 2 teachers counted", res.Skipped.Teachers, res.Warnings)
	}
}

// TestReadNeverImportsPasswords: a password in users.csv reaches no row.
func TestReadNeverImportsPasswords(t *testing.T) {
	files := sisPackage()
	files[UsersFile] = strings.Replace(files[UsersFile], ",03,\n", ",03,Secret2026!\n", 1)
	res := read(t, mapFS(files), Options{School: []string{"S-LIN"}})
	for _, r := range res.Rows {
		if r.Cells[core.ColPassword] != "" || slices.Contains(r.Raw, "Secret2026!") {
			t.Errorf("row %v carries the password", r.Origin)
		}
	}
	if !slices.Contains(res.Warnings, "The package holds passwords; Rosterdesk never imports them (new users get temporary passwords).") {
		t.Errorf("Warnings = %q, want the passwords mentioned", res.Warnings)
	}
}

// TestReadIdentity: User GUID only for a sourcedId that is an existing user's GUID;
// Class GUID from the lookup; User ID from identifier, else Local, else other userIds,
// else the sourcedId.
func TestReadIdentity(t *testing.T) {
	const known = "6F9619FF-8B86-D011-B42D-00C04FC964FF"
	files := sisPackage()
	files[UsersFile] = strings.Replace(files[UsersFile], "U-T1,", known+",", 1)
	files[UsersFile] = strings.Replace(files[UsersFile], "U-S2,", "00000000-0000-4000-8000-000000000999,", 1) // a GUID, but not ours
	files[UsersFile] = strings.Replace(files[UsersFile], "ajohnson,{Local:S2001},Ava,Johnson,Marie,S2001", "ajohnson,{Local:S2001},Ava,Johnson,Marie,S-2001", 1)
	files[UsersFile] += "S2777,,,true,S-LIN,student,jdoe,{Fed:F88},Jo,Doe,,,,,,,,\n" +
		"S2888,,,true,S-LIN,student,kdoe,,Kim,Doe,,,,,,,,\n" +
		"S-2999,,,true,S-LIN,student,ldoe,,Lee,Doe,,,,,,,,\n"
	files[EnrollmentsFile] = strings.ReplaceAll(files[EnrollmentsFile], ",U-T1,", ","+known+",")
	files[EnrollmentsFile] = strings.ReplaceAll(files[EnrollmentsFile], ",U-S2,", ",00000000-0000-4000-8000-000000000999,")
	opts := Options{
		School:     []string{"S-LIN"},
		UserExists: func(guid string) bool { return guid == strings.ToLower(known) },
		ClassGUID: func(sourcedID, classID string) string {
			if classID == "READ3B" {
				return "class-guid-of-" + sourcedID
			}
			return ""
		},
	}
	res := read(t, mapFS(files), opts)
	got := map[string]string{}
	for _, r := range res.Rows {
		got[r.Origin.String()] = r.Cells[core.ColUserGUID] + "|" + r.Cells[core.ColUserID] + "|" + r.Cells[core.ColClassGUID]
	}
	for origin, want := range map[string]string{
		"enrollments.csv line 3": strings.ToLower(known) + "|T1001|",
		"enrollments.csv line 4": "|S2001|",                   // the identifier is no User ID; Local is
		"enrollments.csv line 7": "|S2002|class-guid-of-CL-2", // a GUID Rosterdesk does not know: matched by User ID
		"users.csv line 8":       "|F88|",
		"users.csv line 9":       "|S2888|",
		"users.csv line 10":      "||", // no identifier, and the sourcedId is no User ID
	} {
		if got[origin] != want {
			t.Errorf("%s: User GUID|User ID|Class GUID = %q, want %q", origin, got[origin], want)
		}
	}
}

// TestReadUserGUIDByUserID: a user whose sourcedId is no Rosterdesk GUID but whose
// User ID is an existing user's gets that user's GUID (a SIS's package imported again
// updates the users the first import made); a GUID sourcedId of an existing user wins;
// users who would share a User ID are not matched to anyone.
func TestReadUserGUIDByUserID(t *testing.T) {
	const known = "6f9619ff-8b86-d011-b42d-00c04fc964ff"
	files := sisPackage()
	files[UsersFile] = strings.Replace(files[UsersFile], "U-T1,", known+",", 1)
	files[EnrollmentsFile] = strings.ReplaceAll(files[EnrollmentsFile], ",U-T1,", ","+known+",")
	var asked []string
	opts := Options{
		School:     []string{"S-LIN"},
		UserExists: func(guid string) bool { return guid == known },
		UserGUID: func(userID string) string {
			asked = append(asked, userID)
			if userID == "S2001" || userID == "T1001" {
				return "guid-of-" + userID
			}
			return ""
		},
	}
	got := map[string]string{}
	for _, r := range read(t, mapFS(files), opts).Rows {
		got[r.Cells[core.ColUserID]] = r.Cells[core.ColUserGUID]
	}
	for id, want := range map[string]string{"T1001": known, "S2001": "guid-of-S2001", "S2002": ""} {
		if got[id] != want {
			t.Errorf("User %s: User GUID %q, want %q", id, got[id], want)
		}
	}
	if slices.Contains(asked, "T1001") {
		t.Errorf("UserGUID was asked for T1001, whose sourcedId is a known GUID")
	}

	files = sisPackage()
	files[UsersFile] = strings.Replace(files[UsersFile], `"{Fed:999},{Local:S2002}",Noah`, `"{Fed:999},{Local:S2001}",Noah`, 1)
	shared := 0
	for _, r := range read(t, mapFS(files), opts).Rows {
		if hasProblem(r.Problems, ProblemUserIDShared) {
			shared++
		}
		if r.Cells[core.ColUserID] == "S2001" && r.Cells[core.ColUserGUID] != "" {
			t.Errorf("%v: User GUID %q for a User ID two users of the package share", r.Origin, r.Cells[core.ColUserGUID])
		}
	}
	if shared == 0 {
		t.Errorf("no row has %s: the package was not changed as meant", ProblemUserIDShared)
	}
}

// TestReadRoundTrip reads what Write wrote: every user, class and enrollment of the
// school comes back as the template rows that would make them again.
func TestReadRoundTrip(t *testing.T) {
	s := district()
	fsys := mapFS(write(t, s))
	users := map[string]User{}
	for _, u := range s.Users {
		users[u.GUID] = u
	}
	for _, sc := range s.Schools {
		res := read(t, fsys, Options{School: []string{sc.GUID}, UserExists: func(string) bool { return true }})
		var want, got []string
		for _, c := range s.Classes {
			if c.School != sc.GUID {
				continue
			}
			start, end := c.Start, c.End
			if start == "" || end == "" {
				start, end = (&builder{s: s}).termDates(&c)
			}
			for _, m := range append(append([]string(nil), c.Teachers...), c.Students...) {
				u := users[m]
				grade := ""
				if u.Role == core.RoleStudent {
					grade = u.Grade
				}
				want = append(want, strings.Join([]string{u.GUID, u.UserID, string(u.Role), u.FirstName, u.LastName, grade, u.Email, u.Username, "",
					c.ClassID, c.Name, c.Grade, start, end, "", ""}, "|"))
			}
		}
		for _, r := range res.Rows {
			got = append(got, strings.Join(r.Cells[:], "|"))
			if len(r.Problems) > 0 {
				t.Errorf("%s: row %v has problems %v", sc.Name, r.Origin, r.Problems)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: rows =\n%s\nwant\n%s", sc.Name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestReadDistrictFixture reads testdata/oneroster/district, a package shaped like a
// district SIS export (see testdata/oneroster/README.md), for Lincoln Elementary.
func TestReadDistrictFixture(t *testing.T) {
	res := read(t, os.DirFS(filepath.Join("..", "..", "testdata", "oneroster", "district")), Options{School: []string{"Lincoln Elementary"}})
	want := []string{
		"enrollments.csv line 2: |T1001|Teacher|Maria|Garcia||mgarcia@springfield.example.org|mgarcia@springfield.example.org||CL-1|Math 3 - Section 1|3|2026-08-25|2027-06-10||",
		"enrollments.csv line 3: |S2001|Student|Ava|Johnson|3||ajohnson||CL-1|Math 3 - Section 1|3|2026-08-25|2027-06-10||",
		"enrollments.csv line 4: |S2002|Student|Noah|Smith|3||nsmith||CL-1|Math 3 - Section 1|3|2026-08-25|2027-06-10||",
		"enrollments.csv line 6: |T1001|Teacher|Maria|Garcia||mgarcia@springfield.example.org|mgarcia@springfield.example.org||CL-2|Math 3 - Section 2|3|2026-08-25|2027-06-10||",
		"enrollments.csv line 5: |T1002|Teacher|James|O'Connor||joconnor@springfield.example.org|joconnor@springfield.example.org||CL-2|Math 3 - Section 2|3|2026-08-25|2027-06-10||",
		"enrollments.csv line 7: |S2004|Student|Liam|Nguyen|1||lnguyen||CL-2|Math 3 - Section 2|3|2026-08-25|2027-06-10||",
		"enrollments.csv line 8: |T1002|Teacher|James|O'Connor||joconnor@springfield.example.org|joconnor@springfield.example.org||RK-1|Reading K|K|2026-08-25|2027-01-15||",
		"enrollments.csv line 9: |S2003|Student|Sofía|Hernández|K||shernandez||RK-1|Reading K|K|2026-08-25|2027-01-15||",
		"enrollments.csv line 10: |S2004|Student|Liam|Nguyen|1||lnguyen|||||||| ! ONEROSTER_CLASS_MISSING CL-9",
	}
	if got := rowStrings(res.Rows); !slices.Equal(got, want) {
		t.Errorf("rows =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantSkipped := Skipped{Schools: 1, OtherRoles: 2, OtherSchools: 2, Classes: 1, Enrollments: 3}
	if res.Skipped != wantSkipped {
		t.Errorf("Skipped = %+v, want %+v", res.Skipped, wantSkipped)
	}
	if slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "metadata.") || strings.Contains(w, "ext_") }) {
		t.Errorf("Warnings = %q, want metadata.* and ext_* columns ignored silently", res.Warnings)
	}
}

// TestReadWithoutTerms: without academicSessions.csv (or with a header only, as some
// vendors' templates allow) classes have no dates, and no row fails for it.
func TestReadWithoutTerms(t *testing.T) {
	for name, change := range map[string]func(map[string]string){
		"Absent": func(f map[string]string) {
			delete(f, AcademicSessionsFile)
			f[ManifestFile] = strings.Replace(f[ManifestFile], "file.academicSessions,bulk", "file.academicSessions,absent", 1)
		},
		"HeaderOnly": func(f map[string]string) {
			f[AcademicSessionsFile] = lines(strings.ReplaceAll(f[AcademicSessionsFile], "\n", "\r\n"))[0] + "\n"
		},
	} {
		t.Run(name, func(t *testing.T) {
			files := sisPackage()
			change(files)
			res := read(t, mapFS(files), Options{School: []string{"S-LIN"}})
			for _, r := range res.Rows {
				if r.Cells[core.ColClassStart] != "" || r.Cells[core.ColClassEnd] != "" || len(r.Problems) > 0 {
					t.Errorf("row %v: dates %q %q, problems %v; want no dates and no problem", r.Origin, r.Cells[core.ColClassStart], r.Cells[core.ColClassEnd], r.Problems)
				}
			}
			if !slices.Contains(res.Warnings, "The package has no terms (academicSessions.csv), so classes were read without start and end dates.") {
				t.Errorf("Warnings = %q, want the missing dates explained", res.Warnings)
			}
		})
	}
}

// TestReadGrades: grades map back to Rosterdesk's levels; codes it has no level for,
// and several grades, leave the grade blank with a warning.
func TestReadGrades(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		unmapped int
	}{
		{"", "", 0}, {"KG", "K", 0}, {"kg", "K", 0}, {"K", "K", 0}, {"TK", "K", 0}, {"PK", "PK", 0},
		{"01", "1", 0}, {"1", "1", 0}, {"12", "12", 0}, {"13", "", 1}, {"UG", "", 1}, {"Other", "", 1},
		{"03,04", "", 0}, {"03, 3", "3", 0}, {"UG,05", "5", 1}, {"PS,IT", "", 2},
	} {
		got, unmapped := templateGrade(tc.in)
		if got != tc.want || len(unmapped) != tc.unmapped {
			t.Errorf("templateGrade(%q) = %q, %q; want %q and %d unmapped", tc.in, got, unmapped, tc.want, tc.unmapped)
		}
	}

	files := sisPackage()
	files[UsersFile] = strings.Replace(files[UsersFile], ",03,\n", ",UG,\n", 1)
	files[UsersFile] = strings.Replace(files[UsersFile], ",KG,\n", ",\"KG,01\",\n", 1)
	files[UsersFile] = strings.Replace(files[UsersFile], "U-S1,,,true,S-LIN,", "U-S1,,,true,\"S-LIN,S-GONE\",", 1)
	res := read(t, mapFS(files), Options{School: []string{"S-LIN"}})
	for _, r := range res.Rows {
		if r.Cells[core.ColRole] == "Student" && r.Cells[core.ColGrade] != "" {
			t.Errorf("row %v: Grade Level %q, want blank", r.Origin, r.Cells[core.ColGrade])
		}
	}
	for _, w := range []string{
		"1 user or class has a grade Rosterdesk has no level for (such as UG, 13 or PS); it was left blank.",
		"1 user or class has several grades; Rosterdesk keeps one, so it was left blank.",
		"1 link of a user to an org that is not in orgs.csv was ignored.",
	} {
		if !slices.Contains(res.Warnings, w) {
			t.Errorf("Warnings = %q, want %q", res.Warnings, w)
		}
	}
}

// TestReadTeacherClasses: in Import Students/Rosters, the uploading teacher gets the
// classes the package gives them (matched by sourcedId GUID or by User ID), and a class
// with no teacher in the package; other teachers' classes are skipped, with their
// students who are in no class of the uploader's.
func TestReadTeacherClasses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		teacher string // User ID
		change  func(map[string]string)
		want    []string // Class ID and Student ID of each row
		skipped [2]int   // classes, students
	}{
		{"Maria", "T1001", nil, []string{"MATH3A S2001"}, [2]int{1, 1}},
		{"James", "t1002", nil, []string{"MATH3A S2001", "READ3B S2001", "READ3B S2002"}, [2]int{0, 0}},
		{"Nobody", "T9999", nil, nil, [2]int{2, 2}},
		{"ClassWithoutTeacher", "T1001", func(f map[string]string) {
			f[EnrollmentsFile] = strings.Replace(f[EnrollmentsFile], "E4,,,CL-2,S-LIN,U-T2,teacher,true,,\n", "", 1)
		}, []string{"MATH3A S2001", "READ3B S2001", "READ3B S2002"}, [2]int{0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := sisPackage()
			if tc.change != nil {
				tc.change(files)
			}
			opts := Options{School: []string{"S-LIN"}, Mode: core.ModeTeacher}
			opts.Teacher.UserID = tc.teacher
			res := read(t, mapFS(files), opts)
			var got []string
			for _, r := range res.Rows {
				got = append(got, r.Cells[core.ColClassID]+" "+r.Cells[core.ColUserID])
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("rows %q, want %q", got, tc.want)
			}
			if sk := [2]int{res.Skipped.OtherTeachersClasses, res.Skipped.OtherTeachersStudents}; sk != tc.skipped {
				t.Errorf("skipped classes, students = %v, want %v (warnings %q)", sk, tc.skipped, res.Warnings)
			}
		})
	}
}
