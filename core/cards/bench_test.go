package cards

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkRender prints the fixture's 29 cards, 8 to a page, with QR codes.
func BenchmarkRender(b *testing.B) {
	fx := loadFixture(b)
	opts := Options{QR: true, Printed: printed, FontDirs: []string{cjkDir(b)}}
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if _, err := Render(context.Background(), &out, fx.cards, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Len()), "pdf-bytes")
}
