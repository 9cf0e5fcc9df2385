package account

import (
	"math"
	"math/big"
	"strings"
	"testing"
	"unicode"
)

func TestNewTemporaryPassword(t *testing.T) {
	const samples = 10000
	seen := make(map[string]bool, samples)
	counts := make(map[rune]int)
	for range samples {
		pw := NewTemporaryPassword()
		if len(pw) != TempPasswordLen {
			t.Fatalf("NewTemporaryPassword() = %q, want %d characters", pw, TempPasswordLen)
		}
		if i := strings.IndexFunc(pw, func(r rune) bool { return !strings.ContainsRune(tempAlphabet, r) }); i >= 0 {
			t.Fatalf("NewTemporaryPassword() = %q, has %q outside the alphabet", pw, pw[i])
		}
		if strings.ContainsAny(pw, "0Oo1lIiL") {
			t.Fatalf("NewTemporaryPassword() = %q, has a look-alike character", pw)
		}
		if p := PolicyProblems(pw, "", ""); p != nil {
			t.Fatalf("PolicyProblems(NewTemporaryPassword() = %q) = %q, want nil", pw, p)
		}
		if seen[pw] {
			t.Fatalf("NewTemporaryPassword() = %q twice", pw)
		}
		seen[pw] = true
		for _, r := range pw {
			counts[r]++
		}
	}
	// 140,000 characters put about 2,600 on each symbol; a symbol the generator never
	// picks, or picks far too often, is a bias bug, not bad luck.
	expect := float64(samples*TempPasswordLen) / float64(len(tempAlphabet))
	for _, r := range tempAlphabet {
		if c := float64(counts[r]); c < expect*0.8 || c > expect*1.25 {
			t.Errorf("%q drawn %v times, want about %.0f", r, c, expect)
		}
	}
}

func TestTempAlphabet(t *testing.T) {
	var upper, lower, digit int
	for _, r := range tempAlphabet {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		case unicode.IsDigit(r):
			digit++
		default:
			t.Errorf("tempAlphabet has %q, want letters and digits only", r)
		}
		if strings.Count(tempAlphabet, string(r)) != 1 {
			t.Errorf("tempAlphabet has %q more than once", r)
		}
	}
	if upper != 23 || lower != 23 || digit != 8 {
		t.Errorf("tempAlphabet has %d upper, %d lower, %d digits; want 23, 23, 8", upper, lower, digit)
	}
}

// TestTemporaryPasswordEntropy counts exactly the strings NewTemporaryPassword can return.
// It draws uniformly among them (rejection sampling), so their number is its entropy.
func TestTemporaryPasswordEntropy(t *testing.T) {
	got := tempPasswordBits()
	t.Logf("temporary passwords carry %.2f bits", got)
	if got < 70 {
		t.Errorf("temporary passwords carry %.2f bits, want at least 70", got)
	}
	// The figure documented on NewTemporaryPassword.
	if math.Abs(got-80.41) > 0.01 {
		t.Errorf("temporary passwords carry %.2f bits; the NewTemporaryPassword comment says 80.41", got)
	}
}

// tempPasswordBits counts the TempPasswordLen-character strings over tempAlphabet that
// meet the policy, by dynamic programming over (classes seen, last character up to case,
// length of the current run), and returns log2 of the count.
func tempPasswordBits() float64 {
	const (
		hasUpper = 1 << iota
		hasLower
		hasDigit
	)
	type state struct {
		classes int
		last    rune // lower-cased
		run     int
	}
	counts := map[state]*big.Int{{}: big.NewInt(1)}
	for range TempPasswordLen {
		nextCounts := make(map[state]*big.Int)
		for s, n := range counts {
			for _, r := range tempAlphabet {
				class := hasDigit
				if unicode.IsUpper(r) {
					class = hasUpper
				} else if unicode.IsLower(r) {
					class = hasLower
				}
				key := unicode.ToLower(r)
				run := 1
				if key == s.last {
					run = s.run + 1
				}
				if run > MaxRepeat {
					continue
				}
				ns := state{s.classes | class, key, run}
				if nextCounts[ns] == nil {
					nextCounts[ns] = new(big.Int)
				}
				nextCounts[ns].Add(nextCounts[ns], n)
			}
		}
		counts = nextCounts
	}
	total := new(big.Int)
	for s, n := range counts {
		if s.classes == hasUpper|hasLower|hasDigit {
			total.Add(total, n)
		}
	}
	f, _ := new(big.Float).SetInt(total).Float64()
	return math.Log2(f)
}

func BenchmarkNewTemporaryPassword(b *testing.B) {
	for b.Loop() {
		NewTemporaryPassword()
	}
}
