package fake

import (
	"strings"
)

// route maps rc.segs to a handler and the path pattern counted in Stats
// (e.g. "/users/{id}/authentication/fido2Methods/{id}").
func (t *Tenant) route(rc *reqCtx) (string, func(*reqCtx) response) {
	s := rc.segs
	if len(s) == 0 {
		return "unknown", segmentNotFound("")
	}
	head := strings.ToLower(s[0])
	switch head {
	case "$batch":
		if len(s) == 1 {
			return "/$batch", allow(rc, t.batch, "POST")
		}
	case "users":
		if len(s) == 1 {
			return "/users", allow(rc, t.listUsers, "GET")
		}
		rc.segs = s
		return t.routeUser(rc, "/users/{id}", s[1], s[2:])
	case "me":
		return t.routeUser(rc, "/me", "", s[1:])
	case "groups":
		return t.routeGroup(rc, s[1:])
	case "organization":
		if len(s) == 1 {
			return "/organization", allow(rc, t.organization, "GET")
		}
	case "identity":
		if len(s) >= 3 && strings.EqualFold(s[1], "conditionalAccess") && strings.EqualFold(s[2], "policies") {
			return listOrGet(rc, "/identity/conditionalAccess/policies", s[3:], t.listCAPolicies, t.getCAPolicy)
		}
	case "policies":
		if len(s) == 2 && strings.EqualFold(s[1], "identitySecurityDefaultsEnforcementPolicy") {
			return "/policies/identitySecurityDefaultsEnforcementPolicy", allow(rc, t.securityDefaultsPolicy, "GET")
		}
		if len(s) == 4 && strings.EqualFold(s[1], "authenticationMethodsPolicy") && strings.EqualFold(s[2], "authenticationMethodConfigurations") && strings.EqualFold(s[3], "TemporaryAccessPass") {
			return "/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass", allow(rc, t.tapPolicy, "GET")
		}
	case "applications":
		if len(s) == 1 {
			return "/applications", allow(rc, t.createApplication, "POST")
		}
	case "reports":
		if len(s) >= 3 && strings.EqualFold(s[1], "authenticationMethods") && strings.EqualFold(s[2], "userRegistrationDetails") {
			return listOrGet(rc, "/reports/authenticationMethods/userRegistrationDetails", s[3:], t.listRegistrations, t.getRegistration)
		}
	case "identityprotection":
		return t.routeIdentityProtection(rc, s[1:])
	case "auditlogs":
		if len(s) >= 2 {
			switch strings.ToLower(s[1]) {
			case "signins":
				return listOrGet(rc, "/auditLogs/signIns", s[2:], t.listSignIns, t.getSignIn)
			case "directoryaudits":
				return listOrGet(rc, "/auditLogs/directoryAudits", s[2:], t.listAudits, t.getAudit)
			}
		}
	}
	if strings.HasPrefix(head, "serviceprincipals") && len(s) == 1 {
		return t.routeServicePrincipals(rc, s[0])
	}
	return "unknown", segmentNotFound(s[len(s)-1])
}

// listOrGet routes a read-only collection at pattern: rest empty lists it,
// one more segment gets the item with that id.
func listOrGet(rc *reqCtx, pattern string, rest []string, list func(*reqCtx) response, get func(*reqCtx, string) response) (string, func(*reqCtx) response) {
	switch len(rest) {
	case 0:
		return pattern, allow(rc, list, "GET")
	case 1:
		id := rest[0]
		return pattern + "/{id}", allow(rc, func(rc *reqCtx) response { return get(rc, id) }, "GET")
	}
	return "unknown", segmentNotFound(rest[len(rest)-1])
}

