package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// invalidConfig is one configuration that must fail at plan time with a
// diagnostic naming attr and stating rule, before any request.
type invalidConfig struct {
	name string
	// config is the HCL after the provider block (or the whole configuration,
	// provider block included, when it starts with "provider").
	config string
	// attr and rule must both appear in the error; spaces match any
	// whitespace, as Terraform wraps messages.
	attr, rule string
}

const someCompanyID = "7e7b7ca8-5a4b-4c3c-9d8e-0f1a2b3c4d5e"

// expectProblems checks a rule's problem function (name, for the error)
// against cases: each input with "" where the rule has no problem with it,
// else a part of the problem it must state.
func expectProblems(t *testing.T, name string, problem func(string) string, cases map[string]string) {
	t.Helper()
	for in, want := range cases {
		got := problem(in)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("%s(%q) = %q, want %q", name, in, got, want)
		}
	}
}

func companyCase(name, body, attr, rule string) invalidConfig {
	return invalidConfig{name, "resource \"codat_company\" \"test\" {\n  " + body + "\n}\n", attr, rule}
}

func scheduleCase(name, companyID, dataTypes, attr, rule string) invalidConfig {
	return invalidConfig{name, fmt.Sprintf("resource \"codat_sync_schedule\" \"test\" {\n  company_id = %q\n  data_types = {\n    %s\n  }\n}\n", companyID, dataTypes), attr, rule}
}

func profileCase(name, dataTypes, attr, rule string) invalidConfig {
	return invalidConfig{name, fmt.Sprintf("resource \"codat_profile_sync_settings\" \"test\" {\n  data_types = {\n    %s\n  }\n}\n", dataTypes), attr, rule}
}

func dataSyncCase(name, body, attr, rule string) invalidConfig {
	return invalidConfig{name, fmt.Sprintf("resource \"codat_data_sync\" \"test\" {\n  company_id = %q\n  %s\n}\n", someCompanyID, body), attr, rule}
}

func connectionCase(name, companyID, platformKey, attr, rule string) invalidConfig {
	return invalidConfig{name, fmt.Sprintf("resource \"codat_connection\" \"test\" {\n  company_id   = %q\n  platform_key = %q\n}\n", companyID, platformKey), attr, rule}
}

// settingCase is one invalid configuration of a client-wide setting's
// resource (kind), with body as its arguments.
func settingCase(kind, name, body, attr, rule string) invalidConfig {
	return invalidConfig{name, fmt.Sprintf("resource %q \"test\" {\n  %s\n}\n", kind, body), attr, rule}
}

func dataSourceCase(name, kind, body, attr, rule string) invalidConfig {
	return invalidConfig{name, fmt.Sprintf("data %q \"x\" {\n  %s\n}\n", kind, body), attr, rule}
}

func providerCase(name, settings, attr, rule string) invalidConfig {
	return invalidConfig{name, "provider \"codat\" {\n  " + settings + "\n}\ndata \"codat_integrations\" \"all\" {}\n", attr, rule}
}

