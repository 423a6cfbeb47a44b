package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/catalog"
	"github.com/koers-project/koers/sessions"
)

// parseWhen reads a date and time: RFC 3339, "YYYY-MM-DDTHH:MM",
// "YYYY-MM-DD HH:MM" or a date alone, in local time.
func parseWhen(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time (YYYY-MM-DD, YYYY-MM-DD HH:MM or RFC 3339)", s)
}

// parseItem reads "SUMMARY|key=value|…" for --goal and --action.
func parseItem(flag, s string, keys ...string) (string, map[string]string, error) {
	parts := strings.Split(s, "|")
	kv := map[string]string{}
	for _, p := range parts[1:] {
		k, v, ok := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		if !ok || !hasString(keys, k) {
			return "", nil, usageErr("%s: %q is not one of %s=…", flag, p, strings.Join(keys, "=…, "))
		}
		kv[k] = strings.TrimSpace(v)
	}
	return strings.TrimSpace(parts[0]), kv, nil
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func itemDate(flag, key, v string) (catalog.Date, error) {
	if v == "" {
		return catalog.Date{}, nil
	}
	d, err := catalog.ParseDate(v)
	if err != nil {
		return d, usageErr("%s %s: %v", flag, key, err)
	}
	return d, nil
}

func newSessionCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "session",
		Short: "Guidance sessions: record one, list a person's",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newSessionAddCmd(a), newSessionListCmd(a))
	return cmd
}

func newSessionAddCmd(a *invocation) *cobra.Command {
	var person, at, channel, venue, notAttended, summary, notes, next string
	var minutes int
	var goals, actions []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add --person ID [--channel C] [--summary TEXT] [--notes TEXT|-] [--next DATE]",
		Short: "Record a guidance session with its goals, agreed actions and next appointment",
		Long: "Record a guidance session. --goal \"SUMMARY|target=DATE|type=T\" and\n" +
			"--action \"SUMMARY|due=DATE|owner=WHO|offer=OFFER-ID|type=T\" are repeatable. --notes - reads the\n" +
			"restricted notes from stdin. Dates must make sense: the session is not after today, no action is due\n" +
			"before it, the next appointment is after it.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			g := sessions.Session{PersonID: person, At: a.now(), Minutes: minutes, Channel: sessions.Channel(channel),
				Venue: venue, Attended: notAttended == "", Reason: notAttended, Counsellor: a.counsellor, Summary: summary}
			if at != "" {
				t, err := parseWhen(at)
				if err != nil {
					return usageErr("--at: %v", err)
				}
				g.At = t
			}
			if next != "" {
				t, err := parseWhen(next)
				if err != nil {
					return usageErr("--next: %v", err)
				}
				g.Next = t
			}
			if notes == "-" {
				b, err := io.ReadAll(io.LimitReader(a.stdin, 1<<20))
				if err != nil {
					return fmt.Errorf("read notes from stdin: %w", err)
				}
				notes = string(b)
			}
			if strings.TrimSpace(notes) != "" {
				g.Notes = []string{strings.TrimRight(notes, "\n")}
			}
			for _, s := range goals {
				sum, kv, err := parseItem("--goal", s, "target", "type", "status")
				if err != nil {
					return err
				}
				d, err := itemDate("--goal", "target", kv["target"])
				if err != nil {
					return err
				}
				g.Goals = append(g.Goals, sessions.Goal{Summary: sum, Target: d, Type: kv["type"], Status: kv["status"]})
			}
			for _, s := range actions {
				sum, kv, err := parseItem("--action", s, "due", "owner", "offer", "type", "status")
				if err != nil {
					return err
				}
				d, err := itemDate("--action", "due", kv["due"])
				if err != nil {
					return err
				}
				g.Actions = append(g.Actions, sessions.Action{Summary: sum, Due: d, Owner: kv["owner"], OfferID: kv["offer"], Type: kv["type"], Status: kv["status"]})
			}
			return withPeoplePerson(ctx, a, "--person", person, func(st *app.App, _ sessions.Person) error {
				got, err := st.AddSession(ctx, g)
				if err != nil {
					return err
				}
				if asJSON {
					got.Notes = nil
					return printJSON(a.stdout, got)
				}
				fmt.Fprintln(a.stdout, a.tr().T("people.session_added", "ID", got.ID))
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&person, "person", "", "person id")
	fl.StringVar(&at, "at", "", "when it took place (default now)")
	fl.IntVar(&minutes, "minutes", 0, "duration in minutes")
	fl.StringVar(&channel, "channel", string(sessions.FaceToFace), "face-to-face, phone, video, email, chat or group")
	fl.StringVar(&venue, "venue", "", "where")
	fl.StringVar(&notAttended, "not-attended", "", "the person did not attend: the reason")
	fl.StringVar(&summary, "summary", "", "situation summary")
	fl.StringVar(&notes, "notes", "", "restricted notes (- reads stdin)")
	fl.StringArrayVar(&goals, "goal", nil, "a goal: SUMMARY|target=DATE|type=T (repeatable)")
	fl.StringArrayVar(&actions, "action", nil, "an agreed action: SUMMARY|due=DATE|owner=WHO|offer=ID (repeatable)")
	fl.StringVar(&next, "next", "", "next appointment (date or date and time)")
	fl.BoolVar(&asJSON, "json", false, "print the session as JSON (without notes)")
	return cmd
}

func newSessionListCmd(a *invocation) *cobra.Command {
	var person string
	var withNotes, asJSON bool
	cmd := &cobra.Command{
		Use:   "list --person ID [--notes]",
		Short: "A person's guidance sessions, newest first (notes only with --notes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withPeoplePerson(ctx, a, "--person", person, func(st *app.App, _ sessions.Person) error {
				list, err := st.Sessions(ctx, person, withNotes)
				if err != nil {
					return err
				}
				detail := "sessions"
				if withNotes {
					detail = "sessions with notes"
				}
				if err := st.Audit(ctx, person, "view", detail); err != nil {
					return err
				}
				if asJSON {
					return printJSON(a.stdout, list)
				}
				for _, g := range list {
					fmt.Fprintf(a.stdout, "%s  %-12s %s\n", g.At.Local().Format("2006-01-02 15:04"), g.Channel, g.Summary)
					for _, n := range g.Notes {
						fmt.Fprintf(a.stdout, "    %s: %s\n", a.tr().T("people.notes"), n)
					}
					for _, ac := range g.Actions {
						fmt.Fprintf(a.stdout, "    [%s] %s %s\n", ac.Status, ac.Summary, ac.Due)
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&person, "person", "", "person id")
	cmd.Flags().BoolVar(&withNotes, "notes", false, "include the restricted notes")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print an array of sessions as JSON")
	return cmd
}
