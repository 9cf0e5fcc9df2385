package oneroster

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestValidate breaks a good package one way at a time; the validator must name each.
func TestValidate(t *testing.T) {
	replace := func(file, old, new string) func(map[string]string) {
		return func(f map[string]string) {
			if !strings.Contains(f[file], old) {
				panic("test case: " + file + " lacks " + old)
			}
			f[file] = strings.Replace(f[file], old, new, 1)
		}
	}
	for _, tc := range []struct {
		name   string
		change func(map[string]string)
		want   string
	}{
		{"NoManifest", func(f map[string]string) { delete(f, ManifestFile) }, "manifest.csv is missing"},
		{"ManifestHeader", replace(ManifestFile, "propertyName,value", "property,value"), "manifest.csv line 1: the header must be propertyName,value"},
		{"ManifestVersion", replace(ManifestFile, "oneroster.version,1.1", "oneroster.version,1.2"), "oneroster.version must be 1.1"},
		{"ManifestMissingProperty", replace(ManifestFile, "file.lineItems,absent\r\n", ""), "property file.lineItems is missing"},
		{"ManifestBadMode", replace(ManifestFile, "file.results,absent", "file.results,none"), "file.results must be absent, bulk or delta"},
		{"ManifestDelta", replace(ManifestFile, "file.users,bulk", "file.users,delta"), "file.users is delta"},
		{"ManifestDuplicate", replace(ManifestFile, "file.results,absent", "file.users,bulk"), "property file.users appears twice"},
		{"DeclaredButMissing", func(f map[string]string) { delete(f, CoursesFile) }, "the manifest says file.courses is bulk but the package has no courses.csv"},
		{"PresentButAbsent", func(f map[string]string) { f["demographics.csv"] = "x\r\ny\r\n" }, "demographics.csv is in the package but the manifest says file.demographics is absent"},
		{"StrayFile", func(f map[string]string) { f["notes.txt"] = "hi" }, "the package holds notes.txt"},
		{"BOM", func(f map[string]string) { f[UsersFile] = "\ufeff" + f[UsersFile] }, "users.csv: the file starts with a byte order mark"},
		{"LFLineEnds", func(f map[string]string) { f[OrgsFile] = strings.ReplaceAll(f[OrgsFile], "\r\n", "\n") }, "orgs.csv: lines must end in CRLF"},
		{"BadQuotes", replace(OrgsFile, `"Springfield, ""Unified"" District"`, `Spring"field`), "orgs.csv: not RFC 4180 CSV"},
		{"HeaderOrder", replace(UsersFile, "givenName,familyName", "familyName,givenName"), "users.csv line 1: the header must be"},
		{"HeaderCase", replace(ClassesFile, "classCode", "classcode"), "classes.csv line 1: the header must be"},
		{"ExtensionColumnAllowed", func(f map[string]string) {
			f[OrgsFile] = strings.Replace(f[OrgsFile], "parentSourcedId\r\n", "parentSourcedId,metadata.nces\r\n", 1)
			f[OrgsFile] = strings.ReplaceAll(f[OrgsFile], orgG+"\r\n", orgG+",123\r\n")
			f[OrgsFile] = strings.Replace(f[OrgsFile], ",district,,\r\n", ",district,,,\r\n", 1)
		}, ""},
		{"ExtraColumn", replace(OrgsFile, "parentSourcedId\r\n", "parentSourcedId,nces\r\n"), `orgs.csv line 1: column "nces" is not in the binding`},
		{"NoRows", func(f map[string]string) { f[CoursesFile] = lines(f[CoursesFile])[0] + "\r\n" }, "courses.csv: the file has no data rows"},
		{"ShortRow", replace(UsersFile, ",03,\r\n", ",03\r\n"), "users.csv line 4: the row has 17 cells, the header 18"},
		{"Required", replace(UsersFile, ",Ava,Johnson,", ",,Johnson,"), "users.csv line 4, givenName: is required"},
		{"StatusInBulk", replace(UsersFile, avaG+",,,", avaG+",active,,"), `users.csv line 4, status: must be blank in a bulk file, not "active"`},
		{"Enum", replace(OrgsFile, ",district,", ",District,"), `orgs.csv line 2, type: "District" is not one of`},
		{"UserRole", replace(UsersFile, ",student,ajohnson,", ",learner,ajohnson,"), `users.csv line 4, role: "learner" is not one of`},
		{"EnrollmentRole", replace(EnrollmentsFile, ",student,,,", ",guardian,,,"), `role: "guardian" is not one of administrator, proctor, student, teacher`},
		{"Date", replace(AcademicSessionsFile, ",2026-08-25,", ",08/25/2026,"), `startDate: "08/25/2026" is not a date written YYYY-MM-DD`},
		{"DateOrder", replace(AcademicSessionsFile, ",2026-08-25,2027-06-10,", ",2027-08-25,2027-06-10,"), "endDate: 2027-06-10 is before startDate 2027-08-25"},
		{"SchoolYear", replace(AcademicSessionsFile, ",2027-06-10,,2027", ",2027-06-10,,2026"), "schoolYear: 2026 is not the year of endDate 2027-06-10"},
		{"Year", replace(AcademicSessionsFile, ",2027-06-10,,2027", ",2027-06-10,,27"), `schoolYear: "27" is not a year written YYYY`},
		{"Bool", replace(UsersFile, avaG+",,,true", avaG+",,,TRUE"), `enabledUser: must be true or false, not "TRUE"`},
		{"Grade", replace(UsersFile, ",03,\r\n", ",3,\r\n"), `grades: "3" is not a CEDS grade`},
		{"UserIDs", replace(UsersFile, "{Local:S2001}", "Local:S2001"), `userIds: "Local:S2001" is not a list of {type:identifier}`},
		{"SourcedIDCharacters", replace(UsersFile, "\r\n"+avaG, "\r\nava johnson"), `users.csv line 4, sourcedId: "ava johnson" is not 1 to 100 characters`},
		{"DuplicateSourcedID", replace(UsersFile, "\r\n"+noahG, "\r\n"+avaG), `users.csv line 5, sourcedId: "` + avaG + `" is used by another row`},
		{"LineBreakInField", replace(UsersFile, ",Ava,", ",\"A\nva\","), "givenName: holds a line break"},
		{"DanglingReference", replace(EnrollmentsFile, ","+avaG+",student", ",00000000-0000-4000-8000-0000000000ff,student"), `userSourcedId: "00000000-0000-4000-8000-0000000000ff" is not a sourcedId of users.csv`},
		{"DanglingListReference", replace(UsersFile, `"`+washG+","+lincolnG+`"`, `"`+washG+",nowhere"+`"`), `orgSourcedIds: "nowhere" is not a sourcedId of orgs.csv`},
		{"SchoolIsDistrict", replace(ClassesFile, ",scheduled,,"+lincolnG+",", ",scheduled,,"+orgG+","), `schoolSourcedId: "` + orgG + `" is an org of type district, not a school`},
		{"EnrollmentSchool", func(f map[string]string) {
			f[EnrollmentsFile] = strings.Replace(f[EnrollmentsFile], mathG+","+lincolnG, mathG+","+washG, 1)
		}, `"` + washG + `" is not the school of class "` + mathG + `"`},
		{"EnrolledTwice", func(f map[string]string) {
			l := lines(f[EnrollmentsFile])
			f[EnrollmentsFile] += strings.Replace(l[len(l)-1], "995e", "995f", 1) + "\r\n"
		}, "is enrolled in class \"" + readG + "\" again"},
		{"StudentPrimary", replace(EnrollmentsFile, ",student,,,", ",student,true,,"), "primary: only a teacher can be primary"},
		{"TwoPrimaries", replace(EnrollmentsFile, ",teacher,false,,", ",teacher,true,,"), `class "` + readG + `" has 2 primary teachers, not one`},
		{"NoPrimary", replace(EnrollmentsFile, mathG+","+lincolnG+","+garciaG+",teacher,true", mathG+","+lincolnG+","+garciaG+",teacher,false"), `class "` + mathG + `" has 0 primary teachers`},
		{"Password", replace(UsersFile, ",03,\r\n", ",03,Secret123\r\n"), "password: must be blank"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := write(t, district())
			tc.change(files)
			found := validate(t, mapFS(files))
			if tc.want == "" {
				if len(found) > 0 {
					t.Errorf("Validate found:\n%s\nwant nothing", strings.Join(found, "\n"))
				}
				return
			}
			for _, f := range found {
				if strings.Contains(f, tc.want) {
					return
				}
			}
			t.Errorf("Validate found:\n%s\nwant a finding containing %q", strings.Join(found, "\n"), tc.want)
		})
	}
}

// TestValidateFolder: files inside a folder are not at the package's root.
func TestValidateFolder(t *testing.T) {
	fsys := fstest.MapFS{}
	for name, data := range write(t, district()) {
		fsys["export/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	found := validate(t, fsys)
	if len(found) != 2 || !strings.Contains(found[0], `holds a folder "export"`) || !strings.Contains(found[1], "manifest.csv is missing") {
		t.Errorf("Validate = %q, want the folder and the missing manifest named", found)
	}
}

func TestFindingString(t *testing.T) {
	for _, tc := range []struct {
		f    Finding
		want string
	}{
		{Finding{Message: "manifest.csv is missing"}, "manifest.csv is missing"},
		{Finding{File: "users.csv", Message: "no rows"}, "users.csv: no rows"},
		{Finding{File: "users.csv", Line: 4, Field: "role", Message: "bad"}, "users.csv line 4, role: bad"},
		{Finding{File: "users.csv", Field: "role", Message: "bad"}, "users.csv, role: bad"},
	} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.f, got, tc.want)
		}
	}
}
