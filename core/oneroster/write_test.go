package oneroster

import (
	"bytes"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
)

// TestWrite pins the package written for the test district, file by file: headers
// exactly as the binding orders them, CRLF, no BOM, blank status and dateLastModified,
// CEDS grades, lists in one quoted cell, values starting with = + - @ unchanged, one
// term per date range (undated classes in the school year of the day the package is
// made), one course per name and grade in a school, derived sourcedIds that never
// change, and the primary teacher first in each class.
func TestWrite(t *testing.T) {
	files := write(t, district())
	want := map[string]string{
		ManifestFile: `propertyName,value
manifest.version,1.0
oneroster.version,1.1
file.academicSessions,bulk
file.categories,absent
file.classes,bulk
file.classResources,absent
file.courses,bulk
file.courseResources,absent
file.demographics,absent
file.enrollments,bulk
file.lineItems,absent
file.orgs,bulk
file.resources,absent
file.results,absent
file.users,bulk
source.systemName,Rosterdesk
source.systemCode,RD
`,
		OrgsFile: `sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
00000000-0000-4000-8000-000000000001,,,"Springfield, ""Unified"" District",district,,
00000000-0000-4000-8000-00000000000b,,,@Washington Middle,school,,00000000-0000-4000-8000-000000000001
00000000-0000-4000-8000-00000000000a,,,Lincoln Elementary,school,,00000000-0000-4000-8000-000000000001
`,
		AcademicSessionsFile: `sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
52d1e6c2-6206-5b1e-880c-55e448fb1472,,,Term 2026-07-01 to 2027-06-30,term,2026-07-01,2027-06-30,,2027
c4859e60-1c49-5c25-b205-38aedd83cfcc,,,Term 2026-08-25 to 2027-06-10,term,2026-08-25,2027-06-10,,2027
39c41ea4-0a1e-5051-a339-016638831222,,,Term 2026-09-02 to 2027-06-30,term,2026-09-02,2027-06-30,,2027
`,
		CoursesFile: `sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes
bb7edfb5-34bb-58d1-8f0a-f9d353d7d5c2,,,,-Science,,12,00000000-0000-4000-8000-00000000000b,,
f61e2c76-d01e-5905-9bc9-b47470ca1b98,,,,+Math 3A,,03,00000000-0000-4000-8000-00000000000a,,
363e6bdc-c2d5-5f75-871f-0a30b0db0755,,,,"=Reading, ""3B""",,KG,00000000-0000-4000-8000-00000000000a,,
`,
		ClassesFile: `sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
00000000-0000-4000-8000-000000000303,,,-Science,12,bb7edfb5-34bb-58d1-8f0a-f9d353d7d5c2,SCI12,scheduled,,00000000-0000-4000-8000-00000000000b,39c41ea4-0a1e-5051-a339-016638831222,,,
00000000-0000-4000-8000-000000000301,,,+Math 3A,03,f61e2c76-d01e-5905-9bc9-b47470ca1b98,MATH3A,scheduled,,00000000-0000-4000-8000-00000000000a,c4859e60-1c49-5c25-b205-38aedd83cfcc,,,
00000000-0000-4000-8000-000000000302,,,"=Reading, ""3B""",KG,363e6bdc-c2d5-5f75-871f-0a30b0db0755,READ3B,scheduled,,00000000-0000-4000-8000-00000000000a,52d1e6c2-6206-5b1e-880c-55e448fb1472,,,
`,
		UsersFile: `sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
00000000-0000-4000-8000-000000000101,,,true,"00000000-0000-4000-8000-00000000000b,00000000-0000-4000-8000-00000000000a",teacher,mgarcia,{Local:T1001},Maria,Garcia,,T1001,mgarcia@example.org,,,,,
00000000-0000-4000-8000-000000000102,,,true,00000000-0000-4000-8000-00000000000a,teacher,joconnor,{Local:T1002},James,O'Connor,,T1002,joconnor@example.org,,,,,
00000000-0000-4000-8000-000000000201,,,true,00000000-0000-4000-8000-00000000000a,student,ajohnson,{Local:S2001},Ava,Johnson,,S2001,,,,,03,
00000000-0000-4000-8000-000000000202,,,true,00000000-0000-4000-8000-00000000000b,student,nsmith,{Local:S2002},Noah,Smith,,S2002,noah@example.org,,,,12,
00000000-0000-4000-8000-000000000203,,,true,00000000-0000-4000-8000-00000000000a,student,zsmith,{Local:S2003},Zoë,Smith-Brown,,S2003,,,,,KG,
`,
		EnrollmentsFile: `sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
63c24008-5fd4-5591-9d36-47dfa13393dc,,,00000000-0000-4000-8000-000000000303,00000000-0000-4000-8000-00000000000b,00000000-0000-4000-8000-000000000101,teacher,true,,
d6be99c7-a7d2-511f-baf0-a073040562de,,,00000000-0000-4000-8000-000000000303,00000000-0000-4000-8000-00000000000b,00000000-0000-4000-8000-000000000202,student,,,
a8a397d9-9134-528b-a147-0342e08376f6,,,00000000-0000-4000-8000-000000000301,00000000-0000-4000-8000-00000000000a,00000000-0000-4000-8000-000000000101,teacher,true,,
11450877-c5fb-5f83-b45c-f688092aeda1,,,00000000-0000-4000-8000-000000000301,00000000-0000-4000-8000-00000000000a,00000000-0000-4000-8000-000000000201,student,,,
344d16a6-32fb-53bb-928b-ab89bb002504,,,00000000-0000-4000-8000-000000000302,00000000-0000-4000-8000-00000000000a,00000000-0000-4000-8000-000000000102,teacher,true,,
5f2b972d-523f-5bc1-9f6f-589552876f3c,,,00000000-0000-4000-8000-000000000302,00000000-0000-4000-8000-00000000000a,00000000-0000-4000-8000-000000000101,teacher,false,,
0a60b78d-ecf0-5d5c-9a82-b6d1d28b2191,,,00000000-0000-4000-8000-000000000302,00000000-0000-4000-8000-00000000000a,00000000-0000-4000-8000-000000000201,student,,,
995eaee0-2419-5551-9739-0637db3c5982,,,00000000-0000-4000-8000-000000000302,00000000-0000-4000-8000-00000000000a,00000000-0000-4000-8000-000000000203,student,,,
`,
	}
	if len(files) != len(want) {
		t.Errorf("package holds %d files, want %d", len(files), len(want))
	}
	for name, w := range want {
		w = strings.ReplaceAll(w, "\n", "\r\n")
		if got := files[name]; got != w {
			t.Errorf("%s =\n%s\nwant\n%s", name, got, w)
		}
	}
	if found := validate(t, mapFS(files)); len(found) > 0 {
		t.Errorf("Validate found:\n%s", strings.Join(found, "\n"))
	}
}

