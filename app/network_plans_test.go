package app_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/export"
	"github.com/koers-project/koers/report"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// TestPersonWholeOnPostgres: with --db postgres://…, a person's plan (steps
// from the network's register, reservations, goal), its export and the
// counsellor accounts live in PostgreSQL: a second process with its own
// register index sees the same plan and account, and neither local
// index holds a person, a plan or an account.
func TestPersonWholeOnPostgres(t *testing.T) {
	ctx := context.Background()
	db := pg.DB(t, "")
	dir := t.TempDir()
	offers := slices.Collect(catalog.Generate(3, 60))
	v1 := writeRegister(t, filepath.Join(dir, "v1.jsonl"), offers)
	a := openNet(t, db, filepath.Join(dir, "a.db"))
	b := openNet(t, db, filepath.Join(dir, "b.db"))
	if _, err := a.Import(ctx, []string{v1}, app.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SyncRegister(ctx, nil); err != nil {
		t.Fatal(err)
	}

	person, err := a.CreatePerson(ctx, sessions.Person{Name: "Ann Peeters"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.PostEntry(ctx, sessions.Entry{PersonID: person.ID, Scheme: "ila", Kind: sessions.Accrual, Amount: 500000, Key: "a1"}); err != nil {
		t.Fatal(err)
	}
	plan, err := a.CurrentPlan(ctx, person.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range []int{3, 7} {
		o, err := a.Offer(ctx, offers[k].Source+":"+offers[k].SourceID)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	plan, err = a.AddOfferSteps(ctx, plan.ID, ids...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddOfferSteps(ctx, plan.ID, ids[0]); app.KindOf(err) != app.Refused {
		t.Errorf("the same offer twice: %v, want a refusal", err)
	}
	if plan, err = a.ReserveStep(ctx, plan.ID, plan.Steps[0].ID); err != nil {
		t.Fatal(err)
	}
	if plan, err = a.MoveStep(ctx, plan.ID, plan.Steps[1].ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetTarget(ctx, plan.ID, "", ids[1], "en"); err != nil {
		t.Fatal(err)
	}

	// The other process sees the same plan, its offers and reservation.
	got, err := b.CurrentPlan(ctx, person.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Steps) != 2 || got.Steps[0].OfferID != ids[1] || got.Steps[1].OfferID != ids[0] || got.StackTarget != ids[1] {
		t.Fatalf("plan seen by B: %+v", got)
	}
	rep, err := b.Report(ctx, got, catalog.DateOf(b.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Context.Offers[ids[0]].ID != ids[0] || rep.Context.Available["ila"] >= 500000 {
		t.Errorf("B's report: offers %v, available %v (the reservation should hold part of the ILA)", len(rep.Context.Offers), rep.Context.Available)
	}
	var buf bytes.Buffer
	if _, err := b.ExportPlan(ctx, app.PlanExport{PersonID: person.ID, Format: export.Markdown, Lang: "en", Stdout: &buf}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Ann Peeters") || !strings.Contains(buf.String(), offers[3].Title) {
		t.Errorf("export lacks the person or a step:\n%s", buf.String())
	}
	log, err := a.AuditLog(ctx, person.ID)
	if err != nil || !slices.ContainsFunc(log, func(e app.AuditEntry) bool { return e.Action == "export" }) {
		t.Errorf("the export is not in the audit log on PostgreSQL: %v %v", log, err)
	}

	// Counsellor accounts: added by one process, found by key by another.
	key := sessions.CounsellorKey{Fingerprint: "SHA256:ann", PublicKey: "ssh-ed25519 AAAAann"}
	if _, err := a.As("root").AddCounsellor(ctx, sessions.Counsellor{Name: "ann", Role: sessions.RoleCounsellor}, key); err != nil {
		t.Fatal(err)
	}
	c, err := b.CounsellorByKey(ctx, key.Fingerprint)
	if err != nil || c.Name != "ann" || c.CreatedBy != "root" {
		t.Errorf("account by key from B: %+v, %v", c, err)
	}
	if have, want, err := b.SchemaVersion(ctx); err != nil || have != want {
		t.Errorf("schema version %d of %d: %v", have, want, err)
	}

	// Outcomes, follow-ups and the anonymised report run on PostgreSQL
	// too: recorded by A, seen by B, and reported by B.
	today := a.Today()
	for _, st := range got.Steps {
		for _, status := range []sessions.StepStatus{sessions.StepEnrolled, sessions.StepCompleted} {
			if _, err := a.RecordStepOutcome(ctx, sessions.StepOutcome{PersonID: person.ID, StepID: st.ID, Status: status, On: today}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if outs, err := b.StepOutcomes(ctx, person.ID); err != nil || len(outs) != 4 {
		t.Errorf("outcomes seen by B: %+v %v", outs, err)
	}
	if due, err := b.FollowUpsDue(ctx, today.AddDays(400)); err != nil || len(due) != 2 || due[0].PersonID != person.ID || due[0].Months != 6 {
		t.Errorf("follow-ups due seen by B: %+v %v", due, err)
	}
	if _, err := b.RecordEmployment(ctx, sessions.EmploymentOutcome{PersonID: person.ID, PlanID: got.ID, Months: 6, Situation: "employed",
		Source: sessions.SelfReported, On: today}, sessions.Phone); err != nil {
		t.Fatal(err)
	}
	if n, err := a.CountFollowUpsDue(ctx, today.AddDays(400)); err != nil || n != 1 {
		t.Errorf("follow-ups due after the 6 months' one: %d %v, want 1", n, err)
	}
	from, to := report.Last12Months(b.Now())
	if r, err := b.RunReport(ctx, report.Params{From: from, To: to, K: report.DefaultK}, "json"); err != nil || r.Params.From != from {
		t.Errorf("report on PostgreSQL: %v", err)
	}
	if err := a.DefineScheme(ctx, sessions.Scheme{Code: "fed-days", Unit: sessions.UnitDays}); err != nil {
		t.Fatal(err)
	}
	if sc, err := b.Schemes(ctx); err != nil || !slices.ContainsFunc(sc, func(s sessions.Scheme) bool { return s.Code == "fed-days" }) {
		t.Errorf("a scheme defined by A, seen by B: %+v %v", sc, err)
	}

	// Nothing personal in either local index.
	for _, cache := range []string{"a.db", "b.db"} {
		st, err := store.Open(ctx, filepath.Join(dir, cache), store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"people", "plans", "plan_steps", "ledger_entries", "audit_log", "counsellors",
			"step_outcomes", "employment_outcomes"} {
			var n int
			if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s: %d rows in %s (%v), want none", cache, n, table, err)
			}
		}
		st.Close()
	}
}

// TestOfflineSearchesLocalCopy: a process that cannot reach PostgreSQL
// opens on its local register index alone when it was synced before: the
// search answers from it, the mark says how old it is, and every people
// use-case (and a sync) answers ErrOffline instead of touching the index.
// Without an index synced before, the connection error stands.
func TestOfflineSearchesLocalCopy(t *testing.T) {
	ctx := context.Background()
	db := pg.DB(t, "")
	dir := t.TempDir()
	cache := filepath.Join(dir, "index.db")
	v1 := writeRegister(t, filepath.Join(dir, "v1.jsonl"), slices.Collect(catalog.Generate(11, 80)))
	a, err := app.Open(ctx, db, app.Options{Actor: "tester", RegisterCache: cache})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(ctx, []string{v1}, app.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	want, err := a.SearchOffers(ctx, catalog.Query{Text: "data", Limit: 20})
	if err != nil || len(want) == 0 {
		t.Fatalf("search online: %d hits, %v", len(want), err)
	}
	a.Close()

	dead := "postgres://koers@127.0.0.1:1/koers"
	if _, err := app.Open(ctx, dead, app.Options{Actor: "tester", RegisterCache: filepath.Join(dir, "never-synced.db")}); err == nil {
		t.Fatal("offline without a synced index: opened")
	}
	off, err := app.Open(ctx, dead, app.Options{Actor: "tester", RegisterCache: cache})
	if err != nil {
		t.Fatalf("offline with a synced index: %v", err)
	}
	defer off.Close()
	if off.Offline() == nil {
		t.Error("Offline() is nil")
	}
	got, err := off.SearchOffers(ctx, catalog.Query{Text: "data", Limit: 20})
	if err != nil || len(got) != len(want) || got[0].Offer.ID != want[0].Offer.ID {
		t.Errorf("search offline: %d hits (%v), want the %d of before", len(got), err, len(want))
	}
	if m, err := off.RegisterMark(ctx); err != nil || m.Generation != 1 || m.SyncedAt.IsZero() {
		t.Errorf("mark offline: %+v, %v", m, err)
	}
	if _, err := off.People(ctx, "", 10); !errors.Is(err, app.ErrOffline) {
		t.Errorf("people offline: %v, want ErrOffline", err)
	}
	if _, err := off.As("ann").CreatePlan(ctx, sessions.Plan{PersonID: "x"}); !errors.Is(err, app.ErrOffline) {
		t.Errorf("plan offline: %v, want ErrOffline", err)
	}
	if _, err := off.SyncRegister(ctx, nil); !errors.Is(err, app.ErrOffline) {
		t.Errorf("sync offline: %v, want ErrOffline", err)
	}
}
