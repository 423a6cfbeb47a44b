package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/google/uuid"

	"github.com/koers-project/koers/catalog"
)

// OfferImportOptions configure an import of offers from one source.
type OfferImportOptions struct {
	// Full says the input is the source's whole register: its offers that
	// the input lacks are marked withdrawn (never deleted).
	Full bool
	// DryRun validates and counts everything, then rolls back.
	DryRun bool
	// Progress, if set, is called with the number of offers read so far,
	// every ProgressEvery offers and once at the end.
	Progress func(read int)
	// ProgressEvery is the progress interval; 0 means 10,000.
	ProgressEvery int
}

// OfferCounts is what an import did.
type OfferCounts struct {
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	Withdrawn int `json:"withdrawn"`
}

// OfferError is a bad offer in an import: which one (1-based position in
// the input, and its source id) and what is wrong with it (for invalid
// offers a catalog.Problems naming every field).
type OfferError struct {
	Index    int
	SourceID string
	Err      error
}

func (e *OfferError) Error() string {
	if e.SourceID != "" {
		return fmt.Sprintf("offer %d (source_id %q): %v", e.Index, e.SourceID, e.Err)
	}
	return fmt.Sprintf("offer %d: %v", e.Index, e.Err)
}

func (e *OfferError) Unwrap() error { return e.Err }

// errDryRun rolls a dry-run import back.
var errDryRun = errors.New("dry run")

// bulkRows is from how many written rows an import ends with a full FTS
// optimize (one merge of every segment) instead of incremental merging.
const bulkRows = 20000

// ImportOffers imports offers of one source in one transaction: all of them
// or, on the first bad one, none. See importOffers.
func (s *Store) ImportOffers(ctx context.Context, source string, offers iter.Seq2[catalog.Offer, error], opt OfferImportOptions) (OfferCounts, error) {
	var n OfferCounts
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.importOffers(ctx, tx, source, offers, opt)
		if err == nil && opt.DryRun {
			return errDryRun
		}
		return err
	})
	if errors.Is(err, errDryRun) {
		return n, nil
	}
	if err != nil {
		return OfferCounts{}, err
	}
	s.registerChanged()
	return n, nil
}

// importOffers writes offers of source inside tx, keyed by source and
// source id: new ones are added, different ones changed (same id and
// rowid), equal ones left alone; with opt.Full, the source's active offers
// missing from the input are withdrawn. Every offer is validated; the first
// invalid one (or iterator error) stops the import with an *OfferError and
// the caller rolls back. The caller's transaction must be immediate.
//
// offers is consumed on a second goroutine, which also validates and
// encodes each offer while this one writes the previous ones (2 cores: the
// 1M-offer import is bound by both). The iterator must not use tx.
func (s *Store) importOffers(ctx context.Context, tx *sql.Tx, source string, offers iter.Seq2[catalog.Offer, error], opt OfferImportOptions) (OfferCounts, error) {
	var n OfferCounts
	source = strings.TrimSpace(source)
	if source == "" {
		return n, fmt.Errorf("import offers: source is required")
	}
	w, err := newOfferWriter(ctx, tx, s.Actor(), s.stamp(), source)
	if err != nil {
		return n, err
	}
	defer w.close()
	// Keep the FTS pending-terms hash in memory for longer (64 MB instead
	// of 1 MB) and merge once at the end: far fewer, larger segments.
	for _, q := range []string{`INSERT INTO offers_fts (offers_fts, rank) VALUES ('automerge', 0)`,
		`INSERT INTO offers_fts (offers_fts, rank) VALUES ('hashsize', 67108864)`,
		`INSERT INTO offers_title_fts (offers_title_fts, rank) VALUES ('automerge', 0)`,
		`INSERT INTO offers_title_fts (offers_title_fts, rank) VALUES ('hashsize', 16777216)`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return n, fmt.Errorf("import offers: %w", err)
		}
	}
	every := opt.ProgressEvery
	if every <= 0 {
		every = 10000
	}
	ready := make(chan prepared, 256)
	stop := make(chan struct{})
	done := make(chan struct{})
	terms := termSet{} // the producer's until ready closes
	go func() {
		defer close(done)
		prepare(source, offers, terms, ready, stop)
	}()
	defer func() {
		close(stop)
		for range ready {
		}
		<-done
	}()
	var seen bitset
	read := 0
	for p := range ready {
		read = p.index
		if p.err != nil {
			return n, &OfferError{Index: p.index, SourceID: p.o.SourceID, Err: p.err}
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
		rid, outcome, err := w.put(ctx, &p)
		if err != nil {
			if w.twice(ctx, &p.o, err) {
				return n, &DuplicateKeyError{Source: source, SourceID: p.o.SourceID}
			}
			return n, &OfferError{Index: p.index, SourceID: p.o.SourceID, Err: err}
		}
		if seen.has(rid) {
			return n, &DuplicateKeyError{Source: source, SourceID: p.o.SourceID}
		}
		seen.set(rid)
		switch outcome {
		case added:
			n.Added++
		case changed:
			n.Changed++
		default:
			n.Unchanged++
		}
		if opt.Progress != nil && read%every == 0 {
			opt.Progress(read)
		}
	}
	if opt.Progress != nil {
		opt.Progress(read)
	}
	if opt.Full {
		if n.Withdrawn, err = w.withdrawMissing(ctx, source, &seen); err != nil {
			return n, err
		}
	}
	if err := w.writeTerms(ctx, terms, w.hadOffers); err != nil {
		return n, err
	}
	if err := w.finish(ctx, source, n, n.Added+n.Changed >= bulkRows); err != nil {
		return n, err
	}
	return n, nil
}

