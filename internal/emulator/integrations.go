package emulator

import (
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// platform describes one catalogue entry. Keys are Codat's real platform keys
// (from Codat's documentation) except where a comment says otherwise.
type platform struct {
	key, name, sourceType string
	disabled, beta        bool
	offline               bool   // installed on the business's computer
	providedBy            string // empty means Codat
	features              []codat.DataTypeFeature
}

var platforms = []platform{
	// Accounting.
	{key: "gbol", name: "Xero", sourceType: codat.SourceTypeAccounting, features: accountingFeatures(true)},
	{key: "qhyg", name: "QuickBooks Online", sourceType: codat.SourceTypeAccounting, features: accountingFeatures(true)},
	{key: "ndsk", name: "QuickBooks Online Sandbox", sourceType: codat.SourceTypeAccounting, features: accountingFeatures(true)},
	{key: "pqsw", name: "QuickBooks Desktop", sourceType: codat.SourceTypeAccounting, offline: true, features: accountingFeatures(false)},
	{key: "hbql", name: "Sage 50 (UK)", sourceType: codat.SourceTypeAccounting, offline: true},
	{key: "jcrp", name: "Sage 200cloud", sourceType: codat.SourceTypeAccounting},
	{key: "knfz", name: "Sage Intacct", sourceType: codat.SourceTypeAccounting},
	{key: "tgff", name: "Sage Business Cloud Accounting", sourceType: codat.SourceTypeAccounting},
	{key: "akxx", name: "Oracle NetSuite", sourceType: codat.SourceTypeAccounting},
	{key: "trji", name: "Microsoft Dynamics 365 Business Central", sourceType: codat.SourceTypeAccounting},
	{key: "qudb", name: "Exact (Netherlands)", sourceType: codat.SourceTypeAccounting},
	{key: "pbbf", name: "Exact (UK)", sourceType: codat.SourceTypeAccounting},
	{key: "fbrh", name: "FreeAgent", sourceType: codat.SourceTypeAccounting},
	{key: "vxvy", name: "FreshBooks", sourceType: codat.SourceTypeAccounting},
	{key: "pdvj", name: "MYOB Business", sourceType: codat.SourceTypeAccounting},
	{key: "rwuv", name: "Zoho Books", sourceType: codat.SourceTypeAccounting, beta: true},
	{key: "vjms", name: "Pandle", sourceType: codat.SourceTypeAccounting, beta: true},
	{key: "mqjo", name: "Accounting Sandbox", sourceType: codat.SourceTypeAccounting, features: accountingFeatures(true)},
	{key: "wvzu", name: "KashFlow", sourceType: codat.SourceTypeAccounting, disabled: true},
	{key: "jhch", name: "Clear Books", sourceType: codat.SourceTypeAccounting, disabled: true},
	{key: "pbtz", name: "Wave", sourceType: codat.SourceTypeAccounting, disabled: true},
	// Banking.
	{key: "qhnd", name: "Banking Sandbox", sourceType: codat.SourceTypeBanking, features: bankingFeatures()},
	{key: "suuo", name: "Plaid", sourceType: codat.SourceTypeBanking, providedBy: "Plaid", features: bankingFeatures()},
	{key: "upvr", name: "TrueLayer", sourceType: codat.SourceTypeBanking, providedBy: "TrueLayer"},
	{key: "dfxm", name: "Basiq", sourceType: codat.SourceTypeBanking, providedBy: "Basiq", beta: true},
	// Commerce.
	{key: "aiwb", name: "Commerce Sandbox", sourceType: codat.SourceTypeCommerce, features: commerceFeatures()},
	{key: "fztf", name: "Shopify", sourceType: codat.SourceTypeCommerce, features: commerceFeatures()},
	{key: "exgd", name: "Stripe", sourceType: codat.SourceTypeCommerce},
	{key: "zsth", name: "Square", sourceType: codat.SourceTypeCommerce},
	{key: "gvom", name: "PayPal", sourceType: codat.SourceTypeCommerce},
	{key: "ugxp", name: "Zettle", sourceType: codat.SourceTypeCommerce},
	{key: "ltpp", name: "WooCommerce", sourceType: codat.SourceTypeCommerce, beta: true},
	{key: "qkdj", name: "Amazon Seller Central", sourceType: codat.SourceTypeCommerce, beta: true},
	{key: "lhcb", name: "Recurly", sourceType: codat.SourceTypeCommerce, disabled: true},
	// Bank feeds.
	{key: "qalf", name: "Xero Bank Feeds", sourceType: codat.SourceTypeBankFeed},
	{key: "olpr", name: "Sage Bank Feeds", sourceType: codat.SourceTypeBankFeed, beta: true},
	// Expense. "xpns" is the emulator's own key: no real expense platform key
	// is documented.
	{key: "xpns", name: "Expense Sandbox", sourceType: codat.SourceTypeExpense, beta: true, features: expenseFeatures()},
}

// integrationCatalogue is the immutable GET /integrations list, sorted by name
// like Codat's portal.
var integrationCatalogue = buildCatalogue()

func buildCatalogue() []codat.Integration {
	out := make([]codat.Integration, 0, len(platforms))
	for _, p := range platforms {
		providedBy := p.providedBy
		if providedBy == "" {
			providedBy = "Codat"
		}
		logo := strings.ToUpper(uuid.NewSHA1(emulatorNamespace, []byte("logo:"+p.key)).String())
		out = append(out, codat.Integration{
			Key:                p.key,
			LogoURL:            "https://static.codat.io/public/officialLogos/Full/" + logo + ".png",
			Name:               p.name,
			Enabled:            !p.disabled,
			SourceID:           uuid.NewSHA1(emulatorNamespace, []byte("source:"+p.key)).String(),
			SourceType:         p.sourceType,
			IntegrationID:      uuid.NewSHA1(emulatorNamespace, []byte("integration:"+p.key)).String(),
			IsOfflineConnector: p.offline,
			IsBeta:             p.beta,
			DataProvidedBy:     providedBy,
			DatatypeFeatures:   p.features,
		})
	}
	slices.SortFunc(out, func(a, b codat.Integration) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// integrationByKey looks up a platform key. Matching is exact: keys are
// [a-z]{4} in the spec, and a client sending "GBOL" has a bug worth seeing.
func integrationByKey(key string) (codat.Integration, bool) {
	for _, in := range integrationCatalogue {
		if in.Key == key {
			return in, true
		}
	}
	return codat.Integration{}, false
}

func features(dataType string, pairs ...string) codat.DataTypeFeature {
	f := codat.DataTypeFeature{DataType: dataType}
	for i := 0; i+1 < len(pairs); i += 2 {
		f.SupportedFeatures = append(f.SupportedFeatures, codat.SupportedFeature{FeatureType: pairs[i], FeatureState: pairs[i+1]})
	}
	return f
}

func accountingFeatures(canWrite bool) []codat.DataTypeFeature {
	write := "Release"
	if !canWrite {
		write = "NotSupported"
	}
	return []codat.DataTypeFeature{
		features("company", "Get", "Release"),
		features("chartOfAccounts", "Get", "Release", "Post", write),
		features("customers", "Get", "Release", "Post", write, "Put", write),
		features("suppliers", "Get", "Release", "Post", write, "Put", write),
		features("invoices", "Get", "Release", "Post", write, "Put", write, "Delete", "Beta", "GetAsPdf", "Release", "GetAttachments", "Release"),
		features("bills", "Get", "Release", "Post", write, "Put", write, "UploadAttachment", "Beta"),
		features("payments", "Get", "Release", "Post", write),
		features("bankAccounts", "Get", "Release", "Post", write),
		features("balanceSheet", "Get", "Release"),
		features("profitAndLoss", "Get", "Release"),
		features("journalEntries", "Get", "Release", "Post", write, "Delete", "Beta"),
		features("taxRates", "Get", "Release"),
	}
}

func bankingFeatures() []codat.DataTypeFeature {
	return []codat.DataTypeFeature{
		features("banking-accounts", "Get", "Release"),
		features("banking-accountBalances", "Get", "Release"),
		features("banking-transactions", "Get", "Release"),
		features("banking-transactionCategories", "Get", "Beta"),
	}
}

func commerceFeatures() []codat.DataTypeFeature {
	return []codat.DataTypeFeature{
		features("commerce-companyInfo", "Get", "Release"),
		features("commerce-orders", "Get", "Release"),
		features("commerce-customers", "Get", "Release"),
		features("commerce-products", "Get", "Release"),
		features("commerce-transactions", "Get", "Release"),
		features("commerce-disputes", "Get", "Beta"),
	}
}

// expenseFeatures are the emulator's own expense platform's: it receives
// data and reads none (see dataTypeSupported), which its catalogue entry
// says for the data types a sync most often names, as Codat's entries say
// what a platform cannot do (featureState NotSupported).
func expenseFeatures() []codat.DataTypeFeature {
	var out []codat.DataTypeFeature
	for _, dataType := range []string{"company", "chartOfAccounts", "invoices", "bills", "bankAccounts"} {
		out = append(out, features(dataType, "Get", "NotSupported"))
	}
	return out
}

var integrationList = listSpec{resource: "Integration", service: servicePublicAPI}

func (e *Emulator) handleListIntegrations(w http.ResponseWriter, r *http.Request) {
	respondList(w, r, integrationList, integrationCatalogue, nil)
}

func (e *Emulator) handleGetIntegration(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("platformKey")
	in, ok := integrationByKey(key)
	if !ok {
		writeError(w, &apiError{status: http.StatusNotFound, service: servicePublicAPI,
			message: "No integration was found with key " + key})
		return
	}
	writeJSON(w, http.StatusOK, in)
}
