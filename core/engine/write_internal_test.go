package engine

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
)

// TestGUIDSeqRandom: the GUIDs of an upload ascend, yet every bit but the version and
// variant is random. The red-team round found the last 48 bits of a small upload's GUIDs
// were their first 48 (6ec950ec-6512-42b4-837f-6ec950ec6512): the random draw that
// placed a GUID in its slice was also kept as its tail.
func TestGUIDSeqRandom(t *testing.T) {
	for _, n := range []uint64{1, 2, 1000} {
		g := &guidSeq{n: n}
		prev := ""
		for range n {
			s := g.next()
			u, err := uuid.Parse(s)
			if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 {
				t.Fatalf("n=%d: %q is not a version-4 GUID (%v)", n, s, err)
			}
			if bytes.Equal(u[0:6], u[10:16]) {
				t.Errorf("n=%d: GUID %s ends with its first 48 bits", n, s)
			}
			if s <= prev {
				t.Errorf("n=%d: GUID %s does not follow %s", n, s, prev)
			}
			prev = s
		}
	}
}
