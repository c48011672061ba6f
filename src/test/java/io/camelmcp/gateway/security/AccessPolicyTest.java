package io.camelmcp.gateway.security;

import static io.camelmcp.gateway.federation.ListKind.PROMPTS;
import static io.camelmcp.gateway.federation.ListKind.RESOURCES;
import static io.camelmcp.gateway.federation.ListKind.TEMPLATES;
import static io.camelmcp.gateway.federation.ListKind.TOOLS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.camelmcp.gateway.security.AccessPolicy.Access;
import io.camelmcp.gateway.session.Identity;

/** The rules' semantics, on constructed identities: who a rule applies to, what it covers, deny over allow, defaults. */
class AccessPolicyTest {

    static final Identity ALICE = new Identity(Identity.JWT, "alice", "https://idp", Set.of("mcp:read", "openid"),
            Set.of("devs"), Map.of("tenant", "acme", "roles", List.of("viewer", "auditor"),
                    "realm_access", Map.of("roles", List.of("mcp-admin"))), "token");
    static final Identity CI = new Identity(Identity.API_KEY, "ci", null, Set.of("mcp:write"), Set.of(), Map.of(), null);

    static AccessPolicy policy(AccessRule.Effect byDefault, AccessRule... rules) {
        Map<String, AccessRule> named = new LinkedHashMap<>();
        for (int i = 0; i < rules.length; i++) {
            named.put(AccessControl.named(rules[i], "rules[" + i + "]"), rules[i]);
        }
        return AccessPolicy.compile(named, byDefault);
    }

    static boolean shows(AccessPolicy p, Identity who, String server, String tool) {
        return p.accessOf(who).shows(TOOLS, server, tool);
    }

    @Test
    void noRulesIsNoPolicy() {
        assertThat(policy(null).empty()).isTrue();
        assertThat(policy(AccessRule.Effect.ALLOW).empty()).isTrue();
        // "deny by default" without rules is a policy: nothing is allowed
        AccessPolicy closed = policy(AccessRule.Effect.DENY);
        assertThat(closed.empty()).isFalse();
        assertThat(shows(closed, Identity.ANONYMOUS, "s", "s_a")).isFalse();
    }

    @Test
    void aRuleAppliesByIdentityNameOrKey() {
        AccessPolicy byName = policy(null, AccessRule.allow("ci-only").identities("ci"));
        assertThat(shows(byName, CI, "s", "s_a")).isTrue();
        assertThat(shows(byName, ALICE, "s", "s_a")).isFalse(); // an allow rule exists: the default is deny
        AccessPolicy byKey = policy(null, AccessRule.allow("jwt-users").identities("jwt:https://idp#*"));
        assertThat(shows(byKey, ALICE, "s", "s_a")).isTrue();
        assertThat(shows(byKey, CI, "s", "s_a")).isFalse();
        assertThat(shows(policy(null, AccessRule.allow("keys").identities("key:*")), CI, "s", "s_a")).isTrue();
    }

    @Test
    void aRuleAppliesByGroupScopeOrClaim() {
        assertThat(shows(policy(null, AccessRule.allow("g").groups("ops", "devs")), ALICE, "s", "t")).isTrue();
        assertThat(shows(policy(null, AccessRule.allow("g").groups("ops")), ALICE, "s", "t")).isFalse();
        assertThat(shows(policy(null, AccessRule.allow("sc").scopes("mcp:*")), CI, "s", "t")).isTrue();
        assertThat(shows(policy(null, AccessRule.allow("sc").scopes("mcp:admin")), CI, "s", "t")).isFalse();
        assertThat(shows(policy(null, AccessRule.allow("c").claim("tenant", "acme")), ALICE, "s", "t")).isTrue();
        assertThat(shows(policy(null, AccessRule.allow("c").claim("tenant", "other")), ALICE, "s", "t")).isFalse();
        // a list claim: one element is enough; a dotted path reaches a nested claim; a missing claim never matches
        assertThat(shows(policy(null, AccessRule.allow("c").claim("roles", "auditor")), ALICE, "s", "t")).isTrue();
        assertThat(shows(policy(null, AccessRule.allow("c").claim("realm_access.roles", "mcp-*")), ALICE, "s", "t")).isTrue();
        assertThat(shows(policy(null, AccessRule.allow("c").claim("tenant", "*")), CI, "s", "t")).isFalse();
    }

