package msgraph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mfadesk/mfadesk/graph"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// ListMethods implements Client: beta GET /users/{id}/authentication/methods
// (v1.0 lists only the kinds v1.0 supports: hardware OATH tokens, QR code
// PINs and external methods appear only in beta, and a reset must see
// them), and beta signInPreferences for which one is the default. The
// preference lookup is best effort: when it fails (not permitted, not
// offered) the methods come back with none marked default rather than not
// at all.
func (c *MSGraph) ListMethods(ctx context.Context, userID string) ([]graph.Method, error) {
	withPref := !graph.SkipPreferences(ctx)
	if q := c.batchQueues(ctx); q != nil {
		return q.list(ctx, userID, withPref)
	}
	return c.listMethods(ctx, userID, withPref)
}

// SignInPreferences implements Reader: beta GET
// /users/{id}/authentication/signInPreferences, best effort.
func (c *MSGraph) SignInPreferences(ctx context.Context, userID string) (graph.SignInPreferences, error) {
	if q := c.batchQueues(ctx); q != nil {
		return q.prefs(ctx, userID)
	}
	if err := graph.CheckUserKey("read sign-in preferences of "+graph.CleanText(userID), userID); err != nil {
		return graph.SignInPreferences{}, err
	}
	return c.signInPreferences(ctx, userID), nil
}

// listMethods lists a user's methods; withPref also reads signInPreferences
// to mark the default (a second request: bulk work skips it and reads the
// preference only where the default matters).
func (c *MSGraph) listMethods(ctx context.Context, userID string, withPref bool) ([]graph.Method, error) {
	op := "list methods of " + graph.CleanText(userID)
	if err := graph.CheckUserKey(op, userID); err != nil {
		return nil, err
	}
	prefCh := make(chan graph.SignInPreferences, 1)
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if withPref {
		go func() { prefCh <- c.signInPreferences(pctx, userID) }()
	} else {
		prefCh <- graph.SignInPreferences{}
	}

	ri, err := c.betaRequest(abs.GET, methodsPath(userID), nil)
	if err != nil {
		return nil, &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: err.Error()}
	}
	cctx, ci := withCallInfo(ctx)
	res, err := c.adapter.Send(cctx, ri, models.CreateAuthenticationMethodCollectionResponseFromDiscriminatorValue, errorMapping)
	if err != nil {
		return nil, c.classify(cctx, op, opMethodsRead, ci, err)
	}
	col, ok := res.(models.AuthenticationMethodCollectionResponseable)
	if res == nil || !ok {
		return nil, c.emptyAnswer(op, ci)
	}
	if col.GetValue() == nil {
		return nil, c.noValue(op, ci)
	}
	out := make([]graph.Method, 0, len(col.GetValue()))
	for _, m := range col.GetValue() {
		if m != nil {
			out = append(out, methodFrom(m))
		}
	}
	graph.ApplyPreferences(out, <-prefCh)
	return out, nil
}

func methodsPath(userID string) string {
	return "/users/" + pathSeg(userID) + "/authentication/methods"
}

// signInPreferences reads beta /users/{id}/authentication/signInPreferences
// (zero when unknown: the read is best effort).
func (c *MSGraph) signInPreferences(ctx context.Context, userID string) graph.SignInPreferences {
	ri, err := c.betaRequest(abs.GET, "/users/"+pathSeg(userID)+"/authentication/signInPreferences", nil)
	if err != nil {
		return graph.SignInPreferences{}
	}
	ctx, _ = withCallInfo(ctx)
	res, err := c.adapter.Send(ctx, ri, newRawObject, errorMapping)
	if err != nil || res == nil {
		return graph.SignInPreferences{}
	}
	return preferencesFrom(res.(*rawObject).data)
}

// preferencesFrom reads signInPreferences' fields from raw values.
func preferencesFrom(d map[string]any) graph.SignInPreferences {
	on, _ := rawBool(d, "isSystemPreferredAuthenticationMethodEnabled")
	return graph.SignInPreferences{UserPreferred: rawString(d, "userPreferredMethodForSecondaryAuthentication"),
		SystemPreferredEnabled: on, SystemPreferred: rawString(d, "systemPreferredAuthenticationMethod")}
}

// markDefault sets IsDefault on the method that Graph's preferred
// secondary method (push, oath, sms, voiceMobile, ...) designates.
func markDefault(ms []graph.Method, pref string) {
	graph.ApplyPreferences(ms, graph.SignInPreferences{UserPreferred: pref})
}

