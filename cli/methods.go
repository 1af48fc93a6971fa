package cli

// The method commands (issue 13.3): set-default, add-phone, add-email and
// delete-method, one user and one method each. Their plans and refusals
// are the catalogue's (graph/ops/methods.go), the same words as the
// console's: every check Graph documents is made before anything is sent;
// the plan is printed and confirmed (y, or --yes off a terminal);
// --dry-run prints it and changes nothing.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/mfadesk/mfadesk/graph/ops"
	"github.com/spf13/cobra"
)

// methodCmd is what one method command asks for.
type methodCmd struct {
	name   ops.Name
	dryRun bool
	a      approval
	// prepare turns the user's methods into the request and its plan; an
	// error is a refusal (nothing sent).
	prepare func(ctx context.Context, c graph.Client, u graph.User, ms []graph.Method) (ops.Request, ops.Plan, error)
}

// methodJSON is a method command's --output json.
type methodJSON struct {
	UserID            string `json:"userId"`
	UserPrincipalName string `json:"userPrincipalName"`
	Operation         string `json:"operation"`
	Status            string `json:"status"`
	Detail            string `json:"detail"`
	RequestID         string `json:"requestId,omitempty"`
	DryRun            bool   `json:"dryRun,omitempty"`
}

func (e *Env) runMethodCmd(ctx context.Context, userArg string, mc methodCmd) error {
	o := ops.MustGet(mc.name)
	mc.a.checklist = o.Checklist
	if _, err := graph.ParseTargetArgs([]string{userArg}); err != nil {
		return Usage(err)
	}
	s, err := e.Session(ctx)
	if err != nil {
		return err
	}
	if !mc.dryRun {
		if err := e.requireWrite(s, string(o.Name)); err != nil {
			return err
		}
		if err := e.canApprove(s, mc.a, o.Label); err != nil {
			return err
		}
	}
	u, err := resolveUser(ctx, s.Client, userArg)
	if err != nil {
		return err
	}
	// The catalogue's rule: the guard, the operator's permission and role
	// for this user's roles, yourself, guests.
	me, meErr := s.Client.Me(ctx)
	oc := ops.Context{Operator: me, OperatorKnown: meErr == nil,
		Guard: func(k graph.WriteKind, userID string) error {
			err := graph.CheckWrite(ctx, s.Client, k, userID)
			if mc.dryRun && errors.Is(err, graph.ErrReadOnly) {
				return nil
			}
			return err
		},
		Target: func(u graph.User) *graph.TargetRoles {
			if tr, ok, err := graph.ReadTargetRoles(ctx, s.Client, u.ID); ok && err == nil {
				return &tr
			}
			return nil
		}}
	name := graph.CleanText(u.UserPrincipalName)
	if ok, why := o.Available(oc, u); !ok {
		return Denied(fmt.Errorf("%s for %s: %s", strings.ToLower(o.Label), name, why))
	}
	ms, err := s.Client.ListMethods(ctx, u.ID)
	if err != nil {
		return err
	}
	req, plan, err := mc.prepare(ctx, s.Client, u, ms)
	if err != nil {
		return Denied(fmt.Errorf("%s for %s: %w; nothing changed", strings.ToLower(o.Label), name, err))
	}
	req.Kind = mc.name
	var b strings.Builder
	fmt.Fprintf(&b, "Plan for %s:", name)
	for i, st := range plan.Steps {
		fmt.Fprintf(&b, "\n  %d. %s", i+1, st)
	}
	if len(plan.Keeps) > 0 {
		b.WriteString("\nStays as it is: " + strings.Join(plan.Keeps, "; ") + ".")
	}
	for _, w := range plan.Warnings {
		b.WriteString("\nNote: " + w)
	}
	if mc.dryRun {
		e.note(b.String() + "\nDry run: nothing changed.")
		return e.emitMethod(u, o, ops.Result{Status: ops.Skipped, Detail: strings.Join(plan.Steps, "; ")}, true)
	}
	e.note(b.String())
	if ctx, err = e.approve(ctx, s, mc.a, 1, o.Label+" for "+name); err != nil {
		return err
	}
	res := runOp(ctx, s.Client, u, req)
	if res.Err != nil {
		return res.Err
	}
	return e.emitMethod(u, o, res, false)
}

// emitMethod prints one method command's outcome (numbers masked: the
// result's detail is).
func (e *Env) emitMethod(u graph.User, o ops.Operation, r ops.Result, dry bool) error {
	status := string(r.Status)
	if dry {
		status = "planned"
	}
	doc := methodJSON{UserID: u.ID, UserPrincipalName: u.UserPrincipalName, Operation: string(o.Name),
		Status: status, Detail: r.Detail, RequestID: r.RequestID, DryRun: dry}
	return e.Emit(View{JSON: &doc,
		Header: []string{"USER", "OPERATION", "STATUS", "DETAIL"},
		Rows:   [][]string{{u.UserPrincipalName, string(o.Name), status, r.Detail}},
		Text: func(w io.Writer) {
			if !dry {
				fmt.Fprintf(w, "%s: %s.\n", graph.CleanText(u.UserPrincipalName), graph.CleanText(r.Detail))
			}
		}})
}

func addMethodFlags(cmd *cobra.Command, mc *methodCmd) {
	addApprovalFlags(cmd, &mc.a)
	cmd.Flags().BoolVar(&mc.dryRun, "dry-run", false, "print the plan and change nothing")
}