    @Test
    void everyFieldGivenMustMatch() {
        AccessRule both = AccessRule.allow("devs-with-read").groups("devs").scopes("mcp:read").claim("tenant", "acme");
        assertThat(shows(policy(null, both), ALICE, "s", "t")).isTrue();
        Identity noScope = new Identity(Identity.JWT, "bob", "https://idp", Set.of(), Set.of("devs"), Map.of("tenant", "acme"), null);
        assertThat(shows(policy(null, both), noScope, "s", "t")).isFalse();
    }

    @Test
    void aRuleWithoutWhoAppliesToEveryoneAnonymousIncluded() {
        AccessPolicy p = policy(null, AccessRule.deny("no-admin").tools("*_admin*"));
        assertThat(shows(p, Identity.ANONYMOUS, "s", "s_admin_reset")).isFalse();
        assertThat(shows(p, Identity.ANONYMOUS, "s", "s_echo")).isTrue(); // only deny rules: the default is allow
    }

    @Test
    void denyWinsOverAllowWhateverTheOrder() {
        AccessRule allowAll = AccessRule.allow("devs").groups("devs");
        AccessRule denyOne = AccessRule.deny("no-delete").tools("fs_delete");
        for (AccessPolicy p : List.of(policy(null, allowAll, denyOne), policy(null, denyOne, allowAll))) {
            assertThat(shows(p, ALICE, "fs", "fs_read")).isTrue();
            assertThat(shows(p, ALICE, "fs", "fs_delete")).isFalse();
            assertThat(p.accessOf(ALICE).decide(TOOLS, "fs", "fs_delete")).isEqualTo(new AccessPolicy.Decision(false, "no-delete"));
            assertThat(p.accessOf(ALICE).decide(TOOLS, "fs", "fs_read")).isEqualTo(new AccessPolicy.Decision(true, "devs"));
            assertThat(p.accessOf(CI).decide(TOOLS, "fs", "fs_read")).isEqualTo(new AccessPolicy.Decision(false, null));
        }
    }

    @Test
    void theDefaultIsExplicitOrFollowsTheRules() {
        AccessRule denyOne = AccessRule.deny("d").tools("a_x");
        AccessRule allowOne = AccessRule.allow("a").tools("a_y");
        assertThat(shows(policy(null, denyOne), CI, "a", "a_z")).isTrue();
        assertThat(shows(policy(null, denyOne, allowOne), CI, "a", "a_z")).isFalse();
        assertThat(shows(policy(AccessRule.Effect.ALLOW, denyOne, allowOne), CI, "a", "a_z")).isTrue();
        assertThat(shows(policy(AccessRule.Effect.DENY, denyOne), CI, "a", "a_z")).isFalse();
    }

    @Test
    void whatARuleCoversServersNarrowItemListsNarrowKinds() {
        // servers only: every item of those servers, of every kind
        AccessPolicy weather = policy(null, AccessRule.allow("weather").servers("weather", "geo-*"));
        Access a = weather.accessOf(CI);
        assertThat(a.shows(TOOLS, "weather", "w_now")).isTrue();
        assertThat(a.shows(PROMPTS, "geo-eu", "g_where")).isTrue();
        assertThat(a.shows(RESOURCES, "weather", "mcp-gateway://weather/x")).isTrue();
        assertThat(a.shows(TOOLS, "fs", "fs_read")).isFalse();
        // naming tools narrows the rule to tools: the same server's prompts are not covered (default: deny)
        Access tools = policy(null, AccessRule.allow("w-tools").servers("weather").tools("w_*")).accessOf(CI);
        assertThat(tools.shows(TOOLS, "weather", "w_now")).isTrue();
        assertThat(tools.shows(TOOLS, "other", "w_now")).isFalse();
        assertThat(tools.shows(PROMPTS, "weather", "w_prompt")).isFalse();
        // resources cover resources and templates by the URI clients see
        Access docs = policy(null, AccessRule.allow("docs").resources("mcp-gateway://docs/*")).accessOf(CI);
        assertThat(docs.shows(RESOURCES, "docs", "mcp-gateway://docs/file:///a.md")).isTrue();
        assertThat(docs.shows(TEMPLATES, "docs", "mcp-gateway://docs/file:///{path}")).isTrue();
        assertThat(docs.shows(RESOURCES, "other", "mcp-gateway://other/file:///a.md")).isFalse();
        assertThat(docs.shows(TOOLS, "docs", "docs_read")).isFalse();
    }