// methodFrom turns one SDK method into a Method. Unknown types are kept as
// KindOther with their @odata.type.
func methodFrom(m models.AuthenticationMethodable) graph.Method {
	out := graph.Method{ID: str(m.GetId()), ODataType: str(m.GetOdataType())}
	out.Kind = graph.KindByType[out.ODataType]
	if out.Kind == "" {
		out.Kind = graph.KindOther
	}
	extra := m.GetAdditionalData()
	// Concrete types, not the ...able interfaces: those overlap (a
	// platform credential satisfies the Windows Hello interface).
	switch v := m.(type) {
	case *models.PasswordAuthenticationMethod:
		out.Kind = graph.KindPassword
		out.Created = timev(v.GetCreatedDateTime())
		out.Detail = "password"
	case *models.PhoneAuthenticationMethod:
		out.Kind = graph.KindPhone
		if t := v.GetPhoneType(); t != nil {
			out.PhoneType = t.String()
		}
		out.PhoneNumber = graph.MaskPhone(str(v.GetPhoneNumber()))
		out.Detail = strings.TrimSpace(out.PhoneType + " " + out.PhoneNumber)
	case *models.MicrosoftAuthenticatorAuthenticationMethod:
		out.Kind = graph.KindAuthenticator
		out.DisplayName = str(v.GetDisplayName())
		out.Created = timev(v.GetCreatedDateTime())
		out.Device = out.DisplayName
		out.AppVersion = str(v.GetPhoneAppVersion())
		out.Detail = joinDetail(out.Device, "Authenticator "+out.AppVersion)
		if out.AppVersion == "" {
			out.Detail = joinDetail(out.Device, "Authenticator")
		}
	case *models.Fido2AuthenticationMethod:
		out.Kind = graph.KindFIDO2
		out.DisplayName = str(v.GetDisplayName())
		out.Created = timev(v.GetCreatedDateTime())
		out.Model = str(v.GetModel())
		out.Detail = joinDetail(out.DisplayName, out.Model)
	case *models.SoftwareOathAuthenticationMethod:
		out.Kind = graph.KindSoftwareOath
		out.Detail = "software OATH token"
	case *models.EmailAuthenticationMethod:
		out.Kind = graph.KindEmail
		out.Email = str(v.GetEmailAddress())
		out.Detail = out.Email
	case *models.TemporaryAccessPassAuthenticationMethod:
		out.Kind = graph.KindTAP
		out.Created = timev(v.GetCreatedDateTime())
		out.TAPStart = timev(v.GetStartDateTime())
		out.LifetimeMinutes = int32v(v.GetLifetimeInMinutes())
		out.IsUsableOnce = boolv(v.GetIsUsableOnce())
		out.IsUsable = boolv(v.GetIsUsable())
		out.Detail = tapDetail(out)
	case *models.WindowsHelloForBusinessAuthenticationMethod:
		out.Kind = graph.KindWindowsHello
		out.DisplayName = str(v.GetDisplayName())
		out.Created = timev(v.GetCreatedDateTime())
		out.Device = out.DisplayName
		if d := v.GetDevice(); d != nil && str(d.GetDisplayName()) != "" {
			out.Device = str(d.GetDisplayName())
		}
		out.Detail = out.Device
		if ks := v.GetKeyStrength(); ks != nil && ks.String() != "normal" {
			out.Detail = joinDetail(out.Device, "key strength "+ks.String())
		}
	case *models.PlatformCredentialAuthenticationMethod:
		out.Kind = graph.KindPlatformCredential
		out.DisplayName = str(v.GetDisplayName())
		out.Created = timev(v.GetCreatedDateTime())
		out.Device = out.DisplayName
		if d := v.GetDevice(); d != nil && str(d.GetDisplayName()) != "" {
			out.Device = str(d.GetDisplayName())
		}
		platform := ""
		if p := v.GetPlatform(); p != nil {
			platform = p.String()
		}
		out.Detail = joinDetail(out.Device, platform)
	default:
		// hardwareOath (beta-only model) and kinds mfadesk does not know:
		// read what the base model kept.
		out.DisplayName = rawString(extra, "displayName")
		if out.Kind == graph.KindHardwareOath {
			serial := rawString(extra, "serialNumber")
			if dev := rawMap(extra["device"]); dev != nil && serial == "" {
				serial = rawString(dev, "serialNumber")
			}
			out.Detail = joinDetail(out.DisplayName, "serial "+serial)
			if serial == "" {
				out.Detail = joinDetail(out.DisplayName, "hardware OATH token")
			}
		} else if out.Kind == graph.KindQRCodePin || out.Kind == graph.KindExternal {
			out.Detail = joinDetail(graph.KindLabel(out.Kind), out.DisplayName)
		} else {
			out.Detail = joinDetail(strings.TrimPrefix(out.ODataType, graph.ODataPrefix), out.DisplayName)
			if out.ODataType == "" {
				out.Detail = "method without a type"
			}
		}
	}
	if out.Created.IsZero() {
		// Older answers (and the documentation sample) say creationDateTime.
		if t := rawTime(extra, "createdDateTime"); !t.IsZero() {
			out.Created = t
		} else {
			out.Created = rawTime(extra, "creationDateTime")
		}
	}
	if out.ID == graph.PasswordMethodID {
		out.Kind = graph.KindPassword
	}
	return out
}

