package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var _ datasource.DataSourceWithConfigure = (*companyInfoDataSource)(nil)

// wait_for_sync polls on codat.DefaultPollSchedule; its shortest wait is a second.
const (
	infoMinWait  = time.Second
	infoDataType = "company"
)

// NewCompanyInfoDataSource is the codat_company_info data source: the company
// as its accounting (or other) platform describes it.
func NewCompanyInfoDataSource() datasource.DataSource {
	return &companyInfoDataSource{dataSourceBase{typeName: "company_info"}}
}

type companyInfoDataSource struct {
	dataSourceBase
}

type companyInfoDataSourceModel struct {
	CompanyID              types.String          `tfsdk:"company_id"`
	WaitForSync            types.String          `tfsdk:"wait_for_sync"`
	CompanyName            types.String          `tfsdk:"company_name"`
	LegalName              types.String          `tfsdk:"legal_name"`
	PlatformRef            types.String          `tfsdk:"platform_ref"`
	BaseCurrency           types.String          `tfsdk:"base_currency"`
	RegistrationNumber     types.String          `tfsdk:"registration_number"`
	TaxNumber              types.String          `tfsdk:"tax_number"`
	FinancialYearStartDate types.String          `tfsdk:"financial_year_start_date"`
	LedgerLockDate         types.String          `tfsdk:"ledger_lock_date"`
	CreatedDate            types.String          `tfsdk:"created_date"`
	Addresses              []companyAddressModel `tfsdk:"addresses"`
	PhoneNumbers           []companyPhoneModel   `tfsdk:"phone_numbers"`
	WebLinks               []companyWebLinkModel `tfsdk:"web_links"`
	SourceURLs             map[string]string     `tfsdk:"source_urls"`
}

type companyAddressModel struct {
	Type       types.String `tfsdk:"type"`
	Line1      types.String `tfsdk:"line1"`
	Line2      types.String `tfsdk:"line2"`
	City       types.String `tfsdk:"city"`
	Region     types.String `tfsdk:"region"`
	Country    types.String `tfsdk:"country"`
	PostalCode types.String `tfsdk:"postal_code"`
}

type companyPhoneModel struct {
	Number types.String `tfsdk:"number"`
	Type   types.String `tfsdk:"type"`
}

type companyWebLinkModel struct {
	Type types.String `tfsdk:"type"`
	URL  types.String `tfsdk:"url"`
}

func (d *companyInfoDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The company as its platform describes it (Codat's `GET /companies/{companyId}/data/info`): " +
			"the name, legal name, addresses and numbers held in the business's accounting software. " +
			"Use it to show the business which account it linked, or to replace a placeholder company name.\n\n" +
			"Codat has this only after the business has authorised a connection (through the company's `link_url`) and the " +
			"`company` data type has synced; before that, reading it fails with a message saying which step is missing. " +
			"Set `wait_for_sync` to wait for the sync instead. Dates are returned as Codat sends them (ISO 8601). " +
			"Text Codat leaves out is null.",
		Attributes: map[string]schema.Attribute{
			"company_id": companyIDArgument(),
			"wait_for_sync": schema.StringAttribute{
				MarkdownDescription: "How long to wait, as a duration such as `\"5m\"` or `\"90s\"`, for the company's data to become available when Codat " +
					"answers that it has not synced yet (HTTP 409). Terraform polls, soon at first and then at growing intervals of at most 30 seconds, " +
					"and fails with the reason when the time is up; interrupting Terraform stops the wait. Unset means do not wait. " +
					"Waiting only helps once the business has authorised: while no connection of the company is `Linked`, the read fails at once " +
					"with the link to send the business. The data source may be read during `plan`, so the wait can happen there.",
				Optional:   true,
				Validators: []validator.String{durationValidator(infoMinWait)},
			},
			"company_name":              computedString("The company's name in its platform."),
			"legal_name":                computedString("The company's registered legal name in its platform (`companyLegalName`)."),
			"platform_ref":              computedString("The company's identifier in its accounting platform (`accountingPlatformRef`), such as a Xero organisation ID."),
			"base_currency":             computedString("The company's base currency, an ISO 4217 code such as `GBP`."),
			"registration_number":       computedString("The company's registration number, such as a Companies House number."),
			"tax_number":                computedString("The company's tax number, such as a VAT number."),
			"financial_year_start_date": computedString("Start of the company's financial year (ISO 8601)."),
			"ledger_lock_date":          computedString("Date before which the company's ledger is locked against changes (ISO 8601)."),
			"created_date":              computedString("When the company was created in its platform (ISO 8601)."),
			"addresses": schema.ListNestedAttribute{
				MarkdownDescription: "The company's addresses, in the order Codat returns them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"type":        computedString("`Billing`, `Delivery`, `Order`, `Inventory` or `Unknown`."),
					"line1":       computedString("First line of the address."),
					"line2":       computedString("Second line of the address."),
					"city":        computedString("City."),
					"region":      computedString("Region, state or county."),
					"country":     computedString("Country."),
					"postal_code": computedString("Postal code."),
				}},
			},
			"phone_numbers": schema.ListNestedAttribute{
				MarkdownDescription: "The company's phone numbers, in the order Codat returns them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"number": computedString("The phone number, as entered in the platform."),
					"type":   computedString("`Primary`, `Landline`, `Mobile`, `Fax` or `Unknown`."),
				}},
			},
			"web_links": schema.ListNestedAttribute{
				MarkdownDescription: "The company's websites and social media links.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"type": computedString("`Website`, `Social` or `Unknown`."),
					"url":  computedString("The link."),
				}},
			},
			"source_urls": schema.MapAttribute{
				MarkdownDescription: "Links to the company's records in its platform, keyed by what they point at.",
				ElementType:         types.StringType,
				Computed:            true,
			},
		},
	}
}

