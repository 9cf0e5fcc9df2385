//go:build !unix

package roster

import "time"

// cpuTime is not measured outside Unix (syscall has no Getrusage there); the benchmark's
// cpu-ns/row then reads 0.
func cpuTime() time.Duration { return 0 }
