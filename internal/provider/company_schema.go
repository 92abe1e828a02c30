package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// The codat_company schema: every attribute, its validators and plan
// modifiers. Its prose lives in templates/resources/company.md.tmpl.

func (r *companyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A business that shares its financial data through [Codat](https://docs.codat.io/): a Codat **company**, optionally with a **connection** to the platform the business uses (`platform_key`), whose `link_url` you send the business so it can authorise access.",
		Attributes: map[string]schema.Attribute{
			"id": computedOnce("Codat's id for the company (a UUID). It is also the licence key a business enters in a desktop connector, and the id to `terraform import`."),
			"name": schema.StringAttribute{
				MarkdownDescription: "The company's name in Codat, changed in place. Set exactly one of `name` and `temporary_name`; with `temporary_name`, `name` is computed (see **Temporary names**). " +
					"Only letters A-Z and a-z, digits, spaces and `- ' & @ . , ? !` are allowed, without a leading or trailing space: Codat silently removes any other character, so Terraform rejects them at plan time. Names need not be unique.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.String{companyNameValidator()},
			},
			"temporary_name": schema.StringAttribute{
				MarkdownDescription: "A placeholder name to create the company with, replaced by the company's name in its accounting platform once the business has linked it and the platform's company data has synced (see **Temporary names**). " +
					"Use something you can trace, such as an application or CRM id. Same character rules as `name`. Changing it renames the company only while the platform's name is not known yet.",
				Optional:   true,
				Validators: []validator.String{companyNameValidator()},
			},
			"name_from_platform": schema.StringAttribute{
				MarkdownDescription: "Which of the platform's names replaces `temporary_name`: `company_name` (the trading name, the default) or `legal_name`. Only with `temporary_name`.",
				Optional:            true,
				Validators: []validator.String{
					stringvalidator.OneOf(nameFromCompanyName, nameFromLegalName),
					stringvalidator.AlsoRequires(path.MatchRoot("temporary_name")),
				},
			},
			"platform_company_name": schema.StringAttribute{
				MarkdownDescription: "With `temporary_name`: the name the accounting platform reports for the business (its `name_from_platform`), read on refresh while one of the company's connections is `Linked`; null until the platform's company data has synced, and always null without `temporary_name`. " +
					"`name` is this value with the characters Codat does not allow removed.",
				Computed: true,
			},
			"description": schema.StringAttribute{
				MarkdownDescription: "A free-text description, changed in place. Omit it for none; an empty string is rejected because Codat does not store one.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"tags": schema.MapAttribute{
				MarkdownDescription: "Up to 9 tags, changed in place; Codat can filter companies by tag (for example `region=uk`). Keys are 1 to 27 characters without line breaks, values at most 100 characters. " +
					"Codat allows 10 tags per company; Terraform needs the tenth, `" + codat.CreationTagKey + "`, while it creates the company, to find it again if Codat's answer is lost (see the *Retries, rate limits and guarantees* guide), so that key is reserved. " +
					"Removing `tags` (or a tag) removes it at Codat too.",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Map{
					companyTagsValidator{},
					mapvalidator.KeysAre(
						stringvalidator.UTF8LengthBetween(1, 27),
						stringvalidator.RegexMatches(regexp.MustCompile(`^[^\r\n]*$`), "must not contain line breaks"),
					),
					mapvalidator.ValueStringsAre(stringvalidator.UTF8LengthAtMost(100)),
				},
			},
			"platform_key": schema.StringAttribute{
				MarkdownDescription: "The 4-letter key of the platform the business is asked to connect (Codat's `platformType`), such as `gbol` for Xero or `qhyg` for QuickBooks Online; the `codat_integrations` data source lists them. " +
					"Terraform creates a connection to it (`connection_id`) whose `link_url` you send to the business. The key is checked against Codat's catalogue at plan and again at apply: an unknown or disabled platform is an error naming the nearest valid keys, and nothing is created. " +
					"Changing or removing it **updates the company in place and never replaces it**; see **Changing platform**. Omit it to let the business pick a platform on the `redirect` page.",
				Optional:   true,
				Validators: []validator.String{platformKeyValidator()},
			},
			"connection_id": schema.StringAttribute{
				MarkdownDescription: "The id of the connection this resource manages, to `platform_key`. Null without `platform_key`, and after a create whose connection could not be made (the next apply makes it).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{keepConnectionString{none: types.StringNull()}},
			},
			"status": schema.StringAttribute{
				MarkdownDescription: "Where the business is in linking the managed connection: `Blank` when this resource manages no connection (no `platform_key`, or its connection is still to be created), " +
					"else that connection's status: `PendingAuth` (created, the business has not authorised yet), `Linked` (authorised; data can sync), `Deauthorized` (was linked, access has been revoked: the business must authorise again through `link_url`) " +
					"or `Unlinked` (unlinked through Codat's API or portal). Changes made at Codat appear on refresh without a plan diff.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{keepConnectionString{none: types.StringValue(statusBlank)}},
			},
			"link_url": schema.StringAttribute{
				MarkdownDescription: "The managed connection's link URL: send it to the business to authorise `platform_key`. Null without a managed connection.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{keepConnectionString{none: types.StringNull()}},
			},
			"redirect": computedOnce("The company's Codat Link page, where the business can choose and authorise any platform itself."),
			"connections": schema.ListNestedAttribute{
				MarkdownDescription: "Every data connection of the company, managed or not, in Codat's order: the managed one, ones the business added through `redirect`, and linked ones kept after a platform change.",
				Computed:            true,
				PlanModifiers:       []planmodifier.List{keepConnectionList{}},
				NestedObject: schema.NestedAttributeObject{
					Attributes: computedStrings(connectionDescriptions, func(d string) schema.Attribute {
						return schema.StringAttribute{Computed: true, MarkdownDescription: d}
					}),
				},
			},
			"created":   computedOnce("When the company was created (ISO 8601, as Codat reports it)."),
			"last_sync": computedOnce("When the company's data last synced (ISO 8601); null before the first sync. Updated on refresh."),
			"deletion_protection": schema.BoolAttribute{
				MarkdownDescription: "While `true`, Terraform refuses to delete the company: a plan that would destroy it fails, before any request to Codat. Defaults to `false`. " +
					"Set it to `false` and apply before destroying. To stop managing a company without deleting it, use a `removed` block with `lifecycle { destroy = false }`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

func (r *companyResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("name"), path.MatchRoot("temporary_name")),
	}
}