func joinDetail(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "" || strings.EqualFold(a, b):
		return a
	}
	return a + " (" + b + ")"
}

func tapDetail(m graph.Method) string {
	var parts []string
	if m.LifetimeMinutes > 0 {
		parts = append(parts, fmt.Sprintf("%d min", m.LifetimeMinutes))
	}
	if m.IsUsableOnce {
		parts = append(parts, "one-time")
	}
	if m.IsUsable {
		parts = append(parts, "usable")
	} else {
		parts = append(parts, "not usable")
	}
	if !m.TAPStart.IsZero() {
		parts = append(parts, "from "+m.TAPStart.Format(time.RFC3339))
	}
	return "Temporary Access Pass, " + strings.Join(parts, ", ")
}

// deleteMethod applies DeleteMethod through the method's per-kind URL
// (/users/{id}/authentication/{kind}Methods/{methodId}; hardware OATH via
// beta). The password and unknown kinds are refused locally with
// ErrBadRequest. A 404 that follows a retried dropped connection counts as
// deleted: the first attempt most likely went through.
func (c *MSGraph) deleteMethod(ctx context.Context, userID string, m graph.Method) error {
	op := fmt.Sprintf("delete %s method %s of %s", graph.KindLabel(m.Kind), graph.CleanText(m.ID), graph.CleanText(userID))
	if err := graph.CheckUserKey(op, userID); err != nil {
		return err
	}
	if err := graph.CheckMethodID(op, m.ID); err != nil {
		return err
	}
	if !m.Deletable() {
		msg := "the password method cannot be deleted"
		if m.Kind == graph.KindOther || m.Kind == "" {
			msg = fmt.Sprintf("mfadesk cannot delete a method of type %q (no per-kind delete URL is known)", graph.CleanText(m.ODataType))
		}
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: msg}
	}
	ctx, ci := withCallInfo(ctx)
	auth := c.user(userID).Authentication()
	var err error
	switch m.Kind {
	case graph.KindPhone:
		err = auth.PhoneMethods().ByPhoneAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case graph.KindAuthenticator:
		err = auth.MicrosoftAuthenticatorMethods().ByMicrosoftAuthenticatorAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case graph.KindFIDO2:
		err = auth.Fido2Methods().ByFido2AuthenticationMethodId(m.ID).Delete(ctx, nil)
	case graph.KindSoftwareOath:
		err = auth.SoftwareOathMethods().BySoftwareOathAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case graph.KindEmail:
		err = auth.EmailMethods().ByEmailAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case graph.KindTAP:
		err = auth.TemporaryAccessPassMethods().ByTemporaryAccessPassAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case graph.KindWindowsHello:
		err = auth.WindowsHelloForBusinessMethods().ByWindowsHelloForBusinessAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case graph.KindPlatformCredential:
		err = auth.PlatformCredentialMethods().ByPlatformCredentialAuthenticationMethodId(m.ID).Delete(ctx, nil)
	case graph.KindHardwareOath:
		var ri *abs.RequestInformation
		ri, err = c.betaRequest(abs.DELETE, "/users/"+pathSeg(userID)+"/authentication/"+graph.KindSegment[graph.KindHardwareOath]+"/"+pathSeg(m.ID), nil)
		if err == nil {
			err = c.adapter.SendNoContent(ctx, ri, errorMapping)
		}
	default:
		return &graph.Error{Kind: graph.ErrBadRequest, Op: op, Message: "unknown method kind " + graph.CleanText(string(m.Kind))}
	}
	if err == nil {
		return nil
	}
	cerr := c.classify(ctx, op, opMethodsWrite, ci, err)
	if errors.Is(cerr, graph.ErrNotFound) && ci.snapshot().droppedRetry {
		return nil
	}
	return cerr
}