func invalidConfigs() map[string][]invalidConfig {
	tags := func(n int) string {
		pairs := make([]string, n)
		for i := range pairs {
			pairs[i] = fmt.Sprintf("t%d = \"v\"", i)
		}
		return "name = \"Acme\"\n  tags = {" + strings.Join(pairs, ", ") + "}"
	}
	daily := `sync_every = "daily"`
	return map[string][]invalidConfig{
		"codat_company": {
			companyCase("forbidden characters", `name = "Acme (UK) Ltd"`, `name`, `"Acme (UK) Ltd" contains "(", ")", which Codat does not allow`),
			companyCase("tab", `name = "Acme\tLtd"`, `name`, `contains a tab, which Codat does not allow`),
			companyCase("leading space", `name = " Acme"`, `name`, `starts or ends with a space`),
			companyCase("blank name", `name = "   "`, `name`, `must contain at least one letter or digit`),
			companyCase("temporary name characters", `temporary_name = "Lead #42"`, `temporary_name`, `"Lead #42" contains "#"`),
			companyCase("empty description", "name = \"Acme\"\n  description = \"\"", `description`, `string length must be at least 1`),
			companyCase("ten tags", tags(10), `tags`, `tags has 10 tags, but at most 9 can be set: Codat allows 10 per company, and Terraform writes one of its own`),
			companyCase("reserved tag", "name = \"Acme\"\n  tags = { terraform_codat_create = \"x\" }", `tags`, `must not use the key "terraform_codat_create"`),
			companyCase("long tag key", "name = \"Acme\"\n  tags = { "+strings.Repeat("k", 28)+" = \"v\" }", `tags`, `UTF-8 character count must be between 1 and 27`),
			companyCase("tag key with a line break", "name = \"Acme\"\n  tags = { \"a\\nb\" = \"v\" }", `tags`, `must not contain line breaks`),
			companyCase("long tag value", "name = \"Acme\"\n  tags = { k = \""+strings.Repeat("v", 101)+"\" }", `tags`, `UTF-8 character count must be at most 100`),
			companyCase("platform key shape", "name = \"Acme\"\n  platform_key = \"Xero\"", `platform_key`, `must be a Codat platform key: four lower-case letters`),
			companyCase("name and temporary name", "name = \"Acme\"\n  temporary_name = \"Lead 42\"", `name,temporary_name`, `Exactly one of these attributes must be configured`),
			companyCase("no name", `description = "no name"`, `name,temporary_name`, `Exactly one of these attributes must be configured`),
			companyCase("name_from_platform without temporary name", "name = \"Acme\"\n  name_from_platform = \"legal_name\"", `temporary_name`, `must be specified when "name_from_platform" is specified`),
			companyCase("name_from_platform value", "temporary_name = \"Lead 42\"\n  name_from_platform = \"trading_name\"", `name_from_platform`, `value must be one of: ["company_name" "legal_name"]`),
		},
		"codat_connection": {
			connectionCase("platform key shape", someCompanyID, "Plaid", `platform_key`, `must be a Codat platform key: four lower-case letters`),
			connectionCase("platform key length", someCompanyID, "gbo", `platform_key`, `four lower-case letters`),
			connectionCase("company id shape", "harbour-bakery", "gbol", `company_id`, `must be a Codat company ID`),
		},
		"codat_sync_schedule": {
			scheduleCase("data type spelling", someCompanyID, `Invoice = { `+daily+` }`, `data_types`, `"Invoice" is not a Codat data type. Did you mean "invoices"`),
			scheduleCase("data type family", someCompanyID, `bankingAccounts = { `+daily+` }`, `data_types`, `Did you mean "banking-accounts"`),
			scheduleCase("sync_from and window", someCompanyID, `invoices = { sync_every = "daily", sync_from = "2024-01-01", sync_from_window_months = 12 }`, `sync_from_window_months`, `cannot be specified when`),
			scheduleCase("months_to_sync on invoices", someCompanyID, `invoices = { sync_every = "daily", months_to_sync = 12 }`, `months_to_sync`, `applies only to balanceSheet and profitAndLoss`),
			scheduleCase("zero hours", someCompanyID, `invoices = { sync_every = "0h" }`, `data_types["invoices"].sync_every`, `"0h", 0 hours: Codat syncs from hourly to monthly, so it must be from "1h" to "720h"`),
			scheduleCase("too many hours", someCompanyID, `invoices = { sync_every = "721h" }`, `sync_every`, `"721h", 721 hours: Codat syncs from hourly to monthly`),
			scheduleCase("unknown interval", someCompanyID, `invoices = { sync_every = "fortnightly" }`, `sync_every`, `must be "hourly" (1 hour), "daily" (24 hours), "weekly" (168 hours), "monthly" (720 hours) or a number of hours such as "12h" or "36h"; got "fortnightly"`),
			scheduleCase("interval case", someCompanyID, `invoices = { sync_every = "Daily" }`, `sync_every`, `got "Daily"`),
			scheduleCase("sync_from format", someCompanyID, `invoices = { sync_every = "daily", sync_from = "01/02/2024" }`, `data_types["invoices"].sync_from`, `must be a date such as "2024-01-01" or an RFC 3339 date-time such as "2024-01-01T00:00:00Z", got "01/02/2024"`),
			scheduleCase("sync_from without zone", someCompanyID, `invoices = { sync_every = "daily", sync_from = "2024-01-01T00:00:00" }`, `sync_from`, `got "2024-01-01T00:00:00"`),
			scheduleCase("negative sync_order", someCompanyID, `invoices = { sync_every = "daily", sync_order = -1 }`, `sync_order`, `value must be at least 0`),
			scheduleCase("zero window", someCompanyID, `invoices = { sync_every = "daily", sync_from_window_months = 0 }`, `sync_from_window_months`, `value must be at least 1`),
			scheduleCase("zero months_to_sync", someCompanyID, `balanceSheet = { sync_every = "daily", months_to_sync = 0 }`, `months_to_sync`, `value must be at least 1`),
			scheduleCase("no data types", someCompanyID, ``, `data_types`, `map must contain at least 1 elements`),
			scheduleCase("company id", "acme", `invoices = { `+daily+` }`, `company_id`, `must be a Codat company ID`),
		},
		"codat_profile_sync_settings": {
			profileCase("data type case", `profitandloss = { `+daily+` }`, `data_types`, `"profitandloss" is not a Codat data type. Did you mean "profitAndLoss"`),
			profileCase("sync_from and window", `bills = { sync_every = "weekly", sync_from = "2024-01-01", sync_from_window_months = 3 }`, `sync_from_window_months`, `cannot be specified when`),
			profileCase("months_to_sync on bills", `bills = { sync_every = "weekly", months_to_sync = 3 }`, `months_to_sync`, `applies only to balanceSheet and profitAndLoss`),
			profileCase("too many hours", `bills = { sync_every = "1000h" }`, `sync_every`, `is "1000h", 1000 hours`),
		},
		"codat_data_sync": {
			dataSyncCase("data type spelling", `data_types = ["invoice", "bills"]`, `data_types`, `"invoice" is not a Codat data type. Did you mean "invoices"`),
			dataSyncCase("empty data types", `data_types = []`, `data_types`, `set must contain at least 1 elements`),
			dataSyncCase("connection without data types", `connection_id = "`+someCompanyID+`"`, `connection_id`, `Attribute "data_types" must be specified when "connection_id" is specified`),
			dataSyncCase("connection id shape", "data_types = [\"bills\"]\n  connection_id = \"conn-1\"", `connection_id`, `must be a Codat connection ID (a UUID)`),
			{"company id shape", "resource \"codat_data_sync\" \"test\" {\n  company_id = \"x\"\n  data_types = [\"bills\"]\n}\n", `company_id`, `must be a Codat company ID`},
			dataSyncCase("timeout", "data_types = [\"bills\"]\n  timeouts {\n    create = \"ten minutes\"\n  }", `create`, `"ten minutes"`),
		},
		"codat_profile": {
			settingCase("codat_profile", "empty name", `name = ""`, `name`, `string length must be at least 1`),
			settingCase("codat_profile", "redirect without scheme", `redirect_url = "app.example.com/{companyId}"`, `redirect_url`, `must start with https://`),
			settingCase("codat_profile", "unclosed parameter", `redirect_url = "https://app.example.com/{companyId"`, `redirect_url`, `has a "{" without its "}"`),
			settingCase("codat_profile", "logo not a URL", `logo_url = "logo.png"`, `logo_url`, `must start with https://`),
			settingCase("codat_profile", "allowed URL scheme", `white_list_urls = ["ftp://files.example.com"]`, `white_list_urls`, `must start with https://`),
		},
		"codat_cors_settings": {
			settingCase("codat_cors_settings", "trailing slash", `allowed_origins = ["https://app.example.com/"]`, `allowed_origins`, `no path, query or fragment (not even a trailing /)`),
			settingCase("codat_cors_settings", "no scheme", `allowed_origins = ["app.example.com"]`, `allowed_origins`, `must start with https:// or http://`),
			settingCase("codat_cors_settings", "upper case", `allowed_origins = ["https://App.example.com"]`, `allowed_origins`, `must be lower case, as browsers send origins`),
			settingCase("codat_cors_settings", "bad port", `allowed_origins = ["https://app.example.com:99999"]`, `allowed_origins`, `has an invalid port`),
		},
		"codat_webhook_consumer": {
			settingCase("codat_webhook_consumer", "plain http", "url = \"http://hooks.example.com/codat\"\n  event_types = [\"company.created\"]", `url`, `must use https (plain http only to a loopback host`),
			settingCase("codat_webhook_consumer", "event type case", "url = \"https://hooks.example.com\"\n  event_types = [\"Company.Created\"]", `event_types`, `"Company.Created" is not an event type Codat sends. Did you mean "company.created"`),
			settingCase("codat_webhook_consumer", "legacy rule name", "url = \"https://hooks.example.com\"\n  event_types = [\"DataSyncCompleted\"]", `event_types`, `is not an event type Codat sends`),
			settingCase("codat_webhook_consumer", "no event types", "url = \"https://hooks.example.com\"\n  event_types = []", `event_types`, `set must contain at least 1 elements`),
			settingCase("codat_webhook_consumer", "tag without colon", "url = \"https://hooks.example.com\"\n  event_types = [\"company.created\"]\n  company_tags = [\"region=uk\"]", `company_tags`, `must be key:value, e.g. region:uk`),
			settingCase("codat_webhook_consumer", "eleven tags", "url = \"https://hooks.example.com\"\n  event_types = [\"company.created\"]\n  company_tags = [\"t:0\",\"t:1\",\"t:2\",\"t:3\",\"t:4\",\"t:5\",\"t:6\",\"t:7\",\"t:8\",\"t:9\",\"t:10\"]", `company_tags`, `set must contain at least 1 elements and at most 10 elements`),
		},
		"codat_api_key": {
			settingCase("codat_api_key", "long name", `name = "`+strings.Repeat("n", 51)+`"`, `name`, `UTF-8 character count must be between 1 and 50`),
			settingCase("codat_api_key", "empty name", `name = ""`, `name`, `UTF-8 character count must be between 1 and 50`),
		},
		"codat_supplemental_data_config": {
			settingCase("codat_supplemental_data_config", "data type", "platform_key = \"gbol\"\n  data_type = \"balanceSheet\"\n  sources = { x = { pull_data = { a = \"A\" } } }", `data_type`, `value must be one of:`),
			settingCase("codat_supplemental_data_config", "platform key", "platform_key = \"Xero\"\n  data_type = \"invoices\"\n  sources = { x = { pull_data = { a = \"A\" } } }", `platform_key`, `four lower-case letters`),
			settingCase("codat_supplemental_data_config", "neither pull nor push", "platform_key = \"gbol\"\n  data_type = \"invoices\"\n  sources = { x = { data_source = \"/Invoices\" } }", `pull_data`, `At least one attribute out of`),
			settingCase("codat_supplemental_data_config", "no sources", "platform_key = \"gbol\"\n  data_type = \"invoices\"\n  sources = {}", `sources`, `map must contain at least 1 elements`),
		},
		"codat_custom_data_type": {
			settingCase("codat_custom_data_type", "identifier with a slash", "platform_key = \"qhyg\"\n  custom_data_identifier = \"reports/cashflow\"\n  data_source = \"/x\"\n  key_by = [\"$.id\"]", `custom_data_identifier`, `must be one path segment`),
			settingCase("codat_custom_data_type", "no key", "platform_key = \"qhyg\"\n  custom_data_identifier = \"cashflow\"\n  data_source = \"/x\"\n  key_by = []", `key_by`, `list must contain at least 1 elements`),
			settingCase("codat_custom_data_type", "empty data source", "platform_key = \"qhyg\"\n  custom_data_identifier = \"cashflow\"\n  data_source = \"\"\n  key_by = [\"$.id\"]", `data_source`, `string length must be at least 1`),
		},
		"codat_integrations": {
			dataSourceCase("source type case", "codat_integrations", `source_type = "accounting"`, `source_type`, `value must be one of:`),
			dataSourceCase("key shape", "codat_integrations", `key = "QBO"`, `key`, `must be a Codat platform key: four lower-case letters`),
			dataSourceCase("empty name filter", "codat_integrations", `name_contains = ""`, `name_contains`, `string length must be at least 1`),
		},
		"codat_integration": {
			dataSourceCase("upper case", "codat_integration", `key = "GBOL"`, `key`, `must be a Codat platform key: four lower-case letters`),
			dataSourceCase("three letters", "codat_integration", `key = "gbo"`, `key`, `four lower-case letters`),
			dataSourceCase("five letters", "codat_integration", `key = "gbolx"`, `key`, `four lower-case letters`),
			dataSourceCase("digit", "codat_integration", `key = "gb0l"`, `key`, `four lower-case letters`),
		},
		"codat_companies": {
			dataSourceCase("tag without a value", "codat_companies", `tags = "region="`, `tags`, `tag "region" has no value after "="`),
			dataSourceCase("dangling and", "codat_companies", `tags = "region=uk &&"`, `tags`, `at character 13: expected a comparison of a tag with a value`),
			dataSourceCase("tag operator", "codat_companies", `tags = "employees>10"`, `tags`, `can only be compared with = (equals), != (not equals) and ~ (contains)`),
			dataSourceCase("unclosed group", "codat_companies", `tags = "{region=uk || region=ie"`, `tags`, `this "{" has no matching "}"`),
			dataSourceCase("doubled equals", "codat_companies", `tags = "team==lending"`, `tags`, `starts with "=": use a single =, != or ~`),
			dataSourceCase("empty tags", "codat_companies", `tags = " "`, `tags`, `the expression is empty`),
			dataSourceCase("status case", "codat_companies", `connection_status = "linked"`, `connection_status`, `value must be one of:`),
			dataSourceCase("platform key shape", "codat_companies", `platform_key = "Xero"`, `platform_key`, `four lower-case letters`),
			dataSourceCase("empty name", "codat_companies", `name = ""`, `name`, `string length must be at least 1`),
		},
		"codat_company_info": {
			dataSourceCase("company id", "codat_company_info", `company_id = "my-company"`, `company_id`, `must be a Codat company ID`),
			dataSourceCase("wait words", "codat_company_info", fmt.Sprintf("company_id = %q\n  wait_for_sync = \"5 minutes\"", someCompanyID), `wait_for_sync`, `Invalid duration`),
			dataSourceCase("wait too short", "codat_company_info", fmt.Sprintf("company_id = %q\n  wait_for_sync = \"10ms\"", someCompanyID), `wait_for_sync`, `at least 1s`),
		},
		"codat_data_status": {
			dataSourceCase("company id", "codat_data_status", `company_id = "acme-ltd"`, `company_id`, `must be a Codat company ID`),
		},
		"provider": {
			providerCase("plain http to a remote host", `base_url = "http://api.codat.io"`, `base_url`, `must use https (plain http is allowed only for loopback hosts)`),
			providerCase("not a URL scheme Codat serves", `base_url = "ftp://api.codat.io"`, `base_url`, `must use https`),
			providerCase("user info", `base_url = "https://user:pass@api.codat.io"`, `base_url`, `must not contain user info`),
			providerCase("query", `base_url = "https://api.codat.io?x=1"`, `base_url`, `must not have a query or fragment`),
			providerCase("no host", `base_url = "https://"`, `base_url`, `has no host`),
			providerCase("empty key", `api_key = ""`, `api_key`, `api_key is set to an empty string`),
			providerCase("too many retries", `max_retries = 51`, `max_retries`, `value must be between 0 and 50`),
			providerCase("negative retries", `max_retries = -1`, `max_retries`, `value must be between 0 and 50`),
			providerCase("retry wait words", `max_retry_wait = "ten minutes"`, `max_retry_wait`, `must be a duration such as "90s" or "5m", at least 1s`),
			providerCase("retry wait too short", `max_retry_wait = "500ms"`, `max_retry_wait`, `at least 1s, got "500ms"`),
		},
	}
}

