// Command mfadesk: find a user, see why they can't sign in, reset their MFA.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/mfadesk/mfadesk/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], nil)
	stop()
	os.Exit(code)
}
