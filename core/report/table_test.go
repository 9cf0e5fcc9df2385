package report

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestTableRoundTrip: a stored table gives back exactly the cells it was given, formulas
// and all (only downloads neutralise them), whatever they hold.
func TestTableRoundTrip(t *testing.T) {
	header := []string{"User ID", "First Name", "Password"}
	rows := [][]string{
		{"00123", "=HYPERLINK(\"x\")", ""},
		{"S2", "Ann, \"Annie\"\r\nLee", "+Secret"},
		{"", "", ""},
		{" padded ", "@sum", "-1"},
		{"short"},
		{"\t\ttab", "ＺＯＥ", strings.Repeat("x", 40000)},
		{"cr\r", "quoted \"end\"", "a,b"},
		{"", "x\r", ""},
	}
	var buf bytes.Buffer
	w, err := NewTableWriter(&buf, header)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if w.Rows() != len(rows) {
		t.Errorf("Rows() = %d, want %d", w.Rows(), len(rows))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.Abort() // after Close: nothing

	r, err := NewTableReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Header(), header) {
		t.Errorf("Header() = %q, want %q", r.Header(), header)
	}
	var got [][]string
	for row := range r.Rows() {
		got = append(got, row)
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	want := slices.Clone(rows)
	want[4] = []string{"short", "", ""} // padded to the header's width
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %q,\nwant %q", got, want)
	}
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errFull }

var errFull = errors.New("disk full")

// TestTableWriterFails: a destination that fails makes Write or Close fail, never hang.
func TestTableWriterFails(t *testing.T) {
	w, err := NewTableWriter(failingWriter{}, []string{"A"})
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	for i := 0; i < 100000 && werr == nil; i++ {
		werr = w.Write([]string{strings.Repeat("x", 100)})
	}
	if cerr := w.Close(); werr == nil && cerr == nil || !errors.Is(werr, errFull) && !errors.Is(cerr, errFull) {
		t.Errorf("writing to a failing destination: Write %v, Close %v; want the destination's error", werr, cerr)
	}
}

// TestTableWriterAbort: an abandoned table ends its goroutine at once.
func TestTableWriterAbort(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewTableWriter(&buf, []string{"A"})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]string{"x"})
	w.Abort()
	if err := w.Write([]string{"y"}); err == nil {
		t.Error("Write after Abort succeeded")
	}
}

// TestTableReadsEncodingCSV: tables stored before this format was Rosterdesk's own were
// written by encoding/csv (LF line ends); they read back the same.
func TestTableReadsEncodingCSV(t *testing.T) {
	rows := [][]string{{"User ID", "Name"}, {"00123", "Ann \"A\", Lee"}, {"", "line\r\nbreak"}, {" x", ""}}
	var raw bytes.Buffer
	zw := gzip.NewWriter(&raw)
	cw := csv.NewWriter(zw)
	cw.WriteAll(rows)
	zw.Close()
	r, err := NewTableReader(&raw)
	if err != nil {
		t.Fatal(err)
	}
	got := [][]string{r.Header()}
	for row := range r.Rows() {
		got = append(got, row)
	}
	if r.Err() != nil || !reflect.DeepEqual(got, rows) {
		t.Errorf("read back %q, %v; want %q", got, r.Err(), rows)
	}
}
