package ui

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/atomicfile"
)

var (
	filterCSV   = FileFilter{Desc: "CSV file (.csv)", Extensions: []string{"csv"}}
	filterXLSX  = FileFilter{Desc: "Excel workbook (.xlsx)", Extensions: []string{"xlsx"}}
	filterZip   = FileFilter{Desc: "OneRoster package (.zip)", Extensions: []string{"zip"}}
	filterInput = FileFilter{Desc: "Roster files (.csv, .xlsx, OneRoster .zip)", Extensions: []string{"csv", "xlsx", "zip"}}
)

func filtersFor(f core.Format) []FileFilter {
	switch f {
	case core.FormatXLSX:
		return []FileFilter{filterXLSX}
	case core.FormatOneRoster:
		return []FileFilter{filterZip}
	}
	return []FileFilter{filterCSV}
}

// writeFunc writes a file in format f.
type writeFunc func(ctx context.Context, w io.Writer, f core.Format) error

// save asks where to save a file (suggesting defaultName) and writes it there in the
// background; the format follows the extension chosen, defaulting to defaultName's.
func (a *App) save(title, defaultName string, write writeFunc) {
	defaultName = fitName(defaultName)
	def, _ := core.FormatOf(defaultName)
	var path string
	a.background("save "+defaultName, func(ctx context.Context) error {
		var err error
		path, err = a.picker.Save(title, defaultName, filtersFor(def))
		if err != nil {
			return err
		}
		f, ok := core.FormatOf(path)
		if !ok || (f == core.FormatOneRoster) != (def == core.FormatOneRoster) {
			// A OneRoster package is a zip whatever the name typed, and a table is never
			// one: the name gets the extension of what is written.
			path += "." + string(def)
			f = def
		}
		return writeFile(path, func(w io.Writer) error { return write(ctx, w, f) })
	}, func(err error) {
		if err != nil {
			a.showError(err)
			return
		}
		a.setStatus("Saved " + filepath.Base(path) + " in " + filepath.Dir(path) + ".")
	})
}

// writeFile writes the chosen file through atomicfile: complete or not at all, readable
// by its owner only. Its errors name the chosen file and say what is wrong with it.
func writeFile(path string, write func(io.Writer) error) error {
	return fileError(path, atomicfile.Write(path, write), "")
}

// fileError says in plain words what is wrong with the chosen file path when err is an
// error of that file, followed by note when there is one; other errors are returned as
// they are.
func fileError(path string, err error, note string) error {
	problem := atomicfile.Problem(err)
	if problem == "" {
		return err
	}
	msg := fmt.Sprintf("%s was not saved: %s. Choose another place or name.", filepath.Base(path), problem)
	if note != "" {
		msg += " " + note
	}
	return &core.Error{Kind: core.KindStorage, Op: "save", Message: msg, Err: err}
}

// maxNameBytes is the longest file name the disks Rosterdesk runs on take: 255 bytes of
// UTF-8 (ext4, APFS), 255 UTF-16 units (NTFS), which are never more than the bytes.
const maxNameBytes = 255

// fitName shortens a suggested file name to maxNameBytes, cutting its stem at a
// character's boundary and keeping its extension: a name made of an upload's file name
// or a school's name (100 Japanese characters are 300 bytes) and a suffix may be longer
// than a disk takes, and saving it as suggested failed with "file name too long".
func fitName(name string) string {
	if len(name) <= maxNameBytes {
		return name
	}
	ext := filepath.Ext(name)
	if len(ext) > maxNameBytes/2 { // no extension, only a dot far on
		ext = ""
	}
	stem := name[:len(name)-len(ext)]
	n := maxNameBytes - len(ext)
	for n > 0 && !utf8.RuneStart(stem[n]) {
		n--
	}
	return stem[:n] + ext
}

// fileSafe makes a school name usable in a file name on every system.
func fileSafe(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == ' ':
			b.WriteByte('_')
		case strings.ContainsRune(`/\:*?"<>|`, r), r < 32:
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func ext(f core.Format) string { return "." + string(f) }

// uploadFileBase is an upload's file name without its extension.
func uploadFileBase(name string) string {
	return strings.TrimSuffix(name, filepath.Ext(name))
}

// downloadName suggests a file name for one of an upload's files.
func downloadName(u core.Upload, kind core.FileKind, f core.Format) string {
	base := uploadFileBase(u.FileName)
	switch kind {
	case core.FileCompleted:
		return base + "_Completed" + ext(f)
	case core.FileError:
		return base + "_Errors" + ext(f)
	}
	return base + "_Uploaded" + ext(f)
}
