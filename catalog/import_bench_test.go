package catalog

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkParseJSONLines measures parsing and validating koers's own
// format (the part of a JSON-lines import before the store).
func BenchmarkParseJSONLines(b *testing.B) {
	var buf bytes.Buffer
	for o := range Generate(1, 5000) {
		buf.WriteString(line(o) + "\n")
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var errs Errs
		n := 0
		for range ParseJSONLines(context.Background(), bytes.NewReader(data), "bench.jsonl", ParseOptions{}, &errs) {
			n++
		}
		if n != 5000 || errs.Err() != nil {
			b.Fatalf("%d offers, %v", n, errs.Err())
		}
	}
	b.ReportMetric(float64(5000*b.N)/b.Elapsed().Seconds(), "offers/s")
}
