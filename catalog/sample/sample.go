// Package sample is koers's embedded sample register: about 500 realistic,
// fictional training offers and micro-credentials in Belgium and its
// neighbouring regions, with learning outcomes linked to real ESCO skills
// and several stackable series. koers seeds it into an empty database on
// first run, so that a fresh install is useful at once.
//
// offers.jsonl is written by the generator in ./gen from the tables there
// and the official ESCO download; regenerate it with go generate.
package sample

//go:generate go run ./gen -esco "../../../shared/data/esco/v1.1.1-en/ESCO dataset - v1.1.1 - classification - en - csv.zip" -o offers.jsonl

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/koers-project/koers/catalog"
)

// Source is the register source name of every sample offer.
const Source = "sample"

//go:embed offers.jsonl
var jsonl []byte

// JSONL is the sample register in koers's import format (JSON lines).
func JSONL() []byte { return bytes.Clone(jsonl) }

// Offers decodes the sample register, in file order.
func Offers() ([]catalog.Offer, error) {
	var out []catalog.Offer
	sc := bufio.NewScanner(bytes.NewReader(jsonl))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var o catalog.Offer
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			return nil, fmt.Errorf("sample offers.jsonl line %d: %w", line, err)
		}
		out = append(out, o)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("sample offers.jsonl: %w", err)
	}
	return out, nil
}
