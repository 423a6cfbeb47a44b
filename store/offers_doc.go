package store

import (
	"bytes"
	"compress/flate"
	"database/sql"
	_ "embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"strings"

	kflate "github.com/klauspost/compress/flate"

	"github.com/koers-project/koers/catalog"
)

// A stored offer document is the JSON of the offer without the fields that
// are columns of offers (see slim), deflate-compressed, after one byte that
// names the encoding; a new encoding gets a new byte and old rows stay
// readable:
//   - docV1: deflate, fastest level, no dictionary (written until 2026-12);
//   - docV2: deflate, fastest level, with the preset dictionary
//     offer_doc_dict.txt (JSON keys, vocabulary codes, common words of
//     training offers in nl/fr/en).
//
// Measured on 5,000 offers of the synthetic register: 932 bytes a document
// with docV1, 587 with docV2, about 345 MB less at 1M offers. The standard
// library's deflate ignores a dictionary at its fastest level, so docV2 is
// written with klauspost/compress (the same deflate format, faster).
const (
	docV1 = 1
	docV2 = 2
)

//go:embed offer_doc_dict.txt
var docDict []byte

// offerText is what the FTS index gets for one offer, column by column.
type offerText struct {
	title, description, outcomes, skills, provider string
}

func textOf(o *catalog.Offer) offerText {
	var t offerText
	t.title = joinI18n(o.Title, o.TitleI18n)
	t.description = joinI18n(o.Description, o.DescI18n)
	var lo, sk []string
	for _, oc := range o.Outcomes {
		if oc.Text != "" {
			lo = append(lo, oc.Text)
		}
	}
	for _, s := range o.Skills() {
		if s.Label != "" {
			sk = append(sk, s.Label)
		}
	}
	// Free-text subjects and keywords (issue 12) are searched with the
	// skills: words that say what the offer teaches.
	sk = append(sk, o.Keywords...)
	t.outcomes = strings.Join(lo, "\n")
	t.skills = strings.Join(sk, "\n")
	t.provider = o.Provider
	if o.AwardingBody != "" && o.AwardingBody != o.Provider {
		t.provider += "\n" + o.AwardingBody
	}
	return t
}

