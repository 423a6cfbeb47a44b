package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"reflect"
	"testing"
)

// snapshot is the whole saved index, its parts in order.
func (x *memIndex) snapshot(partBytes int) [][]byte {
	var parts [][]byte
	_ = x.snapshotParts(partBytes, func(p []byte) error {
		parts = append(parts, bytes.Clone(p))
		return nil
	})
	return parts
}

// fromParts decodes what snapshotParts wrote.
func fromParts(parts [][]byte) (*memIndex, error) {
	var d partDecoder
	if len(parts) == 0 {
		return nil, errSnapshot
	}
	if err := d.header(parts[0]); err != nil {
		return nil, err
	}
	for _, p := range parts[1:] {
		if err := d.part(p); err != nil {
			return nil, err
		}
	}
	if !d.done() {
		return nil, errSnapshot
	}
	return d.x, nil
}

// sameIndex reports how a and b differ in what the saved index holds.
func sameIndex(t *testing.T, what string, got, want *memIndex) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: no index", what)
	}
	if got.n != want.n || got.active != want.active {
		t.Fatalf("%s: n %d active %d, want %d %d", what, got.n, got.active, want.n, want.active)
	}
	for i, c := range [][2]any{
		{got.status, want.status}, {got.eqf, want.eqf}, {got.mode, want.mode}, {got.region, want.region},
		{got.langs, want.langs}, {got.schemes, want.schemes}, {got.price, want.price}, {got.start, want.start},
		{got.prov, want.prov}, {got.award, want.award}, {got.initials, want.initials},
		{got.modeIDs.names, want.modeIDs.names}, {got.regionIDs.names, want.regionIDs.names},
		{got.langIDs.names, want.langIDs.names}, {got.schemeIDs.names, want.schemeIDs.names},
	} {
		if !reflect.DeepEqual(c[0], c[1]) {
			t.Errorf("%s: field %d: got %v, want %v", what, i, c[0], c[1])
		}
	}
}

func TestIndexPartsRoundTrip(t *testing.T) {
	st := searchFixture(t)
	want, err := scanIndex(context.Background(), st.db)
	if err != nil {
		t.Fatal(err)
	}
	want.grow(want.n) // columns of exactly n values
	for _, size := range []int{8, 9, 24, 64, 1 << 19} {
		parts := want.snapshot(size)
		wantParts := 1
		for _, c := range want.snapColumns() {
			per := size / c.size
			wantParts += (want.n + per - 1) / per
		}
		if len(parts) != wantParts {
			t.Errorf("part size %d: %d parts, want %d", size, len(parts), wantParts)
		}
		for i, p := range parts {
			if len(p) > size && i > 0 {
				t.Errorf("part size %d: part %d holds %d bytes", size, i, len(p))
			}
		}
		got, err := fromParts(parts)
		if err != nil {
			t.Fatalf("part size %d: %v", size, err)
		}
		sameIndex(t, "round trip", got, want)
		// The value-by-value decoding of a big-endian machine gives the same.
		le := littleEndian
		littleEndian = false
		got, err = fromParts(parts)
		littleEndian = le
		if err != nil {
			t.Fatalf("part size %d, value by value: %v", size, err)
		}
		sameIndex(t, "round trip, value by value", got, want)
		// Every part missing, doubled or cut short is refused.
		for i := range parts {
			broken := append(append([][]byte{}, parts[:i]...), parts[i+1:]...)
			if _, err := fromParts(broken); err == nil {
				t.Errorf("part size %d: part %d missing: accepted", size, i)
			}
			doubled := append(append(append([][]byte{}, parts[:i+1]...), parts[i]), parts[i+1:]...)
			if _, err := fromParts(doubled); err == nil {
				t.Errorf("part size %d: part %d doubled: accepted", size, i)
			}
			short := append([][]byte{}, parts...)
			short[i] = short[i][:len(short[i])-1]
			if _, err := fromParts(short); err == nil {
				t.Errorf("part size %d: part %d cut short: accepted", size, i)
			}
		}
	}
}

// An import saves the index in parts, and a search session reads it
// back; a damaged or stale part makes the index come from the rows.
func TestSavedIndexInParts(t *testing.T) {
	defer func(n int) { indexPartBytes = n }(indexPartBytes)
	indexPartBytes = 16
	ctx := context.Background()
	st := searchFixture(t)
	gen, _ := st.generation(ctx)
	want, err := scanIndex(ctx, st.db)
	if err != nil {
		t.Fatal(err)
	}
	var parts int
	if err := st.db.QueryRowContext(ctx, `SELECT count(*) FROM register_index_parts`).Scan(&parts); err != nil || parts < 20 {
		t.Fatalf("saved in %d parts (%v), want many at 16 bytes a part", parts, err)
	}
	saved, err := savedIndex(ctx, st.db, gen)
	if err != nil {
		t.Fatal(err)
	}
	want.grow(saved.n)
	sameIndex(t, "saved", saved, want)

	for _, damage := range []string{
		`DELETE FROM register_index_parts WHERE part = 5`,
		`UPDATE register_index_parts SET generation = 'old' WHERE part = 7`,
		`UPDATE register_index_parts SET data = substr(data, 2) WHERE part = 3`,
		`INSERT INTO register_index_parts SELECT max(part) + 1, generation, data FROM register_index_parts`,
		`UPDATE register_index_parts SET part = part + 100 WHERE part = (SELECT max(part) FROM register_index_parts)`,
	} {
		tx, err := st.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, damage); err != nil {
			t.Fatal(damage, err)
		}
		if got, err := savedIndex(ctx, tx, gen); err != nil || got != nil {
			t.Errorf("%s: saved index used (%v)", damage, err)
		}
		if got, err := baseIndex(ctx, tx, gen); err != nil || got.active != want.active {
			t.Errorf("%s: index not rebuilt from the rows: %v", damage, err)
		}
		tx.Rollback()
	}
}

