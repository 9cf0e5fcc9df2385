package ui

import (
	"slices"
	"testing"
	"time"

	"github.com/rosterdesk/rosterdesk/core"
)

// TestCount: one number format and the right plural everywhere (issue 9 item 16).
func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n      int
		noun   string
		plural []string
		want   string
	}{
		{0, "account", nil, "0 accounts"},
		{1, "account", nil, "1 account"},
		{20000, "row", nil, "20,000 rows"},
		{1, "class", nil, "1 class"},
		{2, "class", nil, "2 classes"},
		{1234567, "upload", nil, "1,234,567 uploads"},
		{3, "box", nil, "3 boxes"},
		{2, "person", []string{"people"}, "2 people"},
		{1, "person", []string{"people"}, "1 person"},
	} {
		if got := count(tc.n, tc.noun, tc.plural...); got != tc.want {
			t.Errorf("count(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}

// TestNaturalOrder: schools sort the way people count, not as text (item 11).
func TestNaturalOrder(t *testing.T) {
	names := []string{"School 10", "School 2", "school 1", "Académie", "Academy", "School 1", "Lincoln Elementary", "School 002", "School 20b", "School 20a", "Zeta"}
	slices.SortStableFunc(names, naturalCompare)
	want := []string{"Académie", "Academy", "Lincoln Elementary", "School 1", "school 1", "School 002", "School 2", "School 10", "School 20a", "School 20b", "Zeta"}
	if !slices.Equal(names, want) {
		t.Errorf("sorted = %q\nwant     %q", names, want)
	}
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"School 9", "School 10", -1},
		{"School 10", "School 9", 1},
		{"School 99999999999999999999", "School 100000000000000000000", -1}, // beyond int64
		{"Room", "Room 1", -1},
		{"same", "same", 0},
	} {
		if got := naturalCompare(tc.a, tc.b); got != tc.want {
			t.Errorf("naturalCompare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestTimeLeft(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{10 * time.Second, "less than a minute left"},
		{55 * time.Second, "about 1 min left"},
		{4*time.Minute + 10*time.Second, "about 4 min left"},
		{89 * time.Minute, "about 89 min left"},
		{2 * time.Hour, "about 2 h left"},
		{2*time.Hour + 14*time.Minute, "about 2 h 10 min left"},
	} {
		if got := timeLeft(tc.d); got != tc.want {
			t.Errorf("timeLeft(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock           { return &fakeClock{t: time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)} }
func hashing(done, total int) core.Progress {
	return core.Progress{Upload: 7, Phase: core.PhaseHashing, Done: done, Total: total}
}
func applying(done, total int) core.Progress {
	return core.Progress{Upload: 7, Phase: core.PhaseApplying, Done: done, Total: total}
}

// TestEstimator: the time left comes from the phase's own pace, only once there is
// enough to go on, and starts over with a new phase or when the count goes back (item 5).
func TestEstimator(t *testing.T) {
	clock := newFakeClock()
	e := &estimator{now: clock.now}
	steps := []struct {
		after time.Duration
		p     core.Progress
		want  string
	}{
		{0, hashing(0, 19229), "Securing passwords 0 / 19,229"},
		{time.Second, hashing(50, 19229), "Securing passwords 50 / 19,229"}, // too soon to tell
		// 450 rows in 5.75 s: 18,779 more take about 4 min.
		{4750 * time.Millisecond, hashing(450, 19229), "Securing passwords 450 / 19,229 — about 4 min left"},
		{6 * time.Minute, hashing(19000, 19229), "Securing passwords 19,000 / 19,229 — less than a minute left"},
		// A new phase measures its own pace.
		{time.Second, applying(0, 19229), "Saving 0 / 19,229"},
		{2 * time.Second, applying(100, 19229), "Saving 100 / 19,229"},
		{2 * time.Second, applying(1200, 19229), "Saving 1,200 / 19,229 — about 1 min left"},
		// The upload started again (a resume): back to no estimate.
		{time.Second, applying(10, 19229), "Saving 10 / 19,229"},
		// A phase whose first report comes after some rows is timed from the report
		// before it: 50 passwords in 10 s, 950 more take about 3 min.
		{10 * time.Second, hashing(50, 1000), "Securing passwords 50 / 1,000 — about 3 min left"},
		{time.Second, core.Progress{Upload: 7, Phase: core.PhaseChecking}, "Checking rows"},
		{time.Second, core.Progress{Upload: 7}, "In Progress"},
	}
	for i, st := range steps {
		clock.add(st.after)
		if got := e.observe(st.p); got != st.want {
			t.Errorf("step %d: observe(%+v) = %q, want %q", i, st.p, got, st.want)
		}
	}
}
