package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * The REST self-registration API as a server owner and an operator use it, over plain HTTP: register, heartbeat,
 * update, deregister; every refusal a problem+json naming what is wrong; heartbeats that stop hold the server (its
 * tools leave the lists, listening clients are told) and then remove it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RegistrationApiTest {

    static final String KEY = "test-key-1";
    static final String RATE_KEY = "rate-key-2";
    static final Duration WAIT = Duration.ofSeconds(15);
    static FixtureServer alpha;
    static FixtureServer beta;
    static FixtureServer gamma;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        alpha = FixtureServer.builder("alpha").tool("hello", args -> "hello from alpha").start();
        beta = FixtureServer.builder("beta").tool("ping", args -> "pong").start();
        gamma = FixtureServer.builder("gamma").tool("wave", args -> "waving").start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "beta");
        registry.add("mcp.gateway.servers[0].url", beta::url);
        registry.add("mcp.gateway.servers[0].prefix", () -> "b_");
        registry.add("mcp.gateway.registration.api-keys", () -> KEY + "," + RATE_KEY);
        registry.add("mcp.gateway.registration.heartbeat-interval", () -> "1s");
        registry.add("mcp.gateway.registration.heartbeat-timeout", () -> "3s");
        registry.add("mcp.gateway.registration.removal-timeout", () -> "8s");
        registry.add("mcp.gateway.registration.sync-interval", () -> "200ms");
        registry.add("mcp.gateway.registration.rate-limit", () -> "40");
        registry.add("mcp.gateway.discovery.health-interval", () -> "300ms");
        registry.add("mcp.gateway.discovery.health-timeout", () -> "500ms");
        registry.add("mcp.gateway.discovery.retry-interval", () -> "300ms");
        registry.add("mcp.gateway.discovery.max-retry-interval", () -> "1s");
    }

    @AfterAll
    static void stop() {
        alpha.close();
        beta.close();
        gamma.close();
    }

    @Test
    void aServerRegistersHeartbeatsMovesAndLeaves() throws Exception {
        HttpResponse<String> created = post("/register", KEY, null, register("alpha", alpha.url(), "a_"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode c = json(created);
        String id = c.path("server_id").asText();
        String token = c.path("token").asText();
        assertThat(id).isNotBlank();
        assertThat(token).startsWith("mcpgw_").hasSizeGreaterThan(40);
        assertThat(c.path("prefix").asText()).isEqualTo("a_");
        assertThat(c.path("heartbeat_interval_seconds").asInt()).isEqualTo(1);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/servers/" + id);
        assertThat(created.headers().map().keySet()).as("the request's credentials are not echoed")
                .noneMatch(h -> h.equalsIgnoreCase("X-API-Key") || h.equalsIgnoreCase("Authorization"));
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        try (AutoCloseable alive = keepAlive(id, token)) {
            registeredServerIsServedMovedAndRemoved(id, token);
        }
    }

    private void registeredServerIsServedMovedAndRemoved(String id, String token) throws Exception {
        RawMcpClient client = new RawMcpClient(gateway());
        client.initialize("2025-11-25");
        awaitTools(client, names -> names.contains("a_hello"));
        assertThat(text(client.request(2, "tools/call", "{\"name\":\"a_hello\",\"arguments\":{}}"))).isEqualTo("hello from alpha");

        HttpResponse<String> beat = post("/servers/" + id + "/heartbeat", null, token, null);
        assertThat(beat.statusCode()).as(beat.body()).isEqualTo(200);
        assertThat(beat.headers().firstValue("Authorization")).isEmpty();
        JsonNode status = json(beat);
        assertThat(status.path("server_id").asText()).isEqualTo(id);
        assertThat(status.path("ready").asBoolean()).isTrue();
        assertThat(status.path("reason").asText()).isEqualTo("Ready");
        assertThat(status.path("tool_count").asInt()).isEqualTo(1);
        assertThat(status.path("last_heartbeat").asText()).isNotBlank();

        JsonNode listed = find(json(get("/servers", KEY)), "alpha");
        assertThat(listed.path("source").asText()).isEqualTo("rest");
        assertThat(listed.path("url").asText()).isEqualTo(alpha.url());
        assertThat(find(json(get("/servers", KEY)), "beta").path("source").asText()).isEqualTo("static");
        assertThat(json(get("/servers/beta", KEY)).path("ready").asBoolean()).isTrue();
        assertThat(json(get("/servers/" + id, KEY)).path("metadata").path("team").asText()).isEqualTo("search");
        assertThat(json(get("/servers/alpha", KEY)).path("server_id").asText()).as("by name too").isEqualTo(id);

        // moved to another prefix (and another server): the tools follow
        HttpResponse<String> moved = send("PUT", "/servers/" + id, null, token,
                "{\"url\":\"" + gamma.url() + "\",\"prefix\":\"g_\"}");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(json(moved).path("prefix").asText()).isEqualTo("g_");
        awaitTools(client, names -> names.contains("g_wave") && !names.contains("a_hello"));

        // another registration's token is not this one's; an operator's key is enough to delete
        assertThat(post("/servers/" + id + "/heartbeat", null, "mcpgw_wrong", null).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/servers/" + id, KEY, null, null).statusCode()).isEqualTo(204);
        awaitTools(client, names -> names.stream().noneMatch(n -> n.startsWith("g_")));
        HttpResponse<String> gone = post("/servers/" + id + "/heartbeat", null, token, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void heartbeatsThatStopHoldTheServerThenRemoveIt() throws Exception {
        JsonNode c = json(post("/register", KEY, null, register("quiet", alpha.url(), "q_")));
        String id = c.path("server_id").asText();
        String token = c.path("token").asText();
        RawMcpClient client = new RawMcpClient(gateway());
        client.initialize("2025-11-25");
        awaitTools(client, names -> names.contains("q_hello"));

        List<String> notified = new CopyOnWriteArrayList<>();
        try (AutoCloseable listening = client.listen(m -> notified.add(m.path("method").asText()))) {
            // no heartbeat for the 2 s timeout: held, its tools gone, the client told
            awaitTools(client, names -> !names.contains("q_hello"));
            await().atMost(WAIT).until(() -> notified.contains("notifications/tools/list_changed"));
        }
        JsonNode held = json(get("/servers/" + id, KEY));
        assertThat(held.path("ready").asBoolean()).isFalse();
        assertThat(held.path("reason").asText()).as(held.toString()).isEqualTo("HeartbeatMissed");
        // a call that still names its tool fails at once, saying why
        long t0 = System.nanoTime();
        JsonNode call = client.request(3, "tools/call", "{\"name\":\"q_hello\",\"arguments\":{}}");
        assertThat(call.path("error").path("code").asInt()).as(call.toString()).isEqualTo(-32001);
        assertThat(call.path("error").path("data").path("server").asText()).isEqualTo("quiet");
        assertThat(call.path("error").path("message").asText()).contains("no heartbeat");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));

        // a heartbeat brings it back
        assertThat(post("/servers/" + id + "/heartbeat", null, token, null).statusCode()).isEqualTo(200);
        awaitTools(client, names -> names.contains("q_hello"));

        // silent past the 5 s removal timeout: removed, and a heartbeat then says so
        await().atMost(WAIT).until(() -> get("/servers/" + id, KEY).statusCode() == 404);
        HttpResponse<String> late = post("/servers/" + id + "/heartbeat", null, token, null);
        assertThat(late.statusCode()).isEqualTo(404);
        assertThat(json(late).path("detail").asText()).contains("register again");
        awaitTools(client, names -> !names.contains("q_hello"));
        // its name is free again, also for a server at another url
        assertThat(post("/register", KEY, null, register("quiet", gamma.url(), "q_")).statusCode()).isEqualTo(201);
    }

    @Test
    void aRegisteredServerThatDiesIsNotReadyWithItsReasonAndComesBack() throws Exception {
        FixtureServer mortal = FixtureServer.builder("mortal").tool("live", args -> "alive").start();
        int mortalPort = mortal.port();
        JsonNode c = json(post("/register", KEY, null, "{\"name\":\"mortal\",\"url\":\"" + mortal.url()
                + "\",\"prefix\":\"m_\"}"));
        String id = c.path("server_id").asText();
        String token = c.path("token").asText();
        AutoCloseable alive = keepAlive(id, token); // the registration stays alive: the health probe finds the server gone
        await().atMost(WAIT).until(() -> json(get("/servers/" + id, KEY)).path("ready").asBoolean());
        mortal.close();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                "UpstreamUnreachable".equals(json(get("/servers/" + id, KEY)).path("reason").asText()));
        JsonNode down = json(get("/servers/" + id, KEY));
        assertThat(down.path("ready").asBoolean()).isFalse();
        assertThat(down.path("message").asText()).isNotBlank();
        assertThat(down.path("last_error").asText()).isNotBlank();
        assertThat(down.path("last_error_at").asText()).isNotBlank();

        mortal = FixtureServer.builder("mortal").port(mortalPort).tool("live", args -> "alive").start();
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() ->
                    json(get("/servers/" + id, KEY)).path("ready").asBoolean());
            assertThat(json(get("/servers/" + id, KEY)).path("last_error").asText()).as("kept after recovery").isNotBlank();
        } finally {
            alive.close();
            send("DELETE", "/servers/" + id, KEY, null, null);
            mortal.close();
        }
    }

    @Test
    void refusalsAreProblemsNamingWhatIsWrong() throws Exception {
        HttpResponse<String> noKey = post("/register", null, null, register("x", alpha.url(), "x_"));
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.headers().firstValue("WWW-Authenticate")).isPresent();
        HttpResponse<String> wrongKey = post("/register", "wrong-key", null, "{}");
        assertThat(wrongKey.headers().firstValue("X-API-Key")).as("the key is not echoed").isEmpty();
        assertThat(json(noKey).path("status").asInt()).isEqualTo(401);
        assertThat(post("/register", "wrong", null, register("x", alpha.url(), "x_")).statusCode()).isEqualTo(401);
        assertThat(get("/servers", "wrong").statusCode()).isEqualTo(401);
        assertThat(get("/servers?X-API-Key=" + KEY, null).statusCode()).as("a key in the URL is not taken").isEqualTo(401);

        assertField(post("/register", KEY, null, "{\"url\":\"" + alpha.url() + "\",\"prefix\":\"x_\"}"), "name");
        assertField(post("/register", KEY, null, register("x y", alpha.url(), "x_")), "name");
        assertField(post("/register", KEY, null, register("x", "ftp://host/mcp", "x_")), "url");
        assertField(post("/register", KEY, null, register("x", "not a url", "x_")), "url");
        assertField(post("/register", KEY, null, register("x", alpha.url(), "x y")), "prefix");
        assertField(post("/register", KEY, null, register("x", alpha.url(), "")), "prefix");
        assertField(post("/register", KEY, null, "{\"name\":\"x\",\"url\":\"" + alpha.url()
                + "\",\"prefix\":\"x_\",\"transport\":\"websocket\"}"), "transport");
        assertField(post("/register", KEY, null, "{\"name\":\"x\",\"url\":\"" + alpha.url()
                + "\",\"prefix\":\"x_\",\"heathPath\":\"/health\"}"), "heathPath");
        assertField(post("/register", KEY, null, "{\"name\":\"x\",\"url\":\"" + alpha.url()
                + "\",\"prefix\":\"x_\",\"healthPath\":\"health\"}"), "healthPath");
        assertField(post("/register", KEY, null, "{\"name\":\"x\",\"url\":\"" + alpha.url()
                + "\",\"prefix\":\"x_\",\"metadata\":[1]}"), "metadata");
        assertField(post("/register", KEY, null, "{\"name\":7,\"url\":\"" + alpha.url() + "\",\"prefix\":\"x_\"}"), "name");
        // a registration's own breaker, bulkhead and timeouts: each member checked
        String limited = "{\"name\":\"x\",\"url\":\"" + alpha.url() + "\",\"prefix\":\"x_\",\"limits\":";
        assertField(post("/register", KEY, null, limited + "{\"maxConcurrentCalls\":0}}"), "limits.maxConcurrentCalls");
        assertField(post("/register", KEY, null, limited + "{\"requestTimeout\":\"soon\"}}"), "limits.requestTimeout");
        assertField(post("/register", KEY, null, limited + "{\"failureRateThreshold\":150}}"), "limits.failureRateThreshold");
        assertField(post("/register", KEY, null, limited + "{\"timeout\":\"1s\"}}"), "limits.timeout");
        assertField(post("/register", KEY, null, limited + "[]}"), "limits");
        HttpResponse<String> withLimits = post("/register", KEY, null, "{\"name\":\"lim\",\"url\":\"" + alpha.url()
                + "\",\"prefix\":\"lim_\",\"limits\":{\"maxConcurrentCalls\":7,\"requestTimeout\":\"90s\"}}");
        assertThat(withLimits.statusCode()).as(withLimits.body()).isEqualTo(201);
        JsonNode limits = json(get("/servers/lim", KEY)).path("limits");
        assertThat(limits.path("maxConcurrentCalls").asInt()).isEqualTo(7);
        assertThat(limits.path("requestTimeout").asText()).isEqualTo("90s");
        assertThat(send("DELETE", "/servers/" + json(withLimits).path("server_id").asText(), KEY, null, null).statusCode())
                .isEqualTo(204);
        assertThat(post("/register", KEY, null, "{not json").statusCode()).isEqualTo(400);
        assertThat(post("/register", KEY, null, "[]").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/register", KEY, null, register("x", alpha.url(), "x_"), "text/plain").statusCode())
                .isEqualTo(415);

        // taken: by a static server, by another registration
        assertConflict(post("/register", KEY, null, register("beta", alpha.url(), "other_")), "name");
        assertConflict(post("/register", KEY, null, register("other", alpha.url(), "b_")), "prefix");
        HttpResponse<String> first = post("/register", KEY, null, register("dup", alpha.url(), "d_"));
        assertThat(first.statusCode()).isEqualTo(201);
        assertConflict(post("/register", KEY, null, register("dup", gamma.url(), "d2_")), "name");
        // the same name at the same url is the same server registering again (restarted, its token lost): same id,
        // a new token, the old one refused
        HttpResponse<String> again = post("/register", KEY, null, register("dup", alpha.url(), "d_"));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        String dupId = json(first).path("server_id").asText();
        assertThat(json(again).path("server_id").asText()).isEqualTo(dupId);
        assertThat(post("/servers/" + dupId + "/heartbeat", null, json(first).path("token").asText(), null).statusCode())
                .isEqualTo(401);
        assertThat(post("/servers/" + dupId + "/heartbeat", null, json(again).path("token").asText(), null).statusCode())
                .isEqualTo(200);
        assertConflict(post("/register", KEY, null, register("dup2", alpha.url(), "d_")), "prefix");

        assertThat(get("/servers/no-such-id", KEY).statusCode()).isEqualTo(404);
        assertThat(post("/servers/no-such-id/heartbeat", null, "mcpgw_x", null).statusCode()).isEqualTo(404);
        assertThat(post("/servers/no-such-id/heartbeat", null, null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aClientThatRegistersTooFastIsToldWhenToRetry() throws Exception {
        int created = 0;
        HttpResponse<String> last = null;
        for (int i = 0; i < 41; i++) {
            last = post("/register", RATE_KEY, null, register("fast" + i, alpha.url(), "f" + i + "_"));
            if (last.statusCode() == 201) {
                created++;
            }
        }
        assertThat(created).isEqualTo(40);
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(last.headers().firstValue("Retry-After").map(Long::parseLong).orElse(0L)).isBetween(1L, 60L);
        assertThat(json(last).path("status").asInt()).isEqualTo(429);
    }

    @Test
    void theApiHasItsOwnPathsAndAnOpenApiDocument() throws Exception {
        HttpResponse<String> doc = get("/openapi.json", null);
        assertThat(doc.statusCode()).isEqualTo(200);
        JsonNode openapi = json(doc);
        assertThat(openapi.path("openapi").asText()).startsWith("3.");
        assertThat(openapi.path("servers").get(0).path("url").asText()).as(openapi.path("servers").toString()).isEqualTo("/api/v1");
        assertThat(openapi.path("paths").has("/register")).as(openapi.path("paths").toString()).isTrue();
        assertThat(openapi.path("paths").has("/servers/{server_id}/heartbeat")).isTrue();

        HttpResponse<String> unknown = get("/nope", KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(get("/mcp", KEY).statusCode()).as("the MCP endpoint is not under /api").isEqualTo(404);
        assertThat(get("/register", KEY).statusCode()).isEqualTo(405);
        String big = "{\"name\":\"big\",\"url\":\"" + alpha.url() + "\",\"prefix\":\"big_\",\"metadata\":{\"x\":\""
                + "a".repeat(100_000) + "\"}}";
        assertThat(post("/register", KEY, null, big).statusCode()).isEqualTo(413);
        HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/register")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).as("chunked, without a key: %s", chunked.body()).isEqualTo(413);
        assertThat(chunked.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        HttpResponse<String> docWithKey = get("/openapi.json", KEY);
        assertThat(docWithKey.headers().firstValue("X-API-Key")).as("not echoed by the OpenAPI route either").isEmpty();
    }

    // ---- helpers ----

    /** Heartbeats every 300 ms until closed: tests that are not about timeouts must not depend on the machine's speed. */
    private AutoCloseable keepAlive(String id, String token) {
        Thread beats = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    post("/servers/" + id + "/heartbeat", null, token, null);
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // the next one
                }
            }
        });
        return beats::interrupt;
    }

    static String register(String name, String url, String prefix) {
        return "{\"name\":\"" + name + "\",\"url\":\"" + url + "\",\"prefix\":\"" + prefix
                + "\",\"transport\":\"streamable-http\",\"metadata\":{\"team\":\"search\"}}";
    }

    private static void assertField(HttpResponse<String> r, String field) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(r).path("field").asText()).as(r.body()).isEqualTo(field);
    }

    private static void assertConflict(HttpResponse<String> r, String field) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(json(r).path("field").asText()).isEqualTo(field);
    }

    private static JsonNode find(JsonNode servers, String name) {
        for (JsonNode s : servers.path("servers")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError(name + " not in " + servers);
    }

    private String gateway() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    private HttpResponse<String> get(String path, String key) throws Exception {
        return send("GET", path, key, null, null);
    }

    private HttpResponse<String> post(String path, String key, String token, String body) throws Exception {
        return send("POST", path, key, token, body);
    }

    private HttpResponse<String> send(String method, String path, String key, String token, String body) throws Exception {
        return send(method, path, key, token, body, "application/json");
    }

    private HttpResponse<String> send(String method, String path, String key, String token, String body, String type)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", type);
        }
        if (key != null) {
            b.header("X-API-Key", key);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return RawMcpClient.JSON.readTree(r.body());
    }

    private void awaitTools(RawMcpClient c, Predicate<List<String>> condition) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> condition.test(toolNames(c)));
    }

    private static List<String> toolNames(RawMcpClient c) throws Exception {
        List<String> names = new ArrayList<>();
        c.request(1, "tools/list", null).path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    private static String text(JsonNode response) {
        return response.path("result").path("content").get(0).path("text").asText();
    }
}
