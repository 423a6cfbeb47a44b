package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"unsafe"

	"github.com/koers-project/koers/catalog"
)

// The in-memory index is saved with every import (about 41 bytes an
// offer), so that opening a 1M-offer register reads 41 MB in parts instead
// of scanning 1.2 GB of offer rows (seconds). An import starts
// from the saved index, sets the rows it writes, and saves it again in the
// same transaction.

// emptyIndex is the index of an empty register.
func emptyIndex() *memIndex {
	idx := &memIndex{}
	idx.modeIDs.id("")
	idx.regionIDs.id("")
	idx.grow(1)
	return idx
}

// grow makes room for rowids below n.
func (x *memIndex) grow(n int) {
	if n <= x.n {
		return
	}
	if n > 1024 {
		n = max(n, x.n+x.n/4) // amortise growth during an import
	}
	x.status = growTo(x.status, n, 0)
	x.eqf = growTo(x.eqf, n, 0)
	x.mode = growTo(x.mode, n, 0)
	x.region = growTo(x.region, n, 0)
	x.langs = growTo(x.langs, n, 0)
	x.schemes = growTo(x.schemes, n, 0)
	x.price = growTo(x.price, n, -1)
	x.start = growTo(x.start, n, math.MinInt32)
	x.prov = growTo(x.prov, n, 0)
	x.award = growTo(x.award, n, 0)
	x.initials = growTo(x.initials, n, 0)
	x.n = n
}

func growTo[T any](s []T, n int, fill T) []T {
	for len(s) < n {
		s = append(s, fill)
	}
	return s
}

// setRow records one offer's filter and facet values.
func (x *memIndex) setRow(rid int64, st string, eqf int64, mode, region, langs, schemes string, price sql.NullInt64, start string, prov, award, initials int64) {
	x.grow(int(rid) + 1)
	switch {
	case st == string(catalog.StatusActive) && x.status[rid] != stActive:
		x.active++
		x.status[rid] = stActive
	case st != string(catalog.StatusActive):
		if x.status[rid] == stActive {
			x.active--
		}
		x.status[rid] = stWithdrawn
	}
	x.eqf[rid] = int8(eqf)
	x.mode[rid] = uint8(x.modeIDs.id(mode))
	x.region[rid] = uint16(x.regionIDs.id(region))
	x.langs[rid], x.schemes[rid] = 0, 0
	for _, l := range strings.Fields(langs) {
		if b := x.langIDs.id(l); b < 32 {
			x.langs[rid] |= 1 << b
		}
	}
	for _, sc := range strings.Fields(schemes) {
		if b := x.schemeIDs.id(sc); b < 64 {
			x.schemes[rid] |= 1 << b
		}
	}
	x.price[rid] = -1
	if price.Valid {
		x.price[rid] = int32(min(price.Int64, math.MaxInt32))
	}
	x.start[rid] = math.MinInt32
	if start != "" {
		if d, err := catalog.ParseDate(start); err == nil {
			x.start[rid] = int32(d.Time().Unix() / 86400)
		}
	}
	x.prov[rid], x.award[rid], x.initials[rid] = uint32(prov), uint32(award), uint64(initials)
}

// withdraw marks one offer withdrawn.
// drop forgets rid (a changed offer's old row, replaced by its copy).
func (x *memIndex) drop(rid int64) {
	if int(rid) < x.n {
		if x.status[rid] == stActive {
			x.active--
		}
		x.status[rid], x.eqf[rid], x.mode[rid], x.region[rid], x.langs[rid], x.schemes[rid] = stNone, 0, 0, 0, 0, 0
		x.price[rid], x.start[rid], x.prov[rid], x.award[rid], x.initials[rid] = -1, math.MinInt32, 0, 0, 0
	}
}

func (x *memIndex) withdraw(rid int64) {
	if int(rid) < x.n && x.status[rid] == stActive {
		x.status[rid] = stWithdrawn
		x.active--
	}
}

// The saved index is a header part and column parts (migration 0009). The
// header holds "KRX2", the number of rowids n, the active count, the part
// size and the interned names; then each column of memIndex, in the order
// of snapColumns, fills parts of at most partBytes holding whole values
// (a column of n values of s bytes takes ceil(n*s/partBytes') parts, where
// partBytes' is partBytes rounded down to a multiple of s). All integers
// are little-endian. Reading part by part keeps at most one part in
// SQLite's memory while Go fills the columns.
const (
	snapshotMagic  = "KRX2"
	snapshotMagic1 = "KRX1" // one value, before migration 0009
)

// indexPartBytes is the part size a save uses (a variable so that tests
// can split small indexes into many parts).
var indexPartBytes = 512 << 10

// snapColumn is one column of memIndex: its value size, an encoder of
// values lo..hi-1 and a decoder of whole values starting at lo.
type snapColumn struct {
	size int
	enc  func(b []byte, lo, hi int) []byte
	dec  func(b []byte, lo int)
}

// fixedInt is the value types of memIndex's columns.
type fixedInt interface {
	~uint8 | ~int8 | ~uint16 | ~uint32 | ~int32 | ~uint64
}

