package main

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"

	"github.com/josephspurrier/goversioninfo"
	"golang.org/x/image/draw"
)

func xmlEscape(w io.Writer, s string) error { return xml.EscapeText(w, []byte(s)) }

// iconSizes are the sizes Windows picks from: the taskbar, Start menu, Explorer's views
// and the title bar at every display scaling.
var iconSizes = []int{16, 20, 24, 32, 40, 48, 64, 96, 128, 256}

// writeSyso writes a COFF object (.syso) that the Go linker puts into the executable:
// the icon, the version information Explorer shows under Properties → Details, and the
// application manifest (asInvoker, per-monitor-v2 DPI awareness). `fyne package` makes a
// manifest that declares neither and a version block without publisher or copyright,
// and does nothing for rosterctl.exe.
func writeSyso(root string, v vals, out string) error {
	tmp, err := os.MkdirTemp("", "rosterdesk-syso-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	manifest, err := render(filepath.Join(root, "packaging", "windows", "app.manifest"), v)
	if err != nil {
		return err
	}
	manifestPath := filepath.Join(tmp, "app.manifest")
	if err := os.WriteFile(manifestPath, manifest, 0o644); err != nil {
		return err
	}
	ico, err := iconICO(filepath.Join(root, filepath.FromSlash(v.Icon)))
	if err != nil {
		return err
	}
	icoPath := filepath.Join(tmp, "icon.ico")
	if err := os.WriteFile(icoPath, ico, 0o644); err != nil {
		return err
	}

	var fv goversioninfo.FileVersion
	if _, err := fmt.Sscanf(v.Version4, "%d.%d.%d.%d", &fv.Major, &fv.Minor, &fv.Patch, &fv.Build); err != nil {
		return fmt.Errorf("version %s: %w", v.Version4, err)
	}
	vi := &goversioninfo.VersionInfo{IconPath: icoPath, ManifestPath: manifestPath}
	// The product is MAJOR.MINOR.PATCH, as people read it; the file adds the build.
	pv := fv
	pv.Build = 0
	vi.FixedFileInfo = goversioninfo.FixedFileInfo{
		FileVersion: fv, ProductVersion: pv,
		FileFlagsMask: "3f", FileOS: "040004", FileType: "01",
	}
	vi.StringFileInfo = goversioninfo.StringFileInfo{
		CompanyName:      v.Publisher,
		FileDescription:  v.Description,
		FileVersion:      v.Version4,
		InternalName:     trimExt(v.Exe),
		LegalCopyright:   v.Copyright,
		OriginalFilename: v.Exe,
		ProductName:      v.Name,
		ProductVersion:   v.Version,
		Comments:         v.Website,
	}
	vi.VarFileInfo.Translation = goversioninfo.Translation{LangID: goversioninfo.LngUSEnglish, CharsetID: goversioninfo.CsUnicode}
	vi.Build()
	vi.Walk()
	return vi.WriteSyso(out, "amd64")
}

func trimExt(name string) string { return name[:len(name)-len(filepath.Ext(name))] }

// iconICO makes a Windows icon of every size in iconSizes from a square PNG. Each
// entry is a PNG, which Windows reads since Vista.
func iconICO(pngPath string) ([]byte, error) {
	f, err := os.Open(pngPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", pngPath, err)
	}
	var images [][]byte
	for _, n := range iconSizes {
		dst := image.NewNRGBA(image.Rect(0, 0, n, n))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
		var b bytes.Buffer
		if err := png.Encode(&b, dst); err != nil {
			return nil, err
		}
		images = append(images, b.Bytes())
	}
	// ICONDIR, then one ICONDIRENTRY per image, then the images.
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	le(uint16(0))
	le(uint16(1)) // icon
	le(uint16(len(images)))
	offset := 6 + 16*len(images)
	for i, img := range images {
		side := uint8(iconSizes[i]) // 256 is written as 0
		le(side)
		le(side)
		le(uint8(0))  // no palette
		le(uint8(0))  // reserved
		le(uint16(1)) // colour planes
		le(uint16(32))
		le(uint32(len(img)))
		le(uint32(offset))
		offset += len(img)
	}
	for _, img := range images {
		b.Write(img)
	}
	return b.Bytes(), nil
}
