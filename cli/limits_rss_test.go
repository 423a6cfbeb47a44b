package cli

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// maxRSS is the memory koers may use on any input (issue 14, item 2).
const maxRSS = 512 << 20

// hostileFixture writes one generated input into dir and returns its path.
type hostileFixture struct {
	name  string
	write func(t *testing.T, dir string) string
	// want are words the refusal must hold (the file and the limit); nil:
	// the input is valid and must import.
	want []string
}

// TestHostileInputsBoundedMemory imports each hostile input in a child
// koers process and asserts its exit status, its message and its peak
// RSS (not a timing). Run with -v to print the figures for BENCHMARKS.md.
func TestHostileInputsBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes about 400 MB of fixtures")
	}
	dir := t.TempDir()
	for _, f := range hostileFixtures() {
		t.Run(f.name, func(t *testing.T) {
			p := f.write(t, dir)
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(t.TempDir(), "k.db")
			cmd := childCmd(t, "--db", db, "import", p)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err = cmd.Run()
			code := cmd.ProcessState.ExitCode()
			rss := peakRSS(t, cmd)
			t.Logf("%s: input %s, exit %d, peak RSS %d MiB (GOARCH %s, %d CPUs)", f.name, humanBytes(fi.Size()), code, rss>>20, runtime.GOARCH, runtime.NumCPU())
			if rss > maxRSS {
				t.Errorf("peak RSS %d MiB exceeds %d MiB", rss>>20, maxRSS>>20)
			}
			switch {
			case f.want == nil && code != 0:
				t.Fatalf("exit %d (%v), want 0:\n%s", code, err, tail(out.String()))
			case f.want != nil && code != 2:
				t.Fatalf("exit %d (%v), want 2:\n%s", code, err, tail(out.String()))
			}
			for _, w := range f.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("message lacks %q:\n%s", w, tail(out.String()))
				}
			}
		})
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

func humanBytes(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// writeFile streams gen into dir/name.
func writeFile(t *testing.T, dir, name string, gen func(w *bufio.Writer)) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	gen(w)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// repeat writes s repeated, about n bytes (whole copies only, so that an
// entity is never cut).
func repeat(w io.Writer, s string, n int64) {
	chunk := []byte(strings.Repeat(s, max(1, (64<<10)/len(s))))
	n -= n % int64(len(s))
	for n > 0 {
		k := min(int64(len(chunk)), n)
		w.Write(chunk[:k])
		n -= k
	}
}

// rawDeflate is the deflate stream, CRC and size of gen's output.
func rawDeflate(t *testing.T, level int, gen func(io.Writer)) ([]byte, uint32, uint64) {
	t.Helper()
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, level)
	if err != nil {
		t.Fatal(err)
	}
	h := crc32.NewIEEE()
	cw := &countWriter{}
	gen(io.MultiWriter(fw, h, cw))
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return comp.Bytes(), h.Sum32(), cw.n
}

type countWriter struct{ n uint64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += uint64(len(p)); return len(p), nil }

