package msgraph

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mfadesk/mfadesk/graph"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/auditlogs"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/reports"
)

// Reports and logs share Graph's reports budget (5 requests per 10 s per
// app per tenant): every request here first waits on c.reports (see
// reports_pacer.go), and each sends only the query options and $filter
// clauses its reference page documents; the rest is filtered here.

func (c *MSGraph) registrations() *reports.AuthenticationMethodsUserRegistrationDetailsRequestBuilder {
	return reports.NewAuthenticationMethodsUserRegistrationDetailsRequestBuilderInternal(map[string]string{}, c.adapter)
}

// Registration implements Client. An object id is read directly; a UPN is
// found with $filter=userPrincipalName eq '...'.
func (c *MSGraph) Registration(ctx context.Context, userID string) (graph.Registration, error) {
	op := "read MFA registration of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return graph.Registration{}, err
	}
	if err := c.reports.wait(ctx); err != nil {
		return graph.Registration{}, err
	}
	ctx, ci := withCallInfo(ctx)
	if graph.IsGUID(userID) {
		r, err := c.registrations().ByUserRegistrationDetailsId(userID).Get(ctx, nil)
		if err != nil {
			return graph.Registration{}, c.classify(ctx, op, opReports, ci, err)
		}
		if r == nil {
			return graph.Registration{}, c.emptyAnswer(op, ci)
		}
		return registrationFrom(r), nil
	}
	f := "userPrincipalName eq " + graph.FilterLiteral(userID)
	res, err := c.registrations().Get(ctx, &reports.AuthenticationMethodsUserRegistrationDetailsRequestBuilderGetRequestConfiguration{
		QueryParameters: &reports.AuthenticationMethodsUserRegistrationDetailsRequestBuilderGetQueryParameters{Filter: &f}})
	if err != nil {
		return graph.Registration{}, c.classify(ctx, op, opReports, ci, err)
	}
	if res == nil {
		return graph.Registration{}, c.emptyAnswer(op, ci)
	}
	for _, r := range res.GetValue() {
		if r != nil {
			return registrationFrom(r), nil
		}
	}
	return graph.Registration{}, &graph.Error{Kind: graph.ErrNotFound, Op: op, Status: 404, Message: "no registration details for this user"}
}

// Registrations implements Client. userRegistrationDetails documents only
// $filter and $orderby (api-reference/v1.0/api/
// authenticationmethodsroot-list-userregistrationdetails.md), so no $top is
// sent: Graph chooses the page size, and f.PageSize is not sent. The
// returned page is already narrowed by f.Keep.
func (c *MSGraph) Registrations(ctx context.Context, f graph.RegistrationFilter) (graph.Page[graph.Registration], error) {
	op := "read the MFA registration report"
	if err := c.reports.wait(ctx); err != nil {
		return graph.Page[graph.Registration]{}, err
	}
	ctx, ci := withCallInfo(ctx)
	qp := &reports.AuthenticationMethodsUserRegistrationDetailsRequestBuilderGetQueryParameters{}
	if expr := graph.RegistrationFilterExpr(f); expr != "" {
		qp.Filter = &expr
	}
	res, err := c.registrations().Get(ctx, &reports.AuthenticationMethodsUserRegistrationDetailsRequestBuilderGetRequestConfiguration{QueryParameters: qp})
	if err != nil {
		return graph.Page[graph.Registration]{}, c.classify(ctx, op, opReports, ci, err)
	}
	p, err := c.registrationPage(op, ci, res)
	if err == nil {
		p.Items = slices.DeleteFunc(p.Items, func(r graph.Registration) bool { return !f.Keep(r) })
	}
	return p, err
}

// NextRegistrations implements Client.
func (c *MSGraph) NextRegistrations(ctx context.Context, next string) (graph.Page[graph.Registration], error) {
	op := "read the next page of the MFA registration report"
	if err := c.checkNextLink(op, next); err != nil {
		return graph.Page[graph.Registration]{}, err
	}
	if err := c.reports.wait(ctx); err != nil {
		return graph.Page[graph.Registration]{}, err
	}
	ctx, ci := withCallInfo(ctx)
	res, err := reports.NewAuthenticationMethodsUserRegistrationDetailsRequestBuilder(next, c.adapter).Get(ctx, nil)
	if err != nil {
		return graph.Page[graph.Registration]{}, c.classify(ctx, op, opReports, ci, err)
	}
	return c.registrationPage(op, ci, res)
}

