package app

import (
	"context"
	"errors"
	"time"

	"github.com/koers-project/koers/catalog"

	"github.com/koers-project/koers/sessions"
	"github.com/koers-project/koers/store"
)

// ErrOffline is a people-side use-case while PostgreSQL cannot be
// reached: the process runs on its local register index alone (search,
// offers, ESCO), and says how old that is.
var ErrOffline = errors.New("the database cannot be reached")

// offlinePeople is the people side of an App opened while PostgreSQL could
// not be reached: every use-case answers ErrOffline (with why), none
// touches the local register index.
type offlinePeople struct {
	err error
	db  string // as it may be shown
}

func (o offlinePeople) fail() error {
	return &Error{Kind: Internal, Field: "db", Msg: "db.offline", Args: []any{"DB", o.db}, Err: errors.Join(ErrOffline, o.err)}
}

// Close has nothing to close.
func (o offlinePeople) Close() error { return nil }

func (o offlinePeople) People(ctx context.Context, query string, limit int) ([]sessions.PersonSummary, error) {
	return nil, o.fail()
}

func (o offlinePeople) Person(ctx context.Context, id string) (sessions.Person, error) {
	return sessions.Person{}, o.fail()
}

func (o offlinePeople) CreatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error) {
	return sessions.Person{}, o.fail()
}

func (o offlinePeople) UpdatePerson(ctx context.Context, p sessions.Person) (sessions.Person, error) {
	return sessions.Person{}, o.fail()
}

func (o offlinePeople) Schemes(ctx context.Context) ([]sessions.Scheme, error) { return nil, o.fail() }

func (o offlinePeople) Scheme(ctx context.Context, code string) (sessions.Scheme, error) {
	return sessions.Scheme{}, o.fail()
}

func (o offlinePeople) PostEntry(ctx context.Context, e sessions.Entry) (sessions.Entry, error) {
	return sessions.Entry{}, o.fail()
}

func (o offlinePeople) Entries(ctx context.Context, personID, scheme string) ([]sessions.Entry, error) {
	return nil, o.fail()
}

func (o offlinePeople) Balances(ctx context.Context, personID string) ([]sessions.Balance, error) {
	return nil, o.fail()
}

func (o offlinePeople) Credentials(ctx context.Context, personID string) ([]sessions.Credential, error) {
	return nil, o.fail()
}

func (o offlinePeople) AddCredential(ctx context.Context, c sessions.Credential) (sessions.Credential, error) {
	return sessions.Credential{}, o.fail()
}

func (o offlinePeople) AddCredentials(ctx context.Context, cs []sessions.Credential) ([]sessions.Credential, error) {
	return nil, o.fail()
}

func (o offlinePeople) AddSession(ctx context.Context, g sessions.Session) (sessions.Session, error) {
	return sessions.Session{}, o.fail()
}

func (o offlinePeople) Sessions(ctx context.Context, personID string, withNotes bool) ([]sessions.Session, error) {
	return nil, o.fail()
}

func (o offlinePeople) OpenActions(ctx context.Context, personID string) ([]sessions.Action, error) {
	return nil, o.fail()
}

func (o offlinePeople) SetActionStatus(ctx context.Context, actionID, status string) error {
	return o.fail()
}

func (o offlinePeople) NextAppointment(ctx context.Context, personID string) (time.Time, error) {
	return time.Time{}, o.fail()
}

func (o offlinePeople) SaveDraft(ctx context.Context, personID, kind, body string) error {
	return o.fail()
}

func (o offlinePeople) Draft(ctx context.Context, personID, kind string) (string, time.Time, error) {
	return "", time.Time{}, o.fail()
}

func (o offlinePeople) DiscardDraft(ctx context.Context, personID, kind string) error {
	return o.fail()
}

func (o offlinePeople) Audit(ctx context.Context, personID, action, detail string) error {
	return o.fail()
}

func (o offlinePeople) AuditLog(ctx context.Context, personID string) ([]store.AuditEntry, error) {
	return nil, o.fail()
}

func (o offlinePeople) ExportPerson(ctx context.Context, id string) (store.PersonFile, error) {
	return store.PersonFile{}, o.fail()
}

func (o offlinePeople) ErasePerson(ctx context.Context, id string) error { return o.fail() }

func (o offlinePeople) Plans(ctx context.Context, personID string) ([]sessions.Plan, error) {
	return nil, o.fail()
}

func (o offlinePeople) Plan(ctx context.Context, planID string) (sessions.Plan, error) {
	return sessions.Plan{}, o.fail()
}

func (o offlinePeople) CreatePlan(ctx context.Context, p sessions.Plan) (sessions.Plan, error) {
	return sessions.Plan{}, o.fail()
}

func (o offlinePeople) CurrentPlan(ctx context.Context, personID string, create bool) (sessions.Plan, error) {
	return sessions.Plan{}, o.fail()
}

func (o offlinePeople) SetStepStatus(ctx context.Context, planID, stepID string, status sessions.StepStatus) (sessions.Plan, error) {
	return sessions.Plan{}, o.fail()
}

func (o offlinePeople) ReserveStep(ctx context.Context, planID, stepID string) (sessions.Plan, error) {
	return sessions.Plan{}, o.fail()
}

