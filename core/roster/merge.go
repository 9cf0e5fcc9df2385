package roster

import (
	"slices"
	"strconv"
	"strings"

	"github.com/rosterdesk/rosterdesk/core"
)

// merger gives every cell of a merged range the value of the range's top-left cell, as
// Excel shows it: a Class ID merged over J2:J4 is the class of rows 2, 3 and 4, not of
// row 2 alone. Rows come in order; a range is active from its first row to its last.
// Only data rows take part: a range whose top-left cell is in the header row (or above
// it) gives nothing to the rows below, since a header is a column's name, not a value.
type merger struct {
	ranges []mergeState // sorted by first row
	next   int          // ranges[next:] start below the current row
	active []*mergeState
	used   []*mergeState // ranges that gave a value to a data row, in order of first use
}

type mergeState struct {
	cellRange
	val  string
	kind cellKind
	has  bool // the top-left cell was read
	used bool
}

func newMerger(ranges []cellRange) *merger {
	m := &merger{ranges: make([]mergeState, len(ranges))}
	for i, r := range ranges {
		m.ranges[i].cellRange = r
	}
	slices.SortStableFunc(m.ranges, func(a, b mergeState) int { return a.r1 - b.r1 })
	return m
}

// capture moves to row line and, when it is a data row, keeps the values of the ranges
// whose top-left cell is in it. It is called for every row, blank or not, header or
// not, before fill.
func (m *merger) capture(line int, cells []string, kinds []cellKind, data bool) {
	m.active = slices.DeleteFunc(m.active, func(s *mergeState) bool { return s.r2 < line })
	for m.next < len(m.ranges) && m.ranges[m.next].r1 <= line {
		if s := &m.ranges[m.next]; s.r2 >= line {
			m.active = append(m.active, s)
		}
		m.next++
	}
	for _, s := range m.active {
		if data && s.r1 == line && s.c1 < len(cells) {
			s.val, s.kind, s.has = cells[s.c1], kinds[s.c1], true
		}
	}
}

// fill gives the cells of row line that lie in a merged range the range's value, growing
// the row when a range reaches past its last cell. It is called for data rows that are
// not blank by their own cells: a range merged down over empty rows does not make rows
// of them.
func (m *merger) fill(line int, cells []string, kinds []cellKind) ([]string, []cellKind) {
	for _, s := range m.active {
		if !s.has || trim(s.val) == "" {
			continue
		}
		if line == s.r1 && s.c1 == s.c2 {
			continue // the top-left cell itself is all of the range in this row
		}
		if s.c2 >= len(cells) {
			cells = append(cells, make([]string, s.c2+1-len(cells))...)
			kinds = append(kinds, make([]cellKind, s.c2+1-len(kinds))...)
		}
		for c := s.c1; c <= s.c2; c++ {
			if line == s.r1 && c == s.c1 {
				continue
			}
			cells[c], kinds[c] = s.val, s.kind
		}
		if !s.used {
			s.used = true
			m.used = append(m.used, s)
		}
	}
	return cells, kinds
}

// warning returns the warning naming the ranges that gave a value to a data row, or nil.
func (m *merger) warning() *core.Issue {
	if m == nil || len(m.used) == 0 {
		return nil
	}
	const shown = 4
	names := make([]string, 0, shown)
	for _, s := range m.used[:min(len(m.used), shown)] {
		names = append(names, s.String())
	}
	v := strings.Join(names, ", ")
	if n := len(m.used) - shown; n > 0 {
		v += " and " + strconv.Itoa(n) + " more"
	}
	return &core.Issue{Code: core.WarnMergedCells, Value: v}
}
