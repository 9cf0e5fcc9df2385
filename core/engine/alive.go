package engine

import "github.com/rosterdesk/rosterdesk/core/internal/proc"

// processAlive reports whether process pid of this computer still runs: whether the
// stage files and upload claims it left are still in use.
func processAlive(pid int) bool { return proc.Alive(pid) }
