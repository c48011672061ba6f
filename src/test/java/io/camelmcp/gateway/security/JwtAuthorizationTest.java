package io.camelmcp.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.authserver.TestAuthorizationServer;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * Rules by group and claim on real bearer JWTs (Spring Authorization Server, client credentials, extra claims per
 * client): a developer in group devs of tenant acme, and an operator whose nested realm_access.roles holds mcp-admin,
 * in front of the demo servers (calc_, clock_).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class JwtAuthorizationTest {

    static final TestAuthorizationServer AS = new TestAuthorizationServer().start()
            .client("dev").secret("secret-d").scopes("mcp:tools").register()
            .client("operator").secret("secret-o").scopes("mcp:tools").register()
            .claims("dev", Map.of("groups", List.of("devs"), "tenant", "acme"))
            .claims("operator", Map.of("realm_access", Map.of("roles", List.of("viewer", "mcp-admin"))));
    static final int PORT = JwtSecurityTest.freePort();
    static final String RESOURCE = "http://127.0.0.1:" + PORT + "/mcp";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("spring.security.oauth2.resourceserver.jwt.issuer-uri", AS::issuer);
        registry.add("mcp.gateway.security.resource", () -> RESOURCE);
        registry.add("mcp.gateway.security.required-scopes", () -> "mcp:tools");
        String r = "mcp.gateway.security.authorization.rules";
        registry.add(r + "[0].name", () -> "devs");
        registry.add(r + "[0].groups", () -> "devs");
        registry.add(r + "[0].tools", () -> "calc_*");
        registry.add(r + "[1].name", () -> "admins");
        registry.add(r + "[1].claims.[realm_access.roles]", () -> "mcp-admin");
        registry.add(r + "[2].name", () -> "acme-no-divide");
        registry.add(r + "[2].effect", () -> "deny");
        registry.add(r + "[2].claims.tenant", () -> "acme");
        registry.add(r + "[2].tools", () -> "calc_divide");
    }

    @AfterAll
    static void stop() {
        AS.close();
    }

    RawMcpClient session(String client, String secret) throws Exception {
        RawMcpClient c = new RawMcpClient(RESOURCE).with("Authorization", "Bearer " + AS.token(client, secret, "mcp:tools", RESOURCE));
        c.initialize("2025-11-25");
        return c;
    }

    static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("result").path("tools").forEach(t -> out.add(t.path("name").asText()));
        return out;
    }

    @Test
    void groupsAndClaimsOfTheTokenDecide() throws Exception {
        RawMcpClient dev = session("dev", "secret-d");
        assertThat(names(dev.request(2, "tools/list", "{}"))).containsExactly("calc_add", "calc_multiply");
        assertThat(dev.request(3, "tools/call", "{\"name\":\"calc_add\",\"arguments\":{\"a\":1,\"b\":2}}")
                .path("result").path("content").path(0).path("text").asText()).isEqualTo("3");
        JsonNode divide = dev.request(4, "tools/call", "{\"name\":\"calc_divide\",\"arguments\":{\"a\":1,\"b\":2}}").path("error");
        assertThat(divide.path("code").asInt()).isEqualTo(-32003);
        assertThat(divide.path("data").path("rule").asText()).isEqualTo("acme-no-divide");
        assertThat(dev.request(5, "tools/call", "{\"name\":\"clock_now\",\"arguments\":{}}").path("error").path("code").asInt())
                .isEqualTo(-32003);
        RawMcpClient operator = session("operator", "secret-o");
        assertThat(names(operator.request(6, "tools/list", "{}")))
                .containsExactlyInAnyOrder("calc_add", "calc_multiply", "calc_divide", "clock_now", "clock_days-between");
    }
}
