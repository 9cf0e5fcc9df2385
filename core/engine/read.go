package engine

import (
	"bytes"
	"context"
	"errors"

	"github.com/rosterdesk/rosterdesk/core"
	"github.com/rosterdesk/rosterdesk/core/roster"
)

// readBatch is how many rows the parsing goroutine hands over at a time, and
// readQueue how many batches may wait: a few thousand rows in flight at most.
const (
	readBatch = 512
	readQueue = 8
)

// MaxRows bounds the data rows of one upload. An import keeps about 1 KB per row until
// it ends, so a file of millions of tiny rows (a 256 MB CSV can hold 100 million) would
// exhaust the computer's memory and crash the app instead of failing with words. A
// million rows is ten times a large district's roster, and an upload is for one
// school. A variable so tests can lower it; production code must not change it.
var MaxRows = 1_000_000

// errStopped ends the parsing goroutine when the rows are no longer wanted.
var errStopped = errors.New("reading stopped")

// read reads the upload's file into p. The file is parsed on a goroutine of its own
// while this one compacts the rows, writes the Uploaded File and groups them
// (plan.add): parsing and grouping were a fifth of a 100,000-row import, one after the
// other on one core. up is the Uploaded File, nil in a dry run; on an error it is
// discarded and nil.
func (j *job) read(ctx context.Context, p *plan) (rows []*row, up *table, info roster.Info, err error) {
	var pwIdx int
	header := make(chan struct{}) // closed once up and pwIdx are set
	opts := roster.Options{OnHeader: func(info roster.Info) error {
		defer close(header)
		pwIdx = info.Columns[core.ColPassword]
		if j.dry {
			return nil // a dry run keeps no file
		}
		var err error
		up, err = newTable(info.Header)
		return err
	}}
	if f, _ := core.FormatOf(j.name); f == core.FormatCSV {
		p.expect(bytes.Count(j.data, []byte{'\n'})) // a line per row, give or take
	}
	batches := make(chan []*core.Row, readQueue)
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		batch := make([]*core.Row, 0, readBatch)
		send := func() error {
			select {
			case batches <- batch:
				batch = make([]*core.Row, 0, readBatch)
				return nil
			case <-stop:
				return errStopped
			}
		}
		var err error
		info, err = roster.Read(ctx, j.name, bytes.NewReader(j.data), int64(len(j.data)), j.actor.Mode(), opts, func(r *core.Row) error {
			batch = append(batch, r)
			if len(batch) == readBatch {
				return send()
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			err = send()
		}
		close(batches)
		done <- err
	}()

	// consume handles the rows as they come; its first error stops the parsing.
	consume := func() error {
		var scratch []string
		for batch := range batches {
			<-header // a batch comes after the header: no wait, but up is safe to read
			for _, r := range batch {
				if up != nil {
					// The Uploaded File is every cell as uploaded, but no password.
					scratch = append(scratch[:0], r.Raw...)
					if pwIdx >= 0 && pwIdx < len(scratch) {
						scratch[pwIdx] = ""
					}
					if err := up.write(scratch); err != nil {
						return err
					}
				}
				if len(rows) == MaxRows {
					return core.NewFileError(core.FileTooBig, "more than "+core.Thousands(MaxRows)+" rows", nil)
				}
				c := newRow(r)
				rows = append(rows, c)
				p.add(c)
				if len(rows)%2000 == 0 {
					if err := j.report(ctx, core.PhaseReading, len(rows), 0); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	err = consume()
	if err == nil {
		// The parser may have read the last row before a cancel came, and the reader
		// checks the context only every few hundred rows: the cancel still stops here.
		err = ctx.Err()
	}
	if err != nil {
		close(stop)
		for range batches { // let the parser end
		}
	}
	if rerr := <-done; err == nil && !errors.Is(rerr, errStopped) {
		err = rerr
	}
	if err != nil {
		up.discard()
		return nil, nil, info, err
	}
	return rows, up, info, nil
}