// routeGroup routes /groups, /groups/{id} and /groups/{id}/(transitive)members[/microsoft.graph.user].
func (t *Tenant) routeGroup(rc *reqCtx, rest []string) (string, func(*reqCtx) response) {
	if len(rest) == 0 {
		return "/groups", allow(rc, t.listGroups, "GET")
	}
	id := rest[0]
	if len(rest) == 1 {
		return "/groups/{id}", allow(rc, func(rc *reqCtx) response { return t.getGroup(rc, id) }, "GET")
	}
	seg := strings.ToLower(rest[1])
	if (seg == "members" || seg == "transitivemembers") && len(rest) <= 3 {
		transitive := seg == "transitivemembers"
		p := "/groups/{id}/members"
		if transitive {
			p = "/groups/{id}/transitiveMembers"
		}
		usersOnly := len(rest) == 3
		if usersOnly {
			// the SDKs write the cast with Graph's namespace alias "graph."
			if !strings.EqualFold(rest[2], "microsoft.graph.user") && !strings.EqualFold(rest[2], "graph.user") {
				return "unknown", segmentNotFound(rest[2])
			}
			p += "/microsoft.graph.user"
		}
		return p, allow(rc, func(rc *reqCtx) response { return t.groupMembers(rc, id, transitive, usersOnly) }, "GET")
	}
	return "unknown", segmentNotFound(rest[len(rest)-1])
}

// routeUser routes /users/{id}/... and /me/... (ref is "" for /me).
func (t *Tenant) routeUser(rc *reqCtx, prefix, ref string, rest []string) (string, func(*reqCtx) response) {
	target := func(rc *reqCtx) (*user, *response) { return t.target(rc, ref) }
	if len(rest) == 0 {
		if ref == "" {
			return prefix, allow(rc, t.me, "GET")
		}
		if h := t.routeUserPatch(rc, ref); h != nil {
			return prefix, h
		}
		return prefix, allow(rc, func(rc *reqCtx) response { return t.getUser(rc, ref) }, "GET")
	}
	seg := strings.ToLower(rest[0])
	switch seg {
	case "revokesigninsessions":
		if len(rest) == 1 {
			return prefix + "/revokeSignInSessions", allow(rc, func(rc *reqCtx) response { return t.revoke(rc, target) }, "POST")
		}
	case "sendmail":
		if len(rest) == 1 {
			return prefix + "/sendMail", allow(rc, func(rc *reqCtx) response { return t.sendMail(rc, target) }, "POST")
		}
	case "memberof", "transitivememberof":
		if len(rest) == 2 && (strings.EqualFold(rest[1], "microsoft.graph.group") || strings.EqualFold(rest[1], "graph.group")) {
			p := prefix + "/" + rest[0] + "/microsoft.graph.group"
			transitive := seg == "transitivememberof"
			return p, allow(rc, func(rc *reqCtx) response { return t.memberGroupsCast(rc, target, transitive) }, "GET")
		}
		if len(rest) == 1 || len(rest) == 2 && strings.EqualFold(rest[1], "microsoft.graph.directoryRole") {
			p := prefix + "/" + rest[0]
			if len(rest) == 2 {
				p += "/microsoft.graph.directoryRole"
			}
			return p, allow(rc, func(rc *reqCtx) response { return t.memberOf(rc, target, len(rest) == 2) }, "GET")
		}
	case "manager":
		if len(rest) == 1 {
			return prefix + "/manager", allow(rc, func(rc *reqCtx) response { return t.manager(rc, target) }, "GET")
		}
	case "authentication":
		return t.routeAuth(rc, prefix+"/authentication", target, rest[1:])
	}
	return "unknown", segmentNotFound(rest[len(rest)-1])
}

