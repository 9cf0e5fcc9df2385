package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/sync/errgroup"
	"golang.org/x/text/unicode/norm"
)

// The argon2id parameters for permanent passwords: OWASP's first recommendation
// (Password Storage Cheat Sheet), m=19 MiB, t=2, p=1.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// Bounds on parameters read back from a stored hash. They admit any sensible future
// setting but stop a damaged or hostile hash from asking for gigabytes or minutes.
const (
	maxArgonMemory = 256 * 1024 // KiB
	maxArgonTime   = 16
	minSaltLen     = 8
	minKeyLen      = 16
	maxKeyLen      = 64
)

var b64 = base64.RawStdEncoding.Strict()

// HashPermanent hashes a typed password with argon2id and the OWASP parameters
// (19 MiB, t=2, p=1), a 16-byte random salt and a 32-byte key, encoded as a PHC string:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// with unpadded standard base64. It takes tens of milliseconds: use HashPermanentAll for
// many passwords.
func HashPermanent(password string) string {
	salt := newSalt()
	key := argon2.IDKey(prepare(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return "$argon2id$v=" + strconv.Itoa(argon2.Version) +
		"$m=" + strconv.Itoa(argonMemory) + ",t=" + strconv.Itoa(argonTime) + ",p=" + strconv.Itoa(argonThreads) +
		"$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
}

// HashTemporary hashes a system-generated temporary password with salted SHA-256,
// encoded as "$sha256$<salt>$<hash>" with unpadded standard base64, where hash is
// SHA-256(salt || password). A fast hash is safe here only because temporary passwords
// carry more than 70 bits of entropy (see NewTemporaryPassword); never use it for a
// password a person chose.
func HashTemporary(password string) string {
	salt := newSalt()
	sum := sha256Salted(salt, prepare(password))
	return "$sha256$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(sum[:])
}

// Verify reports whether password matches encoded, a hash made by HashPermanent or
// HashTemporary (argon2id hashes with other parameters are accepted too, so the
// parameters can be raised later without invalidating stored hashes). The final
// comparison takes constant time. Verify returns false, and never panics, for an empty
// password or a malformed hash: a blank password box must never open an account.
func Verify(encoded, password string) bool {
	if password == "" {
		return false
	}
	switch {
	case strings.HasPrefix(encoded, "$argon2id$"):
		return verifyArgon(encoded, password)
	case strings.HasPrefix(encoded, "$sha256$"):
		return verifySHA(encoded, password)
	}
	return false
}

// IsTemporaryHash reports whether encoded was made by HashTemporary, that is whether the
// account still signs in with a system-generated password.
func IsTemporaryHash(encoded string) bool { return strings.HasPrefix(encoded, "$sha256$") }

func verifyArgon(encoded, password string) bool {
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
	f := strings.Split(encoded, "$")
	if len(f) != 6 || f[2] != "v="+strconv.Itoa(argon2.Version) {
		return false
	}
	m, t, p, ok := parseArgonParams(f[3])
	if !ok {
		return false
	}
	salt, err := b64.DecodeString(f[4])
	if err != nil || len(salt) < minSaltLen {
		return false
	}
	want, err := b64.DecodeString(f[5])
	if err != nil || len(want) < minKeyLen || len(want) > maxKeyLen {
		return false
	}
	got := argon2.IDKey(prepare(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// parseArgonParams parses "m=19456,t=2,p=1", in that order, as PHC writes them.
func parseArgonParams(s string) (m, t uint32, p uint8, ok bool) {
	kv := strings.Split(s, ",")
	if len(kv) != 3 {
		return 0, 0, 0, false
	}
	var v [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		num, found := strings.CutPrefix(kv[i], name)
		if !found {
			return 0, 0, 0, false
		}
		n, err := strconv.ParseUint(num, 10, 32)
		if err != nil {
			return 0, 0, 0, false
		}
		v[i] = n
	}
	// argon2 panics on t < 1 or p < 1 and needs at least 8 KiB per lane.
	if v[1] < 1 || v[1] > maxArgonTime || v[2] < 1 || v[2] > 255 ||
		v[0] < 8*v[2] || v[0] > maxArgonMemory {
		return 0, 0, 0, false
	}
	return uint32(v[0]), uint32(v[1]), uint8(v[2]), true
}

func verifySHA(encoded, password string) bool {
	// "", "sha256", salt, hash
	f := strings.Split(encoded, "$")
	if len(f) != 4 {
		return false
	}
	salt, err := b64.DecodeString(f[2])
	if err != nil || len(salt) < minSaltLen {
		return false
	}
	want, err := b64.DecodeString(f[3])
	if err != nil || len(want) != sha256.Size {
		return false
	}
	got := sha256Salted(salt, prepare(password))
	return subtle.ConstantTimeCompare(got[:], want) == 1
}

func sha256Salted(salt, password []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write(salt)
	h.Write(password)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// prepare normalises a password to NFC, so the same characters typed on a keyboard that
// composes accents differently (macOS, for one) or pasted from a spreadsheet still match.
func prepare(password string) []byte {
	return []byte(norm.NFC.String(password))
}

func newSalt() []byte {
	salt := make([]byte, saltLen)
	rand.Read(salt) // never fails: crypto/rand crashes the program instead
	return salt
}

// HashPermanentAll hashes passwords with HashPermanent on at most workers goroutines at
// once (workers <= 0 means runtime.GOMAXPROCS(0)); out[i] is the hash of in[i], and an
// empty in[i] gives an empty out[i]. Each argon2id hash uses one core (p=1), so hashing
// many at once is what puts every core to work; each worker holds 19 MiB while it hashes,
// so workers beyond the number of cores cost memory and buy nothing.
//
// progress, when not nil, is called after each password with the number done so far,
// from the workers one at a time and with growing counts: hashing many typed passwords
// takes minutes, and the window shows how far it has come. Hashing waits while it runs,
// so it should only record the count.
//
// When ctx is cancelled it stops after the hashes under way and returns nil and
// ctx.Err(); a cancel that comes once every hash is done does not throw them away.
func HashPermanentAll(ctx context.Context, in []string, workers int, progress func(done int)) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	out := make([]string, len(in))
	var (
		g    errgroup.Group
		mu   sync.Mutex // serialises progress calls and guards done
		done int
	)
	g.SetLimit(workers)
	for i := range in {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			// Checked again once the hash has a worker: it may have queued a while.
			if err := ctx.Err(); err != nil {
				return err
			}
			if in[i] != "" {
				out[i] = HashPermanent(in[i])
			}
			mu.Lock()
			defer mu.Unlock()
			done++
			if progress != nil {
				progress(done)
			}
			return nil
		})
	}
	g.Wait() // the only error a worker returns is ctx's, checked below
	if done < len(in) {
		return nil, ctx.Err()
	}
	return out, nil
}
