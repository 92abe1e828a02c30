package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/codat-community/terraform-provider-codat/internal/codat"
	"github.com/codat-community/terraform-provider-codat/internal/emulator"
)

const (
	consumerAddr          = "codat_webhook_consumer.test"
	routeCreateConsumer   = "POST /webhooks"
	routeDeleteConsumer   = "DELETE /webhooks/{webhookId}"
	consumerConfigPattern = "resource \"codat_webhook_consumer\" \"test\" {\n%s\n}\n"
)

func consumerConfig(env *testEnv, body string) string {
	return env.providerBlock() + fmt.Sprintf(consumerConfigPattern, body)
}

// consumersAtCodat lists Codat's consumers.
func consumersAtCodat(t *testing.T, env *testEnv) []codat.WebhookConsumer {
	t.Helper()
	return atCodat(t, env, env.Client.ListWebhookConsumers)
}

// checkConsumers checks how many consumers Codat has and, if want is set,
// that the one in state is like it.
func checkConsumers(t *testing.T, env *testEnv, n int, want *codat.WebhookConsumerRequest) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		list := consumersAtCodat(t, env)
		if len(list) != n {
			return fmt.Errorf("Codat has %d consumers, want %d: %+v", len(list), n, list)
		}
		if want == nil {
			return nil
		}
		id := s.RootModule().Resources[consumerAddr].Primary.ID
		for _, c := range list {
			if c.ID == id && want.Matches(c) {
				return nil
			}
		}
		return fmt.Errorf("no consumer %s like %+v at Codat: %+v", id, *want, list)
	}
}

// TestAccWebhookConsumer_lifecycle: create in one request, an empty second
// plan, every change a replacement that the plan shows (one delete, one
// create), drift when the consumer is deleted at Codat, import by id, and
// destroy.
func TestAccWebhookConsumer_lifecycle(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	first := `  url          = "https://hooks.example.com/codat"
  event_types  = ["company.created", "connection.connected"]
  company_tags = ["region:uk"]`
	second := `  url          = "https://hooks.example.com/codat"
  event_types  = ["company.created", "connection.connected", "read.completed"]
  company_tags = ["region:uk", "region:ie"]
  disabled     = true`
	var firstID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkConsumers(t, env, 0, nil),
		Steps: []resource.TestStep{
			{
				PreConfig:        env.Emulator.ResetRequestCounts,
				Config:           consumerConfig(env, first),
				ConfigPlanChecks: emptyPlanAfter(),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(consumerAddr, tfjsonpath.New("disabled"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(consumerAddr, tfjsonpath.New("event_types"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact("company.created"), knownvalue.StringExact("connection.connected")})),
				},
				Check: resource.ComposeTestCheckFunc(
					checkConsumers(t, env, 1, &codat.WebhookConsumerRequest{URL: "https://hooks.example.com/codat",
						EventTypes: []string{"company.created", "connection.connected"}, CompanyTags: []string{"region:uk"}}),
					checkRoutes(env, map[string]int{routeCreateConsumer: 1}),
					func(s *terraform.State) error {
						firstID = s.RootModule().Resources[consumerAddr].Primary.ID
						return nil
					},
				),
			},
			{
				PreConfig:        env.Emulator.ResetRequestCounts,
				Config:           consumerConfig(env, second),
				ConfigPlanChecks: emptyPlanAfter(plancheck.ExpectResourceAction(consumerAddr, plancheck.ResourceActionDestroyBeforeCreate)),
				Check: resource.ComposeTestCheckFunc(
					checkConsumers(t, env, 1, &codat.WebhookConsumerRequest{URL: "https://hooks.example.com/codat", Disabled: true,
						EventTypes: []string{"company.created", "connection.connected", "read.completed"}, CompanyTags: []string{"region:ie", "region:uk"}}),
					checkRoutes(env, map[string]int{routeCreateConsumer: 1, routeDeleteConsumer: 1}),
					func(s *terraform.State) error {
						if s.RootModule().Resources[consumerAddr].Primary.ID == firstID {
							return fmt.Errorf("the consumer was not replaced")
						}
						return nil
					},
				),
			},
			{
				// Deleted in the Portal: the refresh drops it, apply makes it again.
				PreConfig: func() {
					for _, c := range consumersAtCodat(t, env) {
						if err := env.Client.DeleteWebhookConsumer(env.ctx(t), c.ID); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config:           consumerConfig(env, second),
				ConfigPlanChecks: emptyPlanAfter(plancheck.ExpectResourceAction(consumerAddr, plancheck.ResourceActionCreate)),
				Check:            checkConsumers(t, env, 1, nil),
			},
			importVerifyStep(consumerAddr, ""),
			importFailsStep(consumerAddr, "8a210b68-6988-11ed-a1eb-0242ac120002", regexp.MustCompile(`Cannot import non-existent remote object`)),
			importFailsStep(consumerAddr, "hooks.example.com", messageRE(`Import expects the consumer's id, a UUID`)),
		},
	})
}

// TestAccWebhookConsumer_limit: the 51st consumer is a clear error naming
// Codat's limit.
func TestAccWebhookConsumer_limit(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	for i := range codat.MaxWebhookConsumers {
		if _, err := env.Client.CreateWebhookConsumer(env.ctx(t), codat.WebhookConsumerRequest{
			URL: fmt.Sprintf("https://hooks.example.com/%d", i), EventTypes: []string{"company.created"}}); err != nil {
			t.Fatal(err)
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		Steps: []resource.TestStep{{
			Config:      consumerConfig(env, `  url = "https://hooks.example.com/one-more"`+"\n"+`  event_types = ["company.deleted"]`),
			ExpectError: messageRE("Codat allows 50 webhook consumers per client, and this client has them all"),
		}},
	})
}

// TestAccWebhookConsumer_lostCreate: with retries off, a create whose
// answer is lost is found in the list and adopted, not made twice.
func TestAccWebhookConsumer_lostCreate(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t)
	if err := env.Emulator.ScriptFaults(emulator.ScriptedFault{Route: routeCreateConsumer, DropAfterWrite: true}); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf("provider \"codat\" {\n  base_url    = %q\n  api_key     = %q\n  max_retries = 0\n}\n", env.BaseURL, env.APIKey) +
		fmt.Sprintf(consumerConfigPattern, `  url = "http://127.0.0.1:9/hook"`+"\n"+`  event_types = ["company.created"]`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactories,
		CheckDestroy:             checkConsumers(t, env, 0, nil),
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeTestCheckFunc(
				checkConsumers(t, env, 1, &codat.WebhookConsumerRequest{URL: "http://127.0.0.1:9/hook", EventTypes: []string{"company.created"}}),
				checkRoutes(env, map[string]int{routeCreateConsumer: 1}),
				func(*terraform.State) error {
					if n := env.Emulator.RequestCounts().FaultsInjected; n != 1 {
						return fmt.Errorf("%d faults injected, want the one dropped create", n)
					}
					return nil
				},
			),
		}},
	})
}
