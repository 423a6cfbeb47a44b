// Package storetest is one test suite for the people side of every koers
// store engine: SQLite (package store) and PostgreSQL (store/postgres) run
// the same assertions, so both prove the same behaviour: people and
// consents, learning accounts and the ledger's rules, guidance sessions and
// drafts, plans with reservations, credentials, export, erase, the
// audit log and counsellor accounts, follow-up outcomes and scheme
// definitions, concurrent writers on one account, and a rapid state machine
// over the ledger.
package storetest

import (
	"context"
	"flag"
	"sync/atomic"
	"testing"
	"time"

	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// Engine is the people side of a store, as both engines offer it with the
// same signatures and sentinel errors.
type Engine interface {
	Actor() string
	Now() time.Time
	Close() error

	CreatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error)
	UpdatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error)
	Person(ctx context.Context, id string) (sessions.Person, error)
	People(ctx context.Context, query string, limit int) ([]sessions.PersonSummary, error)
	AddSkills(ctx context.Context, personID string, skills []sessions.HeldSkill) error

	Audit(ctx context.Context, personID, action, detail string) error
	AuditLog(ctx context.Context, personID string) ([]store.AuditEntry, error)

	Schemes(ctx context.Context) ([]sessions.Scheme, error)
	Scheme(ctx context.Context, code string) (sessions.Scheme, error)
	PostEntry(ctx context.Context, e sessions.Entry) (sessions.Entry, error)
	Entries(ctx context.Context, personID, scheme string) ([]sessions.Entry, error)
	Balances(ctx context.Context, personID string) ([]sessions.Balance, error)
	Accounts(ctx context.Context, personID string) ([]sessions.Balance, error)

	AddSession(ctx context.Context, g sessions.Session) (sessions.Session, error)
	Sessions(ctx context.Context, personID string, withNotes bool) ([]sessions.Session, error)
	OpenActions(ctx context.Context, personID string) ([]sessions.Action, error)
	SetActionStatus(ctx context.Context, actionID, status string) error
	NextAppointment(ctx context.Context, personID string) (time.Time, error)
	SaveDraft(ctx context.Context, personID, kind, body string) error
	Draft(ctx context.Context, personID, kind string) (string, time.Time, error)
	DiscardDraft(ctx context.Context, personID, kind string) error

	Plans(ctx context.Context, personID string) ([]sessions.Plan, error)
	Plan(ctx context.Context, planID string) (sessions.Plan, error)
	CreatePlan(ctx context.Context, p sessions.Plan) (sessions.Plan, error)
	CurrentPlan(ctx context.Context, personID string, create bool) (sessions.Plan, error)
	AgreePlan(ctx context.Context, planID string) error
	SetStepStatus(ctx context.Context, planID, stepID string, status sessions.StepStatus) (sessions.Plan, error)
	ReserveStep(ctx context.Context, planID, stepID string) (sessions.Plan, error)
	ReleaseStep(ctx context.Context, planID, stepID string) (sessions.Plan, error)
	MoveStep(ctx context.Context, planID, stepID string, to int) (sessions.Plan, error)
	AddStep(ctx context.Context, planID string, steps ...sessions.Step) (sessions.Plan, error)

	AddCredential(ctx context.Context, c sessions.Credential) (sessions.Credential, error)
	AddCredentials(ctx context.Context, cs []sessions.Credential) ([]sessions.Credential, error)
	Credentials(ctx context.Context, personID string) ([]sessions.Credential, error)

	ExportPerson(ctx context.Context, id string) (store.PersonFile, error)
	ErasePerson(ctx context.Context, id string) error

	AddCounsellor(ctx context.Context, a sessions.Counsellor, key sessions.CounsellorKey) (sessions.Counsellor, error)
	AddCounsellorKey(ctx context.Context, name string, k sessions.CounsellorKey) error
	RemoveCounsellorKey(ctx context.Context, name, fingerprint string) error
	DisableCounsellor(ctx context.Context, name string) error
	Counsellor(ctx context.Context, name string) (sessions.Counsellor, error)
	CounsellorByKey(ctx context.Context, fingerprint string) (sessions.Counsellor, error)
	Counsellors(ctx context.Context) ([]sessions.Counsellor, error)
	// A centre's team (team.go).
	TransferPerson(ctx context.Context, id, to string) error
	MovePerson(ctx context.Context, id, centre string) error
	AddCentre(ctx context.Context, c sessions.Centre) (sessions.Centre, error)
	Centres(ctx context.Context) ([]sessions.Centre, error)
	SetThreshold(ctx context.Context, centre, scheme string, amount int64) error
	Threshold(ctx context.Context, centre, scheme string) (int64, bool, error)
	RequestEntry(ctx context.Context, r sessions.LedgerRequest) (sessions.LedgerRequest, error)
	LedgerRequest(ctx context.Context, id string) (sessions.LedgerRequest, error)
	LedgerRequests(ctx context.Context, personID string, pendingOnly bool) ([]sessions.LedgerRequest, error)
	DecideRequest(ctx context.Context, id string, approve bool, reason string) (sessions.LedgerRequest, error)
	AuditReason(ctx context.Context, personID, action, detail, reason string) error
	AuditBy(ctx context.Context, actor string) ([]store.AuditEntry, error)
	Owners(ctx context.Context) (map[string]sessions.Owner, error)
	ActionPerson(ctx context.Context, actionID string) (string, error)
	AuditViews(ctx context.Context, ids []string, detail string) error

	// Follow-up outcomes and scheme definitions (outcomes.go).
	RecordStepOutcome(ctx context.Context, o sessions.StepOutcome) (sessions.StepOutcome, error)
	StepOutcomes(ctx context.Context, personID string) ([]sessions.StepOutcome, error)
	RecordEmployment(ctx context.Context, e sessions.EmploymentOutcome, channel sessions.Channel) (sessions.EmploymentOutcome, error)
	EmploymentOutcomes(ctx context.Context, personID string) ([]sessions.EmploymentOutcome, error)
	FollowUpsDue(ctx context.Context, until catalog.Date) ([]store.FollowUp, error)
	CountFollowUpsDue(ctx context.Context, until catalog.Date) (int, error)
	DefineScheme(ctx context.Context, sc sessions.Scheme) error

	// Erasure requests (erase_requests.go).
	RequestErase(ctx context.Context, personID, reason string) (sessions.EraseRequest, error)
	EraseRequest(ctx context.Context, id string) (sessions.EraseRequest, error)
	EraseRequests(ctx context.Context, personID string, openOnly bool) ([]sessions.EraseRequest, error)
	DecideErase(ctx context.Context, id string, approve bool, reason string) (sessions.EraseRequest, error)
}

