package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
)

// addAPIError turns a client error into a diagnostic whose summary names what
// failed and whose detail says what to do next, with Codat's own message and
// correlation id. Client errors never contain the API key.
func addAPIError(diags *diag.Diagnostics, summary string, err error) {
	diags.AddError(summary, apiErrorDetail(err))
}

func apiErrorDetail(err error) string {
	var b strings.Builder
	apiErr, ok := codat.AsAPIError(err)
	switch {
	case !ok:
		b.WriteString(err.Error())
	case codat.IsUnauthorized(err):
		fmt.Fprintf(&b, "Codat rejected the API key (HTTP %d). Check that api_key (or CODAT_API_KEY) holds a current key from the Codat Portal for this client and that base_url points at the right Codat environment.", apiErr.StatusCode)
	case codat.IsPaymentRequired(err):
		fmt.Fprintf(&b, "Codat refused this because of an account limit of your Codat plan (HTTP 402): %s. Upgrade the plan or stay within its limits.", apiErr.Message)
	case codat.IsRateLimited(err):
		fmt.Fprintf(&b, "Codat's rate limit was still exceeded after %d attempts (HTTP 429): %s. Apply again later, or lower Terraform's -parallelism.", apiErr.Attempts, apiErr.Message)
	default:
		b.WriteString(err.Error())
	}
	if ok && !codat.IsUnauthorized(err) {
		if apiErr.Validation != nil {
			for _, item := range apiErr.Validation.Errors {
				fmt.Fprintf(&b, "\n- %s: %s", item.ItemID, item.Message)
			}
		}
	}
	if ok && apiErr.CorrelationID != "" && !strings.Contains(b.String(), apiErr.CorrelationID) {
		fmt.Fprintf(&b, "\nCodat correlation id: %s", apiErr.CorrelationID)
	}
	return b.String()
}
