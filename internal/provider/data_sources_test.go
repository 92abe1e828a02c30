package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestDataSourceSchemasDescribed: the docs are generated from the schema, so
// every data source and every attribute, nested ones included, needs a
// MarkdownDescription.
func TestDataSourceSchemasDescribed(t *testing.T) {
	t.Parallel()
	for _, newDataSource := range []func() datasource.DataSource{
		NewIntegrationsDataSource, NewIntegrationDataSource, NewCompanyInfoDataSource, NewDataStatusDataSource,
	} {
		ds := newDataSource()
		var meta datasource.MetadataResponse
		ds.Metadata(t.Context(), datasource.MetadataRequest{ProviderTypeName: "codat"}, &meta)
		var resp datasource.SchemaResponse
		ds.Schema(t.Context(), datasource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s: %v", meta.TypeName, resp.Diagnostics)
		}
		if diags := resp.Schema.ValidateImplementation(t.Context()); diags.HasError() {
			t.Errorf("%s: %v", meta.TypeName, diags)
		}
		if resp.Schema.MarkdownDescription == "" {
			t.Errorf("%s has no MarkdownDescription", meta.TypeName)
		}
		checkDescribed(t, meta.TypeName, resp.Schema.Attributes)
	}
}

// checkDescribed checks attrs and those nested in them (lists and maps of
// objects) for a MarkdownDescription.
func checkDescribed(t *testing.T, prefix string, attrs map[string]schema.Attribute) {
	t.Helper()
	for name, attr := range attrs {
		if attr.GetMarkdownDescription() == "" {
			t.Errorf("%s.%s has no MarkdownDescription", prefix, name)
		}
		switch nested := attr.(type) {
		case schema.ListNestedAttribute:
			checkDescribed(t, prefix+"."+name, nested.NestedObject.Attributes)
		case schema.MapNestedAttribute:
			checkDescribed(t, prefix+"."+name, nested.NestedObject.Attributes)
		}
	}
}

// TestAccDataSources_companyNotFound: every data source that reads a
// company names a company_id Codat does not have as such.
func TestAccDataSources_companyNotFound(t *testing.T) {
	t.Parallel()
	const missing = "00000000-0000-4000-8000-000000000000"
	for name, config := range map[string]func(env *testEnv) string{
		"codat_company_info": func(env *testEnv) string { return companyInfoConfig(env, missing, "") },
		"codat_data_status":  func(env *testEnv) string { return dataStatusConfig(env, missing) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t)
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviderFactories,
				Steps: []resource.TestStep{{
					Config: config(env),
					ExpectError: regexp.MustCompile(`(?s)Codat company not found.*` +
						wordsRE("Codat has no company with ID "+missing+". Check company_id").String()),
				}},
			})
		})
	}
}