// Target is an open engine and what the suite needs of it beyond Engine.
type Target struct {
	Engine
	// UpdatePlan is the engine's UpdatePlan with the callback's
	// transaction left out (its type is the engine's own).
	UpdatePlan func(ctx context.Context, planID string, fn func(p *sessions.Plan) error) (sessions.Plan, error)
	// Exec runs SQL written to mean the same on every engine, around the
	// store, with the error mapped to the store's sentinels.
	Exec func(ctx context.Context, sql string) error
	// Count runs a SELECT count(*) query.
	Count func(ctx context.Context, sql string) (int, error)
	// As is the engine's As: the same database acting as actor.
	As func(actor string) Engine
	// Acting is the engine's view acting as actor in a server session
	// from a centre (stamped on every audit row).
	Acting func(actor, session, centre string) Engine
	// Keys is the engine's key management (encryption at rest).
	Keys Keyed
	// Reopen opens the same database anew, as another process would
	// (locked when it is encrypted), closed when the test ends.
	Reopen func(t *testing.T) (Engine, Keyed)
	// Text runs a query of one text value.
	Text func(ctx context.Context, sql string) (string, error)
	// Raw is everything the engine holds at rest, as bytes to search: on
	// SQLite the database file and its -wal and -shm; on PostgreSQL every
	// row of every table as text, and pg_dump's output when pg_dump is there.
	Raw func(ctx context.Context) ([]byte, error)
	// Rows is every row of every table as text, in a fixed order: what a
	// refused unlock or a failed rotation must leave as it was.
	Rows func(ctx context.Context) ([]byte, error)
}

// Opener opens a fresh, empty, migrated database of the engine under test,
// with opt's actor and clock, closed when the test ends.
type Opener func(t *testing.T, opt store.Options) Target

// Clock is the suite's fixed time.
var Clock = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

// Stress, when set (go test … -koers.stress=10s), makes the concurrent
// writers run for that long instead of a few hundred operations.
var Stress = flag.Duration("koers.stress", 0, "run the concurrent-writers test of store/storetest for this long")

type test struct {
	name string
	fn   func(t *testing.T, open func(t *testing.T) Target)
}

var tests = []test{
	{"PersonRoundTrip", testPersonRoundTrip},
	{"PersonNotFound", testPersonNotFound},
	{"SessionAllOrNothing", testSessionAllOrNothing},
	{"DraftsAndAppointments", testDraftsAndAppointments},
	{"Credentials", testCredentials},
	{"EraseLeavesNoRows", testEraseLeavesNoRows},
	{"LedgerPostReplayAndRules", testLedgerPostReplayAndRules},
	{"LedgerTriggers", testLedgerTriggers},
	{"LedgerProperties", testLedgerProperties},
	{"ConcurrentWriters", testConcurrentWriters},
	{"PlanRoundTripAndOrder", testPlanRoundTripAndOrder},
	{"PlanUpdateIsAllOrNothing", testPlanUpdateIsAllOrNothing},
	{"PlanReservations", testPlanReservations},
	{"ErasePersonRemovesPlans", testErasePersonRemovesPlans},
	{"CaseloadTransferAndMove", testCaseloadTransferAndMove},
	{"CentresAndThresholds", testCentresAndThresholds},
	{"LedgerRequestsApproval", testLedgerRequestsApproval},
	{"AuditStampsSessionCentreReason", testAuditStamps},
	{"EditVersions", testEditVersions},
	{"CounsellorAccounts", testCounsellorAccounts},
	{"StepOutcomes", testStepOutcomes},
	{"EmploymentFollowUps", testEmploymentFollowUps},
	{"DefineScheme", testDefineScheme},
	{"SealedHoldsNoClearText", testSealedHoldsNoClearText},
	{"WrongKeyChangesNothing", testWrongKeyChangesNothing},
	{"RotationAtomic", testRotationAtomic},
	{"RotationBesideWriters", testRotationBesideWriters},
	{"EraseRequests", testEraseRequests},
}

// Run runs every test of the suite as a subtest of t against the engine
// that open makes, and logs how many ran and passed.
func Run(t *testing.T, engine string, open Opener) {
	opener := func(t *testing.T) Target {
		t.Helper()
		return open(t, store.Options{Actor: "tester", Now: func() time.Time { return Clock }})
	}
	var ran, passed atomic.Int64
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran.Add(1)
			defer func() {
				if !t.Failed() && !t.Skipped() {
					passed.Add(1)
				}
			}()
			tt.fn(t, opener)
		})
	}
	t.Logf("storetest on %s: %d tests run, %d passed", engine, ran.Load(), passed.Load())
}