// col is the saved form of one column: its values, little-endian, in
// their own size.
func col[T fixedInt](s []T) snapColumn {
	size := int(unsafe.Sizeof(T(0)))
	return snapColumn{size,
		func(b []byte, lo, hi int) []byte {
			for _, v := range s[lo:hi] {
				switch u := uint64(v); size {
				case 1:
					b = append(b, byte(u))
				case 2:
					b = binary.LittleEndian.AppendUint16(b, uint16(u))
				case 4:
					b = binary.LittleEndian.AppendUint32(b, uint32(u))
				default:
					b = binary.LittleEndian.AppendUint64(b, u)
				}
			}
			return b
		},
		func(b []byte, lo int) {
			dst := s[lo : lo+len(b)/size]
			if copyLE(dst, b) {
				return
			}
			for i := range dst {
				switch v := b[i*size:]; size {
				case 1:
					dst[i] = T(v[0])
				case 2:
					dst[i] = T(binary.LittleEndian.Uint16(v))
				case 4:
					dst[i] = T(binary.LittleEndian.Uint32(v))
				default:
					dst[i] = T(binary.LittleEndian.Uint64(v))
				}
			}
		}}
}

// littleEndian is whether this machine stores integers as the saved index
// does, so that a part can be copied into its column as it is.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// copyLE copies the little-endian values in b into dst (as many as dst
// holds) when the machine's byte order allows a plain copy: decoding a 1M
// offer index then takes a few ms instead of 40.
func copyLE[T fixedInt](dst []T, b []byte) bool {
	if !littleEndian || len(dst) == 0 {
		return littleEndian
	}
	raw := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(dst))), len(dst)*int(unsafe.Sizeof(dst[0])))
	copy(raw, b)
	return true
}

// snapColumns lists x's columns in their saved order (x's slices must have
// length x.n).
func (x *memIndex) snapColumns() []snapColumn {
	return []snapColumn{col(x.status), col(x.eqf), col(x.mode), col(x.region), col(x.langs), col(x.schemes),
		col(x.price), col(x.start), col(x.prov), col(x.award), col(x.initials)}
}

// alloc gives x columns of n values for decoding into.
func (x *memIndex) alloc(n int) {
	x.n = n
	x.status, x.eqf, x.mode = make([]uint8, n), make([]int8, n), make([]uint8, n)
	x.region, x.langs, x.schemes = make([]uint16, n), make([]uint32, n), make([]uint64, n)
	x.price, x.start = make([]int32, n), make([]int32, n)
	x.prov, x.award, x.initials = make([]uint32, n), make([]uint32, n), make([]uint64, n)
}

// snapshotParts encodes the index (without orgs and terms, which have
// tables) as parts of at most partBytes, and calls put for each in order.
func (x *memIndex) snapshotParts(partBytes int, put func(part []byte) error) error {
	h := []byte(snapshotMagic)
	h = binary.LittleEndian.AppendUint32(h, uint32(x.n))
	h = binary.LittleEndian.AppendUint32(h, uint32(x.active))
	h = binary.LittleEndian.AppendUint32(h, uint32(partBytes))
	for _, names := range [][]string{x.modeIDs.names, x.regionIDs.names, x.langIDs.names, x.schemeIDs.names} {
		h = binary.LittleEndian.AppendUint32(h, uint32(len(names)))
		for _, s := range names {
			h = binary.LittleEndian.AppendUint16(h, uint16(len(s)))
			h = append(h, s...)
		}
	}
	if err := put(h); err != nil {
		return err
	}
	buf := make([]byte, 0, partBytes)
	for _, c := range x.snapColumns() {
		per := partBytes / c.size
		for lo := 0; lo < x.n; lo += per {
			if err := put(c.enc(buf[:0], lo, min(lo+per, x.n))); err != nil {
				return err
			}
		}
	}
	return nil
}

var errSnapshot = errors.New("register index snapshot is damaged")

// partDecoder fills an index from its parts, given one at a time in order.
type partDecoder struct {
	x         *memIndex
	cols      []snapColumn
	per       int // values in a full part of the current column
	col, next int // current column and its next value
	started   bool
}

// header decodes part 0.
func (d *partDecoder) header(b []byte) error {
	r := snapReader{b: b}
	if string(r.next(4)) != snapshotMagic {
		return errSnapshot
	}
	x := &memIndex{}
	n := int(r.u32())
	x.active = int(r.u32())
	partBytes := int(r.u32())
	r.names(x)
	if r.bad || len(r.b) != 0 || partBytes < 8 || n < 0 || n > math.MaxUint32/8 {
		return errSnapshot
	}
	x.alloc(n)
	d.x, d.cols, d.per, d.started = x, x.snapColumns(), partBytes, true
	return nil
}

// part decodes the next column part, which must hold exactly the values
// the header's part size puts there.
func (d *partDecoder) part(b []byte) error {
	d.advance()
	if d.col >= len(d.cols) {
		return errSnapshot // more parts than columns
	}
	c := d.cols[d.col]
	want := min(d.per/c.size, d.x.n-d.next)
	if len(b) != want*c.size {
		return errSnapshot
	}
	c.dec(b, d.next)
	d.next += want
	return nil
}

