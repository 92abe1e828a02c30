package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// companyNameRule is Codat's rule for company names, in words. Codat removes
// any other character instead of rejecting the name, which would leave the
// state disagreeing with the configuration, so Terraform rejects them first.
const companyNameRule = "letters A-Z and a-z, digits, spaces and - ' & @ . , ? !"

// companyNameAllowed reports whether Codat keeps r in a company name. Codat's
// pattern also allows other whitespace (\s); tabs and line breaks are refused
// here because nobody means them and Codat's handling of them is not
// documented.
func companyNameAllowed(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune(" -'&@.,?!", r)
}

// companyNameProblem explains what is wrong with a company name, or returns "".
func companyNameProblem(name string) string {
	if strings.TrimSpace(name) == "" {
		return "must contain at least one letter or digit"
	}
	var bad []string
	seen := map[rune]bool{}
	for _, r := range name {
		if companyNameAllowed(r) || seen[r] {
			continue
		}
		seen[r] = true
		bad = append(bad, describeRune(r))
	}
	if len(bad) > 0 {
		return fmt.Sprintf("contains %s, which Codat does not allow (it would silently remove %s). A company name may contain only %s",
			strings.Join(bad, ", "), pluralIt(len(bad)), companyNameRule)
	}
	if strings.TrimSpace(name) != name {
		return "starts or ends with a space; remove it, as Codat may trim it"
	}
	return ""
}

func pluralIt(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// describeRune names a character so that it can be found in the configuration.
func describeRune(r rune) string {
	switch r {
	case '\t':
		return "a tab"
	case '\n', '\r':
		return "a line break"
	}
	if r < ' ' || r == 0x7f {
		return fmt.Sprintf("the control character %U", r)
	}
	return strconv.Quote(string(r))
}

// sanitizeCompanyName turns a name from an accounting platform into one Codat
// stores unchanged: other whitespace becomes a space, characters Codat would
// remove are removed, and surrounding spaces are trimmed.
func sanitizeCompanyName(name string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0xa0:
			return ' '
		case companyNameAllowed(r):
			return r
		}
		return -1
	}, name)
	return strings.TrimSpace(clean)
}

// companyNameValidator checks name and temporary_name at plan time.
type companyNameValidator struct{}

func (companyNameValidator) Description(context.Context) string {
	return "may contain only " + companyNameRule
}

func (v companyNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (companyNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := companyNameProblem(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Codat company name",
			fmt.Sprintf("%s %q %s.", req.Path, req.ConfigValue.ValueString(), problem))
	}
}

// notEmptyStringValidator rejects "" for an optional attribute: Codat does not
// tell an empty value from none, so "" would come back as null.
type notEmptyStringValidator struct{}

func (notEmptyStringValidator) Description(context.Context) string {
	return "must not be empty; omit the attribute instead"
}

func (v notEmptyStringValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (notEmptyStringValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() != "" {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Empty "+req.Path.String(),
		fmt.Sprintf("%s is set to an empty string. Codat does not store an empty %s, so omit the attribute (or set it to null) for none.",
			req.Path, req.Path))
}

// companyTagsValidator checks the rules the creation marker adds to Codat's
// tag limits: at most maxUserTags tags, and not its key.
type companyTagsValidator struct{}

func (companyTagsValidator) Description(context.Context) string {
	return fmt.Sprintf("at most %d tags, none with the key %q", maxUserTags, creationTagKey)
}

func (v companyTagsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (companyTagsValidator) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elements := req.ConfigValue.Elements()
	if n := len(elements); n > maxUserTags {
		resp.Diagnostics.AddAttributeError(req.Path, "Too many company tags",
			fmt.Sprintf("%s has %d tags, but at most %d can be set: Codat allows 10 per company, and Terraform writes one of its own, %q, while it creates the company (see the Retries, rate limits and guarantees guide).",
				req.Path, n, maxUserTags, creationTagKey))
	}
	for key := range elements {
		if strings.EqualFold(key, creationTagKey) {
			resp.Diagnostics.AddAttributeError(req.Path, "Reserved company tag",
				fmt.Sprintf("%s must not use the key %q: Terraform writes that tag while it creates a company, to find the company again if Codat's answer is lost, and removes it afterwards.",
					req.Path, key))
		}
	}
}
