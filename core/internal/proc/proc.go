// Package proc answers one question about the processes of this computer: whether one is
// still running. Files a process names after itself (an upload's stage, an output being
// written) are left behind when it is killed; whoever finds one asks whether its writer
// is gone before removing it.
package proc

// Alive reports whether a process with id pid exists on this computer: whether what it
// left behind may still be in use. When in doubt it says yes, which keeps a file.
func Alive(pid int) bool { return alive(pid) }
