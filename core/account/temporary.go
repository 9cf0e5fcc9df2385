package account

import "crypto/rand"

// TempPasswordLen is the length of a temporary password.
const TempPasswordLen = 14

// tempAlphabet leaves out characters that are mistaken for one another when read off a
// printed sheet or over the phone (0 O o, 1 l I i L), and all symbols, which children and
// parents cannot say aloud or find on a tablet keyboard.
const tempAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ" + // 23 upper
	"abcdefghjkmnpqrstuvwxyz" + // 23 lower
	"23456789" // 8 digits

// NewTemporaryPassword returns a random temporary password of TempPasswordLen characters
// from an alphabet without look-alike characters. It always meets the typed-password
// policy (PolicyProblems(pw, "", "") is nil), so a person may keep typing it where a
// permanent password is asked for without being refused.
//
// Entropy: each character is drawn uniformly from 54 symbols, so a raw string carries
// 14·log2(54) ≈ 80.57 bits. Strings that break the policy are drawn again, which keeps the
// result uniform over the accepted strings. About 10.6% lack a digit ((46/54)^14), 0.04%
// each lack an upper- or lower-case letter ((31/54)^14), and fewer than 0.002% hold a run
// of five, so about 89.3% are accepted: log2(0.893·54^14) ≈ 80.41 bits, well above the
// 70 bits that make a single fast salted hash safe. TestTemporaryPasswordEntropy counts
// the accepted strings exactly.
func NewTemporaryPassword() string {
	var buf [TempPasswordLen]byte
	for {
		fillUniform(buf[:], tempAlphabet)
		pw := string(buf[:])
		if PolicyProblems(pw, "", "") == nil {
			return pw
		}
	}
}

// fillUniform fills dst with characters drawn uniformly from alphabet, which must hold
// fewer than 256 characters.
func fillUniform(dst []byte, alphabet string) {
	// Bytes at or above the largest multiple of len(alphabet) are thrown away, so the
	// modulo below has no bias towards the first characters.
	limit := 256 - 256%len(alphabet)
	var raw [64]byte
	for i := 0; i < len(dst); {
		rand.Read(raw[:]) // never fails: crypto/rand crashes the program instead
		for _, b := range raw {
			if int(b) < limit {
				dst[i] = alphabet[int(b)%len(alphabet)]
				i++
				if i == len(dst) {
					return
				}
			}
		}
	}
}
