package store

import (
	"context"
	"fmt"
	"io"
	"iter"
	"sync"
	"sync/atomic"

	"github.com/koers-project/koers/catalog"
)

// pipeline runs a parser in its own goroutine and hands its offers over in
// batches, so that parsing (one core) overlaps the SQLite writes (the
// other). stop ends the parser early if need be and waits for it; only
// then may the caller read what the parser wrote (its error list).
func pipeline(seq iter.Seq[catalog.Offer]) (iter.Seq[catalog.Offer], func()) {
	const batch = 256
	ch := make(chan []catalog.Offer, 8)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer close(ch)
		b := make([]catalog.Offer, 0, batch)
		for o := range seq {
			b = append(b, o)
			if len(b) == batch {
				select {
				case ch <- b:
				case <-done:
					return
				}
				b = make([]catalog.Offer, 0, batch)
			}
		}
		if len(b) > 0 {
			select {
			case ch <- b:
			case <-done:
			}
		}
	}()
	out := func(yield func(catalog.Offer) bool) {
		for b := range ch {
			for _, o := range b {
				if !yield(o) {
					return
				}
			}
		}
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			close(done)
			for range ch {
			}
			<-finished
		})
	}
	return out, stop
}

// progress throttles progress reports. Only the writing goroutine
// reports; the parser goroutine only counts bytes (atomically).
type progress struct {
	fn     func(ImportProgress)
	total  int64
	done   atomic.Int64
	last   int64
	offers int
	rows   int
	file   string
}

func (p *progress) report(force bool) {
	if p.fn == nil {
		return
	}
	done := p.done.Load()
	if !force && done-p.last < 1<<20 && (p.offers+p.rows)%20000 != 0 {
		return
	}
	p.last = done
	p.fn(ImportProgress{File: p.file, Done: done, Total: p.total, Offers: p.offers, Rows: p.rows})
}

// percent is how much of the input is read, -1 if its size is unknown.
func (p *progress) percent() int {
	if p.total <= 0 {
		return -1
	}
	return int(min(100, p.done.Load()*100/p.total))
}

func (p *progress) offer() { p.offers++; p.report(false) }

func (p *progress) doneBytes(n int64) { p.done.Add(n); p.report(true) }

func (p *progress) countRow(f func(catalog.Concept) error) func(catalog.Concept) error {
	return func(c catalog.Concept) error { p.rows++; p.report(false); return f(c) }
}

func (p *progress) countRel(f func(catalog.OccupationSkill) error) func(catalog.OccupationSkill) error {
	return func(r catalog.OccupationSkill) error { p.rows++; p.report(false); return f(r) }
}

type countingReader struct {
	r io.Reader
	p *progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.p.done.Add(int64(n))
	return n, err
}

// EachOffer yields every offer of source ("" for all sources), by source
// and then in import order, for `koers export register`.
func (s *Store) EachOffer(ctx context.Context, source string) iter.Seq2[catalog.Offer, error] {
	return func(yield func(catalog.Offer, error) bool) {
		rows, err := s.db.QueryContext(ctx, `SELECT `+offerCols+` FROM `+offerFrom+` WHERE (?1 = '' OR o.source = ?1) AND o.rid <= `+ceilingSQL+` ORDER BY o.source, o.rid`, source)
		if err != nil {
			yield(catalog.Offer{}, fmt.Errorf("export offers: %w", mapErr(err)))
			return
		}
		defer rows.Close()
		var c docCodec
		for rows.Next() {
			_, o, err := c.scanOffer(rows)
			if err != nil {
				yield(catalog.Offer{}, fmt.Errorf("export offers: %w", err))
				return
			}
			if !yield(o, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(catalog.Offer{}, fmt.Errorf("export offers: %w", mapErr(err)))
		}
	}
}