func setDefaultCmd(env *Env) *cobra.Command {
	o := ops.MustGet(ops.SetDefault)
	mc := methodCmd{name: ops.SetDefault}
	cmd := &cobra.Command{
		Use:   "set-default USER METHOD",
		Short: o.Short, Long: o.Long,
		Example: "  mfadesk set-default alice@contoso.com push\n" +
			"  mfadesk set-default bob@contoso.com voice --dry-run\n" +
			"  mfadesk set-default alice@contoso.com 3179e48a-750b-4051-897c-87b9720928f7",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			arg := args[1]
			mc.prepare = func(ctx context.Context, c graph.Client, u graph.User, ms []graph.Method) (ops.Request, ops.Plan, error) {
				m, pref, err := ops.ResolveDefault(ms, arg)
				if err != nil {
					return ops.Request{}, ops.Plan{}, err
				}
				// Best effort: the current value and system-preferred MFA
				// (a failed read only leaves them unknown).
				prefs, _ := c.SignInPreferences(ctx, u.ID)
				plan, pref, err := ops.PlanSetDefault(m, pref, prefs.UserPreferred, prefs.SystemPreferredEnabled)
				return ops.Request{Method: m, Preference: pref}, plan, err
			}
			return env.runMethodCmd(cmd.Context(), args[0], mc)
		},
	}
	addMethodFlags(cmd, &mc)
	return cmd
}

func addPhoneCmd(env *Env) *cobra.Command {
	o := ops.MustGet(ops.AddPhone)
	mc := methodCmd{name: ops.AddPhone}
	var typ, number string
	cmd := &cobra.Command{
		Use:   "add-phone USER --type mobile|alternateMobile|office --number \"+CC NUMBER\"",
		Short: o.Short, Long: o.Long,
		Example: "  mfadesk add-phone alice@contoso.com --type mobile --number \"+1 2065550123\"\n" +
			"  mfadesk add-phone bob@contoso.com --type office --number \"+1 2065550100x42\" --dry-run",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := graph.ParsePhoneType(typ)
			if err != nil {
				return Usage(fmt.Errorf("--type: %w", err))
			}
			if err := graph.CheckPhoneNumber(number); err != nil {
				return Usage(fmt.Errorf("--number: %w", err))
			}
			mc.prepare = func(_ context.Context, _ graph.Client, _ graph.User, ms []graph.Method) (ops.Request, ops.Plan, error) {
				plan, old, err := ops.PlanPhone(ms, t, number)
				return ops.Request{PhoneType: t, Number: number, Replaces: old}, plan, err
			}
			return env.runMethodCmd(cmd.Context(), args[0], mc)
		},
	}
	cmd.Flags().StringVar(&typ, "type", "mobile", "the phone's type: mobile, alternateMobile (needs a mobile) or office (calls only)")
	cmd.Flags().StringVar(&number, "number", "", "the number as Graph takes it: \"+{country code} {number}x{extension}\", e.g. \"+1 2065550123\"")
	addMethodFlags(cmd, &mc)
	return cmd
}

func addEmailCmd(env *Env) *cobra.Command {
	o := ops.MustGet(ops.AddEmail)
	mc := methodCmd{name: ops.AddEmail}
	cmd := &cobra.Command{
		Use:     "add-email USER ADDRESS",
		Short:   o.Short,
		Long:    o.Long,
		Example: "  mfadesk add-email alice@contoso.com alice.home@example.com",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr := args[1]
			if err := graph.CheckEmailAddress(addr); err != nil {
				return Usage(err)
			}
			mc.prepare = func(_ context.Context, _ graph.Client, _ graph.User, ms []graph.Method) (ops.Request, ops.Plan, error) {
				plan, old, err := ops.PlanEmail(ms, addr)
				return ops.Request{Email: addr, Replaces: old}, plan, err
			}
			return env.runMethodCmd(cmd.Context(), args[0], mc)
		},
	}
	addMethodFlags(cmd, &mc)
	return cmd
}

func deleteMethodCmd(env *Env) *cobra.Command {
	mc := methodCmd{name: ops.DeleteMethod}
	cmd := &cobra.Command{
		Use:   "delete-method USER METHOD_ID",
		Short: "Delete one of a user's authentication methods",
		Long: "Delete one method, by the id `mfadesk show USER` lists, through its per-kind URL. Refused " +
			"before anything is sent where Graph refuses it: the password (reset it instead), the default " +
			"method while other methods remain (make another the default first: mfadesk set-default), a " +
			"mobile phone while an alternate mobile exists (delete the alternate first).",
		Example: "  mfadesk delete-method alice@contoso.com b6332ec1-7057-4abe-9331-3d72feddfe41\n" +
			"  mfadesk delete-method alice@contoso.com a1ce0e7a-5b3c-4d2e-8f1a-0b9c8d7e6f5a --dry-run",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := strings.TrimSpace(args[1])
			if err := graph.CheckMethodID("delete-method", id); err != nil {
				return Usage(err)
			}
			mc.prepare = func(_ context.Context, _ graph.Client, _ graph.User, ms []graph.Method) (ops.Request, ops.Plan, error) {
				for _, m := range ms {
					if strings.EqualFold(m.ID, id) {
						plan, err := ops.PlanDelete(ms, m)
						return ops.Request{Method: m}, plan, err
					}
				}
				return ops.Request{}, ops.Plan{}, fmt.Errorf("the user has no method %s (mfadesk show lists their methods)", graph.CleanText(id))
			}
			return env.runMethodCmd(cmd.Context(), args[0], mc)
		},
	}
	addMethodFlags(cmd, &mc)
	return cmd
}

// methodCmds are the method commands.
func methodCmds(env *Env) []*cobra.Command {
	return []*cobra.Command{setDefaultCmd(env), addPhoneCmd(env), addEmailCmd(env), deleteMethodCmd(env)}
}
