package roster

import (
	"io"
	"io/fs"
	"sync"
)

// readAhead inflates a large part on a goroutine of its own while the caller parses
// what came before: inflating a worksheet takes about as long as scanning it, and the
// two then run side by side.
type readAhead struct {
	src  io.Closer
	full chan chunk // inflated data, in order
	free chan []byte
	done chan struct{}
	wg   sync.WaitGroup

	cur  chunk
	off  int
	err  error
	once sync.Once
}

type chunk struct {
	b   []byte
	err error
}

const (
	readAheadChunk = 256 << 10
	readAheadMin   = 1 << 20 // smaller parts are read directly
)

// openPart opens a part for reading, through a readAhead when it is large. Close it.
func openPart(fsys fs.FS, name string) (io.ReadCloser, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.Size() < readAheadMin {
		return f, nil
	}
	ra := &readAhead{src: f, full: make(chan chunk, 2), free: make(chan []byte, 3), done: make(chan struct{})}
	for range cap(ra.free) {
		ra.free <- make([]byte, readAheadChunk)
	}
	ra.wg.Add(1)
	go ra.run(f)
	return ra, nil
}

func (ra *readAhead) run(r io.Reader) {
	defer ra.wg.Done()
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.done:
			return
		}
		n, err := io.ReadFull(r, buf)
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		select {
		case ra.full <- chunk{b: buf[:n], err: err}:
		case <-ra.done:
			return
		}
		if err != nil {
			return
		}
	}
}

func (ra *readAhead) Read(p []byte) (int, error) {
	for ra.off >= len(ra.cur.b) {
		if ra.err != nil {
			return 0, ra.err
		}
		if ra.cur.b != nil {
			ra.free <- ra.cur.b[:cap(ra.cur.b)]
		}
		ra.cur, ra.off = <-ra.full, 0
		ra.err = ra.cur.err
	}
	n := copy(p, ra.cur.b[ra.off:])
	ra.off += n
	return n, nil
}

// Close stops the goroutine and closes the part.
func (ra *readAhead) Close() error {
	ra.once.Do(func() { close(ra.done) })
	ra.wg.Wait()
	return ra.src.Close()
}
