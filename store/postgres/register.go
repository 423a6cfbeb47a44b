package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"iter"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/klauspost/compress/zstd"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/store"
)

// registerLock is the advisory lock key that orders register imports, so
// that generations commit in the order of their numbers.
const registerLock = 0x6b6f657273726567 // "koersreg"

// RegisterPush is what PushRegister did: the generation it wrote (0 when
// nothing changed) and its counts.
type RegisterPush struct {
	Generation int64 `json:"generation"`
	store.OfferCounts
	Sources []store.SourceCounts `json:"sources"` // by source name
}

// RegisterHead is the register's newest generation and its epoch (the
// time generation 1 was written, which names this database's register: a
// register recreated at the same URL has another epoch).
type RegisterHead struct {
	Epoch      string
	Generation int64
}

var (
	zenc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	zdec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(2))
	bufs    = sync.Pool{New: func() any { return new([]byte) }}
)

// encodeOffer is an offer's stored form: its JSON without the id (the id
// is a column), zstd-compressed, and the FNV-64a hash of that JSON, which
// tells a changed offer from an unchanged one.
func encodeOffer(o catalog.Offer) ([]byte, int64, error) {
	o.ID = ""
	js, err := json.Marshal(o)
	if err != nil {
		return nil, 0, err
	}
	h := fnv.New64a()
	h.Write(js)
	return zenc.EncodeAll(js, nil), int64(h.Sum64()), nil
}

func decodeOffer(id string, doc []byte) (catalog.Offer, error) {
	bp := bufs.Get().(*[]byte)
	defer bufs.Put(bp)
	js, err := zdec.DecodeAll(doc, (*bp)[:0])
	if err != nil {
		return catalog.Offer{}, fmt.Errorf("offer %s: %w", id, err)
	}
	*bp = js
	var o catalog.Offer
	if err := json.Unmarshal(js, &o); err != nil {
		return o, fmt.Errorf("offer %s: %w", id, err)
	}
	o.ID = id
	return o, nil
}

