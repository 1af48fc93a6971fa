package graph

// The permission table's rows for "which groups is this user in?" and "is
// MFA required for them?" (mfarequired.go), appended to the one table in
// permissions.go (in their own file so the rows other actions add there
// do not collide with these).

const (
	// ActionReadGroups lists a user's groups (transitive and direct).
	ActionReadGroups Action = "readGroups"
	// ActionReadCAPolicies reads the Conditional Access policies and the
	// security defaults policy.
	ActionReadCAPolicies Action = "readConditionalAccess"
)

// SourceLimitedInfo is where Graph says a directoryObject collection
// returns objects the caller may not read with only their type and id.
const SourceLimitedInfo = "concepts/permissions-overview.md#limited-information-returned-for-inaccessible-member-objects"

func init() {
	requirements = append(requirements,
		Requirement{
			Action: ActionReadGroups, Label: "read a user's groups",
			// transitiveMemberOf accepts User.Read.All, but then groups come
			// back as bare ids ("limited information"): their names and
			// isAssignableToRole need a group permission.
			Delegated:   []string{"GroupMember.Read.All", "Group.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"},
			Application: []string{"GroupMember.Read.All", "Group.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"},
			Note:        "with only User.Read.All, Graph returns the groups without their names",
			Source: []string{"api-reference/v1.0/api/user-list-transitivememberof.md",
				"api-reference/v1.0/api/user-list-memberof.md", SourceLimitedInfo},
		},
		Requirement{
			Action: ActionReadCAPolicies, Label: "read Conditional Access and security defaults",
			Delegated:   []string{"Policy.Read.All"},
			Application: []string{"Policy.Read.All"},
			// rbac-conditionalaccess-apis-read: "Global Secure Access
			// Administrator, Security Reader, Security Administrator (read
			// standard properties), Global Reader, Conditional Access
			// Administrator". The security defaults page names no role; the
			// same readers are assumed (the safer reading for a pre-check).
			Roles: []string{RoleSecurityReader, RoleGlobalReader, RoleCAAdmin, RoleSecurityAdmin, RoleGSAAdmin, RoleGlobalAdmin},
			Note:  "without it, \"is MFA required?\" says unknown",
			Source: []string{"api-reference/v1.0/api/conditionalaccessroot-list-policies.md",
				"api-reference/v1.0/includes/rbac-for-apis/rbac-conditionalaccess-apis-read.md",
				"api-reference/v1.0/api/identitysecuritydefaultsenforcementpolicy-get.md"},
		},
	)
}
