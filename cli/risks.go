package cli

import (
	"context"
	"fmt"
	"sync"

	"github.com/mfadesk/mfadesk/graph"
)

// checkRisks names the risky targets (yourself, admins, guests, disabled and
// protected accounts) with counts and names, before the plan and its
// confirmation, and refuses a change that includes the signed-in operator
// unless --include-self acknowledges it (a dry run only says so).
func (e *Env) checkRisks(ctx context.Context, s *Session, jobs []*job, o targetOptions, kind graph.WriteKind) error {
	users := make([]graph.User, 0, len(jobs))
	for _, j := range jobs {
		if j.Err == nil {
			users = append(users, j.User)
		}
	}
	if len(users) == 0 {
		return nil
	}
	var facts graph.RiskFacts
	facts.Write = kind
	var (
		unchecked []string
		me        graph.Operator
		meErr     error
		admins    map[string]bool
		adminsErr error
		wg        sync.WaitGroup
	)
	wg.Add(2)
	go func() { defer wg.Done(); me, meErr = s.Client.Me(ctx) }()
	go func() { defer wg.Done(); admins, adminsErr = graph.ListAdmins(ctx, s.Client) }()
	wg.Wait()
	if meErr == nil {
		facts.Operator = &me
	} else {
		unchecked = append(unchecked, "whether you are among the targets ("+oneLine(meErr)+")")
	}
	if adminsErr != nil {
		facts.AdminsWhy = oneLine(adminsErr)
	}
	facts.Admins = admins
	r := graph.AssessRisks(ctx, s.Client, users, facts)
	r.Unchecked = append(unchecked, r.Unchecked...)
	if !r.Empty() {
		e.note("Look before you go on:")
		for _, l := range r.Lines(10) {
			e.note("  ! " + l)
		}
	}
	if r.Has(graph.RiskSelf) && !o.IncludeSelf {
		me := r.Users(graph.RiskSelf)[0]
		line := ""
		for _, j := range jobs {
			if j.User.ID == me.ID {
				line = " (" + e.targetWhere(o, j.Target) + ")"
			}
		}
		msg := "the users include your own account, " + graph.CleanText(me.UserPrincipalName) + line +
			": changing it can lock you out. Add --include-self to change it too, or take it out of the list"
		if o.DryRun {
			e.note("  ! A real run is refused: " + msg + ".")
			return nil
		}
		return Usagef("%s; nothing was changed.", msg)
	}
	return nil
}

// targetWhere is where a target was given: "line 4" of the CSV or
// "argument 2".
func (e *Env) targetWhere(o targetOptions, t graph.Target) string {
	unit := "argument"
	if o.CSV != "" {
		unit = "line"
	}
	return fmt.Sprintf("%s %d", unit, t.Line)
}