// prepared is one offer read, validated and encoded, ready to write.
type prepared struct {
	index    int // 1-based position in the input
	o        catalog.Offer
	doc      []byte
	hash     int64
	text     offerText
	phrases  []string // termPhrases(text)
	initials int64
	err      error // from the iterator or validation; ends the import
}

// prepare reads offers, validates and encodes them, and sends them on out
// until the input ends, an offer is bad, or stop closes.
func prepare(source string, offers iter.Seq2[catalog.Offer, error], terms termSet, out chan<- prepared, stop <-chan struct{}) {
	defer close(out)
	var c docCodec
	var seen phraseSeen
	i := 0
	for o, err := range offers {
		i++
		p := prepared{index: i}
		if err == nil {
			if o.Source == "" {
				o.Source = source
			}
			if o.Status == "" {
				o.Status = catalog.StatusActive
			}
			pr := o.Validate()
			if o.Source != source {
				pr = append(pr, catalog.FieldError{Field: "source", Msg: fmt.Sprintf("%q is not the imported source %q", o.Source, source)})
			}
			if len(pr) > 0 {
				err = pr
			}
		}
		if err == nil {
			p.doc, p.hash, err = c.encode(o)
			p.text = textOf(&o)
			p.phrases = termPhrases(p.text, &seen)
			terms.add(p.phrases)
			p.initials = int64(catalog.Initials(o.Title))
		}
		p.o, p.err = o, err
		select {
		case out <- p:
		case <-stop:
			return
		}
		if err != nil {
			return
		}
	}
}

type putOutcome int

const (
	unchanged putOutcome = iota
	added
	changed
)

// offerWriter holds the prepared statements of one import.
type offerWriter struct {
	tx             *sql.Tx
	actor, stamp   string
	codec          docCodec
	orgs           map[string]int64
	skills         map[string]int64
	find, ins, upd *sql.Stmt
	old            *sql.Stmt
	ftsIns, ftsDel *sql.Stmt
	// titleIns and titleDel keep offers_title_fts beside offers_fts.
	titleIns, titleDel *sql.Stmt
	skDel              *sql.Stmt
	orgIns             *sql.Stmt
	skillIns           *sql.Stmt
	// fresh: the source had no offers, so every offer is new (no look-up).
	fresh bool
	// hadOffers: the register held offers of any source before.
	hadOffers bool
	// idx is the register's search index, kept up to date row by row and
	// saved at the end (search_snapshot.go).
	idx *memIndex
	// pairs are offer_skills rows (skill<<32 | rowid), written sorted at the end.
	pairs []uint64
	// termRows is the change this import makes to offer_term_rows.
	termRows map[string]int64
	seen     phraseSeen
}

