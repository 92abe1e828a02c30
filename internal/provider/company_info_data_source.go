package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

var _ datasource.DataSourceWithConfigure = (*companyInfoDataSource)(nil)

// infoCompanyIDPattern is the shape of a Codat company ID (a UUID).
var infoCompanyIDPattern = regexp.MustCompile(`^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$`)

// wait_for_sync polls on defaultPollSchedule; its shortest wait is a second.
const (
	infoMinWait  = time.Second
	infoDataType = "company"
)

// NewCompanyInfoDataSource is the codat_company_info data source: the company
// as its accounting (or other) platform describes it.
func NewCompanyInfoDataSource() datasource.DataSource { return &companyInfoDataSource{} }

type companyInfoDataSource struct {
	data *providerData
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

func (d *companyInfoDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_company_info"
}

func (d *companyInfoDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(description string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The company as its platform describes it (Codat's `GET /companies/{companyId}/data/info`): " +
			"the name, legal name, addresses and numbers held in the business's accounting software. " +
			"Use it to show the business which account it linked, or to replace a placeholder company name.\n\n" +
			"Codat has this only after the business has authorised a connection (through the company's `link_url`) and the " +
			"`company` data type has synced; before that, reading it fails with a message saying which step is missing. " +
			"Set `wait_for_sync` to wait for the sync instead. Dates are returned as Codat sends them (ISO 8601). " +
			"Text Codat leaves out is null.",
		Attributes: map[string]schema.Attribute{
			"company_id": schema.StringAttribute{
				MarkdownDescription: "ID of the Codat company, such as `codat_company.example.id`.",
				Required:            true,
				Validators: []validator.String{stringvalidator.RegexMatches(infoCompanyIDPattern,
					"must be a Codat company ID (a UUID such as 7e7b7ca8-5a4b-4c3c-9d8e-0f1a2b3c4d5e), for example codat_company.example.id")},
			},
			"wait_for_sync": schema.StringAttribute{
				MarkdownDescription: "How long to wait, as a duration such as `\"5m\"` or `\"90s\"`, for the company's data to become available when Codat " +
					"answers that it has not synced yet (HTTP 409). Terraform polls, soon at first and then at growing intervals of at most 30 seconds, " +
					"and fails with the reason when the time is up; interrupting Terraform stops the wait. Unset means do not wait. " +
					"Waiting only helps once the business has authorised: while no connection of the company is `Linked`, the read fails at once " +
					"with the link to send the business. The data source may be read during `plan`, so the wait can happen there.",
				Optional:   true,
				Validators: []validator.String{durationValidator{min: infoMinWait}},
			},
			"company_name":              computed("The company's name in its platform."),
			"legal_name":                computed("The company's registered legal name in its platform (`companyLegalName`)."),
			"platform_ref":              computed("The company's identifier in its accounting platform (`accountingPlatformRef`), such as a Xero organisation ID."),
			"base_currency":             computed("The company's base currency, an ISO 4217 code such as `GBP`."),
			"registration_number":       computed("The company's registration number, such as a Companies House number."),
			"tax_number":                computed("The company's tax number, such as a VAT number."),
			"financial_year_start_date": computed("Start of the company's financial year (ISO 8601)."),
			"ledger_lock_date":          computed("Date before which the company's ledger is locked against changes (ISO 8601)."),
			"created_date":              computed("When the company was created in its platform (ISO 8601)."),
			"addresses": schema.ListNestedAttribute{
				MarkdownDescription: "The company's addresses, in the order Codat returns them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"type":        computed("`Billing`, `Delivery`, `Order`, `Inventory` or `Unknown`."),
					"line1":       computed("First line of the address."),
					"line2":       computed("Second line of the address."),
					"city":        computed("City."),
					"region":      computed("Region, state or county."),
					"country":     computed("Country."),
					"postal_code": computed("Postal code."),
				}},
			},
			"phone_numbers": schema.ListNestedAttribute{
				MarkdownDescription: "The company's phone numbers, in the order Codat returns them.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"number": computed("The phone number, as entered in the platform."),
					"type":   computed("`Primary`, `Landline`, `Mobile`, `Fax` or `Unknown`."),
				}},
			},
			"web_links": schema.ListNestedAttribute{
				MarkdownDescription: "The company's websites and social media links.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"type": computed("`Website`, `Social` or `Unknown`."),
					"url":  computed("The link."),
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

func (d *companyInfoDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
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

	info, unlinked, err := waitForCompanyInfo(ctx, client, companyID, wait)
	var stopped *infoWaitStoppedError
	switch {
	case err == nil:
	case errors.As(err, &stopped):
		resp.Diagnostics.AddError("Stopped waiting for Codat company info",
			fmt.Sprintf("Terraform stopped waiting for company %s to sync after %s (%v). Run again once the business has authorised and the sync has finished.",
				companyID, stopped.waited.Round(time.Second), stopped.cause))
		return
	case codat.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("company_id"), "Codat company not found",
			fmt.Sprintf("Codat has no company with ID %s. Check company_id; if it comes from a codat_company resource, "+
				"the company may have been deleted outside Terraform (apply again to recreate it). %s", companyID, codatAnswer(err)))
		return
	case codat.IsConflict(err):
		resp.Diagnostics.AddError("Codat company info not synced yet", notSyncedDetail(ctx, client, companyID, wait, unlinked, err))
		return
	default:
		addAPIError(&resp.Diagnostics, "Cannot read Codat company info", err)
		return
	}
	state := newCompanyInfoModel(config, info)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// infoWaitStoppedError is returned when the context ends a wait.
type infoWaitStoppedError = waitStoppedError

// waitForCompanyInfo reads the company info and, while Codat answers 409 and
// wait has not passed, reads it again at growing intervals
// (defaultPollSchedule). The last read is at the deadline, so a sync that
// finishes just in time is not missed. It returns the last 409 when the wait
// runs out, and a *infoWaitStoppedError when ctx ends first.
//
// Waiting helps only once the business has authorised: before waiting it
// reads the company once, and when no connection is Linked it returns the
// 409 at once, with that company (for the message to give its links).
func waitForCompanyInfo(ctx context.Context, client *codat.Client, companyID string, wait time.Duration) (*codat.CompanyInfo, *codat.Company, error) {
	var info *codat.CompanyInfo
	var unlinked *codat.Company
	var last error
	checked := wait <= 0 // without a wait there is nothing to cut short
	err := pollUntil(ctx, time.Now().Add(wait), defaultPollSchedule, func() (bool, error) {
		info, last = client.GetCompanyInfo(ctx, companyID)
		if last == nil || !codat.IsConflict(last) {
			return true, last
		}
		if !checked {
			checked = true
			// If the look-up fails, wait anyway: the wait is what was asked for.
			if company, err := client.GetCompany(ctx, companyID); err == nil && !infoHasLinkedConnection(company.DataConnections) {
				unlinked = company
				return true, last
			}
		}
		return false, nil
	})
	if errors.Is(err, errPollDeadline) {
		return nil, nil, last
	}
	if err != nil {
		return nil, unlinked, err
	}
	return info, nil, nil
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
	case len(company.DataConnections) == 0:
		fmt.Fprintf(&b, "The company is not connected to any platform yet. Send the business to %s to choose its platform and authorise access; "+
			"Codat then syncs its data.", company.Redirect)
	case !infoHasLinkedConnection(company.DataConnections):
		if infoAllPending(company.DataConnections) {
			b.WriteString("The business has not authorised access yet. ")
		} else {
			b.WriteString("No connection of the company is Linked: access was never authorised, or was revoked (Deauthorized) or unlinked. ")
		}
		b.WriteString("Send the business to the link URL of its connection, where it signs in to its platform and authorises Codat:")
		for _, conn := range company.DataConnections {
			fmt.Fprintf(&b, "\n- %s (%s): %s", conn.PlatformName, conn.Status, conn.LinkURL)
		}
		b.WriteString("\nCodat syncs the data once access is authorised.")
	default:
		b.WriteString("The business has authorised access, but Codat has not synced the company's `company` data type yet")
		if statuses, err := client.GetDataStatus(ctx, companyID); err == nil {
			if st, ok := statuses[infoDataType]; ok && infoSyncFailed(st.CurrentStatus) {
				fmt.Fprintf(&b, ": its last sync ended with %s, so waiting will not help. Fix the cause (for %s, usually the business authorising again), "+
					"then queue the `company` data type again from the Codat Portal", st.CurrentStatus, codat.PullStatusAuthError)
			} else if ok {
				fmt.Fprintf(&b, " (its status is %s). A first sync usually takes minutes", st.CurrentStatus)
			} else {
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

// codatAnswer quotes Codat's own message and correlation id, for the end
// of a detail that has already said what went wrong in plain words.
func codatAnswer(err error) string {
	apiErr, ok := codat.AsAPIError(err)
	if !ok || apiErr.Message == "" {
		return err.Error()
	}
	s := "Codat said: " + strings.TrimSuffix(apiErr.Message, ".") + "."
	if apiErr.CorrelationID != "" {
		s += " (correlation id " + apiErr.CorrelationID + ")"
	}
	return s
}

func infoAllPending(conns []codat.Connection) bool {
	return !slices.ContainsFunc(conns, func(c codat.Connection) bool { return c.Status != codat.StatusPendingAuth })
}

// infoSyncFailed reports a dataset status that ends a pull without data:
// anything but Complete and the steps of a pull still running.
func infoSyncFailed(status string) bool {
	switch status {
	case codat.PullStatusComplete, "Initial", "Queued", "Fetching", "MapQueued", "Mapping",
		"ProcessingQueued", "Processing", "ValidationQueued", "Validating":
		return false
	}
	return true
}

func infoHasLinkedConnection(conns []codat.Connection) bool {
	return slices.ContainsFunc(conns, func(c codat.Connection) bool { return c.Status == codat.StatusLinked })
}

// newCompanyInfoModel is the one mapping from Codat's CompanyInfo to the
// model. Lists and the map are empty rather than null when Codat has none,
// so length() and for_each work on them.
func newCompanyInfoModel(config companyInfoDataSourceModel, info *codat.CompanyInfo) companyInfoDataSourceModel {
	m := companyInfoDataSourceModel{
		CompanyID:              config.CompanyID,
		WaitForSync:            config.WaitForSync,
		CompanyName:            apiString(info.CompanyName),
		LegalName:              apiString(info.CompanyLegalName),
		PlatformRef:            apiString(info.AccountingPlatformRef),
		BaseCurrency:           apiString(info.BaseCurrency),
		RegistrationNumber:     apiString(info.RegistrationNumber),
		TaxNumber:              apiString(info.TaxNumber),
		FinancialYearStartDate: apiString(info.FinancialYearStartDate),
		LedgerLockDate:         apiString(info.LedgerLockDate),
		CreatedDate:            apiString(info.CreatedDate),
		Addresses:              make([]companyAddressModel, 0, len(info.Addresses)),
		PhoneNumbers:           make([]companyPhoneModel, 0, len(info.PhoneNumbers)),
		WebLinks:               make([]companyWebLinkModel, 0, len(info.WebLinks)),
		SourceURLs:             make(map[string]string, len(info.SourceURLs)),
	}
	for _, a := range info.Addresses {
		m.Addresses = append(m.Addresses, companyAddressModel{
			Type:       apiString(a.Type),
			Line1:      apiString(a.Line1),
			Line2:      apiString(a.Line2),
			City:       apiString(a.City),
			Region:     apiString(a.Region),
			Country:    apiString(a.Country),
			PostalCode: apiString(a.PostalCode),
		})
	}
	for _, p := range info.PhoneNumbers {
		m.PhoneNumbers = append(m.PhoneNumbers, companyPhoneModel{Number: apiString(p.Number), Type: apiString(p.Type)})
	}
	for _, w := range info.WebLinks {
		m.WebLinks = append(m.WebLinks, companyWebLinkModel{Type: apiString(w.Type), URL: apiString(w.URL)})
	}
	for k, v := range info.SourceURLs {
		m.SourceURLs[k] = v
	}
	return m
}
