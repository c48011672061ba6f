package io.camelmcp.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.RawMcpClient;

/**
 * Security on (API keys): the status page's data needs the admin scope, as the actuator's details do, and answers
 * 401/403 challenges naming it; the page itself and the home redirect stay public (they hold no data). A session is
 * listed with the identity that owns it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatusApiSecurityTest {

    static final String ALICE = "alice-key-0123456789abcdef";
    static final String OPS = "ops-key-0123456789abcdef";

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) {
        registry.add("mcp.gateway.security.api-keys[0].name", () -> "alice");
        registry.add("mcp.gateway.security.api-keys[0].key", () -> ALICE);
        registry.add("mcp.gateway.security.api-keys[0].scopes", () -> "mcp:tools");
        registry.add("mcp.gateway.security.api-keys[1].name", () -> "ops");
        registry.add("mcp.gateway.security.api-keys[1].key", () -> OPS);
        registry.add("mcp.gateway.security.api-keys[1].scopes", () -> "mcp:tools,mcp:admin");
        registry.add("mcp.gateway.security.required-scopes", () -> "mcp:tools");
    }

    @Test
    void theDataNeedsTheAdminScopeAndSaysSo() throws Exception {
        for (String path : new String[] {"/ui/api/status", "/ui/api/catalog"}) {
            HttpResponse<String> none = get(path, Map.of());
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("www-authenticate").orElseThrow()).as(path)
                    .startsWith("Bearer resource_metadata=").contains("scope=\"mcp:admin\"");
            assertThat(none.headers().firstValue("content-type").orElseThrow()).startsWith("application/problem+json");
            assertThat(none.body()).doesNotContain("servers");

            HttpResponse<String> wrong = get(path, Map.of("Authorization", "Bearer not-a-key"));
            assertThat(wrong.statusCode()).as(path).isEqualTo(401);
            assertThat(wrong.headers().firstValue("www-authenticate").orElseThrow()).contains("error=\"invalid_token\"");

            HttpResponse<String> notAdmin = get(path, Map.of("Authorization", "Bearer " + ALICE));
            assertThat(notAdmin.statusCode()).as(path).isEqualTo(403);
            assertThat(notAdmin.headers().firstValue("www-authenticate").orElseThrow())
                    .startsWith("Bearer error=\"insufficient_scope\", scope=\"mcp:admin\"");

            assertThat(get(path, Map.of("Authorization", "Bearer " + OPS)).statusCode()).as(path).isEqualTo(200);
            assertThat(get(path, Map.of("X-API-Key", OPS)).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void thePageAndTheHomeRedirectArePublic() throws Exception {
        HttpResponse<String> home = get("/", Map.of());
        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(home.headers().firstValue("location").orElseThrow()).endsWith("/ui/");
        for (String path : new String[] {"/ui/", "/ui/index.html", "/ui/app.js", "/ui/style.css"}) {
            assertThat(get(path, Map.of()).statusCode()).as(path).isEqualTo(200);
        }
        // /mcp keeps its own rule: the required scope, not the admin one
        HttpResponse<String> mcp = new RawMcpClient("http://127.0.0.1:" + port + "/mcp").post(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", Map.of());
        assertThat(mcp.statusCode()).isEqualTo(401);
        assertThat(mcp.headers().firstValue("www-authenticate").orElseThrow()).contains("scope=\"mcp:tools\"");
    }

    @Test
    void aSessionIsListedWithTheIdentityThatOwnsIt() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness", Map.of()).statusCode() == 200);
        RawMcpClient alice = new RawMcpClient("http://127.0.0.1:" + port + "/mcp").with("X-API-Key", ALICE);
        alice.initialize("2025-11-25");
        JsonNode status = RawMcpClient.JSON.readTree(get("/ui/api/status", Map.of("X-API-Key", OPS)).body());
        JsonNode listed = null;
        for (JsonNode s : status.path("sessions").path("listed")) {
            if (alice.sessionId().startsWith(s.path("id").asText().replace("…", ""))) {
                listed = s;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("identity").asText()).isEqualTo("key:alice");
        assertThat(status.toString()).doesNotContain(ALICE).doesNotContain(OPS).doesNotContain(alice.sessionId());
        alice.send("DELETE", Map.of());
    }

    HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
