package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.federation.DiscoveryService;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ServerStatus;
import io.camelmcp.gateway.support.CuttableProxy;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.SilentListener;

/**
 * Every upstream is health-checked between its reads (an MCP ping, or its health path): one that dies, answers its
 * health path with 503, or accepts connections and never answers is soon reported not ready, and calls to it fail at
 * once with -32001 instead of waiting out the call timeout (5 minutes here, the default); back, it serves again. The
 * intervals are shortened so that each case takes a second or two.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HealthProbeTest {

    static FixtureServer mortal;
    static int mortalPort;
    static FixtureServer sick;
    static final AtomicInteger sickHealth = new AtomicInteger(200);
    static FixtureServer behindSilent;
    static CuttableProxy silentLink;
    static SilentListener silent;

    @LocalServerPort
    int port;

    @Autowired
    ServerRegistry registry;

    @Autowired
    DiscoveryService discovery;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        mortal = FixtureServer.builder("mortal").tool("hello", args -> "hello from mortal").start();
        mortalPort = mortal.port();
        sick = FixtureServer.builder("sick").tool("hello", args -> "hello from sick").health(sickHealth::get).start();
        behindSilent = FixtureServer.builder("silent").tool("hello", args -> "hello from silent").start();
        silentLink = new CuttableProxy(behindSilent.port());

        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "mortal");
        registry.add("mcp.gateway.servers[0].url", () -> mortal.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "mortal_");
        registry.add("mcp.gateway.servers[1].name", () -> "silent");
        registry.add("mcp.gateway.servers[1].url", () -> "http://127.0.0.1:" + silentLink.port() + "/mcp");
        registry.add("mcp.gateway.servers[1].prefix", () -> "silent_");
        registry.add("mcp.gateway.discovery.health-interval", () -> "300ms");
        registry.add("mcp.gateway.discovery.health-timeout", () -> "500ms");
        registry.add("mcp.gateway.discovery.retry-interval", () -> "300ms");
        registry.add("mcp.gateway.discovery.max-retry-interval", () -> "1s");
    }

    @AfterAll
    static void stop() throws Exception {
        silentLink.close();
        if (silent != null) {
            silent.close();
        }
        for (FixtureServer f : new FixtureServer[] {mortal, sick, behindSilent}) {
            f.close();
        }
    }

    @Test
    void aServerKilledWhileServingIsSoonUnreachableFailsCallsAtOnceAndServesAgainWhenRestarted() throws Exception {
        awaitServer("mortal", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        assertThat(text(c.request(1, "tools/call", "{\"name\":\"mortal_hello\",\"arguments\":{}}"))).isEqualTo("hello from mortal");

        long killing = System.nanoTime();
        mortal.kill(); // the web server takes a few seconds to stop, its port closed early on
        long killed = System.nanoTime();
        JsonNode down = awaitServer("mortal", s -> !s.path("ready").asBoolean());
        System.out.printf("health: a killed server was reported not ready %d ms after the kill began (it took %d ms)%n",
                (System.nanoTime() - killing) / 1_000_000, (killed - killing) / 1_000_000);
        assertThat(down.path("reason").asText()).isEqualTo("UpstreamUnreachable");
        assertThat(down.path("message").asText()).isNotBlank();

        JsonNode err = timedCall(c, 2, "mortal_hello", "mortal");
        assertThat(err.path("message").asText()).startsWith("MCP server 'mortal' is unavailable: ").hasSizeGreaterThan(40);

        mortal = FixtureServer.builder("mortal").port(mortalPort).tool("hello", args -> "hello again").start();
        long restarted = System.nanoTime();
        awaitServer("mortal", s -> s.path("ready").asBoolean());
        System.out.printf("health: the restarted server was ready again after %d ms%n", (System.nanoTime() - restarted) / 1_000_000);
        assertThat(text(c.request(3, "tools/call", "{\"name\":\"mortal_hello\",\"arguments\":{}}"))).isEqualTo("hello again");
        // what failed stays known after the recovery (the REST API shows it as last_error)
        assertThat(discovery.lastFailure("mortal")).hasValueSatisfying(f -> assertThat(f.message()).isNotBlank());
    }

    @Test
    void aHealthPathAnswering503MakesTheServerNotReadyWithThatMessage() throws Exception {
        registry.reconcile("health-test", List.of(new ServerRegistration("sick", URI.create(sick.url()), "sick_", Map.of(),
                "health-test", null, "/health", null)));
        awaitServer("sick", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        assertThat(text(c.request(1, "tools/call", "{\"name\":\"sick_hello\",\"arguments\":{}}"))).isEqualTo("hello from sick");

        sickHealth.set(503);
        JsonNode down = awaitServer("sick", s -> !s.path("ready").asBoolean());
        String expected = "GET http://127.0.0.1:" + sick.port() + "/health answered 503";
        assertThat(down.path("reason").asText()).isEqualTo("UpstreamUnreachable");
        assertThat(down.path("message").asText()).isEqualTo(expected);
        assertThat(timedCall(c, 2, "sick_hello", "sick").path("message").asText()).contains(expected);

        sickHealth.set(204); // any 2xx is healthy
        awaitServer("sick", s -> s.path("ready").asBoolean());
        assertThat(text(c.request(3, "tools/call", "{\"name\":\"sick_hello\",\"arguments\":{}}"))).isEqualTo("hello from sick");
        assertThat(discovery.lastFailure("sick")).hasValueSatisfying(f -> assertThat(f.message()).isEqualTo(expected));

        registry.reconcile("health-test", List.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> discovery.lastFailure("sick").isEmpty()); // forgotten with it
    }

    @Test
    void aServerThatAcceptsAndNeverAnswersIsUnreachableAfterTheHealthTimeout() throws Exception {
        awaitServer("silent", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        assertThat(text(c.request(1, "tools/call", "{\"name\":\"silent_hello\",\"arguments\":{}}"))).isEqualTo("hello from silent");

        // the server's port now belongs to a listener that takes every connection and never says a word
        silentLink.cut();
        silent = new SilentListener(silentLink.port());
        long quiet = System.nanoTime();
        JsonNode down = awaitServer("silent", s -> !s.path("ready").asBoolean());
        System.out.printf("fault: upstream silent (accepts, never answers) -> not ready %d ms later%n",
                (System.nanoTime() - quiet) / 1_000_000);
        assertThat(down.path("reason").asText()).isEqualTo("UpstreamUnreachable");
        assertThat(down.path("message").asText()).contains("no answer within");
        assertThat(silent.accepted()).isPositive(); // the check did reach the listener, and gave up on it

        JsonNode err = timedCall(c, 2, "silent_hello", "silent");
        assertThat(err.path("message").asText()).contains("'silent'").contains("no answer within");
    }

    @Test
    void aServerHeldByItsSourceFailsCallsAtOnceWithTheHold() throws Exception {
        ServerStatus hold = ServerStatus.held(ServerStatus.REASON_HEARTBEAT_MISSED, "no heartbeat for 90s");
        registry.reconcile("hold-test", List.of(new ServerRegistration("sleepy", URI.create("http://127.0.0.1:9/mcp"),
                "sleepy_", Map.of(), "hold-test", null, null, hold)));
        try {
            JsonNode held = awaitServer("sleepy", s -> true);
            assertThat(held.path("reason").asText()).isEqualTo("HeartbeatMissed");
            JsonNode err = timedCall(client(), 1, "sleepy_hello", "sleepy");
            assertThat(err.path("message").asText()).isEqualTo("MCP server 'sleepy' is unavailable: no heartbeat for 90s");
        } finally {
            registry.reconcile("hold-test", List.of());
        }
    }

    /** A tools/call that must fail at once with -32001 naming the server; returns the error. */
    private static JsonNode timedCall(RawMcpClient c, int id, String tool, String server) throws Exception {
        long start = System.nanoTime();
        JsonNode r = c.request(id, "tools/call", "{\"name\":\"" + tool + "\",\"arguments\":{}}");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("health: a call to unavailable '%s' failed after %d ms%n", server, tookMs);
        JsonNode err = r.path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32001);
        assertThat(err.path("data").path("server").asText()).isEqualTo(server);
        assertThat(tookMs).isLessThan(1000);
        return err;
    }

    private RawMcpClient client() throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.initialize("2025-11-25");
        return c;
    }

    private JsonNode awaitServer(String name, Predicate<JsonNode> condition) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/mcpservers")).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode s : RawMcpClient.JSON.readTree(r.body()).path("servers")) {
                if (s.path("name").asText().equals(name) && condition.test(s)) {
                    found[0] = s;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static String text(JsonNode response) {
        return response.path("result").path("content").get(0).path("text").asText();
    }
}
