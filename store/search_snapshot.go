package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/koers-project/koers/catalog"
)

// The in-memory index is saved with every import as one blob (about 41
// bytes an offer), so that opening a 1M-offer register reads 41 MB in one
// go instead of scanning 1.4 GB of offer rows (seconds). An import starts
// from the saved index, sets the rows it writes, and saves it again in the
// same transaction.

const snapshotMagic = "KRX1"

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
func (x *memIndex) withdraw(rid int64) {
	if int(rid) < x.n && x.status[rid] == stActive {
		x.status[rid] = stWithdrawn
		x.active--
	}
}

// snapshot encodes the index (without orgs and terms, which have tables).
func (x *memIndex) snapshot() []byte {
	b := make([]byte, 0, 64+41*x.n)
	b = append(b, snapshotMagic...)
	b = binary.LittleEndian.AppendUint32(b, uint32(x.n))
	b = binary.LittleEndian.AppendUint32(b, uint32(x.active))
	for _, names := range [][]string{x.modeIDs.names, x.regionIDs.names, x.langIDs.names, x.schemeIDs.names} {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(names)))
		for _, s := range names {
			b = binary.LittleEndian.AppendUint16(b, uint16(len(s)))
			b = append(b, s...)
		}
	}
	b = append(b, x.status...)
	for _, v := range x.eqf {
		b = append(b, byte(v))
	}
	b = append(b, x.mode...)
	for _, v := range x.region {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	for _, v := range x.langs {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	for _, v := range x.schemes {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	for _, v := range x.price {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	for _, v := range x.start {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	for _, s := range [][]uint32{x.prov, x.award} {
		for _, v := range s {
			b = binary.LittleEndian.AppendUint32(b, v)
		}
	}
	for _, v := range x.initials {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	return b
}

var errSnapshot = errors.New("register index snapshot is damaged")

// fromSnapshot decodes what snapshot wrote.
func fromSnapshot(b []byte) (*memIndex, error) {
	r := snapReader{b: b}
	if string(r.next(4)) != snapshotMagic {
		return nil, errSnapshot
	}
	x := &memIndex{}
	n := int(r.u32())
	x.active = int(r.u32())
	for _, in := range []*interner{&x.modeIDs, &x.regionIDs, &x.langIDs, &x.schemeIDs} {
		for range r.u32() {
			in.id(string(r.next(int(r.u16()))))
		}
	}
	if r.bad || len(r.b) != 41*n {
		return nil, errSnapshot
	}
	x.n = n
	x.status = append([]uint8(nil), r.next(n)...)
	x.eqf = make([]int8, n)
	for i, v := range r.next(n) {
		x.eqf[i] = int8(v)
	}
	x.mode = append([]uint8(nil), r.next(n)...)
	x.region = make([]uint16, n)
	for i := range x.region {
		x.region[i] = r.u16()
	}
	x.langs = make([]uint32, n)
	for i := range x.langs {
		x.langs[i] = r.u32()
	}
	x.schemes = make([]uint64, n)
	for i := range x.schemes {
		x.schemes[i] = r.u64()
	}
	x.price = make([]int32, n)
	for i := range x.price {
		x.price[i] = int32(r.u32())
	}
	x.start = make([]int32, n)
	for i := range x.start {
		x.start[i] = int32(r.u32())
	}
	x.prov, x.award = make([]uint32, n), make([]uint32, n)
	for _, s := range [][]uint32{x.prov, x.award} {
		for i := range s {
			s[i] = r.u32()
		}
	}
	x.initials = make([]uint64, n)
	for i := range x.initials {
		x.initials[i] = r.u64()
	}
	return x, nil
}

type snapReader struct {
	b   []byte
	bad bool
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
func (r *snapReader) u64() uint64 {
	if v := r.next(8); v != nil {
		return binary.LittleEndian.Uint64(v)
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
	idx, err := savedIndex(ctx, q, gen)
	if err != nil && !strings.Contains(err.Error(), "no such table") {
		return nil, fmt.Errorf("register index: %w", err)
	}
	if idx != nil {
		return idx, nil
	}
	return scanIndex(ctx, q)
}

// savedIndex decodes the saved index if it is for generation gen (nil if
// there is none, it is older or damaged). The blob is decoded from the
// driver's buffer (sql.RawBytes) rather than copied first: at 1M offers
// that copy was another 41 MB at the peak of a cold start.
func savedIndex(ctx context.Context, q querier, gen string) (*memIndex, error) {
	rows, err := q.QueryContext(ctx, `SELECT generation, data FROM register_index WHERE id = 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	var (
		snapGen string
		data    sql.RawBytes
	)
	if err := rows.Scan(&snapGen, &data); err != nil {
		return nil, err
	}
	if snapGen != gen {
		return nil, nil
	}
	idx, err := fromSnapshot(data) // copies what it keeps
	if err != nil {
		return nil, nil // damaged: rebuilt from the offer rows
	}
	return idx, nil
}

// scanIndex builds the index from the offer rows (slow on a large register;
// only when no current snapshot exists).
func scanIndex(ctx context.Context, q querier) (*memIndex, error) {
	idx := emptyIndex()
	rows, err := q.QueryContext(ctx, `SELECT rid, status, eqf, mode, region, languages, schemes, price, coalesce(start, ''),
		coalesce(provider, 0), coalesce(awarding, 0), initials FROM offers ORDER BY rid`)
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
