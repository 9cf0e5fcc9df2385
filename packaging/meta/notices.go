package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
)

// noticeTargets are the systems Rosterdesk is built for: each links a few modules of its
// own (Win32 bindings on Windows, D-Bus on Linux).
var noticeTargets = []string{"linux", "windows", "darwin"}

// noticeFile matches the files that carry a licence or notice.
var noticeFile = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice|patents|unlicense)([-_.].*)?$`)

// module is one module linked into rosterdesk or rosterctl.
type module struct {
	Path, Version, Dir string
}

// notices lists every module linked into rosterdesk or rosterctl on any target, with the
// text of each licence or notice file it ships (the Go standard library's first), as the
// About box shows them. The list comes from the module graph, so a new dependency cannot
// be forgotten: TestNoticesUpToDate fails until assets/notices.txt is regenerated.
func notices(root string) ([]byte, error) {
	mods, err := linkedModules(root)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("Rosterdesk is built with the Go programming language and the modules below.\n" +
		"Their licences and notices follow, each as its authors wrote it.\n")
	goroot, err := goEnv(root, "GOROOT")
	if err != nil {
		return nil, err
	}
	goLicence, err := os.ReadFile(filepath.Join(goroot, "LICENSE"))
	if err != nil {
		return nil, fmt.Errorf("the Go licence: %w", err)
	}
	writeNotice(&b, "Go (standard library and runtime)", "LICENSE", goLicence)
	// Third-party files Rosterdesk embeds itself (the login cards' fonts) carry theirs.
	own, err := noticeFiles(filepath.Join(root, "assets"))
	if err != nil {
		return nil, err
	}
	for _, f := range own {
		text, err := os.ReadFile(filepath.Join(root, "assets", f))
		if err != nil {
			return nil, err
		}
		writeNotice(&b, "Files embedded by Rosterdesk", "assets/"+filepath.ToSlash(f), text)
	}
	for _, m := range mods {
		files, err := noticeFiles(m.Dir)
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s %s ships no licence file: add its notice by hand and say where it comes from", m.Path, m.Version)
		}
		for _, f := range files {
			text, err := os.ReadFile(filepath.Join(m.Dir, f))
			if err != nil {
				return nil, err
			}
			writeNotice(&b, m.Path+" "+m.Version, filepath.ToSlash(f), text)
		}
	}
	return b.Bytes(), nil
}

func writeNotice(b *bytes.Buffer, what, file string, text []byte) {
	fmt.Fprintf(b, "\n%s\n%s (%s)\n%s\n\n", strings.Repeat("=", 72), what, file, strings.Repeat("-", 72))
	text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
	b.Write(bytes.TrimRight(text, "\n"))
	b.WriteString("\n")
}

// linkedModules lists the modules (not the main one) whose packages rosterdesk or
// rosterctl link on any of noticeTargets, sorted by path.
func linkedModules(root string) ([]module, error) {
	seen := map[string]module{}
	for _, goos := range noticeTargets {
		cmd := exec.Command("go", "list", "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}}\t{{.Version}}\t{{.Dir}}{{end}}{{end}}",
			"./cmd/rosterdesk", "./cmd/rosterctl")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=1", "GOFLAGS=-mod=mod")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("go list (GOOS=%s): %v\n%s", goos, err, stderr.Bytes())
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			f := strings.Split(sc.Text(), "\t")
			if len(f) != 3 {
				continue
			}
			if f[2] == "" {
				return nil, fmt.Errorf("%s %s is not downloaded: run go mod download", f[0], f[1])
			}
			seen[f[0]] = module{Path: f[0], Version: f[1], Dir: f[2]}
		}
	}
	mods := make([]module, 0, len(seen))
	for _, m := range seen {
		mods = append(mods, m)
	}
	slices.SortFunc(mods, func(a, b module) int { return strings.Compare(a.Path, b.Path) })
	return mods, nil
}

// noticeFiles lists a module's licence and notice files, its root's first, skipping test
// data and nested modules' vendored copies.
func noticeFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != dir && (n == "testdata" || n == "vendor" || n == "cmd" || strings.HasPrefix(n, "example") || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if noticeFile.MatchString(d.Name()) {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, rel)
		}
		return nil
	})
	slices.SortFunc(files, func(a, b string) int {
		// Root files first, then by path.
		da, db := strings.Count(a, string(filepath.Separator)), strings.Count(b, string(filepath.Separator))
		if da != db {
			return da - db
		}
		return strings.Compare(a, b)
	})
	return files, err
}

func goEnv(root, name string) (string, error) {
	cmd := exec.Command("go", "env", name)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		return s, nil
	}
	return runtime.GOROOT(), nil
}