// attrAndRule matches an error that contains both texts, in either order.
func attrAndRule(attr, rule string) *regexp.Regexp {
	a, r := messageRE(attr).String(), messageRE(rule).String()
	return regexp.MustCompile(`(?s)(?:` + a + `.*` + r + `|` + r + `.*` + a + `)`)
}

// TestAccValidation_table: every resource, data source and the provider
// block refuse invalid arguments at plan time, with a diagnostic that names
// the attribute and the rule, and nothing reaches Codat.
func TestAccValidation_table(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	table := invalidConfigs()
	total := 0
	t.Run("group", func(t *testing.T) {
		for kind, cases := range table {
			total += len(cases)
			t.Run(kind, func(t *testing.T) {
				t.Parallel()
				steps := make([]resource.TestStep, 0, len(cases))
				for _, c := range cases {
					config := c.config
					if !strings.HasPrefix(config, "provider") {
						config = env.providerBlock() + config
					}
					steps = append(steps, resource.TestStep{Config: config, PlanOnly: true, ExpectError: attrAndRule(c.attr, c.rule)})
				}
				resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviderFactories, Steps: steps})
			})
		}
	})
	if total < 40 {
		t.Errorf("the table has %d cases; the issue asks for at least 40", total)
	}
	if env.Emulator != nil {
		if counts := env.Emulator.RequestCounts(); counts.Total != 0 {
			t.Errorf("plan-time validation sent %d requests to Codat, want 0 (%v)", counts.Total, counts.Routes)
		}
	}
	t.Logf("%d invalid configurations across %d resources, data sources and the provider block", total, len(table))
}

