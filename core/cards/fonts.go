package cards

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/font/opentype/tables"

	"github.com/rosterdesk/rosterdesk/assets/fonts"
)

// face is one typeface a card draws with, and the glyphs drawn from it so far. Every face
// is written as Type 3 fonts of at most 256 glyphs each, whose glyphs are the face's own
// outlines: one way for TrueType and CFF outlines alike, holding only the glyphs used.
type face struct {
	name    string // file name, for error messages
	f       *font.Face
	upem    float64
	ascent  float64 // above the baseline, in em
	descent float64 // below the baseline, in em, positive

	codes map[font.GID]glyphCode
	subs  []*subfont
}

// glyphCode is where a glyph sits in the face's Type 3 fonts: which one, and its byte code.
type glyphCode struct {
	sub  int
	code byte
}

// subfont is one Type 3 font of a face: up to 256 glyphs, with the text each stands for.
type subfont struct {
	res    string // resource name, "F3"
	glyphs []font.GID
	text   []string
}

func newFace(name string, f *font.Face) *face {
	fc := &face{name: name, f: f, upem: float64(f.Upem()), codes: map[font.GID]glyphCode{}}
	if ext, ok := f.FontHExtents(); ok {
		fc.ascent = float64(ext.Ascender) / fc.upem
		fc.descent = -float64(ext.Descender) / fc.upem
	}
	if fc.ascent <= 0 {
		fc.ascent = 0.9
	}
	if fc.descent <= 0 {
		fc.descent = 0.25
	}
	return fc
}

func parseFont(name string, data []byte) (*font.Font, error) {
	ld, err := ot.NewLoader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("read font %s: %w", name, err)
	}
	f, err := font.NewFont(ld)
	if err != nil {
		return nil, fmt.Errorf("read font %s: %w", name, err)
	}
	return f, nil
}

// builtIn parses the embedded fonts once per process: parsing is a good part of printing
// a class's cards, and a parsed font.Font is safe for concurrent use (each document
// makes its own Faces, which are not).
var builtIn = sync.OnceValues(func() ([3]*font.Font, error) {
	var out [3]*font.Font
	for i, f := range []struct {
		name string
		data []byte
	}{{"DejaVuSans.ttf", fonts.Sans}, {"DejaVuSans-Bold.ttf", fonts.SansBold}, {"DejaVuSansMono-Bold.ttf", fonts.MonoBold}} {
		var err error
		if out[i], err = parseFont(f.name, f.data); err != nil {
			return out, err
		}
	}
	return out, nil
})

// has reports whether the face maps r to a glyph.
func (fc *face) has(r rune) bool {
	_, ok := fc.f.NominalGlyph(r)
	return ok
}

// fontSet is every face one document uses: the embedded ones, then system fonts found on
// demand for scripts the embedded ones lack.
type fontSet struct {
	sans, bold, mono *face
	byFont           map[*font.Face]*face
	all              []*face
	sys              *systemFonts
	nextRes          int
}

func newFontSet(dirs []string) (*fontSet, error) {
	s := &fontSet{byFont: map[*font.Face]*face{}, sys: &systemFonts{dirs: dirs, loaded: map[string]*face{}}}
	fs, err := builtIn()
	if err != nil {
		return nil, err
	}
	s.sans = newFace("DejaVuSans.ttf", font.NewFace(fs[0]))
	s.bold = newFace("DejaVuSans-Bold.ttf", font.NewFace(fs[1]))
	s.mono = newFace("DejaVuSansMono-Bold.ttf", font.NewFace(fs[2]))
	for _, f := range []*face{s.sans, s.bold, s.mono} {
		s.register(f)
	}
	return s, nil
}

func (s *fontSet) register(f *face) {
	if _, ok := s.byFont[f.f]; !ok {
		s.byFont[f.f] = f
		s.all = append(s.all, f)
	}
}

// code returns the byte code of glyph g of face f, giving it one (and a new Type 3 font
// when the face's last one is full) on first use. text is what the glyph stands for, for
// the font's ToUnicode map; the first use decides.
func (s *fontSet) code(f *face, g font.GID, text string) (res string, code byte) {
	if c, ok := f.codes[g]; ok {
		return f.subs[c.sub].res, c.code
	}
	if len(f.subs) == 0 || len(f.subs[len(f.subs)-1].glyphs) == 256 {
		s.nextRes++
		f.subs = append(f.subs, &subfont{res: "F" + fmt.Sprint(s.nextRes)})
	}
	sub := f.subs[len(f.subs)-1]
	c := glyphCode{sub: len(f.subs) - 1, code: byte(len(sub.glyphs))}
	sub.glyphs = append(sub.glyphs, g)
	sub.text = append(sub.text, text)
	f.codes[g] = c
	return sub.res, c.code
}

// chain is an ordered list of faces tried for each character: the first that has a glyph
// draws it. It implements shaping.Fontmap.
type chain struct {
	set   *fontSet
	faces []*face
	// system is whether system fonts may be searched when no face of the chain has a glyph.
	system bool
}

// resolve returns the face that draws r, or nil when none does.
func (c chain) resolve(r rune) *face {
	for _, f := range c.faces {
		if f.has(r) {
			return f
		}
	}
	if !c.system {
		return nil
	}
	f := c.set.sys.find(r)
	if f != nil {
		c.set.register(f)
	}
	return f
}

// ResolveFace implements shaping.Fontmap. A character no face draws gets the chain's first
// face; callers check coverage first, so that glyph is never drawn.
func (c chain) ResolveFace(r rune) *font.Face {
	if f := c.resolve(r); f != nil {
		return f.f
	}
	return c.faces[0].f
}

