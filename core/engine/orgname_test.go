package engine_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/engine"
)

// TestInitOrgName: the organization's name obeys the rules of a school's name. It heads
// the window, the sign-in screen and the Profile menu, so a name with a line break or an
// escape sequence (rosterctl init --org took any bytes) broke or spoofed the window, and a
// 100,000-character one filled it.
func TestInitOrgName(t *testing.T) {
	for _, tc := range []struct {
		name, org, want string // want "" means refused
	}{
		{"OK", "Springfield School District", "Springfield School District"},
		{"SpacesFolded", "  Springfield   School\u00a0District ", "Springfield School District"},
		{"ErrEmpty", "   ", ""},
		{"ErrLineBreak", "Springfield\nDistrict", ""},
		{"ErrEscape", "Springfield\x1b]0;owned\x07", ""},
		{"ErrDirectionOverride", "Springfield \u202etcirtsiD", ""},
		{"ErrLong", strings.Repeat("a", 101), ""},
		{"Long100", strings.Repeat("é", 100), strings.Repeat("é", 100)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			svc, err := engine.Open(ctx, filepath.Join(t.TempDir(), "rosterdesk.db"), engine.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer svc.Close()
			o, err := svc.Init(ctx, tc.org)
			if tc.want == "" {
				if core.ErrorKind(err) != core.KindInvalid {
					t.Fatalf("Init(%q) = %q, %v; want a refusal of kind invalid", tc.org, o.Name, err)
				}
				if _, err := svc.Org(ctx); core.ErrorKind(err) != core.KindNotInitialized {
					t.Errorf("after a refused Init(%q), Org: %v; want no organization", tc.org, err)
				}
				return
			}
			if err != nil || o.Name != tc.want {
				t.Fatalf("Init(%q) = %q, %v; want %q", tc.org, o.Name, err, tc.want)
			}
		})
	}
}
