package cards

import "testing"

func TestPaperFor(t *testing.T) {
	for _, tt := range []struct {
		locale string
		want   Paper
	}{
		{"en_US.UTF-8", Letter},
		{"en-US", Letter},
		{"fr_CA.UTF-8", Letter},
		{"es_MX", Letter},
		{"en_GB.UTF-8", A4},
		{"de-DE", A4},
		{"fr_FR@euro", A4},
		{"vi_VN", A4},
		{"zh-Hant-TW", A4},
		{"en_AU", A4},
		{"C", Letter},
		{"en", Letter},
		{"", Letter},
	} {
		if got := PaperFor(tt.locale); got != tt.want {
			t.Errorf("PaperFor(%q) = %v, want %v", tt.locale, got, tt.want)
		}
	}
}
