package engine_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
	"github.com/rosterdesk/rosterdesk/core/oneroster"
)

// orDay is the clock of the OneRoster export tests: the sample's classes run from
// August 2026, and its ART3 has no dates, so it lands in the 2026–2027 school year.
var orDay = time.Date(2026, 8, 20, 9, 0, 0, 0, time.UTC)

// sampleService opens a fresh database with the sample data (engine.InitSample).
func sampleService(t *testing.T) *engine.Service {
	t.Helper()
	svc, err := engine.Open(context.Background(), filepath.Join(t.TempDir(), "rosterdesk.db"), engine.Options{Now: func() time.Time { return orDay }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	if _, err := svc.InitSample(context.Background()); err != nil {
		t.Fatalf("InitSample: %v", err)
	}
	return svc
}

// exportOneRoster exports a package and returns its bytes, failing the test if it does
// not validate.
func exportOneRoster(t *testing.T, svc *engine.Service, schoolID int64, actor engine.Actor) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := svc.ExportOneRoster(context.Background(), actor, &b, schoolID); err != nil {
		t.Fatalf("ExportOneRoster(%d): %v", schoolID, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatalf("the export is not a zip: %v", err)
	}
	found, err := oneroster.Validate(zr)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Errorf("exported package: %s", f)
	}
	return b.Bytes()
}

// packageFiles returns a package's files in zip order, GUIDs replaced by GUID-1, GUID-2…
// in order of first appearance, so a golden file holds no random value but still shows
// which records refer to which.
func packageFiles(t *testing.T, data []byte) ([]string, map[string]string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	guid := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	seen := map[string]string{}
	var names []string
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
		files[f.Name] = guid.ReplaceAllStringFunc(string(b), func(g string) string {
			if _, ok := seen[g]; !ok {
				seen[g] = "GUID-" + strconv.Itoa(len(seen)+1)
			}
			return seen[g]
		})
	}
	return names, files
}