// TestWriteOrderedEntries checks the zip lists manifest.csv first and the data files in
// the binding's dependency order, so a reader streaming it meets orgs before users.
func TestWriteOrderedEntries(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, district()); err != nil {
		t.Fatal(err)
	}
	data := b.String()
	var pos []int
	for _, name := range []string{ManifestFile, OrgsFile, AcademicSessionsFile, CoursesFile, ClassesFile, UsersFile, EnrollmentsFile} {
		pos = append(pos, strings.Index(data, name))
	}
	if !slices.IsSorted(pos) || pos[0] < 0 {
		t.Errorf("entries at %v, want manifest, orgs, academicSessions, courses, classes, users, enrollments in order", pos)
	}
}

// TestWriteDeterministic writes the same data given in other orders: the bytes must not
// change, so a golden package works and a vendor sees no spurious change.
func TestWriteDeterministic(t *testing.T) {
	var first bytes.Buffer
	if err := Write(&first, district()); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		s := district()
		r.Shuffle(len(s.Users), func(i, j int) { s.Users[i], s.Users[j] = s.Users[j], s.Users[i] })
		r.Shuffle(len(s.Classes), func(i, j int) { s.Classes[i], s.Classes[j] = s.Classes[j], s.Classes[i] })
		r.Shuffle(len(s.Schools), func(i, j int) { s.Schools[i], s.Schools[j] = s.Schools[j], s.Schools[i] })
		for k := range s.Classes {
			c := &s.Classes[k]
			r.Shuffle(len(c.Students), func(i, j int) { c.Students[i], c.Students[j] = c.Students[j], c.Students[i] })
			r.Shuffle(len(c.Teachers), func(i, j int) { c.Teachers[i], c.Teachers[j] = c.Teachers[j], c.Teachers[i] })
		}
		var b bytes.Buffer
		if err := Write(&b, s); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), first.Bytes()) {
			t.Fatalf("shuffle %d: the package's bytes changed with the order of the snapshot", i)
		}
	}
}

