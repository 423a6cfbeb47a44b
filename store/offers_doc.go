package store

import (
	"bytes"
	"compress/flate"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"strings"

	"github.com/koers-project/koers/catalog"
)

// docV1 marks a stored offer document: deflate-compressed (fastest level)
// JSON of the offer without the fields that are columns of offers (see
// slim). A new encoding gets a new first byte; old rows stay readable.
//
// Measured on the synthetic register: a preset dictionary of JSON keys
// would save 30 % of the document, but Go's deflate ignores dictionaries at
// BestSpeed and level 2 doubles the encoding time of a 1M-offer import.
const docV1 = 1

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
	w   *flate.Writer
	r   io.ReadCloser
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
	c.buf.WriteByte(docV1)
	if c.w == nil {
		c.w, err = flate.NewWriter(&c.buf, flate.BestSpeed)
		if err != nil {
			return nil, 0, err
		}
	} else {
		c.w.Reset(&c.buf)
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
	if len(doc) == 0 || doc[0] != docV1 {
		return o, fmt.Errorf("offer document: unknown encoding")
	}
	src := bytes.NewReader(doc[1:])
	if c.r == nil {
		c.r = flate.NewReader(src)
	} else if err := c.r.(flate.Resetter).Reset(src, nil); err != nil {
		return o, err
	}
	c.buf.Reset()
	if _, err := c.buf.ReadFrom(c.r); err != nil {
		return o, fmt.Errorf("offer document: %w", err)
	}
	if err := json.Unmarshal(c.buf.Bytes(), &o); err != nil {
		return o, fmt.Errorf("offer document: %w", err)
	}
	return o, nil
}