// PushRegister writes offers to the network's register as one new
// generation, in one transaction: new (source, source_id) keys are added
// with the offer's id when it is a UUIDv7 (else a new one), offers whose
// content or status differs are changed (keeping their id), equal ones
// are left alone; with full, every source in the input is whole, and its
// offers the input lacks become tombstones (withdrawn, with this
// generation). A key twice in the input is store.ErrConflict. Nothing
// changed writes no generation. Imports queue on an advisory lock, so a
// generation number is only taken once every earlier one committed.
//
// Not retried as a unit of work (offers is read once): a failure rolls
// everything back and is returned.
func (s *Store) PushRegister(ctx context.Context, offers iter.Seq2[catalog.Offer, error], full bool) (RegisterPush, error) {
	var out RegisterPush
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return out, fmt.Errorf("register push: %w", mapErr(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(registerLock)); err != nil {
		return out, fmt.Errorf("register push: %w", mapErr(err))
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE register_stage (id uuid NOT NULL, source text NOT NULL, source_id text NOT NULL,
		withdrawn boolean NOT NULL, hash bigint NOT NULL, doc bytea NOT NULL, PRIMARY KEY (source, source_id)) ON COMMIT DROP`); err != nil {
		return out, fmt.Errorf("register push: %w", mapErr(err))
	}
	var iterErr error
	n := 0
	next, stop := iter.Pull2(offers)
	defer stop()
	src := pgx.CopyFromFunc(func() ([]any, error) {
		o, err, ok := next()
		if !ok {
			return nil, nil
		}
		if err != nil {
			iterErr = err
			return nil, err
		}
		n++
		id := o.ID
		if u, err := uuid.Parse(id); err != nil || u.Version() != 7 {
			id = NewID()
		}
		doc, hash, err := encodeOffer(o)
		if err != nil {
			return nil, fmt.Errorf("offer %d (source_id %q): %w", n, o.SourceID, err)
		}
		return []any{id, o.Source, o.SourceID, o.Status == catalog.StatusWithdrawn, hash, doc}, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"register_stage"}, []string{"id", "source", "source_id", "withdrawn", "hash", "doc"}, src); err != nil {
		if iterErr != nil {
			return out, iterErr
		}
		return out, fmt.Errorf("register push: %w", mapErr(err))
	}
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(generation), 0) + 1 FROM register_generations`).Scan(&out.Generation); err != nil {
		return out, fmt.Errorf("register push: %w", mapErr(err))
	}
	now := s.stamp()
	if _, err := tx.Exec(ctx, `INSERT INTO register_generations (generation, added, changed, withdrawn, created_at, created_by) VALUES ($1, 0, 0, 0, $2, $3)`,
		out.Generation, now, s.actor); err != nil {
		return out, fmt.Errorf("register push: %w", mapErr(err))
	}
	bySource := map[string]*store.SourceCounts{}
	count := func(what string, sql string, args ...any) error {
		rows, err := tx.Query(ctx, `WITH w AS (`+sql+`) SELECT source, count(*) FROM w GROUP BY source`, args...)
		if err != nil {
			return fmt.Errorf("register push: %s: %w", what, mapErr(err))
		}
		var src string
		var k int
		_, err = pgx.ForEachRow(rows, []any{&src, &k}, func() error {
			c := bySource[src]
			if c == nil {
				c = &store.SourceCounts{Source: src}
				bySource[src] = c
			}
			switch what {
			case "change":
				c.Changed += k
				out.Changed += k
			case "add":
				c.Added += k
				out.Added += k
			case "withdraw":
				c.Withdrawn += k
				out.Withdrawn += k
			case "read":
				c.Unchanged += k // less what changed or was added, below
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("register push: %s: %w", what, mapErr(err))
		}
		return nil
	}
	if err := count("read", `SELECT source FROM register_stage`); err != nil {
		return out, err
	}
	if err := count("change", `UPDATE register_offers r SET withdrawn = s.withdrawn, hash = s.hash, doc = s.doc, generation = $1, updated_at = $2, updated_by = $3
		FROM register_stage s WHERE r.source = s.source AND r.source_id = s.source_id AND (r.hash <> s.hash OR r.withdrawn <> s.withdrawn) RETURNING r.source`,
		out.Generation, now, s.actor); err != nil {
		return out, err
	}
	if err := count("add", `INSERT INTO register_offers (id, source, source_id, generation, withdrawn, hash, doc, created_at, created_by, updated_at, updated_by)
		SELECT s.id, s.source, s.source_id, $1, s.withdrawn, s.hash, s.doc, $2, $3, $2, $3 FROM register_stage s
		WHERE NOT EXISTS (SELECT 1 FROM register_offers r WHERE r.source = s.source AND r.source_id = s.source_id) RETURNING source`,
		out.Generation, now, s.actor); err != nil {
		return out, err
	}
	if full {
		if err := count("withdraw", `UPDATE register_offers r SET withdrawn = true, generation = $1, updated_at = $2, updated_by = $3
			WHERE r.source IN (SELECT DISTINCT source FROM register_stage) AND NOT r.withdrawn
			AND NOT EXISTS (SELECT 1 FROM register_stage s WHERE s.source = r.source AND s.source_id = r.source_id) RETURNING r.source`,
			out.Generation, now, s.actor); err != nil {
			return out, err
		}
	}
	for _, c := range bySource {
		c.Unchanged -= c.Added + c.Changed
		out.Sources = append(out.Sources, *c)
	}
	slices.SortFunc(out.Sources, func(a, b store.SourceCounts) int { return strings.Compare(a.Source, b.Source) })
	out.Unchanged = n - out.Added - out.Changed
	if out.Added+out.Changed+out.Withdrawn == 0 {
		out.Generation = 0
		return out, nil // rolled back: no generation for no change
	}
	if _, err := tx.Exec(ctx, `UPDATE register_generations SET added = $2, changed = $3, withdrawn = $4 WHERE generation = $1`,
		out.Generation, out.Added, out.Changed, out.Withdrawn); err != nil {
		return out, fmt.Errorf("register push: %w", mapErr(err))
	}
	if err := tx.Commit(ctx); err != nil {
		return RegisterPush{}, fmt.Errorf("register push: commit: %w", mapErr(err))
	}
	return out, nil
}

// RegisterHead reads the register's newest committed generation and
// epoch (the zero head: an empty register).
func (s *Store) RegisterHead(ctx context.Context) (RegisterHead, error) {
	return registerHead(ctx, s.pool)
}

func registerHead(ctx context.Context, q querier) (RegisterHead, error) {
	var h RegisterHead
	var epoch *time.Time
	err := q.QueryRow(ctx, `SELECT coalesce(max(generation), 0), (SELECT created_at FROM register_generations WHERE generation = 1) FROM register_generations`).Scan(&h.Generation, &epoch)
	if err != nil {
		return h, fmt.Errorf("register head: %w", mapErr(err))
	}
	if epoch != nil {
		h.Epoch = epoch.UTC().Format(time.RFC3339Nano)
	}
	return h, nil
}

// RegisterChanges reads, in one consistent snapshot, the register's head
// and the offers a local index at generation since lacks: every offer
// added, changed or withdrawn after since (withdrawn ones with Status
// withdrawn), ordered by source and source id. begin is told the head and
// how many offers follow before the first is given to each (each: return
// an error to stop).
func (s *Store) RegisterChanges(ctx context.Context, since int64, begin func(head RegisterHead, count int) error, each func(o catalog.Offer) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("register changes: %w", mapErr(err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	head, err := registerHead(ctx, tx)
	if err != nil {
		return err
	}
	var count int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM register_offers WHERE generation > $1`, since).Scan(&count); err != nil {
		return fmt.Errorf("register changes: %w", mapErr(err))
	}
	if err := begin(head, count); err != nil {
		return err
	}
	if count == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT id::text, withdrawn, doc FROM register_offers WHERE generation > $1 ORDER BY source, source_id`, since)
	if err != nil {
		return fmt.Errorf("register changes: %w", mapErr(err))
	}
	defer rows.Close()
	var (
		id        string
		withdrawn bool
		doc       []byte
	)
	for rows.Next() {
		if err := rows.Scan(&id, &withdrawn, &doc); err != nil {
			return fmt.Errorf("register changes: %w", mapErr(err))
		}
		o, err := decodeOffer(id, doc)
		if err != nil {
			return fmt.Errorf("register changes: %w", err)
		}
		if withdrawn {
			o.Status = catalog.StatusWithdrawn
		} else if o.Status == catalog.StatusWithdrawn {
			o.Status = catalog.StatusActive
		}
		if err := each(o); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("register changes: %w", mapErr(err))
	}
	return nil
}
