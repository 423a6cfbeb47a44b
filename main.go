// Command koers is a terminal workbench for career guidance counsellors:
// search the register of training and micro-credentials, plan a pathway of
// stacked micro-credentials within a person's learning account, record the
// guidance, and hand over the learning plan.
//
// With no command it opens the TUI; every TUI action is also a subcommand
// (see `koers help`). This file is wiring only: the commands live in cli.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/koers-project/koers/cli"
)

// version is set with -ldflags "-X main.version=…" by release builds.
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, version, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