// snapshot1 writes the one-value format saved before migration 0009.
func snapshot1(x *memIndex) []byte {
	b := []byte(snapshotMagic1)
	b = binary.LittleEndian.AppendUint32(b, uint32(x.n))
	b = binary.LittleEndian.AppendUint32(b, uint32(x.active))
	for _, names := range [][]string{x.modeIDs.names, x.regionIDs.names, x.langIDs.names, x.schemeIDs.names} {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(names)))
		for _, s := range names {
			b = binary.LittleEndian.AppendUint16(b, uint16(len(s)))
			b = append(b, s...)
		}
	}
	for _, c := range x.snapColumns() {
		b = c.enc(b, 0, x.n)
	}
	return b
}

// Migration 0009 moves an index saved as one value to part 0, where it
// still reads until the next import saves it in parts.
func TestSavedIndexBeforeParts(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/koers.db"
	old, err := Open(ctx, path, Options{TargetVersion: 8})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.db.ExecContext(ctx, `INSERT INTO register_index (id, generation, data) VALUES (1, '41', X'4B525831')`); err != nil {
		t.Fatal(err)
	}
	old.Close()
	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var gen string
	var data []byte
	if err := st.db.QueryRowContext(ctx, `SELECT generation, data FROM register_index_parts WHERE part = 0`).Scan(&gen, &data); err != nil || gen != "41" || string(data) != "KRX1" {
		t.Fatalf("migrated saved index: %q %q %v", gen, data, err)
	}

	st2 := searchFixture(t)
	cur, _ := st2.generation(ctx)
	want, err := scanIndex(ctx, st2.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st2.db.ExecContext(ctx, `DELETE FROM register_index_parts`); err != nil {
		t.Fatal(err)
	}
	if _, err := st2.db.ExecContext(ctx, `INSERT INTO register_index_parts VALUES (0, ?, ?)`, cur, snapshot1(want)); err != nil {
		t.Fatal(err)
	}
	got, err := savedIndex(ctx, st2.db, cur)
	if err != nil {
		t.Fatal(err)
	}
	sameIndex(t, "KRX1", got, want)
}

// FuzzIndexParts feeds the decoder arbitrary parts: it refuses or decodes,
// never panics, and a decoded index has every column n values long.
func FuzzIndexParts(f *testing.F) {
	x := emptyIndex()
	x.setRow(3, "active", 5, "online", "BE21", "nl fr", "ila", sql.NullInt64{Int64: 48000, Valid: true}, "2027-01-10", 1, 2, 7)
	x.grow(x.n)
	for _, p := range x.snapshot(8) {
		f.Add(p, []byte{}, 0)
	}
	parts := x.snapshot(16)
	f.Add(parts[0], parts[1], 3)
	f.Fuzz(func(t *testing.T, header, rest []byte, split int) {
		if len(header) >= 12 && binary.LittleEndian.Uint32(header[4:]) > 1<<20 {
			return // a header may claim 4 G rowids; decoding allocates for them
		}
		ps := [][]byte{header}
		if split <= 0 {
			split = 1
		}
		for len(rest) > 0 {
			k := min(split, len(rest))
			ps = append(ps, rest[:k])
			rest = rest[k:]
		}
		if x, err := fromParts(ps); err == nil && (len(x.status) != x.n || len(x.initials) != x.n) {
			t.Fatalf("decoded columns of %d/%d values for n=%d", len(x.status), len(x.initials), x.n)
		}
	})
}

// BenchmarkIndexPartsDecode decodes the saved index of 1M offers (41 MB in
// 512 KiB parts), as a cold start does.
func BenchmarkIndexPartsDecode(b *testing.B) {
	x := emptyIndex()
	for rid := int64(1); rid < 1_000_000; rid++ {
		x.setRow(rid, "active", rid%9, "online", "BE21", "nl", "ila", sql.NullInt64{Int64: rid, Valid: true}, "", rid%5000, rid%5000, rid)
	}
	x.grow(x.n)
	parts := x.snapshot(indexPartBytes)
	b.SetBytes(int64(41 * x.n))
	for b.Loop() {
		if _, err := fromParts(parts); err != nil {
			b.Fatal(err)
		}
	}
}

// The saved form is a file format: the same index must keep giving the
// same bytes, or indexes saved by an earlier build stop reading.
func TestIndexPartsFormat(t *testing.T) {
	x := emptyIndex()
	x.setRow(1, "active", -1, "online", "BE21", "nl fr", "ila", sql.NullInt64{Int64: 48000, Valid: true}, "2027-01-10", 3, 4, -0x7fffffffffffffff)
	x.setRow(2, "withdrawn", 8, "", "", "", "", sql.NullInt64{}, "", 0, 0, 0)
	x.grow(x.n)
	got := fmt.Sprintf("%x", x.snapshot(16))
	const want = "[4b52583203000000010000001000000002000000000006006f6e6c696e650200000000000400424532310200000002006e6c02006672010000000300696c61 000102 00ff08 000100 000001000000 000000000300000000000000 00000000000000000100000000000000 0000000000000000 ffffffff80bb0000ffffffff 000000805c51000000000080 000000000300000000000000 000000000400000000000000 00000000000000000100000000000080 0000000000000000]"
	if got != want {
		t.Errorf("saved index bytes changed:\n got %s\nwant %s", got, want)
	}
}