// writeZip writes entries that all hold the same precompressed data.
func writeZip(t *testing.T, p string, names []string, data []byte, crc uint32, size uint64) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, n := range names {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: n, Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(len(data)), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func hostileFixtures() []hostileFixture {
	const docMax = 63 << 20 // just under the 64 MB document limit
	return []hostileFixture{
		{"zip bomb: 2 GiB of CSV in 3 MB", func(t *testing.T, dir string) string {
			data, crc, size := rawDeflate(t, flate.BestCompression, func(w io.Writer) {
				io.WriteString(w, "source_id,title,provider\n")
				repeat(w, "A,x,P\n", 256<<20)
			})
			p := filepath.Join(dir, "bomb.zip")
			writeZip(t, p, []string{"a.csv", "b.csv", "c.csv", "d.csv", "e.csv", "f.csv", "g.csv", "h.csv"}, data, crc, size)
			return p
		}, []string{"bomb.zip", "a.csv", "compression ratio", "limit of 200:1"}},
		{"512 MiB title in a small zip", func(t *testing.T, dir string) string {
			data, crc, size := rawDeflate(t, flate.BestSpeed, func(w io.Writer) {
				io.WriteString(w, "source_id,title,provider\nA1,")
				repeat(w, "Data analysis ", 512<<20)
				io.WriteString(w, ",P\n")
			})
			p := filepath.Join(dir, "title.zip")
			writeZip(t, p, []string{"register.csv"}, data, crc, size)
			return p
		}, []string{"title.zip/register.csv:2", "record size", "limit of 4 MiB"}},
		{"64 MiB title in a plain CSV", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "title.csv", func(w *bufio.Writer) {
				w.WriteString("source_id,title,provider\nA1,\"")
				repeat(w, "Data, analysis\n", 64<<20)
				w.WriteString("\",P\n")
			})
		}, []string{"title.csv:2", "record size", "limit of 4 MiB"}},
		{"64 MiB JSON line", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "long.jsonl", func(w *bufio.Writer) {
				w.WriteString(`{"source_id":"A1","title":"`)
				repeat(w, "Data analysis ", 64<<20)
				w.WriteString(`","provider":"P"}` + "\n")
			})
		}, []string{"long.jsonl:1", "longer than"}},
		{"ELM nested a million deep", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "deep.jsonld", func(w *bufio.Writer) {
				w.WriteString(`{"@context":"x","type":"LearningOpportunity","title":{"en":"Deep"},"x":`)
				repeat(w, "[", 1<<20)
				repeat(w, "]", 1<<20)
				w.WriteString("}")
			})
		}, []string{"deep.jsonld", "nesting depth", "64 levels"}},
		{"ELM of 63 MB of empty arrays", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "wide.jsonld", func(w *bufio.Writer) {
				w.WriteString(`{"@context":"x","type":"LearningOpportunity","title":{"en":"Wide"},"x":[[]`)
				repeat(w, ",[]", docMax-200)
				w.WriteString("]}")
			})
		}, []string{"wide.jsonld", "number of JSON values"}},
		{"ELM of 63 MB with embedded images (valid)", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "images.jsonld", func(w *bufio.Writer) {
				w.WriteString(`{"@context":"x","id":"urn:uuid:img","type":"LearningOpportunity","title":{"en":"With images"},"awardingBody":{"id":"urn:o","legalName":{"en":"Hogeschool X"}},"image":[`)
				for i := range 4 {
					if i > 0 {
						w.WriteString(",")
					}
					w.WriteString(`{"type":"MediaObject","content":"`)
					repeat(w, "iVBORw0KGgoAAAANSUhEUgAA", 15<<20)
					w.WriteString(`"}`)
				}
				w.WriteString("]}")
			})
		}, nil},
		{"learning-plan export of 20 MB", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "plan.json", func(w *bufio.Writer) {
				w.WriteString(`{"profile":"urn:koers:learning-plan:1","type":"LearningPlan","steps":[{}`)
				repeat(w, ",{}", 20<<20)
				w.WriteString("]}")
			})
		}, []string{"plan.json", "larger than 8 MB"}},
		{"LOQ of 63 MB of empty elements", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "wide.xml", func(w *bufio.Writer) {
				w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Courses>")
				repeat(w, "<x/>", docMax-100)
				w.WriteString("</Courses>")
			})
		}, []string{"wide.xml", "number of XML elements"}},
		{"LOQ with a 63 MB text", func(t *testing.T, dir string) string {
			return writeFile(t, dir, "text.xml", func(w *bufio.Writer) {
				w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<Courses><description>")
				repeat(w, "Data &amp; analysis ", docMax-100)
				w.WriteString("</description></Courses>")
			})
		}, []string{"text.xml", "text of one element", "16 MiB"}},
	}
}