func (c *MSGraph) registrationPage(op string, ci *callInfo, res models.UserRegistrationDetailsCollectionResponseable) (graph.Page[graph.Registration], error) {
	if res == nil {
		return graph.Page[graph.Registration]{}, c.emptyAnswer(op, ci)
	}
	if res.GetValue() == nil {
		return graph.Page[graph.Registration]{}, c.noValue(op, ci)
	}
	p := graph.Page[graph.Registration]{Items: make([]graph.Registration, 0, len(res.GetValue())), Count: -1}
	for _, r := range res.GetValue() {
		if r != nil {
			p.Items = append(p.Items, registrationFrom(r))
		}
	}
	if n := res.GetOdataCount(); n != nil {
		p.Count = int(*n)
	}
	if nl := res.GetOdataNextLink(); nl != nil && *nl != "" {
		if err := c.selfLink(op, ci, *nl); err != nil {
			return graph.Page[graph.Registration]{}, err
		}
		p.Next = *nl
	}
	return p, nil
}

func registrationFrom(r models.UserRegistrationDetailsable) graph.Registration {
	out := graph.Registration{
		ID:                    str(r.GetId()),
		UserPrincipalName:     str(r.GetUserPrincipalName()),
		UserDisplayName:       str(r.GetUserDisplayName()),
		IsAdmin:               boolv(r.GetIsAdmin()),
		IsMfaRegistered:       boolv(r.GetIsMfaRegistered()),
		IsMfaCapable:          boolv(r.GetIsMfaCapable()),
		IsSsprRegistered:      boolv(r.GetIsSsprRegistered()),
		IsSsprEnabled:         boolv(r.GetIsSsprEnabled()),
		IsSsprCapable:         boolv(r.GetIsSsprCapable()),
		IsPasswordlessCapable: boolv(r.GetIsPasswordlessCapable()),
		IsSystemPreferredAuthenticationMethodEnabled: boolv(r.GetIsSystemPreferredAuthenticationMethodEnabled()),
		MethodsRegistered:                    graph.CleanAll(r.GetMethodsRegistered()),
		SystemPreferredAuthenticationMethods: graph.CleanAll(r.GetSystemPreferredAuthenticationMethods()),
		LastUpdated:                          timev(r.GetLastUpdatedDateTime()),
	}
	if t := r.GetUserType(); t != nil {
		out.UserType = t.String()
	}
	if p := r.GetUserPreferredMethodForSecondaryAuthentication(); p != nil {
		out.UserPreferredMethodForSecondaryAuthentication = p.String()
	}
	return out
}

// signInFilter is the $filter for a user's sign-ins of one event type:
// userId for an object id, userPrincipalName otherwise, and the window.
// Only documented clauses are sent (api-reference/beta/resources/signin.md):
// status/errorCode supports eq only, so "failures" (ne 0) is filtered here,
// and the list returns interactive sign-ins only unless filtered on
// signInEventTypes, so non-interactive ones are asked for explicitly.
func signInFilter(userID string, q graph.SignInQuery, eventType string) string {
	var parts []string
	if graph.IsGUID(userID) {
		parts = append(parts, "userId eq "+graph.FilterLiteral(strings.ToLower(userID)))
	} else {
		parts = append(parts, "userPrincipalName eq "+graph.FilterLiteral(userID))
	}
	if !q.Since.IsZero() {
		parts = append(parts, "createdDateTime ge "+graph.ODataTime(q.Since))
	}
	if !q.Until.IsZero() {
		parts = append(parts, "createdDateTime le "+graph.ODataTime(q.Until))
	}
	if eventType == graph.SignInNonInteractive {
		parts = append(parts, "signInEventTypes/any(t: t eq "+graph.FilterLiteral(graph.SignInNonInteractive)+")")
	}
	return strings.Join(parts, " and ")
}

// maxLogPages bounds how many pages one SignIns/AuditEvents call follows
// (the reports budget is 5 requests per 10 s).
const maxLogPages = 3

