package oneroster

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// bigPackage is a package of one school with n students, each enrolled in one of the
// n/25 classes, each class with its teacher.
func bigPackage(n int) map[string]string {
	files := sisPackage()
	var users, classes, enrollments strings.Builder
	users.WriteString("sourcedId,orgSourcedIds,role,username,givenName,familyName,identifier,grades\n")
	classes.WriteString("sourcedId,title,classCode,schoolSourcedId,termSourcedIds,grades\n")
	enrollments.WriteString("sourcedId,classSourcedId,schoolSourcedId,userSourcedId,role,primary\n")
	for c := 0; c < n/25; c++ {
		fmt.Fprintf(&users, "T%d,S-LIN,teacher,t%d,Teacher,Number %d,T%d,\n", c, c, c, c)
		fmt.Fprintf(&classes, "C%d,Class %d,CL%d,S-LIN,F26,03\n", c, c, c)
		fmt.Fprintf(&enrollments, "ET%d,C%d,S-LIN,T%d,teacher,true\n", c, c, c)
	}
	for s := 0; s < n; s++ {
		fmt.Fprintf(&users, "S%d,S-LIN,student,s%d,Student,Number %d,S%d,03\n", s, s, s, s)
		fmt.Fprintf(&enrollments, "ES%d,C%d,S-LIN,S%d,student,false\n", s, s%(n/25), s)
	}
	files[UsersFile], files[ClassesFile], files[EnrollmentsFile] = users.String(), classes.String(), enrollments.String()
	return files
}

// TestStreamMemoryBounded: Stream keeps a package's records in its spill, not in Go's
// heap. While the rows of a package of 30,000 students are handed on, the live heap has
// grown by far less than its records would take in memory (about 15 MB as maps of
// users, classes and enrollments).
func TestStreamMemoryBounded(t *testing.T) {
	const students = 30000
	fsys := mapFS(bigPackage(students))
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, uint64(0)
	n, polls := 0, 0
	opts := Options{School: []string{"S-LIN"}, OnRecords: func(int) { polls++ }}
	_, err := Stream(context.Background(), fsys, opts, func(r *Row) error {
		n++
		if n%3000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Stream: %v", err)
	}
	if want := students + students/25; n != want {
		t.Fatalf("Stream handed on %d rows, want %d", n, want)
	}
	if want := (3*students + 2*students/25) / 1024; polls < want {
		t.Errorf("OnRecords was called %d times, want at least %d (every 1,024 records)", polls, want)
	}
	if grown := int64(peak) - int64(base); grown > 3<<20 {
		t.Errorf("live heap grew by %d KB while the rows were handed on, want at most 3 MB: the records are held in memory", grown>>10)
	}
}

// TestLineEnds: lone CRs become LF wherever reads split the text, and the kinds of line
// end are noted.
func TestLineEnds(t *testing.T) {
	for _, tc := range []struct {
		in, want       string
		loneCR, lfOnly bool
	}{
		{"a,b\r\nc,d\r\n", "a,b\r\nc,d\r\n", false, false},
		{"a,b\nc,d", "a,b\nc,d", false, true},
		{"\na", "\na", false, true},
		{"a,b\rc,d\r", "a,b\nc,d\n", true, false},
		{"a\r\rb\r\nc\n", "a\n\nb\r\nc\n", true, true},
	} {
		for _, split := range []bool{false, true} {
			var src io.Reader = strings.NewReader(tc.in)
			if split {
				src = iotest.OneByteReader(src)
			}
			l := &lineEnds{r: bufio.NewReaderSize(src, 16)}
			got, err := io.ReadAll(l)
			if err != nil || string(got) != tc.want || l.loneCR != tc.loneCR || l.lfOnly != tc.lfOnly {
				t.Errorf("lineEnds(%q, split %v) = %q, lone CR %v, LF only %v, %v; want %q, %v, %v",
					tc.in, split, got, l.loneCR, l.lfOnly, err, tc.want, tc.loneCR, tc.lfOnly)
			}
		}
	}
}

// TestLimitReader: a file of exactly the limit is read; one byte more is too big.
func TestLimitReader(t *testing.T) {
	for _, tc := range []struct {
		data  string
		limit int64
		err   error
	}{
		{"12345", 5, nil},
		{"12345", 6, nil},
		{"12345", 4, errTooBig},
		{"", 0, nil},
	} {
		_, err := io.ReadAll(iotest.OneByteReader(&limitReader{r: strings.NewReader(tc.data), left: tc.limit}))
		if !errors.Is(err, tc.err) {
			t.Errorf("read %q with limit %d: %v, want %v", tc.data, tc.limit, err, tc.err)
		}
	}
}
