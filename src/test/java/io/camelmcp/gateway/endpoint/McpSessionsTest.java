package io.camelmcp.gateway.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.relay.ClientStreams;
import io.camelmcp.gateway.relay.ServerMessages;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.GatewaySession;
import io.camelmcp.gateway.session.InMemoryExpiringStore;
import io.camelmcp.gateway.session.InMemorySessionStore;
import io.camelmcp.gateway.session.RelayStores;
import io.camelmcp.gateway.session.SessionStore;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.upstream.UpstreamClient;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/** Idle expiry, against a real MCP Java SDK server: an idle session ends with its upstream sessions, an active one never. */
class McpSessionsTest {

    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private FixtureServer fixture;
    private UpstreamClient client;
    private SessionStore store;
    private UpstreamSessions upstreams;
    private McpSessions sessions;
    private ServerRegistration server;
    private final JsonRpc json = new JsonRpc(new ObjectMapper(), 4 << 20);

    @BeforeEach
    void start() throws Exception {
        fixture = FixtureServer.builder("fast").tool("hello", args -> "hello").start();
        client = new UpstreamClient(Duration.ofSeconds(5));
        store = new InMemorySessionStore(IDLE);
        upstreams = new UpstreamSessions(client, store, json, json.object().put("name", "test").put("version", "1"));
        ServerRegistry registry = new ServerRegistry();
        server = new ServerRegistration("fast", URI.create(fixture.url()), "fast_", Map.of(), "test");
        registry.reconcile("test", List.of(server));
        RelayStores relay = new RelayStores(new InMemoryExpiringStore<>(), new InMemoryExpiringStore<>(),
                new InMemoryExpiringStore<>(), new InMemoryExpiringStore<>());
        io.camelmcp.gateway.session.LocalReplicaBus bus = new io.camelmcp.gateway.session.LocalReplicaBus(new com.fasterxml.jackson.databind.ObjectMapper());
        ServerMessages messages = new ServerMessages(upstreams, registry, relay, json, TIMEOUT, bus);
        ClientStreams streams = new ClientStreams(registry, store, upstreams, client, messages, json, TIMEOUT, bus, 0, 0);
        sessions = new McpSessions(store, upstreams, registry, json, json.object(), IDLE, streams, 0,
                new io.camelmcp.gateway.federation.VirtualServers(java.util.List.of()));
    }

    @AfterEach
    void stop() {
        client.close();
        fixture.close();
    }

    @Test
    void anIdleSessionEndsWithItsUpstreamSessionsAndAnActiveOneDoesNot() throws Exception {
        GatewaySession warmUp = new GatewaySession("warm-up", "2025-11-25", json.object(), null, Instant.now());
        store.create(warmUp);
        upstreams.sessionFor(ClientContext.of(warmUp), server, TIMEOUT); // the first connection is slow on a cold JVM
        GatewaySession idle = new GatewaySession("idle", "2025-11-25", json.object(), null, Instant.now());
        GatewaySession active = new GatewaySession("active", "2025-11-25", json.object(), null, Instant.now());
        store.create(idle);
        store.create(active);
        String idleUpstream = upstreams.sessionFor(ClientContext.of(idle), server, TIMEOUT).sessionId();
        String activeUpstream = upstreams.sessionFor(ClientContext.of(active), server, TIMEOUT).sessionId();
        assertThat(ping(idleUpstream)).isEqualTo(200);
        assertThat(store.touch(active.id())).as("set up within the idle timeout").isTrue();

        long until = System.nanoTime() + IDLE.toNanos() * 2;
        while (System.nanoTime() - until < 0) {
            assertThat(store.find(active.id())).isNotNull();
            sessions.expireIdle(); // what the session-expiry timer route runs
            Thread.sleep(IDLE.toMillis() / 8);
        }
        assertThat(store.find(idle.id())).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> ping(idleUpstream) == 404); // closed in the background
        assertThat(ping(activeUpstream)).isEqualTo(200);
        assertThat(store.upstream(active.id(), "fast").sessionId()).isEqualTo(activeUpstream);
    }

    private int ping(String upstreamSession) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fixture.url()))
                .header("Mcp-Session-Id", upstreamSession).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
