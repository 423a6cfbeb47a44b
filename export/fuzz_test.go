package export

import (
	"bytes"
	"testing"
)

// FuzzParsePlanJSON: the plan parser never panics, and what it accepts it
// writes back and reads again to the same plan.
func FuzzParsePlanJSON(f *testing.F) {
	var b bytes.Buffer
	if err := WriteJSON(&b, samplePlan(), opts("nl")); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"profile":"urn:koers:learning-plan:1","type":"LearningPlan","learner":{"id":"urn:koers:person:p"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		IsPlanJSON(data)
		p, err := ParsePlanJSON(data)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteJSON(&out, p, Options{Tr: trFor("en")}); err != nil {
			t.Fatalf("write back: %v", err)
		}
		if _, err := ParsePlanJSON(out.Bytes()); err != nil {
			t.Fatalf("re-read what was written: %v\n%s", err, out.Bytes())
		}
	})
}
