package provider

import (
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// settingClaims is how two resources never overwrite one client-wide
// setting: the profile and the CORS origins exist once per Codat client (per
// API key), supplemental data once per platform and data type, a custom
// data type once per platform and identifier. Each PUT or POST replaces the
// whole setting, so two resources for one would undo each other on every
// apply, and destroying either would restore it under the other. Every
// resource claims its setting when it plans, and the second claim is an
// error, before anything is written.
//
// Like connectionClaims, the claims live for one provider configuration in
// one Terraform command walk, which plans every resource of the
// configuration; resources in other configurations, states or provider
// aliases (or another client's key) are not seen, and the resource pages
// say so.
type settingClaims struct {
	mu      sync.Mutex
	claimed map[string]bool
}

// claim records that a resource manages setting (such as "the profile"),
// and reports an error on attribute if another resource already does.
func (c *settingClaims) claim(setting, resourceType string, attribute path.Path) diag.Diagnostics {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.claimed[setting] {
		if c.claimed == nil {
			c.claimed = map[string]bool{}
		}
		c.claimed[setting] = true
		return nil
	}
	var diags diag.Diagnostics
	diags.AddAttributeError(attribute, "Two resources manage the same Codat setting",
		fmt.Sprintf("Another %s in this configuration already manages %s. Codat keeps one per client, and each write replaces it whole, "+
			"so two resources would undo each other's changes on every apply. Declare it once (for several environments, once per provider configuration, each with its own client's key). Nothing was changed at Codat.",
			resourceType, setting))
	return diags
}
