package io.camelmcp.gateway.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.federation.DiscoveryService;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.GatewaySession;
import io.camelmcp.gateway.session.InMemorySessionStore;
import io.camelmcp.gateway.session.SessionStore;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.upstream.SseEvent;
import io.camelmcp.gateway.upstream.SseReader;
import io.camelmcp.gateway.upstream.UpstreamClient;
import io.camelmcp.gateway.upstream.UpstreamReply;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * The logging level a client set lives as long as its session: with a short idle timeout and the session in
 * use for longer than it, an upstream session opened afterwards still gets the level (it used to expire after
 * the idle timeout however active the session was). Against a real MCP Java SDK server.
 */
class LoggingLevelsTest {

    private static final Duration IDLE = Duration.ofMillis(1500);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private FixtureServer fixture;
    private UpstreamClient client;
    private Catalog catalog;
    private SessionStore store;
    private UpstreamSessions upstreams;
    private LoggingLevels logging;
    private ServerRegistration server;
    private final JsonRpc json = new JsonRpc(new ObjectMapper(), 4 << 20);

    @BeforeEach
    void start() throws Exception {
        fixture = FixtureServer.builder("fast").loggingTool("log").start();
        client = new UpstreamClient(Duration.ofSeconds(5));
        store = new InMemorySessionStore(IDLE);
        upstreams = new UpstreamSessions(client, store, json, json.object().put("name", "test").put("version", "1"));
        ServerRegistry registry = new ServerRegistry();
        catalog = new Catalog(registry, upstreams, client, json, TIMEOUT, Duration.ofSeconds(60), 100);
        new DiscoveryService(registry, catalog, client, new ProbeSchedule(Duration.ofMinutes(5), Duration.ofMinutes(5),
                Duration.ofSeconds(1), Duration.ofSeconds(1)), TIMEOUT); // probes on reconcile
        server = new ServerRegistration("fast", URI.create(fixture.url()), "fast_", Map.of(), "test");
        registry.reconcile("test", List.of(server));
        await().atMost(Duration.ofSeconds(20)).until(() -> !catalog.serversWith("logging").isEmpty());
        logging = new LoggingLevels(catalog, upstreams, json, TIMEOUT, store);
    }

    @AfterEach
    void stop() {
        catalog.close();
        client.close();
        fixture.close();
    }

    @Test
    void theLevelIsReappliedToAnUpstreamSessionOpenedAfterTheIdleTimeoutOfAnActiveSession() throws Exception {
        GatewaySession gs = new GatewaySession("gs-1", "2025-11-25", json.object(), null, Instant.now());
        store.create(gs);
        assertThat(logLevels(gs)).containsExactly("warning", "error"); // the server's default
        logging.remember(ClientContext.of(gs), setLevel("error"));

        long until = System.nanoTime() + IDLE.toNanos() * 2;
        while (System.nanoTime() - until < 0) { // the client keeps using its session
            assertThat(store.find(gs.id())).isNotNull();
            Thread.sleep(IDLE.toMillis() / 8);
        }
        assertThat(logging.level(ClientContext.of(gs))).isEqualTo("error");

        // the server forgets its session: the gateway opens a new one and sets the level there first
        String before = store.upstream(gs.id(), "fast").sessionId();
        HttpResponse<Void> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fixture.url()))
                .header("Mcp-Session-Id", before).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(logLevels(gs)).containsExactly("error");
        assertThat(store.upstream(gs.id(), "fast").sessionId()).isNotEqualTo(before);
    }

    @Test
    void theLevelEndsWithTheSession() throws Exception {
        GatewaySession gs = new GatewaySession("gs-2", "2025-11-25", json.object(), null, Instant.now());
        store.create(gs);
        logging.remember(ClientContext.of(gs), setLevel("error"));
        assertThat(logging.level(ClientContext.of(gs))).isEqualTo("error");
        Thread.sleep(IDLE.toMillis() * 2);
        assertThat(store.find(gs.id())).isNull();
        assertThat(logging.level(ClientContext.of(gs))).isNull();
    }

    private JsonRpcMessage setLevel(String level) {
        ObjectNode params = json.object().put("level", level);
        ObjectNode raw = json.object().put("jsonrpc", "2.0").put("id", 1).put("method", "logging/setLevel");
        raw.set("params", params);
        return new JsonRpcMessage(JsonRpcMessage.Kind.REQUEST, raw.get("id"), "logging/setLevel", params, raw);
    }

    /** Calls the fixture's log tool in the client's upstream session; the levels of the messages it sent. */
    private List<String> logLevels(GatewaySession gs) throws Exception {
        ObjectNode req = json.object().put("jsonrpc", "2.0").put("id", upstreams.nextId("test")).put("method", "tools/call");
        req.putObject("params").put("name", "log").putObject("arguments");
        UpstreamReply reply = upstreams.send(ClientContext.of(gs), server, json.write(req), TIMEOUT);
        assertThat(reply.isEventStream()).isTrue();
        List<String> levels = new ArrayList<>();
        try (SseReader events = new SseReader(reply.body())) {
            SseEvent e;
            while ((e = events.next()) != null) {
                JsonNode msg = e.isMessage() ? json.read(e.data()) : null;
                if (msg == null) {
                    continue;
                }
                if ("notifications/message".equals(msg.path("method").asText())) {
                    levels.add(msg.path("params").path("level").asText());
                } else if (!msg.has("method") && req.get("id").equals(msg.get("id"))) {
                    break;
                }
            }
        }
        reply.discard();
        return levels;
    }
}
