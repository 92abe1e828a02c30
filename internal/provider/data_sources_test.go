package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

// TestDataSourceSchemasDescribed: the docs are generated from the schema, so
// every data source and every attribute, nested ones included, needs a
// MarkdownDescription.
func TestDataSourceSchemasDescribed(t *testing.T) {
	t.Parallel()
	for _, newDataSource := range []func() datasource.DataSource{
		NewIntegrationsDataSource, NewIntegrationDataSource, NewCompanyInfoDataSource,
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

func checkDescribed(t *testing.T, prefix string, attrs map[string]schema.Attribute) {
	t.Helper()
	for name, attr := range attrs {
		if attr.GetMarkdownDescription() == "" {
			t.Errorf("%s.%s has no MarkdownDescription", prefix, name)
		}
		if nested, ok := attr.(schema.ListNestedAttribute); ok {
			checkDescribed(t, prefix+"."+name, nested.NestedObject.Attributes)
		}
	}
}
