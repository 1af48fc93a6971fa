package cli

// report_mfa.go: `report --mfa-required` (a column: is MFA required by
// Conditional Access or security defaults?) and `--mfa-not-required` (a
// filter). The policies are read once and only the groups they name are
// expanded (graph.ReadMembershipIndex), plus one roles read per admin row
// when a policy names roles: never a request per user.

import (
	"context"
	"slices"

	"github.com/mfadesk/mfadesk/graph"
	"github.com/spf13/pflag"
)

type reportMFAFlags struct{ column, notRequired bool }

func (f *reportMFAFlags) flags(fl *pflag.FlagSet) {
	fl.BoolVar(&f.column, "mfa-required", false, "add a column: is MFA required by Conditional Access or security defaults (yes, depends, no, unknown)")
	fl.BoolVar(&f.notRequired, "mfa-not-required", false, "users no Conditional Access policy nor security defaults require MFA of (implies --mfa-required)")
}

// apply evaluates rows when asked (keeping only "no" with
// --mfa-not-required); verdicts are in rows' order.
func (f *reportMFAFlags) apply(ctx context.Context, c graph.Client, rows []graph.Registration) ([]graph.MFARequirement, []graph.Registration) {
	if !f.column && !f.notRequired {
		return nil, rows
	}
	pol := graph.ReadMFAPolicies(ctx, c)
	ix := graph.ReadMembershipIndex(ctx, c, pol)
	if graph.MFAPolicyRoles(pol.Policies) {
		for _, r := range rows {
			if r.IsAdmin {
				if t, ok, err := graph.ReadTargetRoles(ctx, c, r.ID); ok && err == nil {
					ix.SetRoles(r.ID, t.Roles)
				}
			}
		}
	}
	verdicts := make([]graph.MFARequirement, len(rows))
	for i := range rows {
		verdicts[i] = graph.ReportVerdict(&rows[i], pol, ix)
	}
	if f.notRequired {
		var kr []graph.Registration
		var kv []graph.MFARequirement
		for i, v := range verdicts {
			if v.Verdict == graph.MFANo {
				kr, kv = append(kr, rows[i]), append(kv, v)
			}
		}
		rows, verdicts = slices.Clip(kr), kv
		if rows == nil {
			rows = []graph.Registration{}
		}
	}
	return verdicts, rows
}

// reportMFARow is a JSON row with its verdict.
type reportMFARow struct {
	graph.Registration
	MFARequired graph.MFARequirement `json:"mfaRequired"`
}

// addColumn adds the MFA REQUIRED and BY columns and the verdicts to JSON.
func (f *reportMFAFlags) addColumn(v *View, rows []graph.Registration, verdicts []graph.MFARequirement) {
	if verdicts == nil && !f.column && !f.notRequired {
		return
	}
	v.Header = append(v.Header, "MFA REQUIRED", "BY")
	doc := make([]reportMFARow, len(rows))
	for i := range rows {
		r := verdicts[i]
		by := ""
		switch {
		case len(r.Reasons) > 0:
			by = r.Reasons[0].Detail()
		case len(r.Unknown) > 0:
			by = r.Unknown[0]
		}
		v.Rows[i] = append(v.Rows[i], string(r.Verdict), by)
		doc[i] = reportMFARow{Registration: rows[i], MFARequired: r}
	}
	v.JSON = doc
}
