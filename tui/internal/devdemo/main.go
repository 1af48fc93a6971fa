// Command devdemo runs the TUI on the fake tenant (development only).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/fake"
	"github.com/mfadesk/mfadesk/tui"
)

func main() {
	srv, err := fake.Start(fake.Options{Users: 250, Seed: 1})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	defer srv.Close()
	c, err := graph.NewClient(graph.ClientOptions{Endpoint: srv.URL})
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	ro := len(os.Args) > 1 && os.Args[1] == "ro"
	if err := tui.Run(context.Background(), tui.Options{Client: c, TenantName: "Contoso (demo)", ReadOnly: ro,
		Protected: []string{"carol.martinez@contoso.com"}}); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