// SignIns implements Client through beta /auditLogs/signIns, which adds
// authenticationRequirement and authenticationDetails to what v1.0 has,
// and signInEventTypes: both the interactive and the non-interactive
// sign-ins are read (two queries, as the portal's two tabs) and each comes
// back labelled in EventType. A tenant without Entra ID P1 gets
// ErrUnlicensed.
func (c *MSGraph) SignIns(ctx context.Context, userID string, q graph.SignInQuery) ([]graph.SignIn, error) {
	op := "read sign-ins of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return nil, err
	}
	top := q.Top
	if top <= 0 {
		top = 50
	}
	var out []graph.SignIn
	for _, kind := range []string{graph.SignInInteractive, graph.SignInNonInteractive} {
		got, err := c.signInsOf(ctx, op, userID, q, kind, top)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedDateTime.After(out[j].CreatedDateTime) })
	if len(out) > top {
		out = out[:top]
	}
	return out, nil
}

// signInsOf reads up to top sign-ins of one event type, newest first.
func (c *MSGraph) signInsOf(ctx context.Context, op, userID string, q graph.SignInQuery, kind string, top int) ([]graph.SignIn, error) {
	pageSize := top
	if q.FailuresOnly {
		// failures are picked out here: one page of the documented
		// maximum costs the same single request as a small one
		pageSize = 1000
	}
	query := url.Values{"$filter": {signInFilter(userID, q, kind)}, "$top": {strconv.Itoa(min(pageSize, 1000))}}
	ri, err := c.betaRequest(abs.GET, "/auditLogs/signIns", query)
	if err != nil {
		return nil, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	var out []graph.SignIn
	for page := 0; ; page++ {
		if err := c.reports.wait(ctx); err != nil {
			return nil, err
		}
		cctx, ci := withCallInfo(ctx)
		res, err := c.adapter.Send(cctx, ri, models.CreateSignInCollectionResponseFromDiscriminatorValue, errorMapping)
		if err != nil {
			return nil, c.classify(cctx, op, opSignIns, ci, err)
		}
		if res == nil {
			return nil, c.emptyAnswer(op, ci)
		}
		col := res.(models.SignInCollectionResponseable)
		if col.GetValue() == nil {
			return nil, c.noValue(op, ci)
		}
		for _, s := range col.GetValue() {
			if s == nil {
				continue
			}
			si := signInFrom(s)
			si.EventType = kind
			if !q.FailuresOnly || si.Failed() {
				out = append(out, si)
			}
		}
		next := col.GetOdataNextLink()
		if next == nil || *next == "" || len(out) >= top || page+1 >= maxLogPages {
			break
		}
		if err := c.checkNextLink(op, *next); err != nil {
			return nil, err
		}
		if ri, err = c.rawRequest(abs.GET, *next, nil); err != nil {
			return nil, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Message: err.Error()}
		}
	}
	return out, nil
}

