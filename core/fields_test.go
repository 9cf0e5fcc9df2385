package core_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

func TestNormalizeGUID(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
		ok             bool
	}{
		{"OK", "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b", "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b", true},
		{"UpperCase", "3F2B8C1E-9A4D-4E6F-8B7A-1C2D3E4F5A6B", "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b", true},
		{"Braces", "{3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b}", "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b", true},
		{"Spaces", "  3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b ", "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b", true},
		{"ErrNoDashes", "3f2b8c1e9a4d4e6f8b7a1c2d3e4f5a6b", "", false},
		{"ErrDashMisplaced", "3f2b8c1e9-a4d-4e6f-8b7a-1c2d3e4f5a6b", "", false},
		{"ErrNotHex", "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6g", "", false},
		{"ErrShort", "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6", "", false},
		{"ErrBlank", "", "", false},
		{"ErrWord", "not-a-guid", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := core.NormalizeGUID(tt.in)
			if ok != tt.ok || ok && got != tt.want {
				t.Errorf("NormalizeGUID(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestValidUserID(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     bool
	}{
		{"OK", "S2001", true},
		{"OKLeadingZeros", "000123", true},
		{"OKOneChar", "7", true},
		{"OKFifty", strings.Repeat("a", 50), true},
		{"OKAccented", "Élève42", true},
		{"ErrBlank", "", false},
		{"ErrFiftyOne", strings.Repeat("a", 51), false},
		{"ErrDash", "S-2001", false},
		{"ErrSpace", "S 2001", false},
		{"ErrUnderscore", "S_2001", false},
		{"ErrFormula", "=1+1", false},
		// The forms Key folds to a valid User ID are valid: it is the same User ID.
		{"OKFullwidth", "Ｓ２００１", true},
		{"OKDecomposedAccent", "E\u0301le\u0300ve42", true},
		{"OKSuperscriptDigits", "S¹¹", true},
		{"ErrFullwidthDash", "S－2001", false},
		{"ErrIdeographicSpace", "S\u30002001", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.ValidUserID(tt.in); got != tt.want {
				t.Errorf("ValidUserID(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRole(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     core.Role
		ok       bool
	}{
		{"OKTeacher", "Teacher", core.RoleTeacher, true},
		{"OKStudent", "Student", core.RoleStudent, true},
		{"OKAnyCase", "tEACHER", core.RoleTeacher, true},
		{"OKSpaces", " student ", core.RoleStudent, true},
		{"ErrBlank", "", "", false},
		{"ErrOther", "Principal", "", false},
		{"ErrPlural", "Students", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := core.ParseRole(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseRole(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     bool
	}{
		{"OK", "Maria", true},
		{"OKAccents", "Sofía", true},
		{"OKDiaeresis", "Zoë", true},
		{"OKCombiningAccent", "Jose\u0301", true},
		{"OKApostrophe", "O'Connor", true},
		{"OKTypographicApostrophe", "O\u2019Connor", true},
		{"OKHyphen", "Smith-Brown", true},
		{"OKPeriodAndSpace", "Mary Ann J.", true},
		{"OKCyrillic", "Анна", true},
		{"OKGreek", "Ελένη", true},
		{"OKChinese", "王小明", true},
		{"OKArabic", "فاطمة", true},
		{"OKDevanagari", "प्रिया", true}, // vowel signs are Mc/Mn marks
		{"OKFifty", strings.Repeat("a", 50), true},
		// Issue 13 item 10: Persian is written with the zero-width non-joiner.
		{"OKPersianZWNJ", "نیک\u200cنام", true},
		{"OKZWJ", "क\u094d\u200dष", true},
		{"OKCatalanMiddleDot", "Gal·la", true},
		{"ErrBlank", "", false},
		{"ErrSpacesOnly", "   ", false},
		{"ErrLeadingSpace", " Ann", false},
		{"ErrLeadingApostrophe", "'Ann", false},
		{"ErrLeadingPeriod", ".Ann", false},
		{"ErrFiftyOne", strings.Repeat("a", 51), false},
		{"ErrDigit", "J0hn", false},
		{"ErrFormulaHyperlink", `=HYPERLINK("x")`, false},
		{"ErrFormulaAtSum", "@SUM(A1)", false},
		{"ErrFormulaPlus", "+Ann", false},
		{"ErrLeadingHyphen", "-Ann", false},
		{"ErrComma", "Lee, Ann", false},
		{"ErrTab", "Ann\tLee", false},
		{"ErrEmoji", "Ann😀", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.ValidName(tt.in); got != tt.want {
				t.Errorf("ValidName(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeGrade(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"PK", "PK", true},
		{"pk", "PK", true},
		{"Pre-K", "PK", true},
		{"PreK", "PK", true},
		{"K", "K", true},
		{"k", "K", true},
		{"KG", "K", true},
		{"TK", "K", true},
		{"Kindergarten", "K", true},
		{"1", "1", true},
		{"01", "1", true},
		{"05", "5", true},
		{"09", "9", true},
		{"10", "10", true},
		{"12", "12", true},
		{" 3 ", "3", true},
		{"Grade 4", "4", true},
		{"0", "", false},
		{"00", "", false},
		{"13", "", false},
		{"010", "", false},
		{"", "", false},
		{"first", "", false},
		{"3rd", "", false},
		{"1.5", "", false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := core.NormalizeGrade(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("NormalizeGrade(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestValidEmail(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     bool
	}{
		{"OK", "mgarcia@lincoln.example.org", true},
		{"OKPlus", "m.garcia+roster@example.org", true},
		{"OKSubdomain", "a@b.c.example.org", true},
		{"ErrBlank", "", false},
		{"ErrNoAt", "mgarcia.example.org", false},
		{"ErrNoDomainDot", "mgarcia@localhost", false},
		{"ErrTrailingDot", "mgarcia@example.", false},
		{"ErrLeadingDot", "mgarcia@.example.org", false},
		// Found by the red-team round: a teacher could give a student this email, valid
		// by RFC 5322, and it reached the OneRoster users.csv as a formula for Excel.
		{"ErrFormula", "=cmd|'/Ccalc'!A0@x.org", false},
		{"ErrPlusFirst", "+cmd|'/Ccalc'!A0@x.org", false},
		{"ErrMinusFirst", "-2+3@x.org", false},
		{"ErrNoLocal", "@example.org", false},
		{"ErrSpace", "m garcia@example.org", false},
		{"ErrDisplayName", "Maria <mgarcia@example.org>", false},
		{"ErrTwoAts", "a@b@example.org", false},
		{"ErrTooLong", strings.Repeat("a", 250) + "@example.org", false},
		{"OKHyphen", "ann@st-mary-school.example.org", true},
		{"OKDoubleHyphen", "ann@xn--bcher-kva.example", true},
		{"OKDigits", "ann@ps118.nyc.example.org", true},
		{"OKDigitLabel", "ann@1.example.org", true},
		{"OKUpperCase", "Ann@Lincoln.Example.ORG", true},
		{"OKUnicode", "ann@bücher.example", true},
		{"OKUnicodeMarks", "ann@भारत.भारत", true},
		{"OKCJK", "ann@例え.テスト", true},
		{"OKLongLabel", "ann@" + strings.Repeat("a", 63) + ".org", true},
		// Found by the attack round: RFC 5322 accepts these, and no school mail reaches them.
		{"ErrHyphenFirst", "ann@-x.org", false},
		{"ErrHyphenLast", "ann@x-.org", false},
		{"ErrHyphenTLD", "ann@x.-org", false},
		{"ErrUnderscore", "ann@x_y.org", false},
		{"ErrIPLiteral", "ann@[1.2.3.4]", false},
		{"ErrIPv6Literal", "ann@[IPv6:2001:db8::1]", false},
		{"ErrIPAddress", "ann@1.2.3.4", false},
		{"ErrNumericTLD", "ann@example.123", false},
		{"ErrEmptyLabel", "ann@example..org", false},
		{"ErrLabelTooLong", "ann@" + strings.Repeat("a", 64) + ".org", false},
		{"ErrDomainTooLong", "a@" + strings.Repeat("abcdefghi.", 25) + "org", false},
		{"ErrMarkFirst", "ann@\u093eरत.भारत", false},
		{"ErrSymbol", "ann@x$y.org", false},
		{"ErrEmoji", "ann@🙂.example", false},
		{"ErrFullwidthDot", "ann@example。org", false},
		{"ErrSlash", "ann@x/y.org", false},
		{"ErrColon", "ann@example.org:25", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.ValidEmail(tt.in); got != tt.want {
				t.Errorf("ValidEmail(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidUsername(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     bool
	}{
		{"OK", "jsmith", true},
		{"OKPunctuation", "j.smith_2-a@lincoln", true},
		{"OKThree", "abc", true},
		{"OKFifty", strings.Repeat("a", 50), true},
		{"ErrTwo", "ab", false},
		{"ErrFiftyOne", strings.Repeat("a", 51), false},
		{"ErrSpace", "j smith", false},
		{"ErrSlash", "j/smith", false},
		{"ErrLeadingHyphen", "-jsmith", false},
		{"ErrLeadingAt", "@jsmith", false},
		{"ErrFormula", "=jsmith", false},
		{"ErrBlank", "", false},
		// Issue 13 item 8: only ASCII, so no username can look like another.
		{"ErrCyrillicI", "jsm\u0456th", false},
		{"ErrFullwidth", "\uff4a\uff4f\uff48\uff4e", false},
		{"ErrAccented", "josé", false},
		{"ErrGreek", "αβγ", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.ValidUsername(tt.in); got != tt.want {
				t.Errorf("ValidUsername(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidClassID(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     bool
	}{
		{"OK", "MATH3A", true},
		{"OKDashUnderscore", "math-3_a", true},
		{"OKOne", "7", true},
		{"OKFifty", strings.Repeat("c", 50), true},
		{"ErrBlank", "", false},
		{"ErrFiftyOne", strings.Repeat("c", 51), false},
		{"ErrSpace", "MATH 3A", false},
		{"ErrPeriod", "MATH.3A", false},
		{"ErrSlash", "MATH/3A", false},
		// Fullwidth punctuation (a Japanese, Chinese or Korean keyboard) is checked as
		// Key folds it: ＡＲＴ－１ is ART-1 and valid, as ＡＲＴ１ always was.
		{"OKFullwidthHyphen", "ＡＲＴ－１", true},
		{"OKFullwidthLowLine", "ＡＲＴ＿１", true},
		{"OKSmallHyphen", "ART\ufe631", true},
		{"OKFiftyFullwidth", strings.Repeat("Ｃ", 50), true},
		{"ErrFiftyOneFullwidth", strings.Repeat("Ｃ", 51), false},
		{"ErrFullwidthSpace", "ART\u30001", false},
		{"ErrFullwidthPeriod", "ART．1", false},
		{"ErrFullwidthSlash", "ART／1", false},
		{"ErrNonBreakingHyphen", "ART\u20111", false}, // NFKC keeps it a hyphen that is not -
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.ValidClassID(tt.in); got != tt.want {
				t.Errorf("ValidClassID(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidClassName(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     bool
	}{
		{"OK", "Math 3A", true},
		{"OKPunctuation", "Reading & Writing (3rd grade): Room #12", true},
		{"OKHundred", strings.Repeat("é", 100), true},
		{"ErrBlank", "", false},
		{"ErrSpaces", "   ", false},
		{"ErrHundredOne", strings.Repeat("x", 101), false},
		{"ErrNewline", "Math\n3A", false},
		{"ErrControl", "Math\x003A", false},
		{"ErrOverride", "Math \u202e3gnp.exe", false},
		{"ErrFormula", "=HYPERLINK(\"http://x\")", false},
		{"ErrPlus", "+1 Math", false},
		{"ErrMinus", "-Math-", false},
		{"ErrAt", "@SUM(1)", false},
		{"OKSignInside", "Math = Fun - @Home", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.ValidClassName(tt.in); got != tt.want {
				t.Errorf("ValidClassName(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"08/25/2026", "2026-08-25", true},
		{"8/5/2026", "2026-08-05", true},
		{"2026-08-25", "2026-08-25", true},
		{"2026-8-5", "2026-08-05", true},
		{"2026/08/25", "2026-08-25", true},
		{" 06/10/2027 ", "2027-06-10", true},
		{"02/29/2028", "2028-02-29", true}, // a leap year
		{"02/30/2026", "", false},
		{"02/29/2026", "", false},
		{"13/01/2026", "", false},
		{"25/08/2026", "", false}, // DD/MM is not a template form
		{"2026-02-30", "", false},
		{"2026-13-01", "", false},
		{"08/25/26", "2026-08-25", true}, // a spreadsheet program's M/D/YY (SPEC §12, issue 13 item 25)
		{"8/5/26", "2026-08-05", true},
		{"02/30/26", "", false},
		{"08/25/2", "", false},
		{"08/25/026", "", false},
		{"01/01/1899", "", false},
		{"tomorrow", "", false},
		{"", "", false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := core.ParseDate(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseDate(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestNormalizeMasterCode(t *testing.T) {
	for _, tt := range []struct {
		name, in, want string
		ok             bool
	}{
		{"OK", "ABCD1234EFGH5678", "ABCD1234EFGH5678", true},
		{"OKDashes", "ABCD-1234-EFGH-5678", "ABCD1234EFGH5678", true},
		{"OKLowerCase", "abcd-1234-efgh-5678", "ABCD1234EFGH5678", true},
		{"OKSpaces", " ABCD-1234-EFGH-5678 ", "ABCD1234EFGH5678", true},
		{"ErrShort", "ABCD-1234-EFGH-567", "", false},
		{"ErrLong", "ABCD-1234-EFGH-56789", "", false},
		{"ErrSymbol", "ABCD-1234-EFGH-567!", "", false},
		{"ErrInnerSpace", "ABCD 1234 EFGH 56", "", false},
		{"ErrAccent", "ÀBCD1234EFGH5678", "", false},
		{"ErrBlank", "", "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := core.NormalizeMasterCode(tt.in)
			if ok != tt.ok || ok && got != tt.want {
				t.Errorf("NormalizeMasterCode(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestKey(t *testing.T) {
	if got, want := core.Key("JSmith@Lincoln.ORG"), "jsmith@lincoln.org"; got != want {
		t.Errorf("Key(%q) = %q, want %q", "JSmith@Lincoln.ORG", got, want)
	}
}

func TestKeyFoldsUnicode(t *testing.T) {
	tests := []struct{ a, b string }{
		{"ÄB1", "äb1"},          // SQLite lower() folds only A–Z
		{"Straße", "STRASSE"},   // full folding: ß is ss
		{"ΣΟΦΟΣ", "σοφος"},      // final sigma folds like any sigma
		{"A\u0308b", "\u00e4B"}, // NFC: a decomposed umlaut is the composed one
		{"Ｊｏｈｎ", "ｊｏｈｎ"},        // full-width letters fold case too
		{"JSmith@Lincoln.ORG", "jsmith@lincoln.org"},
	}
	for _, tt := range tests {
		if ka, kb := core.Key(tt.a), core.Key(tt.b); ka != kb {
			t.Errorf("Key(%q) = %q, Key(%q) = %q; want equal", tt.a, ka, tt.b, kb)
		}
	}
	if core.Key("jsmith") == core.Key("jsmіth") { // Cyrillic і
		t.Errorf("Key folds a Cyrillic look-alike onto Latin; keys must stay distinct")
	}
}

func TestParseClassDateShortYear(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		short    bool
	}{
		{"08/15/26", "2026-08-15", true},
		{"8/15/2026", "2026-08-15", false},
		{"2026-08-15", "2026-08-15", false},
	} {
		got, short, ok := core.ParseClassDate(tt.in)
		if !ok || got != tt.want || short != tt.short {
			t.Errorf("ParseClassDate(%q) = %q, %v, %v; want %q, %v, true", tt.in, got, short, ok, tt.want, tt.short)
		}
	}
}

func TestDateExample(t *testing.T) {
	year := strconv.Itoa(time.Now().Year())
	for _, tt := range []struct {
		name, in, want string
	}{
		{"DayMonthSwapped", "25/08/2026", "08/25/2026 or 2026-08-25"},
		{"DayPastMonthEnd", "02/30/2026", "02/28/2026 or 2026-02-28"},
		{"LeapYear", "02/30/2028", "02/29/2028 or 2028-02-29"},
		{"ISODayPastEnd", "2027-04-31", "04/30/2027 or 2027-04-30"},
		{"ShortYear", "31/12/27", "12/31/2027 or 2027-12-31"},
		{"NothingButAYear", "13/45/2026", "08/25/2026 or 2026-08-25"},
		{"Words", "next Monday", "08/25/" + year + " or " + year + "-08-25"},
		{"YearInWords", "Fall 2027", "08/25/2027 or 2027-08-25"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := core.DateExample(tt.in); got != tt.want {
				t.Errorf("DateExample(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestScientificNotation(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"1.23457E+11", true},
		{"1E+05", true},
		{"1.2e+05", true},
		{"4.5E-03", true},
		{"12E3", false}, // a valid Class ID: a spreadsheet always writes the sign
		{"E+05", false},
		{"1.2.3E+05", false},
		{"S1E+05", false},
		{"123", false},
		{"", false},
	} {
		if got := core.ScientificNotation(tt.in); got != tt.want {
			t.Errorf("ScientificNotation(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestLeadingZerosLost(t *testing.T) {
	for _, tt := range []struct {
		stored, got string
		want        bool
	}{
		{"00123", "123", true},
		{"0456", "456", true},
		{"00123", "0123", true},
		{"00123", "00123", false},
		{"123", "123", false},
		{"100", "1", false},
		{"S0123", "123", false},
		{"00123", "124", false},
		{"00123", "", false},
	} {
		if got := core.LeadingZerosLost(tt.stored, tt.got); got != tt.want {
			t.Errorf("LeadingZerosLost(%q, %q) = %v, want %v", tt.stored, tt.got, got, tt.want)
		}
	}
}
