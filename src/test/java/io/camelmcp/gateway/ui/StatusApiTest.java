package io.camelmcp.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.ServerEverything;

/**
 * The status page's data (/ui/api/status, /ui/api/catalog) with two MCP Java SDK servers and one that is down, and the
 * page's own paths: / redirects to /ui/, which serves the page. Security is off (the embedded default): no credential.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatusApiTest {

    static FixtureServer alpha;
    static FixtureServer beta;
    static int downPort;

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        alpha = FixtureServer.builder("alpha").tool("hello", a -> "hello").tool("echo", a -> String.valueOf(a)).start();
        beta = FixtureServer.builder("beta").tool("upper", a -> String.valueOf(a.get("s")).toUpperCase()).start();
        downPort = ServerEverything.freePort();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        String[][] servers = {{"alpha", alpha.url(), "alpha_"}, {"beta", beta.url(), "beta_"},
            // a token in the URL's query, as a careless registration would have it: never shown
            {"down", "http://127.0.0.1:" + downPort + "/mcp?token=secret", "down_"}};
        for (int i = 0; i < servers.length; i++) {
            String[] s = servers[i];
            registry.add("mcp.gateway.servers[" + i + "].name", () -> s[0]);
            registry.add("mcp.gateway.servers[" + i + "].url", () -> s[1]);
            registry.add("mcp.gateway.servers[" + i + "].prefix", () -> s[2]);
        }
        registry.add("mcp.gateway.upstream.list-timeout", () -> "2s");
        registry.add("mcp.gateway.discovery.retry-interval", () -> "1s");
    }

    @AfterAll
    static void stop() {
        alpha.close();
        beta.close();
    }

    @Test
    void theStatusTellsEachServersReadinessPrefixRevisionToolsBreakerAndLastError() throws Exception {
        awaitReadiness();
        JsonNode status = await().atMost(Duration.ofSeconds(20)).until(() -> status(),
                s -> server(s, "alpha").path("ready").asBoolean() && server(s, "beta").path("ready").asBoolean()
                        && server(s, "down").path("lastError").isTextual());
        assertThat(status.path("generatedAt").asText()).isNotEmpty();
        assertThat(status.path("gateway").path("name").asText()).isEqualTo("camel-mcp-gateway");
        assertThat(status.path("gateway").path("store").asText()).isEqualTo("memory (this replica only)");
        List<String> names = new ArrayList<>();
        status.path("servers").forEach(s -> names.add(s.path("name").asText()));
        assertThat(names).containsExactly("alpha", "beta", "down");

        JsonNode a = server(status, "alpha");
        assertThat(a.path("prefix").asText()).isEqualTo("alpha_");
        assertThat(a.path("reason").asText()).isEqualTo("Ready");
        assertThat(a.path("tools").asInt()).isEqualTo(2);
        assertThat(a.path("protocolVersion").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(a.path("breaker").isNull()).as("no call yet").isTrue();
        assertThat(a.path("lastError").isNull()).isTrue();
        assertThat(a.path("url").asText()).isEqualTo(alpha.url());
        assertThat(server(status, "beta").path("tools").asInt()).isEqualTo(1);

        JsonNode down = server(status, "down");
        assertThat(down.path("ready").asBoolean()).isFalse();
        assertThat(down.path("reason").asText()).isEqualTo("UpstreamUnreachable");
        assertThat(down.path("lastError").asText()).containsIgnoringCase("connection refused");
        assertThat(down.path("lastErrorAt").asText()).isNotEmpty();
        assertThat(down.path("url").asText()).isEqualTo("http://127.0.0.1:" + downPort + "/mcp");
        assertThat(status.toString()).doesNotContain("secret");

        // a call gives alpha's breaker a state
        RawMcpClient c = new RawMcpClient(mcp());
        c.initialize("2025-11-25");
        c.request(2, "tools/call", "{\"name\":\"alpha_hello\",\"arguments\":{}}");
        assertThat(server(status(), "alpha").path("breaker").path("state").asText()).isEqualTo("CLOSED");
        c.send("DELETE", Map.of());
    }

    @Test
    void theCatalogueListsTheFederatedItemsWithTheirServerUnderTheVersionTheStatusAnnounces() throws Exception {
        awaitReadiness();
        JsonNode status = await().atMost(Duration.ofSeconds(20)).until(() -> status(),
                s -> s.path("catalog").path("tools").asInt() == 3);
        JsonNode catalog = get("/ui/api/catalog");
        assertThat(catalog.path("version").asText()).isEqualTo(status.path("catalog").path("version").asText());
        List<String> tools = new ArrayList<>();
        catalog.path("tools").forEach(t -> tools.add(t.path("server").asText() + ":" + t.path("name").asText()
                + ":" + t.path("description").asText()));
        assertThat(tools).containsExactly("alpha:alpha_echo:echo", "alpha:alpha_hello:hello", "beta:beta_upper:upper");
        assertThat(catalog.path("prompts").isArray()).isTrue();
        assertThat(catalog.path("resources").isArray()).isTrue();
        assertThat(catalog.path("resourceTemplates").isArray()).isTrue();
        // the same catalogue, the same version: the page fetches it again only after a change
        assertThat(status().path("catalog").path("version")).isEqualTo(status.path("catalog").path("version"));
    }

    @Test
    void aSessionIsListedOnceItsClientInitializedWithoutItsIdAndNoLongerOnceItEnded() throws Exception {
        awaitReadiness();
        RawMcpClient client = new RawMcpClient(mcp());
        client.initialize("2025-11-25");
        String id = client.sessionId();
        JsonNode sessions = await().atMost(Duration.ofSeconds(5)).until(() -> status().path("sessions"),
                s -> listed(s, id) != null);
        assertThat(sessions.path("count").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(sessions.path("shared").asBoolean()).isFalse();
        assertThat(sessions.path("store").asText()).isEqualTo("memory (this replica only)");
        JsonNode mine = listed(sessions, id);
        assertThat(mine.path("id").asText()).isEqualTo(id.substring(0, 8) + "…");
        assertThat(mine.path("protocolVersion").asText()).isEqualTo("2025-11-25");
        assertThat(mine.path("client").asText()).isEqualTo("raw-test 1");
        assertThat(mine.path("identity").isNull()).as("anonymous").isTrue();
        assertThat(mine.path("ageSeconds").asLong()).isBetween(0L, 30L);
        assertThat(mine.path("createdAt").asText()).isNotEmpty();
        assertThat(status().toString()).as("the session id is never in full in the status").doesNotContain(id);

        assertThat(client.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
        assertThat(listed(status().path("sessions"), id)).isNull();
    }

    @Test
    void theHomeRedirectsToThePageWhichIsServedWithItsFilesAndAStrictPolicy() throws Exception {
        HttpResponse<String> home = raw("/");
        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(home.headers().firstValue("location").orElseThrow()).endsWith("/ui/");
        HttpResponse<String> noSlash = raw("/ui");
        assertThat(noSlash.statusCode()).isEqualTo(302);
        assertThat(noSlash.headers().firstValue("location").orElseThrow()).endsWith("/ui/");

        HttpResponse<String> page = raw("/ui/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<title>Camel MCP Gateway").contains("app.js").contains("id=\"search\"");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow()).contains("script-src 'self'");
        assertThat(raw("/ui/index.html").body()).isEqualTo(page.body());
        for (String file : List.of("/ui/app.js", "/ui/style.css", "/ui/favicon.svg")) {
            HttpResponse<String> r = raw(file);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(r.headers().firstValue("cache-control").orElseThrow()).as(file).isEqualTo("no-cache");
        }
        HttpResponse<String> api = raw("/ui/api/status");
        assertThat(api.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        assertThat(api.headers().firstValue("cache-control").orElseThrow()).isEqualTo("no-store");
        // an unknown path is still the gateway's problem+json 404
        HttpResponse<String> missing = raw("/ui/nothing-here.js");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("content-type").orElseThrow()).startsWith("application/problem+json");
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    String mcp() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    void awaitReadiness() {
        await().atMost(Duration.ofSeconds(30)).until(() -> raw("/actuator/health/readiness").statusCode() == 200);
    }

    JsonNode status() throws Exception {
        return get("/ui/api/status");
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = raw(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return RawMcpClient.JSON.readTree(r.body());
    }

    HttpResponse<String> raw(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode server(JsonNode status, String name) {
        for (JsonNode s : status.path("servers")) {
            if (name.equals(s.path("name").asText())) {
                return s;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** The listed session whose short id is the start of {@code id}, or null. */
    static JsonNode listed(JsonNode sessions, String id) {
        for (JsonNode s : sessions.path("listed")) {
            String shown = s.path("id").asText();
            if (shown.endsWith("…") && id.startsWith(shown.substring(0, shown.length() - 1))) {
                return s;
            }
        }
        return null;
    }
}
