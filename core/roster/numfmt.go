package roster

import "strings"

// numFmt is what the reader needs to know of a cell's number format: whether a number in
// it is shown as a date, and how many digits a zero-padding format shows.
type numFmt struct {
	class fmtClass
	width uint8 // fmtZeroPad: the digits shown, leading zeros included
}

type fmtClass uint8

const (
	// fmtGeneral is the General format, and any format we do not know: a number is
	// taken as written, and in a class date column as an Excel date, as a date whose
	// format was lost shows.
	fmtGeneral fmtClass = iota
	// fmtDate shows a number as a date or a time.
	fmtDate
	// fmtNumber is an explicit number or text format (0.00, #,##0, @): a number is taken
	// as written, even in a date column.
	fmtNumber
	// fmtZeroPad shows a whole number with leading zeros (000000): offices use it for IDs
	// stored as numbers, and the zeros are part of the ID they see.
	fmtZeroPad
)

// classifyBuiltin classifies a built-in number format by its id (ECMA-376 §18.8.30).
func classifyBuiltin(id int) numFmt {
	switch {
	case id == 0:
		return numFmt{class: fmtGeneral}
	case 1 <= id && id <= 13, 37 <= id && id <= 44, id == 48, id == 49:
		return numFmt{class: fmtNumber}
	case 14 <= id && id <= 22, 45 <= id && id <= 47:
		return numFmt{class: fmtDate}
	case 27 <= id && id <= 36, 50 <= id && id <= 58:
		// The East Asian built-in formats are dates and times.
		return numFmt{class: fmtDate}
	}
	return numFmt{class: fmtGeneral}
}

// classifyCode classifies a custom number format code. Only the first section (the one
// for positive numbers) counts. A code is a date if it has a d, m or y outside quoted
// text, escapes and brackets, or an elapsed-time bracket such as [h]; it pads with zeros
// if it is nothing but two or more zeros.
func classifyCode(code string) numFmt {
	sec := firstSection(code)
	if strings.EqualFold(strings.TrimSpace(sec), "general") {
		return numFmt{class: fmtGeneral}
	}
	if len(sec) >= 2 && strings.Trim(sec, "0") == "" {
		return numFmt{class: fmtZeroPad, width: uint8(min(len(sec), 255))}
	}
	for i := 0; i < len(sec); i++ {
		switch c := sec[i]; c {
		case '"':
			if j := strings.IndexByte(sec[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(sec)
			}
		case '\\', '_', '*':
			i++ // the next character is literal, a space's width, or a fill
		case '[':
			j := strings.IndexByte(sec[i+1:], ']')
			if j < 0 {
				i = len(sec)
				continue
			}
			switch strings.ToLower(sec[i+1 : i+1+j]) {
			case "h", "hh", "m", "mm", "s", "ss":
				return numFmt{class: fmtDate}
			}
			i += j + 1
		case 'd', 'D', 'm', 'M', 'y', 'Y':
			return numFmt{class: fmtDate}
		}
	}
	return numFmt{class: fmtNumber}
}

// firstSection returns code up to its first section separator (a ';' outside quotes).
func firstSection(code string) string {
	quoted := false
	for i := 0; i < len(code); i++ {
		switch code[i] {
		case '"':
			quoted = !quoted
		case '\\':
			i++
		case ';':
			if !quoted {
				return code[:i]
			}
		}
	}
	return code
}

// padZeros returns v, the digits of a whole number, with the leading zeros a format of
// width digits shows. Anything else (a fraction, a negative number, more digits than the
// width) is returned as it is.
func padZeros(v []byte, width int) []byte {
	if len(v) == 0 || len(v) >= width || !isDigits(v) {
		return v
	}
	out := make([]byte, width)
	n := copy(out[width-len(v):], v)
	for i := range width - n {
		out[i] = '0'
	}
	return out
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