func newOfferWriter(ctx context.Context, tx *sql.Tx, actor, stamp, source string) (*offerWriter, error) {
	w := &offerWriter{tx: tx, actor: actor, stamp: stamp, orgs: map[string]int64{}, skills: map[string]int64{}, termRows: map[string]int64{}}
	var any int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM offers WHERE source = ? LIMIT 1)`, source).Scan(&any)
	if err != nil {
		return nil, fmt.Errorf("import offers: %w", err)
	}
	w.fresh = any == 0
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM offers)`).Scan(&w.hadOffers); err != nil {
		return nil, fmt.Errorf("import offers: %w", err)
	}
	if !w.hadOffers {
		w.idx = emptyIndex()
	} else {
		var gen string
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'register.generation'`).Scan(&gen)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("import offers: %w", err)
		}
		if w.idx, err = baseIndex(ctx, tx, gen); err != nil {
			return nil, fmt.Errorf("import offers: %w", err)
		}
	}
	// Upserts would open statement savepoints, and every savepoint makes
	// FTS5 flush its pending terms to a new segment: load the interned
	// names instead and insert new ones plainly.
	for _, l := range []struct {
		m   map[string]int64
		sql string
	}{{w.orgs, `SELECT id, name FROM offer_orgs`}, {w.skills, `SELECT id, uri FROM offer_skill_uris`}} {
		rows, err := tx.QueryContext(ctx, l.sql)
		if err != nil {
			return nil, fmt.Errorf("import offers: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			l.m[name] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	stmts := []struct {
		dst **sql.Stmt
		sql string
	}{
		{&w.find, `SELECT rid, hash, status FROM offers WHERE source = ? AND source_id = ?`},
		{&w.old, `SELECT ` + offerCols + ` FROM ` + offerFrom + ` WHERE o.rid = ?`},
		{&w.ins, `INSERT INTO offers (id, source, source_id, status, eqf, mode, languages, country, region, price, currency, start, schemes,
			provider, awarding, initials, hash, doc, created_at, created_by, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&w.upd, `UPDATE offers SET status = ?, eqf = ?, mode = ?, languages = ?, country = ?, region = ?, price = ?, currency = ?, start = ?,
			schemes = ?, provider = ?, awarding = ?, initials = ?, hash = ?, doc = ?, updated_at = ?, updated_by = ? WHERE rid = ?`},
		{&w.ftsIns, `INSERT INTO offers_fts (rowid, title, description, outcomes, skills, provider) VALUES (?, ?, ?, ?, ?, ?)`},
		{&w.ftsDel, `INSERT INTO offers_fts (offers_fts, rowid, title, description, outcomes, skills, provider) VALUES ('delete', ?, ?, ?, ?, ?, ?)`},
		{&w.titleIns, `INSERT INTO offers_title_fts (rowid, title) VALUES (?, ?)`},
		{&w.titleDel, `INSERT INTO offers_title_fts (offers_title_fts, rowid, title) VALUES ('delete', ?, ?)`},
		{&w.skDel, `DELETE FROM offer_skills WHERE skill = ? AND offer = ?`},
		{&w.orgIns, `INSERT INTO offer_orgs (name) VALUES (?)`},
		{&w.skillIns, `INSERT INTO offer_skill_uris (uri) VALUES (?)`},
	}
	for _, st := range stmts {
		p, err := tx.PrepareContext(ctx, st.sql)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("import offers: prepare: %w", err)
		}
		*st.dst = p
	}
	return w, nil
}

func (w *offerWriter) close() {
	for _, st := range []*sql.Stmt{w.find, w.old, w.ins, w.upd, w.ftsIns, w.ftsDel, w.titleIns, w.titleDel, w.skDel, w.orgIns, w.skillIns} {
		if st != nil {
			st.Close()
		}
	}
}

