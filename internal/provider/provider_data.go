package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// providerData is what Configure hands to every resource and data source:
// the one client, and the integrations catalogue fetched at most once per
// run (it is the same for every company, and one request lists it whole).
type providerData struct {
	client    *codat.Client
	creations *creations

	catalogueMu sync.Mutex
	catalogue   []codat.Integration
}

func newProviderData(client *codat.Client, timing createTiming) *providerData {
	return &providerData{client: client, creations: newCreations(timing)}
}

// integrations returns the catalogue, fetching it on first use. A failed
// fetch is not cached, so a later caller tries again.
func (d *providerData) integrations(ctx context.Context) ([]codat.Integration, error) {
	d.catalogueMu.Lock()
	defer d.catalogueMu.Unlock()
	if d.catalogue != nil {
		return d.catalogue, nil
	}
	list, err := d.client.ListIntegrations(ctx, codat.ListOptions{})
	if err != nil {
		return nil, err
	}
	d.catalogue = list
	return list, nil
}

// providerDataFrom does the nil check and type assertion that every
// resource's and data source's Configure needs. It returns nil while the
// provider is not configured yet (Terraform configures resources before the
// provider during validation) or cannot be (its key is unknown until another
// resource is applied).
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data
}

// requireClient reports the one reason a configured resource can lack a
// client: its provider settings were unknown when Terraform configured it.
func requireClient(data *providerData, diags *diag.Diagnostics) *codat.Client {
	if data == nil {
		diags.AddError("Codat provider not configured",
			"The provider's api_key or base_url is not known yet (it comes from a resource that has not been applied). "+
				"Apply that resource first, for example with -target, then apply again.")
		return nil
	}
	return data.client
}
