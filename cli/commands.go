package cli

import (
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
		newCentreCmd(a),
		newLedgerCmd(a),
		newAuditCmd(a),
		newServeCmd(a),
		newOutcomeCmd(a),
		newReportCmd(a),
		newSeedCmd(a),
		newBackupCmd(a),
		newRestoreCmd(a),
		newKeyCmd(a),
		newMigrateCmd(a),
		newDoctorCmd(a),
		newRegisterCmd(a),
		newSyncCmd(a),
	}
}