    @Test
    void patternsAreNamesOrStars() {
        Access a = policy(null, AccessRule.allow("p").tools("exact", "pre_*", "*_suf", "*mid*", "a*b*c")).accessOf(CI);
        assertThat(List.of("exact", "pre_x", "x_suf", "xmidy", "aXbYc")).allMatch(n -> a.shows(TOOLS, "s", n));
        assertThat(List.of("exac", "exactly", "xpre_", "suf", "acb")).noneMatch(n -> a.shows(TOOLS, "s", n));
        Access star = policy(null, AccessRule.allow("all").tools("*")).accessOf(CI);
        assertThat(star.shows(TOOLS, "s", "anything")).isTrue();
        assertThat(star.shows(PROMPTS, "s", "anything")).isFalse();
    }

    @Test
    void rulesReadFromYamlShapedMaps() throws Exception {
        // the shape MCPAccessPolicy rules arrive in (Jackson): lower-case effects, unknown fields ignored
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        AccessRule r = json.readValue("{\"name\":\"x\",\"effect\":\"deny\",\"tools\":[\"a_*\"],\"claims\":{\"tenant\":\"acme\"},"
                + "\"future\":1}", AccessRule.class);
        assertThat(r.getEffect()).isEqualTo(AccessRule.Effect.DENY);
        assertThat(r.getClaims()).containsEntry("tenant", "acme");
        assertThat(shows(policy(null, r), ALICE, "a", "a_b")).isFalse();
    }

    @Test
    void propertiesBindAsDocumented() {
        var source = new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(Map.of(
                "mcp.gateway.security.authorization.default", "deny",
                "mcp.gateway.security.authorization.conceal-denied", "true",
                "mcp.gateway.security.authorization.rules[0].name", "admins",
                "mcp.gateway.security.authorization.rules[0].effect", "Allow",
                "mcp.gateway.security.authorization.rules[0].claims.[realm_access.roles]", "mcp-admin",
                "mcp.gateway.security.authorization.rules[0].tools", "a_*,b_x",
                "mcp.gateway.security.authorization.rules[1].effect", "deny",
                "mcp.gateway.security.authorization.rules[1].servers[0]", "s"));
        AuthorizationProperties props = new org.springframework.boot.context.properties.bind.Binder(source)
                .bind("mcp.gateway.security.authorization", AuthorizationProperties.class).get();
        assertThat(props.getDefault()).isEqualTo(AccessRule.Effect.DENY);
        assertThat(props.isConcealDenied()).isTrue();
        assertThat(props.getRules()).hasSize(2);
        assertThat(props.getRules().get(0).getClaims()).containsEntry("realm_access.roles", "mcp-admin");
        assertThat(props.getRules().get(0).getTools()).containsExactly("a_*", "b_x");
        assertThat(props.getRules().get(1).getEffect()).isEqualTo(AccessRule.Effect.DENY);
        AccessControl access = new AccessControl(props);
        assertThat(access.policy().size()).isEqualTo(2);
        assertThat(access.policy().accessOf(ALICE).shows(TOOLS, "x", "a_1")).isTrue();
        assertThat(access.policy().accessOf(ALICE).shows(TOOLS, "s", "a_1")).isFalse();
        assertThat(access.policy().accessOf(CI).shows(TOOLS, "x", "a_1")).isFalse();
    }

    /** What a filtered list costs per item, with a realistic rule set (printed; no hard bound: shared CI cores). */
    @Test
    void filteringCostsLittlePerItem() {
        AccessPolicy p = policy(null,
                AccessRule.allow("readers").scopes("mcp:read").tools("s1_get*", "s1_list*", "s2_*"),
                AccessRule.allow("admins").groups("admins"),
                AccessRule.deny("no-delete").tools("*_delete*"),
                AccessRule.deny("tenant-b").claim("tenant", "b").servers("s3"));
        String[] names = new String[500];
        String[] servers = new String[500];
        for (int i = 0; i < names.length; i++) {
            servers[i] = "s" + (i % 4);
            names[i] = "s" + (i % 4) + "_" + (i % 7 == 0 ? "delete_" : i % 3 == 0 ? "get_" : "run_") + i;
        }
        int shown = 0;
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 200; round++) {
            long t0 = System.nanoTime();
            Access a = p.accessOf(ALICE);
            shown = 0;
            for (int i = 0; i < names.length; i++) {
                if (a.shows(TOOLS, servers[i], names[i])) {
                    shown++;
                }
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("authorization: 500 tools filtered by 4 rules in %.1f µs (%d shown)%n", best / 1000.0, shown);
        assertThat(shown).isPositive().isLessThan(500);
    }
}