func (t *Tenant) routeAuth(rc *reqCtx, prefix string, target func(*reqCtx) (*user, *response), rest []string) (string, func(*reqCtx) response) {
	if len(rest) == 0 {
		return "unknown", segmentNotFound("authentication")
	}
	seg := rest[0]
	switch strings.ToLower(seg) {
	case "methods":
		switch len(rest) {
		case 1:
			return prefix + "/methods", allow(rc, func(rc *reqCtx) response { return t.listMethods(rc, target, "") }, "GET")
		case 2:
			id := rest[1]
			return prefix + "/methods/{id}", allow(rc, func(rc *reqCtx) response { return t.getMethod(rc, target, "", id) }, "GET")
		case 3:
			if strings.EqualFold(rest[2], "resetPassword") {
				id := rest[1]
				return prefix + "/methods/{id}/resetPassword", allow(rc, func(rc *reqCtx) response { return t.resetPassword(rc, target, id) }, "POST")
			}
		}
	case "operations":
		if len(rest) == 2 {
			id := rest[1]
			return prefix + "/operations/{id}", allow(rc, func(rc *reqCtx) response { return t.getPasswordOperation(rc, target, id) }, "GET")
		}
	case "requirements":
		if len(rest) == 1 && rc.version == "beta" {
			p := prefix + "/requirements"
			if rc.method == "PATCH" {
				return p, func(rc *reqCtx) response { return t.setRequirements(rc, target) }
			}
			return p, allow(rc, func(rc *reqCtx) response { return t.getRequirements(rc, target) }, "GET")
		}
	case "signinpreferences":
		if len(rest) == 1 && rc.version == "beta" {
			p := prefix + "/signInPreferences"
			if rc.method == "PATCH" {
				return p, func(rc *reqCtx) response { return t.setSignInPreferences(rc, target) }
			}
			return p, allow(rc, func(rc *reqCtx) response { return t.getSignInPreferences(rc, target) }, "GET")
		}
	default:
		kind, ok := kindForSegmentFold(seg)
		if !ok || !inVersion(rc, kind) {
			break
		}
		segName := kindInfo[kind].segment
		switch len(rest) {
		case 1:
			if kind == KindTAP && rc.method == "POST" {
				return prefix + "/" + segName, func(rc *reqCtx) response { return t.createTAP(rc, target) }
			}
			if kind == KindPhone && rc.method == "POST" {
				return prefix + "/" + segName, func(rc *reqCtx) response { return t.addPhone(rc, target) }
			}
			if kind == KindEmail && rc.method == "POST" {
				return prefix + "/" + segName, func(rc *reqCtx) response { return t.addEmail(rc, target) }
			}
			return prefix + "/" + segName, allow(rc, func(rc *reqCtx) response { return t.listMethods(rc, target, kind) }, "GET")
		case 2:
			id := rest[1]
			p := prefix + "/" + segName + "/{id}"
			if rc.method == "DELETE" {
				return p, func(rc *reqCtx) response { return t.deleteMethod(rc, target, kind, id) }
			}
			if kind == KindPhone && rc.method == "PATCH" {
				return p, func(rc *reqCtx) response { return t.updatePhone(rc, target, id) }
			}
			if kind == KindEmail && rc.method == "PATCH" {
				return p, func(rc *reqCtx) response { return t.updateEmail(rc, target, id) }
			}
			return p, allow(rc, func(rc *reqCtx) response { return t.getMethod(rc, target, kind, id) }, "GET")
		}
	}
	return "unknown", segmentNotFound(rest[len(rest)-1])
}

func kindForSegmentFold(seg string) (string, bool) {
	for k, v := range kindInfo {
		if strings.EqualFold(v.segment, seg) {
			return k, true
		}
	}
	return "", false
}

// allow answers 405 for HTTP methods a route does not support (e.g. the
// generic DELETE /authentication/methods/{id}, which Graph does not have).
func allow(rc *reqCtx, h func(*reqCtx) response, methods ...string) func(*reqCtx) response {
	for _, m := range methods {
		if rc.method == m {
			return h
		}
	}
	return func(rc *reqCtx) response {
		return rc.fail(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
	}
}

func segmentNotFound(seg string) func(*reqCtx) response {
	return func(rc *reqCtx) response {
		return rc.fail(400, "BadRequest", "Resource not found for the segment '"+seg+"'.")
	}
}