// advance moves past the columns already filled.
func (d *partDecoder) advance() {
	for d.col < len(d.cols) && d.next >= d.x.n {
		d.col, d.next = d.col+1, 0
	}
}

// done reports whether every column was filled.
func (d *partDecoder) done() bool {
	d.advance()
	return d.started && d.col == len(d.cols)
}

// fromSnapshot1 decodes an index saved as one value before migration 0009.
func fromSnapshot1(b []byte) (*memIndex, error) {
	r := snapReader{b: b}
	if string(r.next(4)) != snapshotMagic1 {
		return nil, errSnapshot
	}
	x := &memIndex{}
	n := int(r.u32())
	x.active = int(r.u32())
	r.names(x)
	if r.bad || len(r.b) != 41*n {
		return nil, errSnapshot
	}
	x.alloc(n)
	for _, c := range x.snapColumns() {
		c.dec(r.next(n*c.size), 0)
	}
	return x, nil
}

type snapReader struct {
	b   []byte
	bad bool
}

// names reads the interned mode, region, language and scheme names
// into x (a count, then each name's length and bytes).
func (r *snapReader) names(x *memIndex) {
	for _, in := range []*interner{&x.modeIDs, &x.regionIDs, &x.langIDs, &x.schemeIDs} {
		for k := r.u32(); k > 0 && !r.bad; k-- {
			in.id(string(r.next(int(r.u16()))))
		}
	}
}

func (r *snapReader) next(n int) []byte {
	if n > len(r.b) {
		r.bad = true
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}
func (r *snapReader) u16() uint16 {
	if v := r.next(2); v != nil {
		return binary.LittleEndian.Uint16(v)
	}
	return 0
}
func (r *snapReader) u32() uint32 {
	if v := r.next(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// baseIndex is the index as stored for generation gen: the snapshot when
// it is current, else a scan of the offers table.
func baseIndex(ctx context.Context, q querier, gen string) (*memIndex, error) {
	var saved int
	// A database opened read-only before its migrations ran has no saved
	// index table: it is scanned.
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='table' AND name='register_index_parts'`).Scan(&saved); err != nil {
		return nil, fmt.Errorf("register index: %w", err)
	}
	if saved == 0 {
		return scanIndex(ctx, q)
	}
	idx, err := savedIndex(ctx, q, gen)
	if err != nil {
		return nil, fmt.Errorf("register index: %w", err)
	}
	if idx != nil {
		return idx, nil
	}
	return scanIndex(ctx, q)
}

// savedIndex decodes the saved index if it is for generation gen (nil if
// there is none, it is older or damaged). Each part is decoded from the
// driver's buffer (sql.RawBytes), so that at most one part is held twice.
func savedIndex(ctx context.Context, q querier, gen string) (*memIndex, error) {
	rows, err := q.QueryContext(ctx, `SELECT part, generation, data FROM register_index_parts ORDER BY part`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var d partDecoder
	for i := 0; rows.Next(); i++ {
		var (
			part    int
			partGen string
			data    sql.RawBytes
		)
		if err := rows.Scan(&part, &partGen, &data); err != nil {
			return nil, err
		}
		if part != i || partGen != gen {
			return nil, nil // older, or damaged: rebuilt from the offer rows
		}
		if i == 0 && bytes.HasPrefix(data, []byte(snapshotMagic1)) {
			idx, err := fromSnapshot1(data)
			if err != nil || rows.Next() {
				return nil, nil
			}
			return idx, nil
		}
		if i == 0 {
			err = d.header(data)
		} else {
			err = d.part(data)
		}
		if err != nil {
			return nil, nil
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !d.done() {
		return nil, nil
	}
	return d.x, nil
}

// saveIndex replaces the saved index with x's, for generation gen.
func saveIndex(ctx context.Context, tx *sql.Tx, x *memIndex, gen string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM register_index_parts`); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO register_index_parts (part, generation, data) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	part := 0
	return x.snapshotParts(indexPartBytes, func(b []byte) error {
		_, err := stmt.ExecContext(ctx, part, gen, b)
		part++
		return err
	})
}

// scanIndex builds the index from the offer rows (slow on a large register;
// only when no current snapshot exists).
func scanIndex(ctx context.Context, q querier) (*memIndex, error) {
	idx := emptyIndex()
	rows, err := q.QueryContext(ctx, `SELECT rid, status, eqf, mode, region, languages, schemes, price, coalesce(start, ''),
		coalesce(provider, 0), coalesce(awarding, 0), initials FROM offers WHERE rid <= `+ceilingSQL+` ORDER BY rid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rid, eqf, prov, award, initials     int64
			status, mode, region, ls, ss, start string
			price                               sql.NullInt64
		)
		if err := rows.Scan(&rid, &status, &eqf, &mode, &region, &ls, &ss, &price, &start, &prov, &award, &initials); err != nil {
			return nil, err
		}
		idx.setRow(rid, status, eqf, mode, region, ls, ss, price, start, prov, award, initials)
	}
	return idx, rows.Err()
}

// queryStrings is the one text column of every row query returns, in its
// order.
func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
