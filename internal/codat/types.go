package codat

// Wire types of the Codat Platform API, as described by Codat-Platform.json
// (and Codat-Spend-Insights.json for company info). The emulator serves these
// same types, and the contract test checks both sides against the OpenAPI
// description, so there is one definition of the wire format.
//
// Optional fields use omitempty; nullable fields decode a JSON null to the zero
// value. DateTime values stay strings: Codat returns UTC, local and offset
// forms, and callers (Terraform state) keep them as Codat sent them.

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Source types of an integration or connection.
const (
	SourceTypeAccounting = "Accounting"
	SourceTypeBanking    = "Banking"
	SourceTypeBankFeed   = "BankFeed"
	SourceTypeCommerce   = "Commerce"
	SourceTypeExpense    = "Expense"
	SourceTypeOther      = "Other"
	SourceTypeUnknown    = "Unknown"
)

// DataTypes is every value of the DataType enum, in spec order.
var DataTypes = []string{
	"accountTransactions", "balanceSheet", "bankAccounts", "bankTransactions", "billCreditNotes",
	"billPayments", "bills", "cashFlowStatement", "chartOfAccounts", "company", "creditNotes", "customers",
	"directCosts", "directIncomes", "invoices", "itemReceipts", "items", "journalEntries", "journals",
	"paymentMethods", "payments", "profitAndLoss", "purchaseOrders", "salesOrders", "suppliers", "taxRates",
	"trackingCategories", "transfers", "banking-accountBalances", "banking-accounts",
	"banking-transactionCategories", "banking-transactions", "commerce-companyInfo", "commerce-customers",
	"commerce-disputes", "commerce-locations", "commerce-orders", "commerce-paymentMethods",
	"commerce-payments", "commerce-productCategories", "commerce-products", "commerce-taxComponents",
	"commerce-transactions",
}

// Integration is a platform Codat can connect to (GET /integrations).
type Integration struct {
	Key                string            `json:"key"`
	LogoURL            string            `json:"logoUrl"`
	Name               string            `json:"name"`
	Enabled            bool              `json:"enabled"`
	SourceID           string            `json:"sourceId,omitempty"`
	SourceType         string            `json:"sourceType,omitempty"`
	IntegrationID      string            `json:"integrationId,omitempty"`
	IsOfflineConnector bool              `json:"isOfflineConnector"`
	IsBeta             bool              `json:"isBeta"`
	DataProvidedBy     string            `json:"dataProvidedBy,omitempty"`
	DatatypeFeatures   []DataTypeFeature `json:"datatypeFeatures,omitempty"`
}

// DataTypeFeature lists what an integration supports for one data type.
type DataTypeFeature struct {
	DataType          string             `json:"dataType"`
	SupportedFeatures []SupportedFeature `json:"supportedFeatures"`
}

// SupportedFeature is one feature (Get, Post, ...) and its release state.
type SupportedFeature struct {
	FeatureType  string `json:"featureType"`
	FeatureState string `json:"featureState"`
}

// Company is a business sharing its data through Codat.
type Company struct {
	ID                           string             `json:"id"`
	Name                         string             `json:"name"`
	Description                  string             `json:"description,omitempty"`
	Redirect                     string             `json:"redirect"`
	LastSync                     string             `json:"lastSync,omitempty"`
	Created                      string             `json:"created,omitempty"`
	CreatedByUserName            string             `json:"createdByUserName,omitempty"`
	Products                     []string           `json:"products,omitempty"`
	Tags                         map[string]string  `json:"tags,omitempty"`
	ReferenceParentCompany       *CompanyReference  `json:"referenceParentCompany,omitempty"`
	ReferenceSubsidiaryCompanies []CompanyReference `json:"referenceSubsidiaryCompanies,omitempty"`
	DataConnections              []Connection       `json:"dataConnections,omitempty"`
}

// CompanyReference points at a parent or subsidiary company.
type CompanyReference struct {
	ID          string            `json:"id,omitempty"`
	Name        string            `json:"name,omitempty"`
	Description string            `json:"description,omitempty"`
	Links       *CompanyLinks     `json:"links,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// CompanyLinks holds a company's portal link.
type CompanyLinks struct {
	Portal string `json:"portal,omitempty"`
}

// CompanyRequest is the body of POST /companies and PUT /companies/{id}.
// PUT replaces every field, so an omitted description or tags clears it.
type CompanyRequest struct {
	Name        string            `json:"name"`
	Description string            `json:"description,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
}

// CompanyUpdate is the body of PATCH /companies/{id}: nil fields are left
// unchanged; a non-nil empty Tags map removes every tag.
type CompanyUpdate struct {
	Name        *string            `json:"name,omitempty"`
	Description *string            `json:"description,omitempty"`
	Tags        *map[string]string `json:"tags,omitempty"`
}