// TestWriteShapes writes snapshots of unusual shapes; each package must validate.
func TestWriteShapes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(s *Snapshot)
		check  func(t *testing.T, files map[string]string)
	}{
		{"OneSchool", func(s *Snapshot) {
			s.Schools = s.Schools[1:] // Lincoln only
			s.Classes = s.Classes[:2]
			s.Users = slices.DeleteFunc(s.Users, func(u User) bool { return u.GUID == noahG })
		}, func(t *testing.T, files map[string]string) {
			// Maria Garcia is linked to Washington too, but the package names only what it holds.
			if !strings.Contains(files[UsersFile], ",true,"+lincolnG+",teacher,mgarcia,") {
				t.Errorf("users.csv =\n%s\nwant Maria Garcia's orgSourcedIds to be Lincoln only", files[UsersFile])
			}
		}},
		{"SchoolWithoutClasses", func(s *Snapshot) {
			s.Classes = nil
		}, func(t *testing.T, files map[string]string) {
			for _, name := range []string{ClassesFile, CoursesFile, AcademicSessionsFile, EnrollmentsFile} {
				if _, ok := files[name]; ok {
					t.Errorf("%s is in a package without classes; a file without rows is left out", name)
				}
			}
			for _, p := range []string{"file.classes,absent", "file.enrollments,absent", "file.users,bulk"} {
				if !strings.Contains(files[ManifestFile], p+"\r\n") {
					t.Errorf("manifest.csv lacks %s:\n%s", p, files[ManifestFile])
				}
			}
		}},
		{"NoUsers", func(s *Snapshot) {
			s.Users, s.Classes = nil, nil
		}, nil},
		{"ClassWithoutTeacher", func(s *Snapshot) {
			s.Classes[2].Teachers = nil
		}, nil},
		{"PrimaryNotATeacher", func(s *Snapshot) {
			s.Classes[0].Primary = avaG // not among the class's teachers: the first teacher is primary
		}, func(t *testing.T, files map[string]string) {
			if !strings.Contains(files[EnrollmentsFile], readG+","+lincolnG+","+garciaG+",teacher,true,") {
				t.Errorf("enrollments.csv =\n%s\nwant Maria Garcia, the first teacher of READ3B, as its primary", files[EnrollmentsFile])
			}
		}},
		{"EndDateOnly", func(s *Snapshot) {
			s.Classes[1].Start = ""
		}, func(t *testing.T, files map[string]string) {
			if !strings.Contains(files[AcademicSessionsFile], ",term,2026-07-01,2027-06-10,,2027\r\n") {
				t.Errorf("academicSessions.csv =\n%s\nwant a term from 1 July to the end date", files[AcademicSessionsFile])
			}
		}},
		{"UserInNoSchool", func(s *Snapshot) {
			s.Users[0].Schools = nil // Zoë is in READ3B, so she belongs to Lincoln anyway
			s.Users[3].Schools = nil
			s.Classes[2].Students = nil // and Noah is in no class
		}, func(t *testing.T, files map[string]string) {
			if !strings.Contains(files[UsersFile], zoeG+",,,true,"+lincolnG+",student") || !strings.Contains(files[UsersFile], noahG+",,,true,"+orgG+",student") {
				t.Errorf("users.csv =\n%s\nwant Zoë in her class's school and Noah in the district", files[UsersFile])
			}
		}},
		{"UserWithoutUserID", func(s *Snapshot) {
			s.Users[0].UserID = ""
		}, nil},
		{"SameNameAndGradeIsOneCourse", func(s *Snapshot) {
			s.Classes = append(s.Classes, Class{GUID: "00000000-0000-4000-8000-000000000304", School: lincolnG, ClassID: "MATH3B",
				Name: "+Math 3A", Grade: "3", Start: "2026-08-25", End: "2027-06-10"})
		}, func(t *testing.T, files map[string]string) {
			if n := len(lines(files[CoursesFile])); n != 4 {
				t.Errorf("courses.csv has %d lines, want a header and 3 courses:\n%s", n, files[CoursesFile])
			}
			if n := len(lines(files[AcademicSessionsFile])); n != 4 {
				t.Errorf("academicSessions.csv has %d lines, want a header and 3 terms:\n%s", n, files[AcademicSessionsFile])
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := district()
			tc.change(s)
			files := write(t, s)
			if found := validate(t, mapFS(files)); len(found) > 0 {
				t.Errorf("Validate found:\n%s", strings.Join(found, "\n"))
			}
			if tc.check != nil {
				tc.check(t, files)
			}
		})
	}
}

