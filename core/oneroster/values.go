package oneroster

import (
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/rosterdesk/rosterdesk/core"
)

// MaxSourcedID is the longest sourcedId Rosterdesk writes. The binding sets no limit, but
// the strictest vendors we found (Great Minds) take at most 100 characters of
// [A-Za-z0-9._-]; GUIDs fit with room to spare.
const MaxSourcedID = 100

// ValidSourcedID reports whether s is a sourcedId every vendor takes: 1 to 100
// characters of ASCII letters, digits, '.', '_' and '-'.
func ValidSourcedID(s string) bool {
	if len(s) == 0 || len(s) > MaxSourcedID {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// CEDSGrade returns the CEDS grade code of a Rosterdesk grade: PK stays PK, K becomes
// KG, TK stays TK, 1–12 become 01–12, "" stays "". Anything else comes back unchanged,
// so the validator names it.
func CEDSGrade(g string) string {
	g = strings.TrimSpace(g)
	switch strings.ToUpper(g) {
	case "":
		return ""
	case "PK":
		return "PK"
	case "K", "KG":
		return "KG"
	case "TK":
		return "TK"
	}
	if n, err := strconv.Atoi(g); err == nil && n >= 1 && n <= 12 {
		return twoDigits(n)
	}
	return g
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// templateGrade reads a OneRoster grades list as a Rosterdesk grade (PK, K, 1–12). It
// is lenient where the meaning is clear (KG, K, 01 and 1, any case). A list of one
// grade, or of codes that all mean the same grade, gives that grade; several grades (a
// combined class) or only codes Rosterdesk has no grade for (IT, PR, 13, PS, UG,
// Other) give "", and unmapped lists the codes that had no equivalent.
func templateGrade(list string) (grade string, unmapped []string) {
	for _, code := range splitList(list) {
		g, ok := core.NormalizeGrade(code)
		if !ok {
			unmapped = append(unmapped, code)
			continue
		}
		switch grade {
		case "":
			grade = g
		case g:
		default:
			return "", unmapped // several grades: Rosterdesk keeps one per class or user
		}
	}
	return grade, unmapped
}

// splitList splits a list cell ("a,b" or "a, b") into its trimmed, non-empty items.
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// userID is one entry of a userIds list: {type:identifier}.
type userID struct {
	typ, id string
}

// parseUserIDs reads a userIds list. strict demands the binding's {type:identifier}
// form for every entry; otherwise an entry without braces ("Local:123") is taken too.
// ok is false when an entry does not have the form.
func parseUserIDs(s string, strict bool) (ids []userID, ok bool) {
	ok = true
	for _, item := range splitList(s) {
		inner, braced := strings.CutPrefix(item, "{")
		if braced {
			inner, braced = strings.CutSuffix(inner, "}")
		}
		typ, id, found := strings.Cut(inner, ":")
		typ, id = strings.TrimSpace(typ), strings.TrimSpace(id)
		if !found || typ == "" || id == "" || strings.ContainsAny(inner, "{}") || strict && !braced {
			ok = false
			continue
		}
		ids = append(ids, userID{typ, id})
	}
	return ids, ok
}

// formatUserID writes one userIds entry, and "" when id cannot be written in the
// {type:identifier} form (it would need a brace, a colon or a comma).
func formatUserID(typ, id string) string {
	if id == "" || strings.ContainsAny(id, "{}:,\"") {
		return ""
	}
	return "{" + typ + ":" + id + "}"
}

// parseBool reads a boolean cell in any case ("true", "TRUE", "False").
func parseBool(s string) (value, ok bool) {
	switch {
	case strings.EqualFold(strings.TrimSpace(s), "true"):
		return true, true
	case strings.EqualFold(strings.TrimSpace(s), "false"):
		return false, true
	}
	return false, false
}

// validDate reports whether s is a calendar date written YYYY-MM-DD.
func validDate(s string) bool {
	if len(s) != len("2006-01-02") {
		return false
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// readDate reads a date cell leniently: YYYY-MM-DD, a date and time whose date part is
// that (some exports write 2026-08-25T00:00:00Z), or a form core.ParseDate takes. It
// returns the date as YYYY-MM-DD.
func readDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if d, _, found := strings.Cut(s, "T"); found && validDate(d) {
		return d, true
	}
	return core.ParseDate(s)
}

// validDateTime reports whether s is an ISO 8601 date and time, as dateLastModified
// holds in a delta file (2026-08-25T14:30:00.000Z or with an offset).
func validDateTime(s string) bool {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z", "2006-01-02"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// validYear reports whether s is a four-digit year.
func validYear(s string) bool {
	if len(s) != 4 {
		return false
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1000
}

// namespace is the UUID namespace of the sourcedIds Rosterdesk derives (courses, terms,
// enrollments), so they are the same in every export of the same data.
var namespace = uuid.MustParse("6f0d6a36-4c5e-4b8e-9a55-0b3f1f7f2a11")

// derivedID returns a stable sourcedId (a name-based UUID, version 5) for the record
// named by parts under parent, a GUID: the same parts always give the same sourcedId,
// and different parents never share one.
func derivedID(parent string, parts ...string) string {
	ns, err := uuid.Parse(parent)
	if err != nil {
		ns = uuid.NewSHA1(namespace, []byte(parent))
	}
	return uuid.NewSHA1(ns, []byte(strings.Join(parts, "\x1f"))).String()
}

// DerivedOrgGUID returns the organization's sourcedId for a database whose organization
// was created at created (its stored text, which never changes): the organization table
// has no GUID of its own, and a vendor must see the same district in every export.
func DerivedOrgGUID(created string) string {
	return derivedID(namespace.String(), "org", created)
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
