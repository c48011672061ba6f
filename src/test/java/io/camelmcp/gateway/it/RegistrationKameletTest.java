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
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * kamelets/mcp-gateway-registration-source, in a route of the gateway's own CamelContext pointed at the gateway's own
 * port, as a Camel-based MCP server would use it: it registers a server, keeps it registered with heartbeats past the
 * timeouts, registers it again when the gateway forgets it, and with a wrong API key keeps failing with growing waits
 * without the route ever stopping. The example route of docs/examples/kamelet-registration runs here too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RegistrationKameletTest {

    static final String KEY = "kamelet-key-1";
    static final Duration WAIT = Duration.ofSeconds(10);
    static FixtureServer server;

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camel;

    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> routes = new ArrayList<>();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        server = FixtureServer.builder("kam").tool("hello", args -> "hello from kam").start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.registration.api-keys", () -> KEY);
        registry.add("mcp.gateway.registration.heartbeat-interval", () -> "1s");
        registry.add("mcp.gateway.registration.heartbeat-timeout", () -> "3s");
        registry.add("mcp.gateway.registration.removal-timeout", () -> "5s");
        registry.add("mcp.gateway.registration.sync-interval", () -> "200ms");
        // what the example route reads (docs/examples/kamelet-registration)
        registry.add("registration.gateway-url", () -> "http://127.0.0.1:${local.server.port}");
        registry.add("registration.api-key", () -> KEY);
        registry.add("registration.name", () -> "example");
        registry.add("registration.url", server::url);
        registry.add("registration.prefix", () -> "ex_");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void removeRoutes() throws Exception {
        for (String id : routes) {
            camel.getRouteController().stopRoute(id, 5, TimeUnit.SECONDS);
            camel.removeRoute(id);
        }
    }

    @Test
    void registersHeartbeatsAndRegistersAgainWhenForgotten() throws Exception {
        start("kam-registration", "apiKey=" + KEY + "&name=kam&url=RAW(" + server.url() + ")&prefix=k_"
                + "&metadata=RAW({\"team\":\"search\"})&tick=100&initialBackoff=200&maxBackoff=1000");

        await().atMost(WAIT).until(() -> !events.isEmpty());
        Event registered = events.get(0);
        assertThat(registered.event()).as(events.toString()).isEqualTo("registered");
        assertThat(registered.status()).isEqualTo(201);
        String first = registered.serverId();
        assertThat(first).isNotBlank();
        JsonNode answer = RawMcpClient.JSON.readTree(registered.body());
        assertThat(answer.path("server_id").asText()).isEqualTo(first);
        assertThat(answer.path("prefix").asText()).isEqualTo("k_");
        assertThat(answer.path("heartbeat_interval_seconds").asInt()).isEqualTo(1);
        assertThat(answer.has("token")).as("the token stays inside the Kamelet").isFalse();
        JsonNode status = json(send("GET", "/servers/" + first));
        assertThat(status.path("source").asText()).isEqualTo("rest");
        assertThat(status.path("url").asText()).isEqualTo(server.url());
        assertThat(status.path("metadata").path("team").asText()).isEqualTo("search");

        RawMcpClient client = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        client.initialize("2025-11-25");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> toolNames(client).contains("k_hello"));

        // past the heartbeat timeout (3 s) and the removal timeout (5 s): still registered, still ready, the same id
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> toolNames(client).contains("k_hello"));
        assertThat(json(send("GET", "/servers/" + first)).path("ready").asBoolean()).isTrue();
        assertThat(events).as(events.toString()).allMatch(e -> e.serverId().equals(first))
                .noneMatch(e -> e.event().equals("failed"));
        assertThat(events.stream().filter(e -> e.event().equals("heartbeat")).count()).isGreaterThanOrEqualTo(4);
        JsonNode beat = RawMcpClient.JSON.readTree(events.get(events.size() - 1).body());
        assertThat(beat.path("server_id").asText()).isEqualTo(first);
        assertThat(beat.path("ready").asBoolean()).isTrue();

        // removed behind the Kamelet's back: its next heartbeat gets 404 and it registers again, under a new id
        assertThat(send("DELETE", "/servers/" + first).statusCode()).isEqualTo(204);
        await().atMost(WAIT).until(() -> events.stream().anyMatch(e -> e.event().equals("reregistered")));
        Event again = events.stream().filter(e -> e.event().equals("reregistered")).findFirst().orElseThrow();
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.serverId()).isNotBlank().isNotEqualTo(first);
        assertThat(events).as(events.toString()).noneMatch(e -> e.event().equals("failed"));
        assertThat(send("GET", "/servers/" + first).statusCode()).isEqualTo(404);
        await().atMost(WAIT).until(() -> json(send("GET", "/servers/" + again.serverId())).path("ready").asBoolean());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> toolNames(client).contains("k_hello"));
        await().atMost(WAIT).until(() -> events.get(events.size() - 1).event().equals("heartbeat")
                && events.get(events.size() - 1).serverId().equals(again.serverId()));
        assertThat(text(client.request(5, "tools/call", "{\"name\":\"k_hello\",\"arguments\":{}}"))).isEqualTo("hello from kam");
    }

    @Test
    void aWrongApiKeyFailsWithGrowingWaitsAndNeverStopsTheRoute() throws Exception {
        start("bad-registration", "apiKey=wrong-key&name=bad&url=RAW(" + server.url() + ")&prefix=bad_"
                + "&tick=20&initialBackoff=100&maxBackoff=800");

        await().atMost(WAIT).until(() -> events.size() >= 5);
        List<Event> seen = List.copyOf(events);
        assertThat(seen).as(seen.toString()).allMatch(e -> e.event().equals("failed") && e.status() == 401
                && e.serverId() == null && e.error().contains("API key"));
        // each wait a random point in [backoff, 2 x backoff), the backoff doubling from 100 ms up to 800 ms
        List<Long> waits = seen.stream().map(Event::retryIn).toList();
        assertThat(waits.get(0)).as(seen.toString()).isBetween(100L, 199L);
        assertThat(waits.get(1)).as(seen.toString()).isBetween(200L, 399L);
        assertThat(waits.get(2)).as(seen.toString()).isBetween(400L, 799L);
        assertThat(waits.get(3)).as(seen.toString()).isEqualTo(800L);
        assertThat(waits.get(4)).as(seen.toString()).isEqualTo(800L);
        // and the attempts really are that far apart
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).at() - seen.get(i - 1).at()).as("gap before attempt " + i + " of " + seen)
                    .isGreaterThanOrEqualTo(waits.get(i - 1) - 20);
        }
        for (String id : routes) {
            assertThat(camel.getRouteController().getRouteStatus(id).isStarted()).as(id).isTrue();
        }
        assertThat(json(send("GET", "/servers")).findValuesAsText("name")).doesNotContain("bad");
    }

    @Test
    void theExampleRouteRegistersItsServer() throws Exception {
        Set<String> before = camel.getRoutes().stream().map(Route::getRouteId).collect(Collectors.toSet());
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveMandatoryResource(camel,
                "file:docs/examples/kamelet-registration/mcp-server-registration.camel.yaml"));
        camel.getRoutes().stream().map(Route::getRouteId).filter(id -> !before.contains(id)).forEach(routes::add);
        assertThat(routes).contains("mcp-gateway-registration");

        RawMcpClient client = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        client.initialize("2025-11-25");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> toolNames(client).contains("ex_hello"));
        JsonNode listed = null;
        for (JsonNode s : json(send("GET", "/servers")).path("servers")) {
            if (s.path("name").asText().equals("example")) {
                listed = s;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("source").asText()).isEqualTo("rest");
        assertThat(listed.path("metadata").path("version").asText()).isEqualTo("1.4.0");
    }

    // ---- helpers ----

    /** A route that takes the Kamelet's messages (its own route's id {@code id}-source) and records them. */
    private void start(String id, String options) throws Exception {
        String uri = "kamelet:mcp-gateway-registration-source/" + id + "-source?gatewayUrl=http://127.0.0.1:" + port
                + "&" + options;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId(id).process(x -> {
                    Message m = x.getMessage();
                    events.add(new Event(System.currentTimeMillis(), m.getHeader("McpRegistrationEvent", String.class),
                            m.getHeader("McpServerId", String.class), m.getHeader("McpRegistrationStatus", Integer.class),
                            m.getHeader("McpRegistrationRetryIn", Long.class), m.getHeader("McpRegistrationError", String.class),
                            m.getBody(String.class)));
                });
            }
        });
        routes.add(id);
        routes.add(id + "-source");
    }

    record Event(long at, String event, String serverId, Integer status, Long retryIn, String error, String body) { }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("X-API-Key", KEY).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return RawMcpClient.JSON.readTree(r.body());
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