// joinI18n is the main text followed by its other-language versions in a
// stable order (never indexing the same text twice).
func joinI18n(main string, other map[string]string) string {
	if len(other) == 0 {
		return main
	}
	keys := make([]string, 0, len(other))
	for k := range other {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := []string{main}
	for _, k := range keys {
		if v := other[k]; v != "" && v != main {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, "\n")
}

// docCodec compresses and expands offer documents. It is not safe for
// concurrent use; each import or read path makes its own.
type docCodec struct {
	buf bytes.Buffer
	w   *kflate.Writer
	r   io.ReadCloser // docV2
	r1  io.ReadCloser // docV1
}

// slim is o without what offers keeps in columns.
func slim(o catalog.Offer) catalog.Offer {
	o.ID, o.Status, o.Source, o.SourceID = "", "", "", ""
	o.EQF, o.Mode, o.Languages, o.Country, o.Region = 0, "", nil, "", ""
	o.Price, o.Currency, o.Start, o.Schemes = nil, "", catalog.Date{}, nil
	o.Provider, o.AwardingBody = "", ""
	return o
}

// encode returns the stored document of o and a hash of everything but its
// id and status (so re-importing an exported offer leaves it unchanged).
func (c *docCodec) encode(o catalog.Offer) ([]byte, int64, error) {
	js, err := json.Marshal(slim(o))
	if err != nil {
		return nil, 0, fmt.Errorf("encode offer %s: %w", o.SourceID, err)
	}
	h := fnv.New64a()
	h.Write(js)
	price := "?"
	if o.Price != nil {
		price = o.Price.String()
	}
	fmt.Fprintf(h, "\x00%d\x00%s\x00%q\x00%s\x00%s\x00%s\x00%s\x00%s\x00%q\x00%s\x00%s", o.EQF, o.Mode, o.Languages, o.Country, o.Region,
		price, o.Currency, o.Start, o.Schemes, o.Provider, o.AwardingBody)
	c.buf.Reset()
	c.buf.WriteByte(docV2)
	if c.w == nil {
		c.w, err = kflate.NewWriterDict(&c.buf, kflate.BestSpeed, docDict)
		if err != nil {
			return nil, 0, err
		}
	} else {
		c.w.ResetDict(&c.buf, docDict)
	}
	if _, err := c.w.Write(js); err != nil {
		return nil, 0, err
	}
	if err := c.w.Close(); err != nil {
		return nil, 0, err
	}
	return bytes.Clone(c.buf.Bytes()), int64(h.Sum64()), nil
}

// offerCols and offerFrom select what scanOffer reads.
const (
	offerCols = `o.rid, o.id, o.status, o.source, o.source_id, o.eqf, o.mode, o.languages, o.country, o.region, o.price, o.currency,
		o.start, o.schemes, p.name, a.name, o.doc`
	offerFrom = `offers o LEFT JOIN offer_orgs p ON p.id = o.provider LEFT JOIN offer_orgs a ON a.id = o.awarding`
)

// scanOffer reads one row of offerCols into an offer.
func (c *docCodec) scanOffer(row interface{ Scan(...any) error }) (int64, catalog.Offer, error) {
	var (
		rid                                       int64
		id, status, source, sourceID, mode, langs string
		country, region, currency, schemes        string
		eqf                                       int64
		price                                     sql.NullInt64
		start, prov, award                        sql.NullString
		doc                                       []byte
	)
	if err := row.Scan(&rid, &id, &status, &source, &sourceID, &eqf, &mode, &langs, &country, &region, &price, &currency,
		&start, &schemes, &prov, &award, &doc); err != nil {
		return 0, catalog.Offer{}, err
	}
	o, err := c.decodeDoc(doc)
	if err != nil {
		return 0, o, fmt.Errorf("offer %s: %w", id, err)
	}
	o.ID, o.Status, o.Source, o.SourceID = id, catalog.Status(status), source, sourceID
	o.EQF, o.Mode, o.Languages, o.Country, o.Region = catalog.EQF(eqf), catalog.Mode(mode), strings.Fields(langs), country, region
	o.Currency, o.Schemes, o.Provider, o.AwardingBody = currency, strings.Fields(schemes), prov.String, award.String
	if price.Valid {
		m := catalog.Money(price.Int64)
		o.Price = &m
	}
	if start.Valid {
		if o.Start, err = catalog.ParseDate(start.String); err != nil {
			return 0, o, fmt.Errorf("offer %s: start: %w", id, err)
		}
	}
	return rid, o, nil
}

// decodeDoc expands a stored document into the offer fields it holds;
// use scanOffer, which adds the fields kept in columns.
func (c *docCodec) decodeDoc(doc []byte) (catalog.Offer, error) {
	var o catalog.Offer
	if len(doc) == 0 {
		return o, fmt.Errorf("offer document: empty")
	}
	src := bytes.NewReader(doc[1:])
	var r io.Reader
	switch doc[0] {
	case docV1:
		if c.r1 == nil {
			c.r1 = flate.NewReader(src)
		} else if err := c.r1.(flate.Resetter).Reset(src, nil); err != nil {
			return o, err
		}
		r = c.r1
	case docV2:
		if c.r == nil {
			c.r = kflate.NewReaderDict(src, docDict)
		} else if err := c.r.(kflate.Resetter).Reset(src, docDict); err != nil {
			return o, err
		}
		r = c.r
	default:
		return o, fmt.Errorf("offer document: unknown encoding %d", doc[0])
	}
	c.buf.Reset()
	if _, err := c.buf.ReadFrom(r); err != nil {
		return o, fmt.Errorf("offer document: %w", err)
	}
	if err := json.Unmarshal(c.buf.Bytes(), &o); err != nil {
		return o, fmt.Errorf("offer document: %w", err)
	}
	return o, nil
}
