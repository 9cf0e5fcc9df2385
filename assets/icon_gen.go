//go:build ignore

// icon_gen draws icon.png: a roster sheet (rows of people) on a rounded blue tile.
// Run it with `go generate ./assets` after changing the drawing.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const size = 512

var (
	blue   = color.NRGBA{0x1f, 0x5f, 0xa8, 0xff}
	blueLo = color.NRGBA{0x17, 0x4a, 0x86, 0xff}
	white  = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	line   = color.NRGBA{0xb8, 0xc9, 0xdd, 0xff}
	green  = color.NRGBA{0x2f, 0xa3, 0x5a, 0xff}
)

// inRoundRect reports whether (x, y) is inside the rectangle [x0,x1)×[y0,y1) with corners
// rounded to radius r.
func inRoundRect(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x >= x1 || y < y0 || y >= y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(x, x1-r))
	cy := math.Max(y0+r, math.Min(y, y1-r))
	return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
}

func inCircle(x, y, cx, cy, r float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }

func main() {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			x, y := float64(px)+0.5, float64(py)+0.5
			var c color.NRGBA
			switch {
			case !inRoundRect(x, y, 16, 16, 496, 496, 96):
				continue
			case inRoundRect(x, y, 112, 88, 400, 440, 28):
				c = white
				// Clip at the top of the sheet.
				if inRoundRect(x, y, 196, 64, 316, 112, 18) {
					c = blueLo
				}
				for i := 0; i < 4; i++ {
					top := 150.0 + float64(i)*70
					if inCircle(x, y, 168, top+20, 22) {
						c = blue
						if i == 3 {
							c = green
						}
					}
					if inRoundRect(x, y, 206, top+10, 360, top+30, 10) {
						c = line
					}
				}
			default:
				c = blue
				if y > 400 {
					c = blueLo
				}
			}
			img.SetNRGBA(px, py, c)
		}
	}
	f, err := os.Create("icon.png")
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