// TestWriteRefusesInconsistentSnapshot: a snapshot whose references do not resolve, or
// whose GUIDs are not sourcedIds, would make an invalid package; nothing is written.
func TestWriteRefusesInconsistentSnapshot(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(s *Snapshot)
	}{
		{"OrgGUID", func(s *Snapshot) { s.Org.GUID = "" }},
		{"SchoolGUID", func(s *Snapshot) { s.Schools[0].GUID = "has space" }},
		{"DuplicateSchool", func(s *Snapshot) { s.Schools[1].GUID = s.Schools[0].GUID }},
		{"UserGUID", func(s *Snapshot) { s.Users[0].GUID = strings.Repeat("a", 101) }},
		{"DuplicateUser", func(s *Snapshot) { s.Users[1].GUID = s.Users[0].GUID }},
		{"ClassGUID", func(s *Snapshot) { s.Classes[0].GUID = "é" }},
		{"ClassOfUnknownSchool", func(s *Snapshot) { s.Classes[0].School = "00000000-0000-4000-8000-0000000000ff" }},
		{"UnknownStudent", func(s *Snapshot) { s.Classes[0].Students = append(s.Classes[0].Students, "nobody") }},
		{"UnknownTeacher", func(s *Snapshot) { s.Classes[0].Teachers = append(s.Classes[0].Teachers, "nobody") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := district()
			tc.change(s)
			var b bytes.Buffer
			err := Write(&b, s)
			if err == nil || core.ErrorKind(err) != core.KindInternal {
				t.Errorf("Write = %v, want an internal error", err)
			}
		})
	}
}

func TestCEDSGrade(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "PK": "PK", "K": "KG", "kg": "KG", "TK": "TK", "1": "01", "9": "09", "10": "10", "12": "12", "13": "13", "x": "x",
	} {
		if got := CEDSGrade(in); got != want {
			t.Errorf("CEDSGrade(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidSourcedID(t *testing.T) {
	for in, want := range map[string]bool{
		"": false, "a": true, "AZaz09._-": true, strings.Repeat("x", 100): true, strings.Repeat("x", 101): false,
		"has space": false, "a,b": false, "é": false, "{x}": false, "00000000-0000-4000-8000-000000000001": true,
	} {
		if got := ValidSourcedID(in); got != want {
			t.Errorf("ValidSourcedID(%q) = %v, want %v", in, got, want)
		}
	}
}
