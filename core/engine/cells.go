package engine

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"unsafe"

	"github.com/rosterdesk/rosterdesk/core"
)

// sealer encrypts the secrets an import keeps in its stage (typed passwords, the
// temporary passwords it makes) with a key that lives only in this process's memory.
// A stage file left behind by a crash is removed at the next start, but until then, and
// in any copy a backup made of it, it holds no password anyone can read.
type sealer struct{ aead cipher.AEAD }

func newSealer() *sealer {
	key := make([]byte, 32)
	rand.Read(key)                 // never fails: crypto/rand crashes the program instead
	block, _ := aes.NewCipher(key) // a 32-byte key: no error
	aead, _ := cipher.NewGCM(block)
	return &sealer{aead: aead}
}

// seal returns s encrypted with a fresh nonce, nil for "".
func (k *sealer) seal(s string) []byte {
	if s == "" {
		return nil
	}
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(s)+k.aead.Overhead())
	rand.Read(nonce)
	return k.aead.Seal(nonce, nonce, []byte(s), nil)
}

// open returns what seal sealed, "" for nil.
func (k *sealer) open(b []byte) (string, error) {
	if len(b) == 0 {
		return "", nil
	}
	n := k.aead.NonceSize()
	if len(b) < n {
		return "", errSealed
	}
	pt, err := k.aead.Open(nil, b[:n], b[n:], nil)
	if err != nil {
		return "", errSealed
	}
	return string(pt), nil
}

var errSealed = errors.New("a sealed value of the stage cannot be opened")

// encodeCells packs a row's template cells into one value for the stage: each cell's
// length, then its bytes; the Password cell sealed. from (a OneRoster row's origin and
// problems, encodeFrom) follows the cells; cellsFrom returns it.
func (k *sealer) encodeCells(r *core.Row, from []byte) []byte {
	n := len(from)
	for _, c := range r.Cells {
		n += len(c) + 2
	}
	b := make([]byte, 0, n+64)
	for c, v := range r.Cells {
		if core.Column(c) == core.ColPassword {
			sealed := k.seal(v)
			b = binary.AppendUvarint(b, uint64(len(sealed)))
			b = append(b, sealed...)
			continue
		}
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	return append(b, from...)
}

// cellsFrom returns what follows the cells encodeCells packed in b: the from it was
// given, empty for a template file's row.
func cellsFrom(b []byte) []byte {
	for range core.NumColumns {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			return nil
		}
		b = b[w+int(n):]
	}
	return b
}

// decodeCells unpacks what encodeCells packed into r's cells (Line is the caller's).
// The password is opened only when open is true. The cells share b's memory, which the
// caller must not change afterwards: a large import decodes every row several times,
// and a copy of each cell each time was a tenth of its work.
func (k *sealer) decodeCells(b []byte, r *core.Row, open bool) error {
	for c := range r.Cells {
		n, w := binary.Uvarint(b)
		if w <= 0 || uint64(len(b)-w) < n {
			return errors.New("a row of the stage is damaged")
		}
		v := b[w : w+int(n)]
		b = b[w+int(n):]
		if core.Column(c) == core.ColPassword {
			r.Cells[c] = ""
			if open && len(v) > 0 {
				pw, err := k.open(v)
				if err != nil {
					return err
				}
				r.Cells[c] = pw
			} else if len(v) > 0 {
				r.Cells[c] = sealedMark
			}
			continue
		}
		r.Cells[c] = unsafe.String(unsafe.SliceData(v), len(v))
	}
	return nil
}

// sealedMark stands in the Password cell of a row decoded without its password: the
// row has one, but nothing here needs to know it.
const sealedMark = "\x00sealed"

// encodeProblems packs a user's or a class's problems for the stage, nil for none.
func encodeProblems(ps []problem) []byte {
	if len(ps) == 0 {
		return nil
	}
	b, _ := json.Marshal(ps) // plain values: no error
	return b
}

// decodeProblems unpacks what encodeProblems packed.
func decodeProblems(b []byte) ([]problem, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var ps []problem
	if err := json.Unmarshal(b, &ps); err != nil {
		return nil, errors.New("the problems of a staged user or class are damaged")
	}
	return ps, nil
}
