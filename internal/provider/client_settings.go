package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
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
	firstClaims[string]
}

// claim records that a resource manages setting (such as "the profile"),
// and reports an error on attribute if another resource already does.
func (c *settingClaims) claim(setting, resourceType string, attribute path.Path) diag.Diagnostics {
	if _, taken := c.take(setting, resourceType); !taken {
		return nil
	}
	var diags diag.Diagnostics
	diags.AddAttributeError(attribute, "Two resources manage the same Codat setting",
		fmt.Sprintf("Another %s in this configuration already manages %s. Codat keeps one of each per client, and each write replaces it whole, "+
			"so two resources would undo each other's changes on every apply. Declare it once (for several environments, once per provider configuration, each with its own client's key). Nothing was changed at Codat.",
			resourceType, setting))
	return diags
}

// planPlatformSetting is the ModifyPlan of a setting kept once per platform
// and name (supplemental data per data type, custom data types per
// identifier, the name being the attribute nameAttr): a new platform_key is
// checked against Codat's catalogue, and the setting is claimed. A
// replacement is planned twice; only its second plan, the create, claims,
// since claiming in both would clash with itself.
func (b *resourceBase) planPlatformSetting(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	nameAttr string, describe func(platformKey, name string) string) {
	if req.Plan.Raw.IsNull() || b.data == nil {
		return
	}
	var planKey, planName, stateKey, stateName types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("platform_key"), &planKey)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(nameAttr), &planName)...)
	replacing := false
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("platform_key"), &stateKey)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(nameAttr), &stateName)...)
		replacing = !planKey.Equal(stateKey) || !planName.Equal(stateName)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	b.checkPlannedPlatform(ctx, planKey, stateKey, &resp.Diagnostics)
	if planKey.IsUnknown() || planName.IsUnknown() || replacing {
		return
	}
	resp.Diagnostics.Append(b.data.settings.claim(describe(planKey.ValueString(), planName.ValueString()),
		"codat_"+b.typeName, path.Root(nameAttr))...)
}

// importPlatformSetting is the ImportState of such a setting: the id is
// "<platform key>/<name>", the name one that valid accepts; expects says
// what the id should look like. It reports whether the id was taken.
func (b *resourceBase) importPlatformSetting(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse,
	nameAttr string, valid func(string) bool, expects string) bool {
	platformKey, name, ok := strings.Cut(strings.TrimSpace(req.ID), "/")
	if !ok || !codat.PlatformKeyPattern.MatchString(platformKey) || !valid(name) {
		resp.Diagnostics.AddError(fmt.Sprintf("Invalid codat_%s import id", b.typeName), fmt.Sprintf("Import expects %s; got %q.", expects, req.ID))
		return false
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), platformKey+"/"+name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("platform_key"), platformKey)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(nameAttr), name)...)
	return true
}

// importClientSetting is the ImportState of a setting a client has once:
// the only id is id; what names the setting for the error.
func (b *resourceBase) importClientSetting(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse, id, what string) {
	if req.ID != id {
		resp.Diagnostics.AddError(fmt.Sprintf("Invalid codat_%s import id", b.typeName),
			fmt.Sprintf("There is one %s per Codat client: import it with the id %q, got %q.", what, id, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
