package cli

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestRefusalMessages is issue 14's "Messages" list: each input gets the
// right exit status and words naming the file, line or rule.
func TestRefusalMessages(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	emptyZip := filepath.Join(dir, "empty.zip")
	zf, err := os.Create(emptyZip)
	if err != nil {
		t.Fatal(err)
	}
	if err := zip.NewWriter(zf).Close(); err != nil {
		t.Fatal(err)
	}
	zf.Close()
	u16 := []byte{0xFF, 0xFE}
	for _, r := range utf16.Encode([]rune("source_id,title,provider\nU1,Café Ω,CVO Noord\n")) {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	latin := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<Courses><learningOpportunityReferences><learningOpportunity id=\"lo1\"><title language=\"fr\">Caf\xe9 cr\xe8me</title></learningOpportunity></learningOpportunityReferences></Courses>\n"
	tests := []struct {
		name     string
		args     []string
		want     int
		contains []string
		absent   []string
	}{
		{"extra cell", []string{"import", write("extra.csv", []byte("source_id,title,provider\nA1,Hello,P\nA2,Hello, world,P\n"))}, 2,
			[]string{"extra.csv:3", "row has 4 cells, the header 3"}, nil},
		{"NaN ects", []string{"import", write("nan.csv", []byte("source_id,title,provider,ects\nA1,Hello,P,NaN\n"))}, 2,
			[]string{"nan.csv:2", "ects", "not a finite number"}, []string{"encode", "unsupported value"}},
		{"UTF-16 with BOM", []string{"import", "--json", write("u16.csv", u16)}, 0, []string{`"added": 1`}, nil},
		{"empty zip", []string{"import", emptyZip}, 2, []string{"empty.zip", "no register or ESCO files"}, []string{"PK\x05\x06", "is not a koers column"}},
		{"esco forced on JSON lines", []string{"import", "--format", "esco", write("r.jsonl", []byte(`{"source_id":"a","title":"x","provider":"p"}`+"\n"))}, 2,
			[]string{"r.jsonl", "--format esco", "no ESCO CSV files"}, nil},
		{"XML in ISO-8859-1", []string{"import", write("latin.xml", []byte(latin))}, 2, []string{"latin.xml"}, []string{"CharsetReader", "charset"}},
		{"XML in an unknown encoding", []string{"import", write("ebcdic.xml", []byte(strings.Replace(latin, "ISO-8859-1", "X-EBCDIC-NONE", 1)))}, 2,
			[]string{"ebcdic.xml:1", `"X-EBCDIC-NONE"`, "ISO-8859-1"}, []string{"CharsetReader"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "k.db")
			code, out, errs := peopleCLI(t, db, "", tt.args...)
			if code != tt.want {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, out, errs)
			}
			for _, s := range tt.contains {
				if !strings.Contains(out+errs, s) {
					t.Errorf("output lacks %q:\n%s%s", s, out, errs)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(out+errs, s) {
					t.Errorf("output holds %q:\n%s%s", s, out, errs)
				}
			}
		})
	}
}

// TestLatin1XMLDecoded: a declared ISO-8859-1 document is decoded, not
// refused; the é of its title arrives as é (the document has no provider,
// so the refusal names that, proving the text was read).
func TestLatin1XMLDecoded(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "latin.xml")
	doc := "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n<Courses><learningOpportunityReferences><learningOpportunity id=\"lo1\"><title language=\"fr\">Caf\xe9 \x80 cr\xe8me</title><providedBy idref=\"o1\"/></learningOpportunity></learningOpportunityReferences>" +
		"<agentReferences><organisation id=\"o1\"><legalName language=\"fr\">\xc9cole</legalName></organisation></agentReferences></Courses>\n"
	if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "k.db")
	if code, out, errs := peopleCLI(t, db, "", "import", p); code != 0 {
		t.Fatalf("import: %d\n%s%s", code, out, errs)
	}
	code, out, errs := peopleCLI(t, db, "", "search", "creme", "--json")
	if code != 0 || !strings.Contains(out, "Café € crème") || !strings.Contains(out, "École") {
		t.Fatalf("search: %d\n%s%s", code, out, errs)
	}
}

// TestLedgerRefusals: a reused idempotency key with other parameters
// (exit 2, naming the original entry), a release of a reservation never
// made (exit 3, saying so), and a reservation for a dropped step (exit 3).
func TestLedgerRefusals(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	id := addPersonCLI(t, db, "Ann Peeters")
	post := func(want int, args ...string) string {
		t.Helper()
		code, out, errs := peopleCLI(t, db, "", append([]string{"account", "post", "--person", id, "--scheme", "ila"}, args...)...)
		if code != want {
			t.Fatalf("post %v: exit %d, want %d\n%s%s", args, code, want, out, errs)
		}
		return out + errs
	}
	out := post(0, "--kind", "accrual", "--amount", "500.00", "--key", "a1", "--json")
	var entryID string
	if i := strings.Index(out, `"id": "`); i >= 0 {
		entryID = out[i+7 : i+7+strings.IndexByte(out[i+7:], '"')]
	}
	if entryID == "" {
		t.Fatalf("no entry id in %s", out)
	}
	post(0, "--kind", "accrual", "--amount", "500.00", "--key", "a1") // a true replay
	msg := post(2, "--kind", "spend", "--amount", "100.00", "--key", "a1")
	for _, s := range []string{entryID, "a1", "kind", "amount"} {
		if !strings.Contains(msg, s) {
			t.Errorf("key reuse message lacks %q: %s", s, msg)
		}
	}
	msg = post(3, "--kind", "release", "--amount", "10.00", "--ref", "plan-step:nothing", "--key", "r1")
	if !strings.Contains(msg, "plan-step:nothing") || !strings.Contains(msg, "reservation-exists") || strings.Contains(msg, "exceeds") {
		t.Errorf("release of a missing reservation: %s", msg)
	}
	msg = post(3, "--kind", "spend", "--amount", "10.00", "--ref", "plan-step:nothing", "--key", "s1")
	if !strings.Contains(msg, "does not hold") || strings.Contains(msg, "available") {
		t.Errorf("spend against a missing reservation: %s", msg)
	}
	if b := balancesCLI(t, db, id)["ila"]; b.Balance != 500 || b.Reserved != 0 {
		t.Errorf("refusals changed the balance: %+v", b)
	}
}

// TestPlanReserveClosedStep: reserving for a dropped or completed step is
// refused by a rule (exit 3), naming it.
func TestPlanReserveClosedStep(t *testing.T) {
	db := planFixture(t)
	id := addPersonCLI(t, db, "Ann Peeters")
	peopleCLI(t, db, "", "account", "post", "--person", id, "--scheme", "ila", "--kind", "accrual", "--amount", "1000.00", "--key", "a")
	planCLI(t, db, 0, "plan", "add", "--person", id, "--offer", "t:m1")
	planCLI(t, db, 0, "plan", "add", "--person", id, "--offer", "t:m2")
	planCLI(t, db, 0, "plan", "drop", "--person", id, "--step", "1")
	if out := planCLI(t, db, 3, "plan", "reserve", "--person", id, "--step", "1"); !strings.Contains(out, "open-step") || !strings.Contains(out, "dropped") {
		t.Errorf("reserve on a dropped step: %s", out)
	}
	planCLI(t, db, 0, "plan", "status", "--person", id, "--step", "2", "--status", "completed")
	if out := planCLI(t, db, 3, "plan", "reserve", "--person", id, "--step", "2"); !strings.Contains(out, "open-step") || !strings.Contains(out, "completed") {
		t.Errorf("reserve on a completed step: %s", out)
	}
}