func signInFrom(s models.SignInable) graph.SignIn {
	out := graph.SignIn{
		ID:                  str(s.GetId()),
		CreatedDateTime:     timev(s.GetCreatedDateTime()),
		UserID:              str(s.GetUserId()),
		UserPrincipalName:   str(s.GetUserPrincipalName()),
		UserDisplayName:     str(s.GetUserDisplayName()),
		AppDisplayName:      str(s.GetAppDisplayName()),
		AppID:               str(s.GetAppId()),
		ResourceDisplayName: str(s.GetResourceDisplayName()),
		ClientAppUsed:       str(s.GetClientAppUsed()),
		IPAddress:           str(s.GetIpAddress()),
		IsInteractive:       boolv(s.GetIsInteractive()),
		CorrelationID:       str(s.GetCorrelationId()),
	}
	if l := s.GetLocation(); l != nil {
		out.Location = graph.Location{City: str(l.GetCity()), State: str(l.GetState()), CountryOrRegion: str(l.GetCountryOrRegion())}
	}
	if d := s.GetDeviceDetail(); d != nil {
		out.Device = graph.Device{DeviceID: str(d.GetDeviceId()), DisplayName: str(d.GetDisplayName()),
			OperatingSystem: str(d.GetOperatingSystem()), Browser: str(d.GetBrowser()),
			IsCompliant: boolv(d.GetIsCompliant()), IsManaged: boolv(d.GetIsManaged()), TrustType: str(d.GetTrustType())}
	}
	if st := s.GetStatus(); st != nil {
		out.Status = graph.Status{ErrorCode: int32v(st.GetErrorCode()), FailureReason: str(st.GetFailureReason()),
			AdditionalDetails: str(st.GetAdditionalDetails())}
	}
	if cas := s.GetConditionalAccessStatus(); cas != nil {
		out.ConditionalAccessStatus = cas.String()
	}
	// Graph omits appliedConditionalAccessPolicies for a caller who may
	// read sign-ins but not Conditional Access data (api-reference/v1.0/
	// api/signin-list.md, "Viewing applied conditional access (CA)
	// policies in sign-ins"): absent is not "no policy applied".
	out.PoliciesHidden = s.GetAppliedConditionalAccessPolicies() == nil
	for _, p := range s.GetAppliedConditionalAccessPolicies() {
		if p == nil {
			continue
		}
		cp := graph.CAPolicy{ID: str(p.GetId()), DisplayName: str(p.GetDisplayName())}
		if r := p.GetResult(); r != nil {
			cp.Result = r.String()
		}
		out.AppliedPolicies = append(out.AppliedPolicies, cp)
	}
	if r := s.GetRiskLevelDuringSignIn(); r != nil {
		out.RiskLevelDuringSignIn = r.String()
	}
	// Identity Protection's view of the sign-in (signin.md); "hidden"
	// without Entra ID P2.
	if r := s.GetRiskLevelAggregated(); r != nil {
		out.RiskLevelAggregated = r.String()
	}
	if r := s.GetRiskState(); r != nil {
		out.RiskState = r.String()
	}
	if r := s.GetRiskDetail(); r != nil {
		out.RiskDetail = r.String()
	}
	for _, e := range s.GetRiskEventTypesV2() {
		if e = graph.CleanText(e); e != "" {
			out.RiskEventTypes = append(out.RiskEventTypes, e)
		}
	}
	// Beta-only fields arrive as additional data on the v1.0 model.
	extra := s.GetAdditionalData()
	out.AuthenticationRequirement = rawString(extra, "authenticationRequirement")
	for _, v := range rawList(extra, "authenticationDetails") {
		m := rawMap(v)
		if m == nil {
			continue
		}
		ok, _ := rawBool(m, "succeeded")
		out.AuthDetails = append(out.AuthDetails, graph.AuthStep{
			Time:         rawTime(m, "authenticationStepDateTime"),
			Method:       rawString(m, "authenticationMethod"),
			MethodDetail: rawString(m, "authenticationMethodDetail"),
			Succeeded:    ok,
			ResultDetail: rawString(m, "authenticationStepResultDetail"),
			Requirement:  rawString(m, "authenticationStepRequirement"),
		})
	}
	return out
}

// auditFilter is the $filter for audit events targeting the user with
// object id id. directoryAudit documents targetResources filters on id and
// displayName only (api-reference/v1.0/resources/directoryaudit.md), so a
// UPN is resolved to its id first (AuditEvents).
func auditFilter(id string, q graph.AuditQuery) string {
	f := "targetResources/any(t:t/id eq " + graph.FilterLiteral(strings.ToLower(id)) + ")"
	if !q.Since.IsZero() {
		f += " and activityDateTime ge " + graph.ODataTime(q.Since)
	}
	return f
}

