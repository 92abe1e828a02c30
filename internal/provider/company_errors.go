package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// addCompanyReadError reports a failed read of company companyID or of
// something under it: Codat answers 404 when the company itself is unknown,
// which is said on company_id with what to check; any other failure goes
// under summary.
func addCompanyReadError(diags *diag.Diagnostics, companyID, summary string, err error) {
	if codat.IsNotFound(err) {
		addCompanyNotFound(diags, companyID, err)
		return
	}
	addAPIError(diags, summary, err)
}
