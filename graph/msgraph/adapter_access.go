package msgraph

import abs "github.com/microsoft/kiota-abstractions-go"

// RequestAdapter is the client's Graph request adapter, with its sign-in,
// retry and same-host middleware, for packages that call other Graph APIs
// through msgraph-sdk-go's subpackages (graph/appreg: `mfadesk setup`).
func (c *MSGraph) RequestAdapter() abs.RequestAdapter { return c.adapter }

// V1 is the v1.0 service root ("https://graph.microsoft.com/v1.0").
func (c *MSGraph) V1() string { return c.v1 }
