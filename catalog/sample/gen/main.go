// Command gen writes koers's embedded sample register (offers.jsonl) from
// the tables in this folder, linking learning outcomes to real ESCO skill
// URIs read from the official ESCO v1.1.1 download. It is deterministic:
// the same tables and ESCO file give the same bytes.
//
//	go run ./gen -esco "../../../shared/data/esco/v1.1.1-en/ESCO dataset - v1.1.1 - classification - en - csv.zip" -o offers.jsonl
package main

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/koers-project/koers/catalog"
)

func main() {
	esco := flag.String("esco", "", "the ESCO v1.1.1 English classification zip (holds skills_en.csv)")
	out := flag.String("o", "offers.jsonl", "output file")
	flag.Parse()
	if err := run(*esco, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(escoZip, out string) error {
	uris, err := readSkillURIs(escoZip)
	if err != nil {
		return err
	}
	offers, err := build(uris)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range offers {
		if p := offers[i].Validate(); len(p) > 0 {
			f.Close()
			return fmt.Errorf("offer %s: %w", offers[i].SourceID, p)
		}
		if err := enc.Encode(&offers[i]); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %d offers to %s\n", len(offers), out)
	return f.Close()
}

// readSkillURIs maps each ESCO skill's preferred label to its URI.
func readSkillURIs(path string) (map[string]string, error) {
	if path == "" {
		return nil, fmt.Errorf("-esco: the ESCO zip is required")
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, "skills_en.csv") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return parseSkills(rc)
	}
	return nil, fmt.Errorf("%s: no skills_en.csv inside", path)
}

func parseSkills(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("skills_en.csv: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	ui, ok1 := col["conceptUri"]
	li, ok2 := col["preferredLabel"]
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("skills_en.csv: no conceptUri or preferredLabel column")
	}
	m := map[string]string{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return nil, fmt.Errorf("skills_en.csv: %w", err)
		}
		if ui < len(rec) && li < len(rec) {
			m[strings.TrimSpace(rec[li])] = rec[ui]
		}
	}
}

// outcomes builds the learning outcomes for skill keys in lang.
func outcomes(keys []string, lang string, uris map[string]string) ([]catalog.Outcome, error) {
	var out []catalog.Outcome
	for _, k := range keys {
		s, ok := skills[k]
		if !ok {
			return nil, fmt.Errorf("unknown skill key %q", k)
		}
		uri, ok := uris[s.esco]
		if !ok {
			return nil, fmt.Errorf("skill %q: no ESCO skill with that preferred label", s.esco)
		}
		out = append(out, catalog.Outcome{Text: pick(text{s.en, s.nl, s.fr}, lang), Skills: []catalog.SkillRef{{URI: uri, Label: s.esco}}})
	}
	return out, nil
}

func pick(t text, lang string) string {
	switch lang {
	case "nl":
		return t.nl
	case "fr":
		return t.fr
	}
	return t.en
}

// others is the text in the languages other than lang.
func others(t text, lang string) map[string]string {
	m := map[string]string{}
	for _, l := range []string{"en", "nl", "fr"} {
		if l != lang {
			m[l] = pick(t, l)
		}
	}
	return m
}