func (d *companyInfoDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config companyInfoDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := requireClient(d.data, &resp.Diagnostics)
	if client == nil {
		return
	}
	companyID := config.CompanyID.ValueString()
	var wait time.Duration
	if !config.WaitForSync.IsNull() {
		wait, _ = time.ParseDuration(config.WaitForSync.ValueString()) // validated at plan time
	}

	info, unlinked, err := client.WaitForCompanyInfo(ctx, companyID, wait)
	var stopped *codat.WaitStoppedError
	switch {
	case err == nil:
	case errors.As(err, &stopped):
		resp.Diagnostics.AddError("Stopped waiting for Codat company info",
			fmt.Sprintf("Terraform stopped waiting for company %s to sync after %s (%v). Run again once the business has authorised and the sync has finished.",
				companyID, stopped.Waited.Round(time.Second), stopped.Cause))
		return
	case codat.IsConflict(err):
		resp.Diagnostics.AddError("Codat company info not synced yet", notSyncedDetail(ctx, client, companyID, wait, unlinked, err))
		return
	default:
		addCompanyReadError(&resp.Diagnostics, companyID, "Cannot read Codat company info", err)
		return
	}
	state := newCompanyInfoModel(config, info)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// notSyncedDetail explains a 409 in terms of what the user can do: the
// business has not authorised yet (here is its link), or the company data
// type is still syncing (wait, or set wait_for_sync). It costs one or two
// more requests, made only on this error path; if they fail, it falls back
// to the general explanation. unlinked is the company when the wait was cut
// short because none of its connections is Linked (nil otherwise).
func notSyncedDetail(ctx context.Context, client *codat.Client, companyID string, wait time.Duration, unlinked *codat.Company, conflict error) string {
	var b strings.Builder
	switch {
	case unlinked != nil:
		fmt.Fprintf(&b, "Codat has no company info for company %s yet: it answered HTTP 409. wait_for_sync (%s) did not wait, "+
			"because Codat syncs nothing until a connection of the company is Linked.", companyID, wait)
	case wait > 0:
		fmt.Fprintf(&b, "Codat still had no company info for company %s after wait_for_sync (%s): it answered HTTP 409.", companyID, wait)
	default:
		fmt.Fprintf(&b, "Codat has no company info for company %s yet: it answered HTTP 409.", companyID)
	}
	fmt.Fprintf(&b, " %s\n\n", codatAnswer(conflict))

	company := unlinked // read already: no second request
	var err error
	if company == nil {
		company, err = client.GetCompany(ctx, companyID)
	}
	switch {
	case err != nil:
		b.WriteString("Codat has it once the business has authorised access to its platform through the company's link URL " +
			"(link_url of the codat_company resource) and the `company` data type has synced.")
	case !company.HasLinkedConnection():
		if len(company.DataConnections) > 0 {
			b.WriteString("No connection of the company is Linked. ")
		}
		b.WriteString(authoriseAdvice(company) + "\nCodat syncs the data once access is authorised.")
	default:
		b.WriteString("The business has authorised access, but Codat has not synced the company's `company` data type yet")
		if statuses, err := client.GetDataStatus(ctx, companyID); err == nil {
			st, ok := statuses[infoDataType]
			switch {
			case ok && !st.CurrentStatus.Running() && st.CurrentStatus != codat.PullStatusComplete:
				fmt.Fprintf(&b, ": its last sync ended with %s, so waiting will not help. Fix the cause (for %s, usually the business authorising again), "+
					"then queue the `company` data type again from the Codat Portal", st.CurrentStatus, codat.PullStatusAuthError)
			case ok:
				fmt.Fprintf(&b, " (its status is %s). A first sync usually takes minutes", st.CurrentStatus)
			default:
				b.WriteString(" (it has not been queued: check that the `company` data type is fetched on first link in the sync settings, or queue it)")
			}
		}
		b.WriteString(".")
	}

	switch {
	case unlinked != nil:
		b.WriteString("\n\nApply again once the business has authorised; wait_for_sync then waits for the sync.")
	case wait > 0:
		b.WriteString("\n\nApply again later, or raise wait_for_sync.")
	default:
		b.WriteString("\n\nApply again later, or set wait_for_sync (for example \"5m\") on this data source so Terraform waits for the sync.")
	}
	return b.String()
}

// newCompanyInfoModel is the one mapping from Codat's CompanyInfo to the
// model. Lists and the map are empty rather than null when Codat has none,
// so length() and for_each work on them.
func newCompanyInfoModel(config companyInfoDataSourceModel, info *codat.CompanyInfo) companyInfoDataSourceModel {
	m := companyInfoDataSourceModel{
		CompanyID:              config.CompanyID,
		WaitForSync:            config.WaitForSync,
		CompanyName:            optionalString(info.CompanyName),
		LegalName:              optionalString(info.CompanyLegalName),
		PlatformRef:            optionalString(info.AccountingPlatformRef),
		BaseCurrency:           optionalString(info.BaseCurrency),
		RegistrationNumber:     optionalString(info.RegistrationNumber),
		TaxNumber:              optionalString(info.TaxNumber),
		FinancialYearStartDate: optionalString(info.FinancialYearStartDate),
		LedgerLockDate:         optionalString(info.LedgerLockDate),
		CreatedDate:            optionalString(info.CreatedDate),
		Addresses:              make([]companyAddressModel, 0, len(info.Addresses)),
		PhoneNumbers:           make([]companyPhoneModel, 0, len(info.PhoneNumbers)),
		WebLinks:               make([]companyWebLinkModel, 0, len(info.WebLinks)),
		SourceURLs:             make(map[string]string, len(info.SourceURLs)),
	}
	for _, a := range info.Addresses {
		m.Addresses = append(m.Addresses, companyAddressModel{
			Type:       optionalString(a.Type),
			Line1:      optionalString(a.Line1),
			Line2:      optionalString(a.Line2),
			City:       optionalString(a.City),
			Region:     optionalString(a.Region),
			Country:    optionalString(a.Country),
			PostalCode: optionalString(a.PostalCode),
		})
	}
	for _, p := range info.PhoneNumbers {
		m.PhoneNumbers = append(m.PhoneNumbers, companyPhoneModel{Number: optionalString(p.Number), Type: optionalString(p.Type)})
	}
	for _, w := range info.WebLinks {
		m.WebLinks = append(m.WebLinks, companyWebLinkModel{Type: optionalString(w.Type), URL: optionalString(w.URL)})
	}
	for k, v := range info.SourceURLs {
		m.SourceURLs[k] = v
	}
	return m
}
