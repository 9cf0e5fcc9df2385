package roster

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/rosterdesk/rosterdesk/core"
)

// readAll reads data as a file called name and collects every row.
func readAll(tb testing.TB, name string, data []byte, mode core.Mode) (Info, []*core.Row, error) {
	tb.Helper()
	return readLimited(tb, name, data, mode, Limits{})
}

// readLimited is readAll with lowered limits.
func readLimited(tb testing.TB, name string, data []byte, mode core.Mode, lim Limits) (Info, []*core.Row, error) {
	tb.Helper()
	var rows []*core.Row
	info, err := Read(context.Background(), name, bytes.NewReader(data), int64(len(data)), mode, Options{Limits: lim}, func(row *core.Row) error {
		rows = append(rows, row)
		return nil
	})
	return info, rows, err
}

// codeOf returns the catalogue code of err, "" for nil, and fails tb when err is not a
// file-level *core.Error.
func codeOf(tb testing.TB, err error) core.Code {
	tb.Helper()
	if err == nil {
		return ""
	}
	var e *core.Error
	if !errors.As(err, &e) || e.Code == "" {
		tb.Fatalf("error %v (%T) is not a *core.Error with a Code", err, err)
	}
	if e.Message == "" {
		tb.Fatalf("error %v has no message", err)
	}
	return e.Code
}

// lines joins CSV lines with CRLF, as Excel writes them.
func lines(ls ...string) []byte { return []byte(strings.Join(ls, "\r\n") + "\r\n") }

func utf16(tb testing.TB, order unicode.Endianness, s string) []byte {
	tb.Helper()
	b, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func win1252(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// date marks a time to be written as an Excel date cell; num an int written as a
// number; a plain string is written as text.
type (
	date   time.Time
	num    int
	padded int // a number shown with the format 000000
)

// xlsxOf builds a workbook whose first sheet holds rows (nil rows stay empty); extra
// sheets follow it.
func xlsxOf(tb testing.TB, rows [][]any, extra ...string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	style, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yyyy
	if err != nil {
		tb.Fatal(err)
	}
	padCode := "000000"
	pad, err := f.NewStyle(&excelize.Style{CustomNumFmt: &padCode})
	if err != nil {
		tb.Fatal(err)
	}
	for i, row := range rows {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			switch v := v.(type) {
			case string:
				err = f.SetCellStr(sheet, cell, v)
			case num:
				err = f.SetCellInt(sheet, cell, int64(v))
			case padded:
				if err = f.SetCellInt(sheet, cell, int64(v)); err == nil {
					err = f.SetCellStyle(sheet, cell, cell, pad)
				}
			case float64:
				err = f.SetCellFloat(sheet, cell, v, -1, 64)
			case date:
				if err = f.SetCellValue(sheet, cell, time.Time(v)); err == nil {
					err = f.SetCellStyle(sheet, cell, cell, style)
				}
			case nil:
			default:
				tb.Fatalf("xlsxOf: cell type %T", v)
			}
			if err != nil {
				tb.Fatal(err)
			}
		}
	}
	for _, name := range extra {
		if _, err := f.NewSheet(name); err != nil {
			tb.Fatal(err)
		}
		if err := f.SetCellStr(name, "A1", "Not the roster"); err != nil {
			tb.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// bookSpec is one worksheet for xlsxBook.
type bookSpec struct {
	name   string
	rows   [][]any // as for xlsxOf
	hidden bool
	merges []string // ranges such as "F2:F4"
}

// xlsxBook builds a workbook of several sheets with excelize, as Excel would save it.
func xlsxBook(tb testing.TB, sheets []bookSpec) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				tb.Fatal(err)
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			tb.Fatal(err)
		}
		for r, cells := range sh.rows {
			for col, v := range cells {
				ref, _ := excelize.CoordinatesToCellName(col+1, r+1)
				if err := f.SetCellValue(sh.name, ref, v); err != nil {
					tb.Fatal(err)
				}
			}
		}
		for _, m := range sh.merges {
			from, to, _ := strings.Cut(m, ":")
			if err := f.MergeCell(sh.name, from, to); err != nil {
				tb.Fatal(err)
			}
		}
	}
	for i, sh := range sheets {
		if !sh.hidden {
			f.SetActiveSheet(i)
			break
		}
	}
	for _, sh := range sheets {
		if sh.hidden {
			if err := f.SetSheetVisible(sh.name, false); err != nil {
				tb.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// rawXLSX builds a minimal workbook around a hand-written sheetData, for content
// excelize would refuse to write (100,000 cells in a row, invalid UTF-8).
func rawXLSX(tb testing.TB, sheetData string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range minimalParts(sheetData) {
		w, err := zw.Create(p[0])
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(p[1])); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func minimalParts(sheetData string) [][2]string {
	return [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheetData + `</sheetData></worksheet>`},
	}
}

// inlineRow writes one sheetData row of inline strings.
func inlineRow(line int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, line)
	for i, c := range cells {
		ref, _ := excelize.CoordinatesToCellName(i+1, line)
		fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, c)
	}
	b.WriteString(`</row>`)
	return b.String()
}

// encryptedXLSX returns a password-protected workbook, as Excel saves one.
func encryptedXLSX(tb testing.TB) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]string{"User ID", "Role", "First Name", "Last Name"}); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf, excelize.Options{Password: "secret"}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func newZip(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}

// bombXLSX returns a workbook whose sheet unzips to more than n bytes.
func bombXLSX(tb testing.TB, n int64) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := newZip(&buf)
	parts := minimalParts("")
	for _, p := range parts[:len(parts)-1] {
		w, _ := zw.Create(p[0])
		io.WriteString(w, p[1])
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		tb.Fatal(err)
	}
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	io.WriteString(w, inlineRow(1, "User ID", "Role", "First Name", "Last Name"))
	chunk := bytes.Repeat([]byte(`<row><c t="inlineStr"><is><t>S1</t></is></c><c t="inlineStr"><is><t>Student</t></is></c></row>`), (1<<20)/96)
	for written := int64(0); written <= n; written += int64(len(chunk)) {
		if _, err := w.Write(chunk); err != nil {
			tb.Fatal(err)
		}
	}
	io.WriteString(w, `</sheetData></worksheet>`)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// lyingXLSX returns a workbook whose sheet declares 100 bytes but inflates to 1 MB.
func lyingXLSX(tb testing.TB) []byte {
	tb.Helper()
	sheet := []byte(minimalParts(inlineRow(1, "User ID", "Role", "First Name", "Last Name") + strings.Repeat(inlineRow(2, "S1", "Student", "Ann", "Lee"), 10000))[4][1])
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
	fw.Write(sheet)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := minimalParts("")
	for _, p := range parts[:len(parts)-1] {
		w, _ := zw.Create(p[0])
		io.WriteString(w, p[1])
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CRC32: crc32.ChecksumIEEE(sheet), CompressedSize64: uint64(comp.Len()), UncompressedSize64: 100,
	})
	if err != nil {
		tb.Fatal(err)
	}
	w.Write(comp.Bytes())
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
