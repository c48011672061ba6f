package io.camelmcp.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.RawMcpClient;

/**
 * Security on by API keys alone (mcp.gateway.security.api-keys): /mcp and the actuator need a key, sent as X-API-Key
 * or as a bearer token; the answers without one are RFC 6750/9728 challenges; a session belongs to its key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiKeySecurityTest {

    static final String ALICE = "alice-key-0123456789abcdef";
    static final String BOB = "bob-key-0123456789abcdef";
    static final String OPS = "ops-key-0123456789abcdef";
    static final String GUEST = "guest-key-0123456789abcdef";
    static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("mcp.gateway.security.api-keys[0].name", () -> "alice");
        registry.add("mcp.gateway.security.api-keys[0].key", () -> ALICE);
        registry.add("mcp.gateway.security.api-keys[0].scopes", () -> "mcp:tools");
        registry.add("mcp.gateway.security.api-keys[1].name", () -> "bob");
        registry.add("mcp.gateway.security.api-keys[1].key", () -> BOB);
        registry.add("mcp.gateway.security.api-keys[1].scopes", () -> "mcp:tools");
        registry.add("mcp.gateway.security.api-keys[2].name", () -> "ops");
        registry.add("mcp.gateway.security.api-keys[2].key", () -> OPS);
        registry.add("mcp.gateway.security.api-keys[2].scopes", () -> "mcp:tools,mcp:admin");
        registry.add("mcp.gateway.security.api-keys[3].name", () -> "guest");
        registry.add("mcp.gateway.security.api-keys[3].key", () -> GUEST);
        registry.add("mcp.gateway.security.required-scopes", () -> "mcp:tools");
        registry.add("mcp.gateway.security.scopes-supported", () -> "mcp:tools,mcp:admin");
    }

    String endpoint() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    @Test
    void withoutACredentialItIs401WithTheResourceMetadataAndTheScope() throws Exception {
        HttpResponse<String> r = new RawMcpClient(endpoint()).post(initialize(), Map.of());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate").orElseThrow()).isEqualTo("Bearer resource_metadata=\"http://127.0.0.1:"
                + port + "/.well-known/oauth-protected-resource/mcp\", scope=\"mcp:tools\"");
        assertThat(r.headers().firstValue("mcp-session-id")).isEmpty();
        JsonNode error = RawMcpClient.JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32000);
        assertThat(error.path("message").asText()).startsWith("Unauthorized");
    }

    @Test
    void aVirtualServersOwnPathIsGuardedAsMcpIs() throws Exception {
        // no such virtual server here: the 401 comes first, before the route could say 404
        HttpResponse<String> r = new RawMcpClient("http://127.0.0.1:" + port + "/v/any/mcp").post(initialize(), Map.of());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(RawMcpClient.JSON.readTree(r.body()).path("error").path("message").asText()).startsWith("Unauthorized");
        HttpResponse<String> withKey = new RawMcpClient("http://127.0.0.1:" + port + "/v/any/mcp")
                .post(initialize(), Map.of("X-API-Key", ALICE));
        assertThat(withKey.statusCode()).isEqualTo(404);
    }

    @Test
    void aWrongKeyOrANonsenseTokenIs401InvalidToken() throws Exception {
        for (Map<String, String> header : new Map[] {Map.of("X-API-Key", "alice-key-0123456789abcdeX"),
                Map.of("Authorization", "Bearer nonsense")}) {
            HttpResponse<String> r = new RawMcpClient(endpoint()).post(initialize(), header);
            assertThat(r.statusCode()).as(header.toString()).isEqualTo(401);
            assertThat(r.headers().firstValue("www-authenticate").orElseThrow()).startsWith("Bearer resource_metadata=")
                    .contains("error=\"invalid_token\"");
        }
    }

    @Test
    void aKeyAsXApiKeyOrAsBearerTokenOpensASessionThatServes() throws Exception {
        RawMcpClient byHeader = new RawMcpClient(endpoint()).with("X-API-Key", ALICE);
        byHeader.initialize("2025-11-25");
        assertThat(byHeader.request(2, "tools/list", null).path("result").path("tools").toString()).contains("calc_add");
        RawMcpClient byBearer = new RawMcpClient(endpoint()).with("Authorization", "Bearer " + ALICE);
        byBearer.initialize("2025-11-25");
        assertThat(byBearer.request(3, "tools/call", "{\"name\":\"calc_add\",\"arguments\":{\"a\":2,\"b\":3}}")
                .path("result").path("content").get(0).path("text").asText()).isEqualTo("5");
    }

    @Test
    void aSessionBelongsToTheIdentityThatCreatedIt() throws Exception {
        RawMcpClient alice = new RawMcpClient(endpoint()).with("X-API-Key", ALICE);
        alice.initialize("2025-11-25");
        // bob presents alice's session id: not found, as if it did not exist
        HttpResponse<String> r = new RawMcpClient(endpoint()).with("X-API-Key", BOB)
                .post(LIST, Map.of("Mcp-Session-Id", alice.sessionId()));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(new RawMcpClient(endpoint()).with("X-API-Key", BOB)
                .send("DELETE", Map.of("Mcp-Session-Id", alice.sessionId())).statusCode()).isEqualTo(404);
        // a session id is no credential either
        assertThat(new RawMcpClient(endpoint()).post(LIST, Map.of("Mcp-Session-Id", alice.sessionId())).statusCode())
                .isEqualTo(401);
        // and alice's session is untouched
        assertThat(alice.post(LIST, Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyWithoutTheRequiredScopeIs403InsufficientScope() throws Exception {
        HttpResponse<String> r = new RawMcpClient(endpoint()).with("X-API-Key", GUEST).post(initialize(), Map.of());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("www-authenticate").orElseThrow())
                .startsWith("Bearer error=\"insufficient_scope\", scope=\"mcp:tools\", resource_metadata=");
    }

    @Test
    void theProtectedResourceMetadataIsServedAtBothWellKnownUris() throws Exception {
        for (String path : new String[] {"/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"}) {
            HttpResponse<String> r = get(path, Map.of());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            JsonNode doc = RawMcpClient.JSON.readTree(r.body());
            assertThat(doc.path("resource").asText()).isEqualTo(endpoint());
            assertThat(doc.path("scopes_supported").toString()).isEqualTo("[\"mcp:tools\",\"mcp:admin\"]");
            assertThat(doc.path("bearer_methods_supported").toString()).isEqualTo("[\"header\"]");
        }
    }

    @Test
    void theActuatorNeedsTheAdminScopeExceptTheProbesStatus() throws Exception {
        HttpResponse<String> health = get("/actuator/health", Map.of());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\"").doesNotContain("components").doesNotContain("127.0.0.1");
        assertThat(get("/actuator/health/readiness", Map.of()).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health", Map.of("X-API-Key", OPS)).body()).contains("components");

        assertThat(get("/actuator/mcpservers", Map.of()).statusCode()).isEqualTo(401);
        HttpResponse<String> notAdmin = get("/actuator/mcpservers", Map.of("X-API-Key", ALICE));
        assertThat(notAdmin.statusCode()).isEqualTo(403);
        assertThat(notAdmin.headers().firstValue("www-authenticate").orElseThrow()).contains("scope=\"mcp:admin\"");
        assertThat(notAdmin.headers().firstValue("content-type").orElseThrow()).startsWith("application/problem+json");
        assertThat(get("/actuator/mcpservers", Map.of("X-API-Key", OPS)).statusCode()).isEqualTo(200);
    }

    HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String initialize() {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    }
}
