package cli

import (
	"os"
	"testing"

	"github.com/koers-project/koers/store/pgtest"
)

// pg is the PostgreSQL server of this test binary, for the commands that
// run on PostgreSQL (migrate, doctor); its tests skip without one.
var pg pgtest.Harness

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &pg, nil)) }
