package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// modelSource is a request's plan, state or config.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// modelAndClient is how an operation that calls Codat starts: the model of
// type T from the request's plan, state or config, and the run's client.
// ok is false, the diagnostics saying why, when either cannot be had.
func modelAndClient[T any](ctx context.Context, data *providerData, from modelSource, diags *diag.Diagnostics) (model T, client *codat.Client, ok bool) {
	diags.Append(from.Get(ctx, &model)...)
	client = requireClient(data, diags)
	return model, client, !diags.HasError()
}

// planAndPrior is a ModifyPlan's plan and the prior state it changes, nil when it
// plans a create. The caller checks the diagnostics.
func planAndPrior[T any](ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) (plan T, state *T) {
	diags.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		state = new(T)
		diags.Append(req.State.Get(ctx, state)...)
	}
	return plan, state
}
