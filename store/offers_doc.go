package store

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"strings"

	"github.com/koers-project/koers/catalog"
)

// docV1 marks a stored offer document: deflate-compressed JSON of the offer
// (without id and status, which are columns), with docDict as the preset
// dictionary. A new encoding gets a new first byte; old rows stay readable.
const docV1 = 1

// docDict primes deflate with what every offer document repeats: its JSON
// keys and the commonest values. Per-row compression of a ~1.5 KB document
// gains about a third from it. Never change it: stored rows depend on it
// (add a docV2 with a new dictionary instead).
const docDict = `{"id":"","source":"","source_id":"","title":"","title_i18n":{"en":"","nl":"","fr":""},"description":"","description_i18n":{"en":"","nl":""},` +
	`"provider":"","awarding_body":"","country":"BE","region":"BE2","learning_outcomes":[{"text":"","skills":[{"uri":"http://data.europa.eu/esco/skill/","label":""}]}],` +
	`"ects":null,"hours":null,"eqf":null,"assessment":"written exam","mode":"blended","quality_assurance":"accredited by the ` +
	`","prerequisites":[""],"supervision":"","stackability":"stackable","relations":[{"kind":"stacks_towards","target":"","label":""}],` +
	`"further_information":"","url":"https://www.","grading":"","languages":["nl","en"],"isced":"0613","price":null,"currency":"EUR",` +
	`"start":"2027-01-01","end":"2027-06-30","apply_by":"2026-12-15","schedule":"","location":"","schemes":["ila","voucher","leave"],` +
	`"status":"active","flags":[""]} de het een van en in op te met voor is dat zijn the and of to in for with you this data analyse online onsite ` +
	`skills vaardigheden leren learn werken work course opleiding module basis praktijk practical project management energie zorg`

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

// encode returns the stored document of o and the hash of its JSON (which
// excludes id and status, so re-importing an exported offer is unchanged).
func (c *docCodec) encode(o catalog.Offer) ([]byte, int64, error) {
	o.ID, o.Status = "", ""
	js, err := json.Marshal(o)
	if err != nil {
		return nil, 0, fmt.Errorf("encode offer %s: %w", o.SourceID, err)
	}
	h := fnv.New64a()
	h.Write(js)
	c.buf.Reset()
	c.buf.WriteByte(docV1)
	if c.w == nil {
		c.w, err = flate.NewWriterDict(&c.buf, flate.BestSpeed, []byte(docDict))
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

// decode expands a stored document into an offer.
func (c *docCodec) decode(doc []byte) (catalog.Offer, error) {
	var o catalog.Offer
	if len(doc) == 0 || doc[0] != docV1 {
		return o, fmt.Errorf("offer document: unknown encoding")
	}
	src := bytes.NewReader(doc[1:])
	if c.r == nil {
		c.r = flate.NewReaderDict(src, []byte(docDict))
	} else if err := c.r.(flate.Resetter).Reset(src, []byte(docDict)); err != nil {
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
