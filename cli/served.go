package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/locale"
	"github.com/koers-project/koers/sessions"
)

// served is how `koers serve` runs the command tree for one authenticated
// SSH caller: over the database the server opened once, as the caller's
// account, within what the caller's role may do.
type served struct {
	app     *app.App
	account sessions.Counsellor
	// session is the server session's id, stamped on every audit row.
	session string
	// changed tells the server that accounts changed, so it re-checks its
	// open sessions at once instead of at its next poll.
	changed func()
}

// runServed runs args for the caller of an SSH session and returns the exit
// status the session sends back.
func runServed(ctx context.Context, version string, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, sv *served) int {
	return runWith(ctx, version, args, stdin, stdout, stderr, getenv, sv)
}

// openPeople opens the people side: for an SSH caller the server's own
// database, as the caller; else --db, on either engine.
func (a *invocation) openPeople(ctx context.Context) (*app.App, error) {
	if a.served != nil {
		return a.open(ctx)
	}
	st, err := app.OpenPeople(ctx, a.dbPath, app.Options{Actor: a.counsellor, Now: a.now, Catalog: a.cat, SeedSample: a.seedDemo()})
	return a.ready(ctx, st, err)
}

// ready finishes opening st (when open gave no err): the key is unlocked
// and a new database protected, else st is closed again.
func (a *invocation) ready(ctx context.Context, st *app.App, err error) (*app.App, error) {
	if err != nil {
		return nil, err
	}
	if err := a.unlock(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	if err := a.protectNew(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// unopenable is the --db of a served run: commands reach the server's
// database through open and openPeople; code that opened by path instead
// fails loudly here rather than writing to another file.
const unopenable = "/dev/null/koers-serve-has-no-db-path"

// commandOps maps a command path (without "koers") to the operation of the
// role table it performs. A command that is not here is refused over SSH:
// the table fails closed.
var commandOps = map[string]sessions.Operation{
	"search": sessions.OpSearchRegister, "offer": sessions.OpSearchRegister, "stats": sessions.OpSearchRegister,
	"occupation": sessions.OpSearchRegister, "skill": sessions.OpSearchRegister,
	"help": sessions.OpSearchRegister, "completion": sessions.OpSearchRegister,

	"import": sessions.OpImportRegister, "register sync": sessions.OpImportRegister, "gen": sessions.OpImportRegister, "seed": sessions.OpImportRegister,
	"export register": sessions.OpImportRegister, "plan index": sessions.OpImportRegister,

	"person add": sessions.OpEditPerson, "person edit": sessions.OpEditPerson, "person credential": sessions.OpEditPerson,
	"person list": sessions.OpViewPerson, "person show": sessions.OpViewPerson,
	"person export": sessions.OpExportPerson, "person erase": sessions.OpErasePerson,
	"person erase-requests": sessions.OpDecideErase, "person erase-approve": sessions.OpDecideErase,
	"person erase-decline": sessions.OpDecideErase,

	"account show": sessions.OpViewPerson, "account ledger": sessions.OpViewPerson, "account post": sessions.OpPostLedger,
	"session add": sessions.OpEditPerson, "session list": sessions.OpViewPerson,

	"plan show": sessions.OpViewPerson, "plan list": sessions.OpViewPerson, "plan check": sessions.OpViewPerson,
	"plan gap": sessions.OpViewPerson, "plan suggest": sessions.OpViewPerson,
	"plan add": sessions.OpEditPerson, "plan move": sessions.OpEditPerson, "plan drop": sessions.OpEditPerson,
	"plan status": sessions.OpEditPerson, "plan target": sessions.OpEditPerson, "plan accept": sessions.OpEditPerson,
	"plan reserve": sessions.OpPostLedger, "plan release": sessions.OpPostLedger,
	"export plan": sessions.OpExportPerson,

	"outcome step": sessions.OpEditPerson, "outcome employment": sessions.OpEditPerson,
	"outcome due": sessions.OpViewPerson, "outcome list": sessions.OpViewPerson,
	"report": sessions.OpRunReport,

	"counsellor": sessions.OpManageAccounts,

	"person transfer": sessions.OpTransferPerson, "person move": sessions.OpMovePerson,
	"centre add": sessions.OpManageCentres, "centre set": sessions.OpManageCentres, "centre list": sessions.OpSearchRegister,
	"ledger pending": sessions.OpApprove, "ledger approve": sessions.OpApprove, "ledger reject": sessions.OpApprove,
	"audit": sessions.OpReadAudit,
}

// errRole is the refusal of an operation by the role table.
var errRole = errors.New("the role may not do this")

// operation finds the operation of cmd: its own path first, then its
// parents' ("person credential add" is "person credential").
func operation(cmd *cobra.Command) (sessions.Operation, string, bool) {
	path := strings.TrimPrefix(strings.TrimPrefix(cmd.CommandPath(), "koers"), " ")
	for p := path; p != ""; {
		if op, ok := commandOps[p]; ok {
			if op == sessions.OpViewPerson && p == "session list" {
				if f := cmd.Flags().Lookup("notes"); f != nil && f.Changed {
					op = sessions.OpViewNotes
				}
			}
			if op == sessions.OpErasePerson {
				if f := cmd.Flags().Lookup("request"); f != nil && f.Changed {
					op = sessions.OpRequestErase
				}
			}
			return op, path, true
		}
		i := strings.LastIndexByte(p, ' ')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return "", path, false
}

// check refuses, before a served command opens anything, what cannot run
// over SSH (exit 2) and what the caller's role may not do even on their own
// caseload (exit 3, naming the rule). The caseload scope, the break-glass
// reason and the approval threshold are the application layer's to check
// (app.AsCaller), where the person and the amount are known.
func (sv *served) check(cmd *cobra.Command, args []string, tr *locale.Tr) error {
	for _, name := range []string{"db", "counsellor"} {
		if name == "counsellor" && cmd.Name() == "audit" && cmd.Parent() == cmd.Root() {
			continue // audit's own --counsellor names whose trail to read
		}
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed {
			return usageErr("--%s: not available over SSH: the server's database is used, as your account %s", name, sv.account.Name)
		}
	}
	if f := cmd.Flags().Lookup("output"); f != nil && f.Changed && f.Value.String() != "-" {
		return usageErr("--output: over SSH output goes to standard output (-o -), not to a file on the server")
	}
	if f := cmd.Flags().Lookup("map"); f != nil && f.Changed {
		return usageErr("--map: over SSH files on the server cannot be read")
	}
	op, path, ok := operation(cmd)
	switch {
	case path == "":
		return usageErr("no command: open the terminal interface with ssh -t, or give a command (ssh HOST koers help)")
	case path == "serve":
		return usageErr("serve: the server is already running")
	case !ok:
		return ruleErr("roles:unmapped-command", fmt.Errorf("%s is not available over SSH: %w", path, errRole))
	}
	if (path == "import" || path == "person credential import") && len(args) > 0 {
		return usageErr("PATH: over SSH files on the server cannot be read")
	}
	role := sv.account.Role
	if d := sessions.Decide(role, op, sessions.ScopeOwn); d == sessions.Pending && op == sessions.OpErasePerson && len(args) == 1 {
		// A role that may only ask is told how to ask.
		return ruleErr(sessions.Rule(role, op, sessions.ScopeOwn), fmt.Errorf("%s: %w", tr.T("erase.err.ask", "ID", args[0]), errRole))
	} else if d != sessions.Allow {
		return ruleErr(sessions.Rule(role, op, sessions.ScopeOwn), fmt.Errorf("%s is %s for role %s: %w", path, d, role, errRole))
	}
	return nil
}
