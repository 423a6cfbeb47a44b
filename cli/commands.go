package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// commands lists every subcommand. Each lives in its own cmd_*.go file.
func commands(a *invocation) []*cobra.Command {
	return []*cobra.Command{
		newSearchCmd(a),
		newOfferCmd(a),
		newStatsCmd(a),
		newGenCmd(a),
		newImportCmd(a),
		newExportCmd(a),
		newOccupationCmd(a),
		newSkillCmd(a),
		newPersonCmd(a),
		newAccountCmd(a),
		newSessionCmd(a),
		newPlanCmd(a),
		newCounsellorCmd(a),
		newServeCmd(a),
	}
}

// isCobraUsage recognises cobra's own argument and command errors.
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires exactly", "invalid argument", "flag needs an argument", "required flag"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
