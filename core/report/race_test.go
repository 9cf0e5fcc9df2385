//go:build race

package report

// raceEnabled skips the tests too slow under the race detector.
const raceEnabled = true
