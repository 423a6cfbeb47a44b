package store

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/koers-project/koers/catalog"
)

// The preset dictionary is part of the docV2 format: documents already
// stored need its exact bytes. A change must come with a new version.
func TestDocDictionaryIsFrozen(t *testing.T) {
	const want = "1fbd7480cf0db15d35369d6c0be6ffe93dc71f7be19d0038bd184e7dac17ab64"
	sum := sha256.Sum256(docDict)
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("offer_doc_dict.txt changed (sha256 %s): stored docV2 documents would no longer decode; add a new encoding version instead", got)
	}
}

func TestDocRoundTripAndSize(t *testing.T) {
	o := testOffer("a", "Data-analyse met Python")
	o.Description = "Data inlezen, opschonen en verkennen met pandas en notebooks. Georganiseerd door Hogeschool De Kempen in Geel."
	var c docCodec
	doc, _, err := c.encode(o)
	if err != nil {
		t.Fatal(err)
	}
	if doc[0] != docV2 {
		t.Fatalf("new documents are encoded as %d, want docV2", doc[0])
	}
	got, err := c.decodeDoc(doc)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(slim(o), got, cmp.AllowUnexported(catalog.Date{})); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	// The dictionary must earn its place: the same JSON without it.
	js, _ := json.Marshal(slim(o))
	var plain bytes.Buffer
	w, _ := flate.NewWriter(&plain, flate.BestSpeed)
	w.Write(js)
	w.Close()
	if len(doc)-1 >= plain.Len()*3/4 {
		t.Fatalf("docV2 is %d bytes, plain deflate %d: the dictionary saves less than a quarter", len(doc)-1, plain.Len())
	}
}

// Rows written before docV2 keep reading: a docV1 document put into a
// real database file decodes to the same offer.
func TestDocV1StillReads(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	o := testOffer("a", "Energie in huis")
	mustImport(t, st, OfferImportOptions{}, o)
	want, err := st.Offer(ctx, "test:a")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(slim(want))
	var v1 bytes.Buffer
	v1.WriteByte(docV1)
	w, _ := flate.NewWriter(&v1, flate.BestSpeed)
	w.Write(js)
	w.Close()
	if _, err := st.DB().ExecContext(ctx, `UPDATE offers SET doc = ? WHERE source_id = 'a'`, v1.Bytes()); err != nil {
		t.Fatal(err)
	}
	st.registerChanged()
	got, err := st.Offer(ctx, "test:a")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(catalog.Date{})); diff != "" {
		t.Fatalf("docV1 row (-want +got):\n%s", diff)
	}
}

func TestDocUnknownEncoding(t *testing.T) {
	var c docCodec
	for _, doc := range [][]byte{nil, {9, 1, 2}, {docV2, 0xff, 0xfe}} {
		if _, err := c.decodeDoc(doc); err == nil {
			t.Errorf("decodeDoc(%v): no error", doc)
		}
	}
}
