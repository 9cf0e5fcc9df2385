//go:build windows

package atomicfile

import "syscall"

// hide gives the temporary file Windows' hidden attribute, the counterpart of the
// leading dot elsewhere, so Explorer does not show a half-written export.
func hide(name string) error { return setHidden(name, true) }

// unhide takes the attribute away again before the rename, which would keep it.
func unhide(name string) error { return setHidden(name, false) }

func setHidden(name string, on bool) error {
	p, err := syscall.UTF16PtrFromString(name)
	if err != nil {
		return err
	}
	attrs, err := syscall.GetFileAttributes(p)
	if err != nil {
		return err
	}
	if on {
		attrs |= syscall.FILE_ATTRIBUTE_HIDDEN
	} else {
		attrs &^= syscall.FILE_ATTRIBUTE_HIDDEN
	}
	return syscall.SetFileAttributes(p, attrs)
}

// syncDir does nothing: Go cannot open a folder to sync it on Windows, where NTFS
// journals the rename itself.
func syncDir(string) {}