func schoolNamed(t *testing.T, svc *engine.Service, name string) core.School {
	t.Helper()
	s, err := svc.SchoolByName(context.Background(), engine.Owner("Test"), name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestExportOneRosterSample exports the sample organization and compares it with the
// golden package in testdata/oneroster/golden/sample (go test -update rewrites it). The
// package validates, and exporting again gives the same bytes.
func TestExportOneRosterSample(t *testing.T) {
	svc := sampleService(t)
	data := exportOneRoster(t, svc, 0, engine.Owner("Test"))
	if again := exportOneRoster(t, svc, 0, engine.Owner("Test")); !bytes.Equal(again, data) {
		t.Errorf("a second export of the same data differs from the first")
	}
	names, files := packageFiles(t, data)
	dir := filepath.Join("..", "..", "testdata", "oneroster", "golden", "sample")
	if *update {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), []byte(files[n]), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	golden, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(golden) != len(names) {
		t.Errorf("package holds %q, golden %d files", names, len(golden))
	}
	for _, n := range names {
		want, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Errorf("golden %s: %v", n, err)
			continue
		}
		if files[n] != string(want) {
			t.Errorf("%s =\n%s\nwant (testdata/oneroster/golden/sample/%s)\n%s", n, files[n], n, want)
		}
	}
}

// TestExportOneRosterScopes: a school's package holds that school only; a school with
// no users leaves users.csv out; a teacher's holds their classes and members; a teacher
// cannot export the organization or another school.
func TestExportOneRosterScopes(t *testing.T) {
	svc := sampleService(t)
	ctx := context.Background()
	lincoln, washington := schoolNamed(t, svc, "Lincoln Elementary"), schoolNamed(t, svc, "Washington Middle School")

	_, files := packageFiles(t, exportOneRoster(t, svc, lincoln.ID, engine.Owner("Test")))
	if strings.Contains(files[oneroster.OrgsFile], "Washington") || strings.Count(files[oneroster.UsersFile], "\r\n") != 1+10 {
		t.Errorf("Lincoln's package: orgs.csv =\n%s\nusers.csv =\n%s\nwant Lincoln only and its 10 users", files[oneroster.OrgsFile], files[oneroster.UsersFile])
	}

	_, files = packageFiles(t, exportOneRoster(t, svc, washington.ID, engine.Owner("Test")))
	if _, ok := files[oneroster.UsersFile]; ok || !strings.Contains(files[oneroster.ManifestFile], "file.users,absent\r\n") {
		t.Errorf("Washington's package (no users) holds %d files, manifest\n%s", len(files), files[oneroster.ManifestFile])
	}

	maria, err := svc.UserByUsername(ctx, engine.Owner("Test"), "mgarcia")
	if err != nil {
		t.Fatal(err)
	}
	teacher := engine.Actor{Name: "Maria Garcia", TeacherID: maria.ID}
	_, files = packageFiles(t, exportOneRoster(t, svc, lincoln.ID, teacher))
	if c := files[oneroster.ClassesFile]; !strings.Contains(c, ",MATH3A,") || strings.Contains(c, "READ3B") || strings.Contains(c, "ART3") {
		t.Errorf("Maria Garcia's classes.csv =\n%s\nwant MATH3A only", c)
	}
	for _, who := range []string{"Maria", "Ava", "Noah", "Liam"} {
		if !strings.Contains(files[oneroster.UsersFile], ","+who+",") {
			t.Errorf("Maria Garcia's users.csv lacks %s:\n%s", who, files[oneroster.UsersFile])
		}
	}
	for _, who := range []string{"James", "Sofía", "Henry"} {
		if strings.Contains(files[oneroster.UsersFile], ","+who+",") {
			t.Errorf("Maria Garcia's users.csv holds %s, who is in none of her classes", who)
		}
	}

	var b bytes.Buffer
	if err := svc.ExportOneRoster(ctx, teacher, &b, 0); core.ErrorCode(err) != core.AccessOrgAdmin {
		t.Errorf("a teacher's export of the organization = %v, want ACCESS_ORG_ADMIN", err)
	}
	if err := svc.ExportOneRoster(ctx, teacher, &b, washington.ID); core.ErrorCode(err) != core.AccessSchool {
		t.Errorf("a teacher's export of another school = %v, want ACCESS_SCHOOL", err)
	}
	if err := svc.ExportOneRoster(ctx, engine.Owner("Test"), &b, 9999); core.ErrorKind(err) != core.KindNotFound {
		t.Errorf("export of a school that does not exist = %v, want not found", err)
	}
}

// TestOneRosterRoundTripThroughTemplate exports Lincoln, reads the package back with
// oneroster.Read, imports the rows as a template file into a fresh database, and
// exports again: apart from the GUIDs the new database makes, the two packages are the
// same (users, classes, primary teachers, enrollments, terms and courses).
func TestOneRosterRoundTripThroughTemplate(t *testing.T) {
	ctx := context.Background()
	svc := sampleService(t)
	first := exportOneRoster(t, svc, schoolNamed(t, svc, "Lincoln Elementary").ID, engine.Owner("Test"))

	zr, err := zip.NewReader(bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := oneroster.Read(ctx, zr, oneroster.Options{School: []string{"Lincoln Elementary"}})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	var csv bytes.Buffer
	csv.WriteString(strings.Join(core.TemplateHeaders(core.ModeAdmin), ",") + "\r\n")
	for _, r := range res.Rows {
		if len(r.Problems) > 0 {
			t.Errorf("row %v: %v", r.Origin, r.Problems)
		}
		csv.WriteString(strings.Join(r.Raw, ",") + "\r\n") // the sample has no comma or quote
	}

	samePackages(t, first, importFresh(t, "lincoln.csv", csv.Bytes()))
}

// importFresh imports a file into Lincoln Elementary of a fresh database, requires it to
// complete, and returns the school's OneRoster package.
func importFresh(t *testing.T, name string, data []byte) []byte {
	t.Helper()
	ctx := context.Background()
	fresh, err := engine.Open(ctx, filepath.Join(t.TempDir(), "fresh.db"), engine.Options{Now: func() time.Time { return orDay }})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if _, err := fresh.Init(ctx, "Sample School District"); err != nil {
		t.Fatal(err)
	}
	school, err := fresh.AddSchool(ctx, engine.Owner("Test"), "Lincoln Elementary")
	if err != nil {
		t.Fatal(err)
	}
	up, err := fresh.Import(ctx, engine.UploadRequest{FileName: name, Data: data, SchoolID: school.ID, Actor: engine.Owner("Test")}, nil)
	if err != nil || up.Status != core.StatusCompleted {
		t.Fatalf("Import(%s) = %+v, %v; want Completed", name, up, err)
	}
	return exportOneRoster(t, fresh, school.ID, engine.Owner("Test"))
}

// samePackages fails the test unless two packages are the same but for their GUIDs.
func samePackages(t *testing.T, first, second []byte) {
	t.Helper()
	names1, files1 := packageFiles(t, first)
	names2, files2 := packageFiles(t, second)
	if strings.Join(names1, ",") != strings.Join(names2, ",") {
		t.Fatalf("files %q, then %q", names1, names2)
	}
	for _, n := range names1 {
		if files1[n] != files2[n] {
			t.Errorf("%s after the round trip =\n%s\nwant\n%s", n, files2[n], files1[n])
		}
	}
}
