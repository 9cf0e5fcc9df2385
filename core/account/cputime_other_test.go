//go:build !unix

package account

import "time"

// processCPU is not measured outside Unix; the benchmark then reports wall time only.
func processCPU() (time.Duration, bool) { return 0, false }