func (o offlinePeople) ReleaseStep(ctx context.Context, planID, stepID string) (sessions.Plan, error) {
	return sessions.Plan{}, o.fail()
}

func (o offlinePeople) MoveStep(ctx context.Context, planID, stepID string, to int) (sessions.Plan, error) {
	return sessions.Plan{}, o.fail()
}

func (o offlinePeople) AddStep(ctx context.Context, planID string, steps ...sessions.Step) (sessions.Plan, error) {
	return sessions.Plan{}, o.fail()
}

func (o offlinePeople) AddCounsellor(ctx context.Context, a sessions.Counsellor, key sessions.CounsellorKey) (sessions.Counsellor, error) {
	return sessions.Counsellor{}, o.fail()
}

func (o offlinePeople) AddCounsellorKey(ctx context.Context, name string, k sessions.CounsellorKey) error {
	return o.fail()
}

func (o offlinePeople) RemoveCounsellorKey(ctx context.Context, name, fingerprint string) error {
	return o.fail()
}

func (o offlinePeople) DisableCounsellor(ctx context.Context, name string) error { return o.fail() }

func (o offlinePeople) Counsellors(ctx context.Context) ([]sessions.Counsellor, error) {
	return nil, o.fail()
}

func (o offlinePeople) CounsellorByKey(ctx context.Context, fingerprint string) (sessions.Counsellor, error) {
	return sessions.Counsellor{}, o.fail()
}

func (o offlinePeople) TransferPerson(ctx context.Context, id, to string) error { return o.fail() }

func (o offlinePeople) MovePerson(ctx context.Context, id, centre string) error { return o.fail() }

func (o offlinePeople) AddCentre(ctx context.Context, c sessions.Centre) (sessions.Centre, error) {
	return sessions.Centre{}, o.fail()
}

func (o offlinePeople) Centres(ctx context.Context) ([]sessions.Centre, error) { return nil, o.fail() }

func (o offlinePeople) SetThreshold(ctx context.Context, centre, scheme string, amount int64) error {
	return o.fail()
}

func (o offlinePeople) Threshold(ctx context.Context, centre, scheme string) (int64, bool, error) {
	return 0, false, o.fail()
}

func (o offlinePeople) RequestEntry(ctx context.Context, r sessions.LedgerRequest) (sessions.LedgerRequest, error) {
	return sessions.LedgerRequest{}, o.fail()
}

func (o offlinePeople) LedgerRequest(ctx context.Context, id string) (sessions.LedgerRequest, error) {
	return sessions.LedgerRequest{}, o.fail()
}

func (o offlinePeople) LedgerRequests(ctx context.Context, personID string, pendingOnly bool) ([]sessions.LedgerRequest, error) {
	return nil, o.fail()
}

func (o offlinePeople) DecideRequest(ctx context.Context, id string, approve bool, reason string) (sessions.LedgerRequest, error) {
	return sessions.LedgerRequest{}, o.fail()
}

func (o offlinePeople) AuditReason(ctx context.Context, personID, action, detail, reason string) error {
	return o.fail()
}

func (o offlinePeople) AuditBy(ctx context.Context, actor string) ([]store.AuditEntry, error) {
	return nil, o.fail()
}

func (o offlinePeople) Owners(ctx context.Context) (map[string]sessions.Owner, error) {
	return nil, o.fail()
}

func (o offlinePeople) ActionPerson(ctx context.Context, actionID string) (string, error) {
	return "", o.fail()
}

func (o offlinePeople) AuditViews(ctx context.Context, ids []string, detail string) error {
	return o.fail()
}

func (o offlinePeople) RecordStepOutcome(ctx context.Context, so sessions.StepOutcome) (sessions.StepOutcome, error) {
	return so, o.fail()
}

func (o offlinePeople) StepOutcomes(ctx context.Context, personID string) ([]sessions.StepOutcome, error) {
	return nil, o.fail()
}

func (o offlinePeople) RecordEmployment(ctx context.Context, e sessions.EmploymentOutcome, channel sessions.Channel) (sessions.EmploymentOutcome, error) {
	return e, o.fail()
}

func (o offlinePeople) EmploymentOutcomes(ctx context.Context, personID string) ([]sessions.EmploymentOutcome, error) {
	return nil, o.fail()
}

func (o offlinePeople) FollowUpsDue(ctx context.Context, until catalog.Date) ([]store.FollowUp, error) {
	return nil, o.fail()
}

func (o offlinePeople) DefineScheme(ctx context.Context, sc sessions.Scheme) error { return o.fail() }

func (o offlinePeople) Counsellor(ctx context.Context, name string) (sessions.Counsellor, error) {
	return sessions.Counsellor{}, o.fail()
}

func (o offlinePeople) RequestErase(ctx context.Context, personID, reason string) (sessions.EraseRequest, error) {
	return sessions.EraseRequest{}, o.fail()
}

func (o offlinePeople) EraseRequest(ctx context.Context, id string) (sessions.EraseRequest, error) {
	return sessions.EraseRequest{}, o.fail()
}

func (o offlinePeople) EraseRequests(ctx context.Context, personID string, openOnly bool) ([]sessions.EraseRequest, error) {
	return nil, o.fail()
}

func (o offlinePeople) DecideErase(ctx context.Context, id string, approve bool, reason string) (sessions.EraseRequest, error) {
	return sessions.EraseRequest{}, o.fail()
}