// covers reports whether every character of s that needs a glyph has a face.
func (c chain) covers(s string) bool {
	for _, r := range s {
		if ignorable(r) {
			continue
		}
		if c.resolve(r) == nil {
			return false
		}
	}
	return true
}

// ignorable reports whether r draws nothing of its own: controls, format characters such
// as the zero-width joiner and the bidi marks, and variation selectors. Shaping handles
// them without a glyph, so a font need not have one.
func ignorable(r rune) bool {
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r)
}

// systemFonts finds, among the fonts in some folders, one that draws a character. The
// folders are read on the first request only, and only each font's cmap is read until a
// font is chosen, so a card set in covered scripts never touches the disk.
type systemFonts struct {
	dirs    []string
	scanned bool
	cands   []sysFont
	loaded  map[string]*face
}

type sysFont struct {
	path  string
	index int // in a collection (.ttc)
	cmap  font.Cmap
	rank  int // lower is tried first
}

// fontExts are the outline font files a font folder may hold.
var fontExts = map[string]bool{".ttf": true, ".otf": true, ".ttc": true, ".otc": true}

func (s *systemFonts) scan() {
	s.scanned = true
	for _, dir := range s.dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // a missing or unreadable folder is normal: skip it
			}
			if d.IsDir() || !fontExts[strings.ToLower(filepath.Ext(path))] {
				return nil
			}
			s.cands = append(s.cands, readCmaps(path)...)
			return nil
		})
	}
	sort.SliceStable(s.cands, func(i, j int) bool {
		a, b := s.cands[i], s.cands[j]
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		if a.path != b.path {
			return a.path < b.path
		}
		return a.index < b.index
	})
}

// readCmaps reads the character maps of the fonts in one file, skipping fonts without
// outlines (bitmap-only emoji fonts draw nothing on paper) and files that are not fonts.
func readCmaps(path string) []sysFont {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	lds, err := ot.NewLoaders(f)
	if err != nil {
		return nil
	}
	var out []sysFont
	for i, ld := range lds {
		if !ld.HasTable(ot.MustNewTag("glyf")) && !ld.HasTable(ot.MustNewTag("CFF ")) {
			continue
		}
		raw, err := ld.RawTable(ot.MustNewTag("cmap"))
		if err != nil {
			continue
		}
		tb, _, err := tables.ParseCmap(raw)
		if err != nil {
			continue
		}
		cm, _, err := font.ProcessCmap(tb, 0)
		if err != nil {
			continue
		}
		out = append(out, sysFont{path: path, index: i, cmap: cm, rank: fontRank(path)})
	}
	return out
}

// fontRank orders candidate files: a regular sans-serif face reads best on a card, so
// styled and serif files come later. The file name is all there is to go by without
// reading every font's name table.
func fontRank(path string) int {
	name := strings.ToLower(filepath.Base(path))
	rank := 0
	for _, w := range []string{"bold", "black", "heavy", "italic", "oblique", "light", "thin", "semi", "extra", "medium", "condensed", "narrow", "mono", "emoji", "symbol"} {
		if strings.Contains(name, w) {
			rank += 2
		}
	}
	for _, w := range []string{"serif", "mincho", "song", "ming"} {
		if strings.Contains(name, w) && !strings.Contains(name, "sans") {
			rank++
		}
	}
	return rank
}

// find returns a face that draws r, loading it on first use, or nil.
func (s *systemFonts) find(r rune) *face {
	if len(s.dirs) == 0 {
		return nil
	}
	if !s.scanned {
		s.scan()
	}
	for _, c := range s.cands {
		if _, ok := c.cmap.Lookup(r); !ok {
			continue
		}
		key := fmt.Sprintf("%s#%d", c.path, c.index)
		if f, ok := s.loaded[key]; ok {
			if f == nil {
				continue // failed to load before
			}
			return f
		}
		f := loadSystemFace(c)
		s.loaded[key] = f
		if f != nil {
			return f
		}
	}
	return nil
}

func loadSystemFace(c sysFont) *face {
	data, err := os.ReadFile(c.path)
	if err != nil {
		return nil
	}
	lds, err := ot.NewLoaders(bytes.NewReader(data))
	if err != nil || c.index >= len(lds) {
		return nil
	}
	ft, err := font.NewFont(lds[c.index])
	if err != nil {
		return nil
	}
	return newFace(filepath.Base(c.path), font.NewFace(ft))
}

// SystemFontDirs returns the folders where the computer's fonts usually are on the
// running operating system (Windows, macOS, Linux and other Unix systems), for
// Options.FontDirs. Folders that do not exist are harmless.
func SystemFontDirs() []string {
	home, _ := os.UserHomeDir()
	var dirs []string
	switch runtime.GOOS {
	case "windows":
		windir := os.Getenv("WINDIR")
		if windir == "" {
			windir = `C:\Windows`
		}
		dirs = append(dirs, filepath.Join(windir, "Fonts"))
		if local := os.Getenv("LOCALAPPDATA"); local != "" {
			dirs = append(dirs, filepath.Join(local, "Microsoft", "Windows", "Fonts"))
		}
	case "darwin":
		dirs = append(dirs, "/System/Library/Fonts", "/Library/Fonts")
		if home != "" {
			dirs = append(dirs, filepath.Join(home, "Library", "Fonts"))
		}
	default:
		if data := os.Getenv("XDG_DATA_HOME"); data != "" {
			dirs = append(dirs, filepath.Join(data, "fonts"))
		} else if home != "" {
			dirs = append(dirs, filepath.Join(home, ".local", "share", "fonts"))
		}
		if home != "" {
			dirs = append(dirs, filepath.Join(home, ".fonts"))
		}
		dirs = append(dirs, "/usr/local/share/fonts", "/usr/share/fonts")
	}
	return dirs
}