// TestAccValidation_actionsAndLists: the codat_queue_sync action and the
// codat_company list resource refuse invalid arguments the same way, before
// any request: the action when the configuration is planned, the list when
// terraform query reads it.
func TestAccValidation_actionsAndLists(t *testing.T) {
	requireCLI(t, featureActions)
	t.Parallel()
	env := newTestEnv(t)
	action := func(body string) string {
		return env.providerBlock() + fmt.Sprintf("action \"codat_queue_sync\" \"x\" {\n  config {\n    company_id = %q\n    %s\n  }\n}\n", someCompanyID, body)
	}
	listed := func(body string) string {
		return "list \"codat_company\" \"x\" {\n  provider = codat\n  config {\n    " + body + "\n  }\n}\n"
	}
	steps := []resource.TestStep{
		{Config: action(`data_types = ["invoice"]`), PlanOnly: true, ExpectError: attrAndRule(`data_types`, `"invoice" is not a Codat data type. Did you mean "invoices"`)},
		{Config: action(`connection_id = "` + someCompanyID + `"`), PlanOnly: true, ExpectError: attrAndRule(`connection_id`, `Attribute "data_types" must be specified when "connection_id" is specified`)},
		{Config: action(`timeout = "ten minutes"`), PlanOnly: true, ExpectError: attrAndRule(`timeout`, `must be a duration such as "90s" or "5m", at least 1s, got "ten minutes"`)},
		{Config: env.providerBlock() + "action \"codat_queue_sync\" \"x\" {\n  config {\n    company_id = \"acme\"\n  }\n}\n", PlanOnly: true, ExpectError: attrAndRule(`company_id`, `must be a Codat company ID (a UUID`)},
		// The list blocks read the provider block of the step before.
		{Config: env.providerBlock()},
		{Query: true, Config: listed(`connection_status = "linked"`), ExpectError: attrAndRule(`connection_status`, `value must be one of: ["PendingAuth" "Linked" "Unlinked" "Deauthorized"]`)},
		{Query: true, Config: listed(`platform_key = "Xero"`), ExpectError: attrAndRule(`platform_key`, `must be a Codat platform key: four lower-case letters`)},
		{Query: true, Config: listed(`tags = ""`), ExpectError: attrAndRule(`tags`, `"" is not a Codat tag filter`)},
		{Query: true, Config: listed(`name_contains = ""`), ExpectError: attrAndRule(`name_contains`, `string length must be at least 1`)},
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: featureProviderFactories, Steps: steps})
	if env.Emulator != nil {
		if counts := env.Emulator.RequestCounts(); counts.Total != 0 {
			t.Errorf("validation sent %d requests to Codat, want 0 (%v)", counts.Total, counts.Routes)
		}
	}
}
