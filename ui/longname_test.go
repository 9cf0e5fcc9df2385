package ui

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rosterdesk/rosterdesk/core"
)

// TestSaveSuggestsNameThatFits: the name the save dialog suggests fits in a file name
// (255 bytes) and keeps its extension. An upload whose own name is long (80 Japanese
// characters are 240 bytes) gets "_Completed.xlsx" added for its Completed File, a
// school name of 100 such characters is 300 bytes: the window suggested a name the
// disk refuses, and saving it as suggested failed with "file name too long".
func TestSaveSuggestsNameThatFits(t *testing.T) {
	h := newHarness(t, newFakeEngine())
	long := strings.Repeat("名", 80) + ".csv"
	for _, name := range []string{
		downloadName(core.Upload{FileName: long}, core.FileCompleted, core.FormatXLSX),
		"Export_Teachers_Students_" + fileSafe(strings.Repeat("学", 100)) + "_2026-09-01.csv",
		cardsName(uploadFileBase(long), strings.Repeat("組", 40)),
	} {
		ext := name[strings.LastIndexByte(name, '.'):]
		write := func(ctx context.Context, w io.Writer, f core.Format) error {
			_, err := io.WriteString(w, "x")
			return err
		}
		if ext == ".pdf" {
			// Login cards save through their own dialog call; the name is fitted the same way.
			name = fitName(name)
		} else {
			h.a.save("Save", name, write)
			h.settle()
			var path string
			name, path = h.picker.lastSave()
			if _, err := os.Stat(path); err != nil {
				t.Errorf("saving under the suggested name %q: %v", name, err)
			}
		}
		if len(name) > 255 || !utf8.ValidString(name) || !strings.HasSuffix(name, ext) {
			t.Errorf("suggested name %q (%d bytes): want at most 255 bytes of UTF-8 ending %s", name, len(name), ext)
		}
	}
}
