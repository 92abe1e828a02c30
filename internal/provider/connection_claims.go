package provider

import (
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// connectionClaims is how codat_company and codat_connection never fight
// over a connection. Each manages only the connection id it holds, but both
// find that connection the same way, by adopting the company's connection
// to their platform that is not Unlinked (codat.Company.AdoptableConnection).
// So two resources asking for one platform of one company would silently
// share one connection, and destroying either would release it under the
// other. Instead, every resource claims its (company, platform) when it
// plans, and the second claim is an error, before anything is written.
//
// The claims live for one provider configuration in one Terraform command
// walk (Configure makes new ones), which is the walk that plans or applies
// all the resources of a configuration:
//
//   - at plan, each resource whose company id is known claims (the plan of
//     every resource is made in the same walk, changed or not; a replaced
//     one is planned twice, and claims in the second, create, plan only);
//   - at apply, Terraform plans each changed resource again once the values
//     it depends on are known, so a codat_connection on a company created
//     in the same apply claims then; codat_company claims in Create, once
//     its id exists.
//
// Resources in other configurations, states or provider aliases are not
// seen; docs/resources/connection.md says so.
type connectionClaims struct {
	firstClaims[connectionClaim]
}

type connectionClaim struct {
	companyID, platformKey string
}

// Who a claim belongs to, as the error names it.
const (
	claimedByCompany    = "the codat_company of that company, through its platform_key"
	claimedByConnection = "a codat_connection"
)

// claim records that owner manages the connection of companyID to
// platformKey, and reports an error on attribute if another resource of
// the configuration already does. Values not known yet claim nothing.
func (c *connectionClaims) claim(companyID, platformKey types.String, owner string, attribute path.Path) diag.Diagnostics {
	if companyID.IsUnknown() || companyID.IsNull() || platformKey.IsUnknown() || platformKey.IsNull() {
		return nil
	}
	key := connectionClaim{companyID.ValueString(), platformKey.ValueString()}
	first, taken := c.take(key, owner)
	if !taken {
		return nil
	}
	var diags diag.Diagnostics
	diags.AddAttributeError(attribute, "Two resources manage the same Codat connection",
		fmt.Sprintf("Company %s's connection to platform %q is already managed by %s in this configuration. "+
			"Both would adopt the same connection rather than make two, and destroying either would unlink or delete it under the other. "+
			"Manage each platform of a company in one place: either platform_key on codat_company, or one codat_connection. Nothing was changed at Codat.",
			key.companyID, key.platformKey, first))
	return diags
}

// firstClaims is what connectionClaims and settingClaims (client_settings.go)
// share: the owner of each key is the first to claim it, safe for the
// resources Terraform plans at once.
type firstClaims[K comparable] struct {
	mu    sync.Mutex
	owner map[K]string
}

// take claims key for owner, unless it is claimed already: then it changes
// nothing and returns the key's first owner.
func (c *firstClaims[K]) take(key K, owner string) (first string, taken bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if first, taken = c.owner[key]; taken {
		return first, true
	}
	if c.owner == nil {
		c.owner = map[K]string{}
	}
	c.owner[key] = owner
	return "", false
}
