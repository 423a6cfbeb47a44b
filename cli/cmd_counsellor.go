package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"

	"github.com/koers-project/koers/app"
	"github.com/koers-project/koers/sessions"
)

// newCounsellorCmd groups the commands that manage the accounts counsellors
// log in to `koers serve` with.
func newCounsellorCmd(a *invocation) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "counsellor",
		Short: "Counsellor accounts of a centre's server: add, list, disable, add-key, remove-key",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCounsellorAddCmd(a), newCounsellorListCmd(a), newCounsellorDisableCmd(a),
		newCounsellorAddKeyCmd(a), newCounsellorRemoveKeyCmd(a))
	return cmd
}

// parseKey reads an SSH public key as authorized_keys writes it ("ssh-ed25519
// AAAA… comment"); the comment is dropped (it often names a person or a
// machine, and the fingerprint identifies the key).
func parseKey(flag, s string) (sessions.CounsellorKey, error) {
	pk, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(strings.TrimSpace(s)))
	if err != nil {
		return sessions.CounsellorKey{}, usageErr("%s: not an SSH public key (want e.g. \"ssh-ed25519 AAAA…\"): %v", flag, err)
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return sessions.CounsellorKey{}, usageErr("%s: give one key", flag)
	}
	return sessions.CounsellorKey{
		Fingerprint: ssh.FingerprintSHA256(pk),
		PublicKey:   strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk))),
	}, nil
}

func checkName(name string) error {
	if err := sessions.ValidCounsellorName(name); err != nil {
		return usageErr("NAME: %v", err)
	}
	return nil
}

// counsellorErr maps the store's answers: an unknown account or key, or a
// name or key already taken, is bad input (exit 2).
func counsellorErr(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, app.ErrNotFound):
		return usageErr("%s: %v", what, err)
	case errors.Is(err, app.ErrConflict):
		return usageErr("%s: already in use", what)
	}
	return err
}

// accountsChanged tells a running server (when there is one) to re-check
// its open sessions now.
func (a *invocation) accountsChanged() {
	if a.served != nil && a.served.changed != nil {
		a.served.changed()
	}
}

func newCounsellorAddCmd(a *invocation) *cobra.Command {
	var key, role, lang string
	var centres []string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add NAME --key PUBKEY --role counsellor|supervisor|regional|admin|auditor [--centre CODE]...",
		Short: "Add an account with its first SSH public key",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName(args[0]); err != nil {
				return err
			}
			r, err := sessions.ParseRole(role)
			if err != nil {
				return usageErr("--role: %v", err)
			}
			switch lang {
			case "", "en", "nl", "fr":
			default:
				return usageErr("--language: %q is not en, nl or fr", lang)
			}
			k, err := parseKey("--key", key)
			if err != nil {
				return err
			}
			return withAccounts(cmd.Context(), a, func(st *app.App) error {
				if err := sessions.ValidCentres(r, centres); err != nil {
					return usageErr("--centre: %v", err)
				}
				acc, err := st.AddCounsellor(cmd.Context(), sessions.Counsellor{Name: args[0], Role: r, Language: lang, Centres: centres}, k)
				if err != nil {
					return counsellorErr(err, "NAME or --key")
				}
				a.accountsChanged()
				if asJSON {
					return printJSON(a.stdout, acc)
				}
				fmt.Fprintf(a.stdout, "%s\t%s\t%s\n", acc.Name, acc.Role, k.Fingerprint)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "SSH public key, as in authorized_keys (\"ssh-ed25519 AAAA…\")")
	cmd.Flags().StringVar(&role, "role", "", "counsellor, supervisor, regional, admin or auditor")
	cmd.Flags().StringSliceVar(&centres, "centre", nil, "the account's centre (koers centre add); a regional account takes several")
	cmd.Flags().StringVar(&lang, "language", "", "interface language of the profile: en, nl or fr (default: the client's LANG)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the account as JSON")
	return cmd
}

// withAccounts opens the store, runs fn and closes it.
func withAccounts(ctx context.Context, a *invocation, fn func(st *app.App) error) error {
	st, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

func newCounsellorListCmd(a *invocation) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the accounts with their roles and key fingerprints",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withAccounts(cmd.Context(), a, func(st *app.App) error {
				all, err := st.Counsellors(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					if all == nil {
						all = []sessions.Counsellor{}
					}
					return printJSON(a.stdout, all)
				}
				for _, c := range all {
					state := "active"
					if c.Disabled {
						state = "disabled"
					}
					fps := make([]string, len(c.Keys))
					for i, k := range c.Keys {
						fps[i] = k.Fingerprint
					}
					fmt.Fprintf(a.stdout, "%s\t%s\t%s\t%s\n", c.Name, c.Role, state, strings.Join(fps, " "))
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

func newCounsellorDisableCmd(a *invocation) *cobra.Command {
	return &cobra.Command{
		Use:   "disable NAME",
		Short: "Disable an account: it can no longer log in, and its open sessions end",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName(args[0]); err != nil {
				return err
			}
			return withAccounts(cmd.Context(), a, func(st *app.App) error {
				if err := counsellorErr(st.DisableCounsellor(cmd.Context(), args[0]), "NAME"); err != nil {
					return err
				}
				a.accountsChanged()
				return nil
			})
		},
	}
}

func newCounsellorAddKeyCmd(a *invocation) *cobra.Command {
	var key string
	cmd := &cobra.Command{
		Use:   "add-key NAME --key PUBKEY",
		Short: "Add an SSH public key to an account",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName(args[0]); err != nil {
				return err
			}
			k, err := parseKey("--key", key)
			if err != nil {
				return err
			}
			return withAccounts(cmd.Context(), a, func(st *app.App) error {
				if err := counsellorErr(st.AddCounsellorKey(cmd.Context(), args[0], k), "NAME or --key"); err != nil {
					return err
				}
				fmt.Fprintln(a.stdout, k.Fingerprint)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "SSH public key, as in authorized_keys")
	return cmd
}

func newCounsellorRemoveKeyCmd(a *invocation) *cobra.Command {
	return &cobra.Command{
		Use:   "remove-key NAME FINGERPRINT|KEY",
		Short: "Remove an SSH public key from an account (by its SHA256 fingerprint or the key itself)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkName(args[0]); err != nil {
				return err
			}
			fp := strings.TrimSpace(args[1])
			if !strings.HasPrefix(fp, "SHA256:") {
				k, err := parseKey("FINGERPRINT|KEY", fp)
				if err != nil {
					return err
				}
				fp = k.Fingerprint
			}
			return withAccounts(cmd.Context(), a, func(st *app.App) error {
				if err := counsellorErr(st.RemoveCounsellorKey(cmd.Context(), args[0], fp), "FINGERPRINT|KEY"); err != nil {
					return err
				}
				a.accountsChanged()
				return nil
			})
		},
	}
}