// Connection is a company's connection to one platform.
type Connection struct {
	ID                   string            `json:"id"`
	IntegrationID        string            `json:"integrationId"`
	IntegrationKey       string            `json:"integrationKey,omitempty"`
	SourceID             string            `json:"sourceId"`
	SourceType           string            `json:"sourceType"`
	PlatformName         string            `json:"platformName"`
	LinkURL              string            `json:"linkUrl"`
	Status               ConnectionStatus  `json:"status"`
	LastSync             string            `json:"lastSync,omitempty"`
	Created              string            `json:"created"`
	DataConnectionErrors []ConnectionError `json:"dataConnectionErrors,omitempty"`
	ConnectionInfo       map[string]any    `json:"connectionInfo,omitempty"`
}

// ConnectionError is one error Codat recorded on a connection.
type ConnectionError struct {
	StatusCode    string `json:"statusCode,omitempty"`
	StatusText    string `json:"statusText,omitempty"`
	ErrorMessage  string `json:"errorMessage,omitempty"`
	ErroredOnUtc  string `json:"erroredOnUtc,omitempty"`
	Status        string `json:"status,omitempty"`
	ResolvedOnUtc string `json:"resolvedOnUtc,omitempty"`
}

// CreateConnectionRequest is the body of POST /companies/{id}/connections.
type CreateConnectionRequest struct {
	PlatformKey string `json:"platformKey"`
}

// UpdateConnectionStatus is the body of PATCH .../connections/{id}.
type UpdateConnectionStatus struct {
	Status ConnectionStatus `json:"status"`
}

// DataStatus is the state of one data type in Codat's cache for a company.
type DataStatus struct {
	DataType               string     `json:"dataType"`
	CurrentStatus          PullStatus `json:"currentStatus"`
	LastSuccessfulSync     string     `json:"lastSuccessfulSync,omitempty"`
	LatestSyncID           string     `json:"latestSyncId,omitempty"`
	LatestSuccessfulSyncID string     `json:"latestSuccessfulSyncId,omitempty"`
}

// DataStatuses is GET /companies/{id}/dataStatus: one entry per data type
// that has a status; absent types have never been queued.
type DataStatuses map[string]DataStatus

// PullOperation is one queued, running or finished pull of a data type
// (formerly called a dataset).
type PullOperation struct {
	ID                string     `json:"id"`
	CompanyID         string     `json:"companyId"`
	ConnectionID      string     `json:"connectionId"`
	DataType          string     `json:"dataType"`
	Status            PullStatus `json:"status"`
	StatusDescription string     `json:"statusDescription,omitempty"`
	ErrorMessage      string     `json:"errorMessage,omitempty"`
	Requested         string     `json:"requested"`
	Completed         string     `json:"completed,omitempty"`
	Progress          int        `json:"progress"`
	IsCompleted       bool       `json:"isCompleted"`
	IsErrored         bool       `json:"isErrored"`
}

// SyncSetting says how often and how far back one data type is fetched.
// Set SyncFromUTC or SyncFromWindow, not both; MonthsToSync applies only to
// balanceSheet and profitAndLoss.
type SyncSetting struct {
	DataType         string `json:"dataType"`
	FetchOnFirstLink bool   `json:"fetchOnFirstLink"`
	SyncSchedule     int    `json:"syncSchedule"`
	SyncOrder        int    `json:"syncOrder"`
	SyncFromUTC      string `json:"syncFromUtc,omitempty"`
	SyncFromWindow   *int   `json:"syncFromWindow,omitempty"`
	MonthsToSync     *int   `json:"monthsToSync,omitempty"`
	IsLocked         bool   `json:"isLocked,omitempty"`
}

// CompanySyncSettings is GET/POST /companies/{id}/syncSettings.
type CompanySyncSettings struct {
	CompanyID         string        `json:"companyId"`
	Settings          []SyncSetting `json:"settings"`
	OverridesDefaults bool          `json:"overridesDefaults"`
	// Omitted names the fields above that a decoded body left out or sent
	// as null (nil when it had them all): the spec requires them in the POST
	// body but marks none of them required in the GET answer, so a missing
	// overridesDefaults need not mean false.
	Omitted []string `json:"-"`
}

// ProfileSyncSettings is GET/POST /profile/syncSettings: the client-wide
// defaults for companies without their own settings.
type ProfileSyncSettings struct {
	ClientID          string        `json:"clientId"`
	Settings          []SyncSetting `json:"settings"`
	OverridesDefaults bool          `json:"overridesDefaults"`
	// Omitted is as in CompanySyncSettings.
	Omitted []string `json:"-"`
}

