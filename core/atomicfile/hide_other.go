//go:build !windows

package atomicfile

// hide does nothing: outside Windows the leading dot of the temporary file's name hides
// it.
func hide(string) error { return nil }

func unhide(string) error { return nil }
