package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The client-wide settings (the profile, its sync settings, CORS,
// supplemental data, custom data types) are not Terraform's to delete:
// destroy puts back what Terraform replaced. Each resource records that, as
// Codat had it before Terraform first changed it, in private state under
// privateBefore, and its Delete reads it back.

// privateBefore is the private-state key of that record: for the profile's
// sync settings, a map from data type to its setting, null for a data type
// the profile did not have.
const privateBefore = "before"

// readBefore reads the record into before. It is false when there is none:
// no private state (a Create), or nothing recorded yet.
func readBefore(ctx context.Context, private privateState, before any, diags *diag.Diagnostics) (recorded bool) {
	if private == nil {
		return false
	}
	recorded, d := getPrivateJSON(ctx, private, privateBefore, before)
	diags.Append(d...)
	return recorded
}

func recordBefore(ctx context.Context, private privateState, before any, diags *diag.Diagnostics) {
	diags.Append(setPrivateJSON(ctx, private, privateBefore, before)...)
}

// recordImportedBefore is an Update's part for a setting whose Create
// records nothing else: after an import nothing is recorded, and what to put
// back on destroy is the setting before this first change, which the state
// holds as refreshed (asBefore maps it to the record's form B).
func recordImportedBefore[M, B any](ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse, asBefore func(M, *diag.Diagnostics) B) {
	var before B
	if readBefore(ctx, req.Private, &before, &resp.Diagnostics) {
		return
	}
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	recordBefore(ctx, resp.Private, asBefore(state, &resp.Diagnostics), &resp.Diagnostics)
}
