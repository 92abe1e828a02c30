package provider

import (
	"cmp"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

var uuidValue = knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`))

// expectUUIDIdentity: addr's identity is attrs, each a UUID and the same as
// the attribute of that name in state.
func expectUUIDIdentity(addr string, attrs ...string) []statecheck.StateCheck {
	identity := map[string]knownvalue.Check{}
	for _, attr := range attrs {
		identity[attr] = uuidValue
	}
	checks := []statecheck.StateCheck{statecheck.ExpectIdentity(addr, identity)}
	for _, attr := range attrs {
		checks = append(checks, statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New(attr)))
	}
	return checks
}

// importByIdentityStep: an import block giving addr's identity (import {
// to = ..., identity = { ... } }) imports it with nothing to change.
func importByIdentityStep(addr string) resource.TestStep {
	return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity}
}

// generatedImportStep is importByIdentityStep with -generate-config-out:
// config has no block for addr (whose state is not in it), Terraform writes
// one, and the import changes nothing.
func generatedImportStep(config, addr string) resource.TestStep {
	step := importByIdentityStep(addr)
	step.Config, step.GenerateConfig = config, true
	return step
}

// TestAccIdentity_company: a company's identity is its id; an import block
// giving only the identity imports it with nothing to change, and so does
// the configuration Terraform generates for it.
func TestAccIdentity_company(t *testing.T) {
	requireCLI(t, featureIdentity)
	t.Parallel()
	env := newTestEnv(t)
	config := companyConfig(env, "  name = \"Identity Bakery\"\n  platform_key = \"gbol\"\n  tags = { region = \"uk\" }")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: featureProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: expectUUIDIdentity(companyAddr, "id"),
			},
			importByIdentityStep(companyAddr),
			generatedImportStep(env.providerBlock(), companyAddr),
		},
	})
}

// TestAccIdentity_syncSchedule: a sync schedule's identity is its company's
// id; importing by it takes the data types the company customises.
func TestAccIdentity_syncSchedule(t *testing.T) {
	requireCLI(t, featureIdentity)
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	company := newCompany(t, env, "Identity Schedule Ltd")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: featureProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: scheduleConfig(env, company.ID, `    invoices = { sync_every = "weekly" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(scheduleAddr, map[string]knownvalue.Check{"company_id": knownvalue.StringExact(company.ID)}),
				},
			},
			importByIdentityStep(scheduleAddr),
		},
	})
}

// TestAccIdentity_profileSyncSettings: the profile's identity is the client
// id ("profile" where Codat leaves it out: sync-settings-sparse). Importing
// by it takes every data type of the profile, as the bare import id
// "profile" does, so the plan then drops the ones the configuration does
// not name.
func TestAccIdentity_profileSyncSettings(t *testing.T) {
	requireCLI(t, featureIdentity)
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	clientID := cmp.Or(profileSettings(t, env).ClientID, profileImportID)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: featureProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: profileConfig(env, `    invoices = { sync_every = "daily" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(profileAddr, map[string]knownvalue.Check{"client_id": knownvalue.StringExact(clientID)}),
					statecheck.ExpectIdentityValueMatchesStateAtPath(profileAddr, tfjsonpath.New("client_id"), tfjsonpath.New("id")),
				},
			},
			{
				ResourceName:       profileAddr,
				ImportState:        true,
				ImportStateKind:    resource.ImportBlockWithResourceIdentity,
				ExpectNonEmptyPlan: true,
				ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(profileAddr, plancheck.ResourceActionUpdate),
				}},
			},
		},
	})
}

// TestAccIdentity_connection: a connection's identity is its company's id
// and its own; importing by it, or by the configuration Terraform generates
// from it, changes nothing.
func TestAccIdentity_connection(t *testing.T) {
	requireCLI(t, featureIdentity)
	t.Parallel()
	env := newTestEnv(t)
	const addr = "codat_connection.bank"
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: featureProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            env.providerBlock() + applicantCompany + connectionBlock("bank", "suuo", ""),
				ConfigStateChecks: expectUUIDIdentity(addr, "company_id", "id"),
			},
			importByIdentityStep(addr),
			generatedImportStep(env.providerBlock()+applicantCompany, addr),
		},
	})
}

// TestAccIdentity_webhookConsumerAndAPIKey: a webhook consumer's and an API
// key's identity is Codat's id for them; importing by it changes nothing.
// (An imported key's secret stays null: Codat shows it only on create.)
func TestAccIdentity_webhookConsumerAndAPIKey(t *testing.T) {
	requireCLI(t, featureIdentity)
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	config := consumerConfig(env, `  url         = "https://hooks.example.com/codat"
  event_types = ["company.created"]`) + apiKeyConfig(env, `  name = "identity"`)[len(env.providerBlock()):]
	for _, addr := range []string{consumerAddr, apiKeyAddr} {
		t.Run(addr, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: featureProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:            config,
						ConfigStateChecks: expectUUIDIdentity(addr, "id"),
					},
					{
						ResourceName:            addr,
						ImportState:             true,
						ImportStateKind:         resource.ImportBlockWithResourceIdentity,
						ImportStateVerifyIgnore: []string{"key"},
					},
				},
			})
		})
	}
}