// org is the interned id of a provider or awarding body, or nil for "".
func (w *offerWriter) org(ctx context.Context, name string) (any, error) {
	if name == "" {
		return nil, nil
	}
	if id, ok := w.orgs[name]; ok {
		return id, nil
	}
	res, err := w.orgIns.ExecContext(ctx, name)
	if err != nil {
		return 0, fmt.Errorf("provider %q: %w", name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	w.orgs[name] = id
	return id, nil
}

func (w *offerWriter) skill(ctx context.Context, uri string) (int64, error) {
	if id, ok := w.skills[uri]; ok {
		return id, nil
	}
	res, err := w.skillIns.ExecContext(ctx, uri)
	if err != nil {
		return 0, fmt.Errorf("skill %q: %w", uri, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	w.skills[uri] = id
	return id, nil
}

// put writes one valid, encoded offer and says whether it was added,
// changed or unchanged.
func (w *offerWriter) put(ctx context.Context, p *prepared) (int64, putOutcome, error) {
	o := &p.o
	var (
		rid       int64
		oldHash   int64
		oldStatus string
		exists    bool
	)
	if !w.fresh {
		err := w.find.QueryRowContext(ctx, o.Source, o.SourceID).Scan(&rid, &oldHash, &oldStatus)
		exists = err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, 0, err
		}
		if exists && oldHash == p.hash && oldStatus == string(o.Status) {
			return rid, unchanged, nil
		}
	}
	prov, err := w.org(ctx, o.Provider)
	if err != nil {
		return 0, 0, err
	}
	awarding, err := w.org(ctx, o.AwardingBody)
	if err != nil {
		return 0, 0, err
	}
	var price any
	if o.Price != nil {
		price = int64(*o.Price)
	}
	var start any
	if !o.Start.IsZero() {
		start = o.Start.String()
	}
	cols := []any{string(o.Status), int64(o.EQF), string(o.Mode), strings.Join(o.Languages, " "), o.Country, o.Region, price, o.Currency, start,
		strings.Join(o.Schemes, " "), prov, awarding, p.initials, p.hash, p.doc}
	outcome := added
	if exists {
		outcome = changed
		if err := w.unindex(ctx, rid); err != nil {
			return 0, 0, err
		}
		if _, err := w.upd.ExecContext(ctx, append(cols, w.stamp, w.actor, rid)...); err != nil {
			return 0, 0, err
		}
	} else {
		id := o.ID
		if u, err := uuid.Parse(id); err != nil || u.Version() != 7 {
			id = NewID()
		}
		args := append([]any{id, o.Source, o.SourceID}, cols...)
		res, err := w.ins.ExecContext(ctx, append(args, w.stamp, w.actor, w.stamp, w.actor)...)
		if err != nil {
			return 0, 0, err
		}
		if rid, err = res.LastInsertId(); err != nil {
			return 0, 0, err
		}
	}
	var pr sql.NullInt64
	if o.Price != nil {
		pr = sql.NullInt64{Int64: int64(*o.Price), Valid: true}
	}
	var provID, awardID int64
	if v, ok := prov.(int64); ok {
		provID = v
	}
	if v, ok := awarding.(int64); ok {
		awardID = v
	}
	w.idx.setRow(rid, string(o.Status), int64(o.EQF), string(o.Mode), o.Region, strings.Join(o.Languages, " "), strings.Join(o.Schemes, " "),
		pr, o.Start.String(), provID, awardID, p.initials)
	t := p.text
	if _, err := w.ftsIns.ExecContext(ctx, rid, t.title, t.description, t.outcomes, t.skills, t.provider); err != nil {
		return 0, 0, fmt.Errorf("index: %w", err)
	}
	if _, err := w.titleIns.ExecContext(ctx, rid, t.title); err != nil {
		return 0, 0, fmt.Errorf("index: %w", err)
	}
	for _, ph := range p.phrases {
		w.termRows[ph]++
	}
	for _, sk := range o.Skills() {
		id, err := w.skill(ctx, sk.URI)
		if err != nil {
			return 0, 0, err
		}
		w.pairs = append(w.pairs, uint64(id)<<32|uint64(rid))
	}
	return rid, outcome, nil
}