// UnmarshalJSON decodes as usual and records the omitted fields.
func (s *CompanySyncSettings) UnmarshalJSON(data []byte) error {
	type plain CompanySyncSettings // without this method
	return decodeRecordingOmitted(data, (*plain)(s), &s.Omitted, "companyId", "settings", "overridesDefaults")
}

// UnmarshalJSON decodes as usual and records the omitted fields.
func (s *ProfileSyncSettings) UnmarshalJSON(data []byte) error {
	type plain ProfileSyncSettings // without this method
	return decodeRecordingOmitted(data, (*plain)(s), &s.Omitted, "clientId", "settings", "overridesDefaults")
}

// decodeRecordingOmitted decodes data into v and sets *omitted to the
// names among names that data leaves out.
func decodeRecordingOmitted(data []byte, v any, omitted *[]string, names ...string) error {
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	*omitted = omittedFields(data, names...)
	return nil
}

// omittedFields lists the names that the JSON object data lacks or holds
// null; names match case-insensitively, as encoding/json does.
func omittedFields(data []byte, names ...string) []string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil {
		return nil
	}
	var out []string
	for _, name := range names {
		found := false
		for key, value := range fields {
			if strings.EqualFold(key, name) && string(bytes.TrimSpace(value)) != "null" {
				found = true
				break
			}
		}
		if !found {
			out = append(out, name)
		}
	}
	return out
}

// CompanyInfo is GET /companies/{id}/data/info: the company as its platform
// describes it, available once the company data type has synced.
type CompanyInfo struct {
	CompanyName            string            `json:"companyName,omitempty"`
	AccountingPlatformRef  string            `json:"accountingPlatformRef,omitempty"`
	CompanyLegalName       string            `json:"companyLegalName,omitempty"`
	Addresses              []Address         `json:"addresses,omitempty"`
	PhoneNumbers           []PhoneNumber     `json:"phoneNumbers,omitempty"`
	WebLinks               []WebLink         `json:"webLinks,omitempty"`
	LedgerLockDate         string            `json:"ledgerLockDate,omitempty"`
	RegistrationNumber     string            `json:"registrationNumber,omitempty"`
	TaxNumber              string            `json:"taxNumber,omitempty"`
	FinancialYearStartDate string            `json:"financialYearStartDate,omitempty"`
	BaseCurrency           string            `json:"baseCurrency,omitempty"`
	SourceURLs             map[string]string `json:"sourceUrls,omitempty"`
	CreatedDate            string            `json:"createdDate,omitempty"`
}

// Address is one postal address in CompanyInfo.
type Address struct {
	Type       string `json:"type"`
	Line1      string `json:"line1,omitempty"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city,omitempty"`
	Region     string `json:"region,omitempty"`
	Country    string `json:"country,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
}

// PhoneNumber is one phone number in CompanyInfo.
type PhoneNumber struct {
	Number string `json:"number,omitempty"`
	Type   string `json:"type"`
}

// WebLink is one web address in CompanyInfo.
type WebLink struct {
	Type string `json:"type,omitempty"`
	URL  string `json:"url,omitempty"`
}

// ErrorMessage is the body Codat sends with every 4xx and 5xx response.
// Its statusCode is not trusted (the spec's own examples get it wrong); the
// HTTP status is.
type ErrorMessage struct {
	StatusCode        int              `json:"statusCode"`
	Service           string           `json:"service,omitempty"`
	Error             string           `json:"error"`
	CorrelationID     string           `json:"correlationId,omitempty"`
	Validation        *ErrorValidation `json:"validation,omitempty"`
	CanBeRetried      string           `json:"canBeRetried,omitempty"`
	DetailedErrorCode int              `json:"detailedErrorCode"`
}

// ErrorValidation lists the validation decisions behind an error.
type ErrorValidation struct {
	Errors   []ValidationItem `json:"errors,omitempty"`
	Warnings []ValidationItem `json:"warnings,omitempty"`
}

// ValidationItem is one validation error or warning.
type ValidationItem struct {
	ItemID        string `json:"itemId,omitempty"`
	Message       string `json:"message,omitempty"`
	ValidatorName string `json:"validatorName,omitempty"`
}

// Page is the envelope of every list endpoint.
type Page[T any] struct {
	Results      []T   `json:"results"`
	PageNumber   int   `json:"pageNumber"`
	PageSize     int   `json:"pageSize"`
	TotalResults int   `json:"totalResults"`
	Links        Links `json:"_links"`
}

// Results is the envelope of the lists Codat answers whole, without paging
// (webhook consumers, API keys).
type Results[T any] struct {
	Results []T `json:"results"`
}

// Links are the paging links of a Page.
type Links struct {
	Self     Href  `json:"self"`
	Current  Href  `json:"current"`
	Next     *Href `json:"next,omitempty"`
	Previous *Href `json:"previous,omitempty"`
}

// Href is one link.
type Href struct {
	Href string `json:"href"`
}