// AuditEvents implements Client: v1.0 /auditLogs/directoryAudits filtered
// to the target user, newest first. A UPN is looked up to its object id
// first (one directory read, outside the reports budget).
func (c *MSGraph) AuditEvents(ctx context.Context, userID string, q graph.AuditQuery) ([]graph.AuditEvent, error) {
	op := "read audit events for " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return nil, err
	}
	top := q.Top
	if top <= 0 {
		top = 50
	}
	id := userID
	if !graph.IsGUID(id) {
		u, err := c.getUser(ctx, op, userID, []string{"id"})
		if err != nil {
			return nil, err
		}
		if id = u.ID; !graph.IsGUID(id) {
			return nil, &graph.Error{Kind: graph.ErrUnavailable, Op: op, Message: "Graph answered the user lookup without an object id"}
		}
	}
	if err := c.reports.wait(ctx); err != nil {
		return nil, err
	}
	f := auditFilter(id, q)
	t := int32(min(top, 999))
	var out []graph.AuditEvent
	cctx, ci := withCallInfo(ctx)
	res, err := auditlogs.NewDirectoryAuditsRequestBuilderInternal(map[string]string{}, c.adapter).Get(cctx,
		&auditlogs.DirectoryAuditsRequestBuilderGetRequestConfiguration{
			QueryParameters: &auditlogs.DirectoryAuditsRequestBuilderGetQueryParameters{Filter: &f, Top: &t}})
	for page := 0; ; page++ {
		if err != nil {
			return nil, c.classify(cctx, op, opAudit, ci, err)
		}
		if res == nil {
			return nil, c.emptyAnswer(op, ci)
		}
		if res.GetValue() == nil {
			return nil, c.noValue(op, ci)
		}
		for _, a := range res.GetValue() {
			if a != nil {
				out = append(out, auditFrom(a, userID))
			}
		}
		next := res.GetOdataNextLink()
		if next == nil || *next == "" || len(out) >= top || page+1 >= maxLogPages {
			break
		}
		if err := c.checkNextLink(op, *next); err != nil {
			return nil, err
		}
		if err := c.reports.wait(ctx); err != nil {
			return nil, err
		}
		cctx, ci = withCallInfo(ctx)
		res, err = auditlogs.NewDirectoryAuditsRequestBuilder(*next, c.adapter).Get(cctx, nil)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	if len(out) > top {
		out = out[:top]
	}
	return out, nil
}

func auditFrom(a models.DirectoryAuditable, userID string) graph.AuditEvent {
	out := graph.AuditEvent{
		ID:            str(a.GetId()),
		Time:          timev(a.GetActivityDateTime()),
		Activity:      str(a.GetActivityDisplayName()),
		Category:      str(a.GetCategory()),
		ResultReason:  str(a.GetResultReason()),
		CorrelationID: str(a.GetCorrelationId()),
	}
	if r := a.GetResult(); r != nil {
		out.Result = r.String()
	}
	if ib := a.GetInitiatedBy(); ib != nil {
		if u := ib.GetUser(); u != nil {
			out.InitiatedBy = str(u.GetUserPrincipalName())
			if out.InitiatedBy == "" {
				out.InitiatedBy = str(u.GetDisplayName())
			}
		}
		if out.InitiatedBy == "" {
			if app := ib.GetApp(); app != nil {
				out.InitiatedBy = str(app.GetDisplayName())
				if out.InitiatedBy == "" {
					out.InitiatedBy = str(app.GetAppId())
				}
			}
		}
	}
	targets := a.GetTargetResources()
	var changed []models.ModifiedPropertyable
	for i, t := range targets {
		if t == nil {
			continue
		}
		id, upn := str(t.GetId()), str(t.GetUserPrincipalName())
		if i == 0 || strings.EqualFold(id, userID) || strings.EqualFold(upn, userID) {
			out.TargetID = id
			out.Target = upn
			if out.Target == "" {
				out.Target = str(t.GetDisplayName())
			}
			changed = t.GetModifiedProperties()
		}
	}
	// What changed on the target answers "which method went": Entra puts it
	// in modifiedProperties (StrongAuthenticationMethod: ["..."] -> []).
	var details []string
	for _, mp := range changed {
		if mp == nil {
			continue
		}
		name := str(mp.GetDisplayName())
		oldV, newV := auditValue(str(mp.GetOldValue())), auditValue(str(mp.GetNewValue()))
		if name == "" || oldV == newV {
			continue
		}
		switch {
		case newV == "none":
			details = append(details, "removed "+oldV)
		case oldV == "none":
			details = append(details, "added "+newV)
		default:
			details = append(details, fmt.Sprintf("%s: %s → %s", name, oldV, newV))
		}
	}
	for _, kv := range a.GetAdditionalDetails() {
		if kv == nil {
			continue
		}
		k, v := str(kv.GetKey()), str(kv.GetValue())
		if k != "" || v != "" {
			details = append(details, fmt.Sprintf("%s=%s", k, v))
		}
	}
	out.Details = strings.Join(details, "; ")
	return out
}

// auditValue shortens a modifiedProperties value (a JSON-encoded string or
// array such as ["Authenticator app"]) for one line; empty is "none".
func auditValue(v string) string {
	v = strings.TrimSpace(v)
	v = strings.TrimPrefix(v, "[")
	v = strings.TrimSuffix(v, "]")
	v = strings.ReplaceAll(v, `"`, "")
	if v = strings.TrimSpace(v); v == "" {
		return "none"
	}
	return v
}
