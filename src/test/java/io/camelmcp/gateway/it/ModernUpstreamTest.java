package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.ClientDriver;
import io.camelmcp.gateway.support.McpSchemas;
import io.camelmcp.gateway.support.RecordingHttpProxy;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.Peers;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.ServerEverything;

/**
 * "2026 upstreams" and "2025 client, 2026 upstream" (issue 17): the gateway in front of a modern-only 2026-07-28 server
 * (test-peers/modern-server.mjs, TypeScript SDK v2, which refuses initialize with -32022) under {@code m_}, and a 2025
 * server-everything under {@code a_}. The gateway finds out which is which with server/discover, shows it in the
 * status, and a 2025-11-25 client (TypeScript SDK v1) uses both: plain calls, MRTR elicitation and sampling carried
 * out for it as server requests on the call's stream, progress, a resource, a prompt, and clear errors when the
 * server's rounds never end or it refuses its own requestState.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModernUpstreamTest {

    static final String KEY = "modern-key";
    static ServerEverything modern;
    static ServerEverything dualEra;
    /** What the gateway and the 2026-07-28 server "modern" say to each other, in all the tests of this class. */
    static RecordingHttpProxy upstreamWire;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        modern = ServerEverything.modern("reject");
        upstreamWire = new RecordingHttpProxy(modern.url());
        dualEra = ServerEverything.modern("stateless");
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "modern");
        registry.add("mcp.gateway.servers[0].url", () -> upstreamWire.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "m_");
        registry.add("mcp.gateway.servers[1].name", () -> "everything-a");
        registry.add("mcp.gateway.servers[1].url", () -> Peers.everythingA().url());
        registry.add("mcp.gateway.servers[1].prefix", () -> "a_");
        registry.add("mcp.gateway.registration.api-keys", () -> KEY);
        registry.add("mcp.gateway.discovery.health-interval", () -> "300ms");
        registry.add("mcp.gateway.discovery.retry-interval", () -> "300ms");
        registry.add("mcp.gateway.discovery.max-retry-interval", () -> "1s");
    }

    @AfterAll
    static void stop() throws Exception {
        upstreamWire.close();
        modern.close();
        dualEra.close();
    }

    String endpoint() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    @Test
    void theStatusNamesTheRevisionEachServerSpeaks() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> server("modern").path("ready").asBoolean()
                && server("everything-a").path("ready").asBoolean());
        assertThat(server("modern").path("protocolVersion").asText()).isEqualTo("2026-07-28");
        assertThat(server("modern").path("tools").asInt()).isGreaterThanOrEqualTo(10);
        assertThat(server("modern").path("resources").asInt()).isEqualTo(1);
        assertThat(server("everything-a").path("protocolVersion").asText()).isEqualTo("2025-11-25");

        // a dual-era server registered through the REST API is spoken to in 2026-07-28, as discover offers it
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/register"))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"dual\",\"url\":\"" + dualEra.url()
                        + "\",\"prefix\":\"d_\",\"transport\":\"streamable-http\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = RawMcpClient.JSON.readTree(created.body()).path("server_id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> registered(id).path("ready").asBoolean());
        assertThat(registered(id).path("protocol_version").asText()).isEqualTo("2026-07-28");
        assertThat(registered(id).path("tool_count").asInt()).isEqualTo(10);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void everyMessageBetweenTheGatewayAndThe2026ServerIsValidForItsSchema() {
        // run last: the wire of every test before it (discover probes, lists, calls, MRTR retries, listen streams)
        assertThat(upstreamWire.unreadable()).isEmpty();
        assertThat(upstreamWire.messages()).hasSizeGreaterThan(20);
        McpSchemas.assertValid(McpSchemas.V2026_07_28, upstreamWire.messages());
    }

    @Test
    void aTypeScriptV1ClientUsesA2026UpstreamThroughTheGateway() throws Exception {
        JsonNode r;
        try (RecordingHttpProxy wire = new RecordingHttpProxy(endpoint())) {
            r = ClientDriver.run(wire.url(), "m_", "modern", Map.of());
            // the v1 client's 2025-11-25 conversation with the gateway, against that revision's schema
            assertThat(wire.unreadable()).isEmpty();
            McpSchemas.assertValid(McpSchemas.V2025_11_25, wire.messages());
        }
        assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
        // both servers' tools, prefixed
        assertThat(r.path("tools").toString()).contains("m_add", "m_ask", "m_slow", "a_get-sum", "a_echo");
        assertThat(r.path("add").asText()).isEqualTo("5");

        // MRTR: the elicitation reached the client's handler on the call's stream; its answer came back in the retry
        assertThat(r.path("elicitations").size()).isEqualTo(1);
        assertThat(r.path("elicitations").get(0).path("message").asText()).isEqualTo("Favourite colour?");
        assertThat(r.path("elicitations").get(0).path("requestId").asText()).startsWith("gw-in-");
        assertThat(r.path("ask").path("text").asText()).startsWith("You answered: driver-answer-1 (state ");
        // the 2026-only members do not reach the 2025 client
        assertThat(r.path("ask").path("raw").has("resultType")).isFalse();
        assertThat(r.path("sample").asText()).isEqualTo("Model said: sampled: hi");
        assertThat(r.path("samplingRequests").asInt()).isEqualTo(1);

        // progress of the upstream's SSE answer, with the client's own token
        assertThat(r.path("slow").path("text").asText()).isEqualTo("done after 3 steps");
        assertThat(r.path("slow").path("progress").size()).isEqualTo(3);

        // a resource and a prompt of the modern server
        assertThat(r.path("resourceUri").asText()).contains("greeting");
        JsonNode contents = r.path("resource").path("contents");
        assertThat(contents.get(0).path("text").asText()).isEqualTo("hello from the modern server");
        assertThat(r.path("resource").has("ttlMs")).isFalse();
        assertThat(r.path("prompts").toString()).contains("m_greet");
        assertThat(r.path("prompt").toString()).contains("Say hello to Ada");

        // what the modern server got with each request: the envelope, the client's info and relayed capabilities
        JsonNode meta = r.path("meta").path("envelope");
        assertThat(meta.path("io.modelcontextprotocol/protocolVersion").asText()).as(r.path("meta").toString())
                .isEqualTo("2026-07-28");
        assertThat(meta.path("io.modelcontextprotocol/logLevel").asText()).isEqualTo("info");
        // the request's own _meta member (the gateway's progress token for the client's) is still there
        assertThat(r.path("meta").path("meta").path("progressToken").asText()).startsWith("gw-pt-");
        assertThat(meta.path("io.modelcontextprotocol/clientInfo").path("name").asText())
                .isEqualTo("camel-mcp-gateway-test-driver");
        assertThat(meta.path("io.modelcontextprotocol/clientCapabilities").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("elicitation", "sampling", "roots");

        // MRTR that never completes, and a requestState the server refuses: clear JSON-RPC errors
        assertThat(r.path("loop").path("errored").asBoolean()).as(r.path("loop").toString()).isTrue();
        assertThat(r.path("loop").path("error").path("message").asText()).contains("asked for input more than 10 times");
        assertThat(r.path("stale").path("errored").asBoolean()).as(r.path("stale").toString()).isTrue();
        assertThat(r.path("stale").path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(r.path("stale").path("error").path("message").asText()).contains("Invalid or expired requestState");

        System.out.println("relayed modern tools/call (add), ms: " + r.path("addMs"));
    }

    @Test
    void aCancelledCallClosesTheUpstreamsAnswer() throws Exception {
        JsonNode r = ClientDriver.run(endpoint(), "m_", "modern-cancel", Map.of());
        assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.path("progress").size()).as(r.toString()).isGreaterThanOrEqualTo(2);
        assertThat(r.path("error").path("message").asText()).contains("cancelled after 2 progress");
        // no notifications/cancelled to a 2026-07-28 server: the gateway closed the call's stream to it
        assertThat(r.path("abortedUpstream").asInt()).as(r.toString()).isEqualTo(1);
    }

    /** Not a benchmark (2 cores, everything on one machine): the order of magnitude of what a relayed call costs. */
    @Test
    void timingsOfRelayedCalls() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> server("modern").path("ready").asBoolean()
                && server("everything-a").path("ready").asBoolean());
        RawMcpClient c = new RawMcpClient(endpoint());
        c.initialize("2025-11-25", "{}");
        String modernCall = "{\"name\":\"m_add\",\"arguments\":{\"a\":1,\"b\":2}}";
        String legacyCall = "{\"name\":\"a_get-sum\",\"arguments\":{\"a\":1,\"b\":2}}";
        RawMcpClient direct = new RawMcpClient(modern.url());
        String directBody = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"add\","
                + "\"arguments\":{\"a\":1,\"b\":2},\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{}}}}";
        Map<String, String> directHeaders = Map.of("MCP-Protocol-Version", "2026-07-28", "Mcp-Method", "tools/call", "Mcp-Name", "add");
        for (int i = 0; i < 100; i++) {
            c.request(i, "tools/call", modernCall);
            c.request(i, "tools/call", legacyCall);
            direct.post(directBody, directHeaders);
        }
        long[] m = new long[300];
        long[] l = new long[300];
        long[] d = new long[300];
        for (int i = 0; i < 300; i++) {
            long t0 = System.nanoTime();
            c.request(i, "tools/call", modernCall);
            long t1 = System.nanoTime();
            c.request(i, "tools/call", legacyCall);
            long t2 = System.nanoTime();
            direct.post(directBody, directHeaders);
            long t3 = System.nanoTime();
            m[i] = t1 - t0;
            l[i] = t2 - t1;
            d[i] = t3 - t2;
        }
        System.out.printf("tools/call, median / p90 in ms: via the gateway to the 2026-07-28 server %s; via the gateway to "
                + "server-everything (2025) %s; directly to the 2026-07-28 server %s%n", stats(m), stats(l), stats(d));
    }

    private static String stats(long[] nanos) {
        long[] s = nanos.clone();
        java.util.Arrays.sort(s);
        return String.format("%.2f / %.2f", s[s.length / 2] / 1e6, s[s.length * 9 / 10] / 1e6);
    }

    /** 2026-07-28 on both sides: the gateway passes the server's InputRequiredResult and requestState through as they are. */
    @Test
    void a2026ClientDoesItsOwnRoundTripsWithA2026Upstream() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> server("modern").path("ready").asBoolean());
        JsonNode add = post2026("tools/call", "m_add", "{\"name\":\"m_add\",\"arguments\":{\"a\":1,\"b\":41}}", 1);
        assertThat(add.path("result").path("content").get(0).path("text").asText()).as(add.toString()).isEqualTo("42");
        assertThat(add.path("result").path("resultType").asText()).isEqualTo("complete");

        JsonNode asked = post2026("tools/call", "m_ask", "{\"name\":\"m_ask\",\"arguments\":{\"question\":\"Colour?\"}}", 2);
        JsonNode result = asked.path("result");
        assertThat(result.path("resultType").asText()).as(asked.toString()).isEqualTo("input_required");
        assertThat(result.path("inputRequests").path("user_answer").path("method").asText()).isEqualTo("elicitation/create");
        String state = result.path("requestState").asText();
        JsonNode done = post2026("tools/call", "m_ask", "{\"name\":\"m_ask\",\"arguments\":{\"question\":\"Colour?\"},"
                + "\"inputResponses\":{\"user_answer\":{\"action\":\"accept\",\"content\":{\"answer\":\"blue\"}}},"
                + "\"requestState\":\"" + state + "\"}", 3);
        assertThat(done.path("result").path("content").get(0).path("text").asText()).as(done.toString())
                .isEqualTo("You answered: blue (state " + state + ")");
    }

    /**
     * A 2026-07-28 server has no resources/subscribe: for a 2025 client's subscription the gateway opens the server's
     * subscriptions/listen for the resource and relays its updates to the client's GET stream; a 2026-07-28 client's
     * own subscription to it is fed the same way. Both see the gateway URI.
     */
    @Test
    void resourceUpdatesOfA2026ServerReachSubscribersOfBothRevisions() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> server("modern").path("ready").asBoolean());
        String uri = "mcp-gateway://modern/demo://greeting";
        RawMcpClient c = new RawMcpClient(endpoint());
        c.initialize("2025-11-25");
        java.util.List<JsonNode> onGet = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<JsonNode> onListen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable get = c.listen(onGet::add);
             AutoCloseable listen = io.camelmcp.gateway.support.StatelessRequests.stream(endpoint(), "s1",
                     "subscriptions/listen", "{\"notifications\":{\"resourceSubscriptions\":[\"" + uri + "\"]}}",
                     "{}", onListen::add)) {
            JsonNode subscribed = c.request(2, "resources/subscribe", "{\"uri\":\"" + uri + "\"}");
            assertThat(subscribed.has("result")).as(subscribed.toString()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !onListen.isEmpty());
            assertThat(onListen.get(0).at("/params/notifications/resourceSubscriptions").toString()).contains(uri);
            c.request(3, "tools/call", "{\"name\":\"m_touch\",\"arguments\":{}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> updated(onGet, uri) && updated(onListen, uri));
            assertThat(onListen.stream().filter(m -> "notifications/resources/updated".equals(m.path("method").asText())))
                    .allSatisfy(m -> assertThat(m.at("/params/_meta/io.modelcontextprotocol~1subscriptionId").asText())
                            .isEqualTo("s1"));
            assertThat(c.request(4, "resources/unsubscribe", "{\"uri\":\"" + uri + "\"}").has("result")).isTrue();
        }
    }

    private static boolean updated(java.util.List<JsonNode> messages, String uri) {
        return messages.stream().anyMatch(m -> "notifications/resources/updated".equals(m.path("method").asText())
                && uri.equals(m.path("params").path("uri").asText()));
    }

    private JsonNode post2026(String method, String name, String params, int id) throws Exception {
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"raw-2026\",\"version\":\"1\"},"
                + "\"io.modelcontextprotocol/clientCapabilities\":{\"elicitation\":{\"form\":{}}}}";
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":"
                + params.substring(0, params.length() - 1) + "," + meta + "}}";
        HttpResponse<String> r = new RawMcpClient(endpoint()).post(body, Map.of("MCP-Protocol-Version", "2026-07-28",
                "Mcp-Method", method, "Mcp-Name", name));
        return RawMcpClient.messages(r).getLast();
    }

    @Test
    void aClientWithoutElicitationGetsTheServersRefusalAndAPlainCallAsJson() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> server("modern").path("ready").asBoolean());
        RawMcpClient c = new RawMcpClient(endpoint());
        c.initialize("2025-11-25", "{}");
        HttpResponse<String> add = c.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"m_add\","
                + "\"arguments\":{\"a\":40,\"b\":2}}}", Map.of());
        assertThat(add.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode result = RawMcpClient.JSON.readTree(add.body());
        assertThat(result.path("id").asInt()).isEqualTo(2);
        assertThat(result.path("result").path("content").get(0).path("text").asText()).isEqualTo("42");
        assertThat(result.path("result").has("resultType")).isFalse();

        // the gateway declared no elicitation for this client: the server refuses with -32021, which the client gets
        HttpResponse<String> ask = c.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"m_ask\","
                + "\"arguments\":{\"question\":\"?\"}}}", Map.of());
        JsonNode refused = RawMcpClient.messages(ask).getLast();
        assertThat(refused.path("id").asInt()).as(ask.body()).isEqualTo(3);
        assertThat(refused.path("error").path("code").asInt()).as(ask.body()).isEqualTo(-32021);

        // an unknown resource of the modern server: its -32602 as it is
        HttpResponse<String> missing = c.post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/read\",\"params\":{\"uri\":"
                + "\"" + resourceUriOf(c) + "-nope\"}}", Map.of());
        JsonNode notFound = RawMcpClient.messages(missing).getLast();
        assertThat(notFound.path("error").path("code").asInt()).as(missing.body()).isEqualTo(-32602);
    }

    @Test
    void aListChangeAnnouncedOnSubscriptionsListenReachesTheCatalogue() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> server("modern").path("ready").asBoolean());
        RawMcpClient c = new RawMcpClient(endpoint());
        c.initialize("2025-11-25", "{}");
        JsonNode grown = c.request(2, "tools/call", "{\"name\":\"m_grow\",\"arguments\":{}}");
        String added = "m_" + grown.path("result").path("content").get(0).path("text").asText();
        // well before the catalogue's refresh interval: the gateway listens with subscriptions/listen
        await().atMost(Duration.ofSeconds(5)).until(() -> c.request(3, "tools/list", "{}").toString().contains(added));
    }

    @Test
    void aServerThatChangesEraIsProbedAgainAndServedInItsNewOne() throws Exception {
        FixtureServer old = FixtureServer.builder("changing").tool("hello", args -> "hello from 2025").start();
        int port = old.port();
        String id = register("changing", old.url(), "c_");
        await().atMost(Duration.ofSeconds(20)).until(() -> registered(id).path("ready").asBoolean());
        assertThat(registered(id).path("protocol_version").asText()).isEqualTo("2025-11-25");
        RawMcpClient c = new RawMcpClient(endpoint());
        c.initialize("2025-11-25", "{}");
        assertThat(c.request(2, "tools/call", "{\"name\":\"c_hello\",\"arguments\":{}}").toString()).contains("hello from 2025");

        // the same URL now answers as a 2026-07-28-only server: the client's session goes on, in the new era
        old.close();
        try (ServerEverything now = ServerEverything.modern("reject", port)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> "2026-07-28".equals(registered(id).path("protocol_version").asText()));
            await().atMost(Duration.ofSeconds(10)).until(() -> c.request(3, "tools/list", "{}").toString().contains("c_add"));
            JsonNode sum = c.request(4, "tools/call", "{\"name\":\"c_add\",\"arguments\":{\"a\":1,\"b\":2}}");
            assertThat(sum.path("result").path("content").get(0).path("text").asText()).as(sum.toString()).isEqualTo("3");
        }
        // and back to a session-based server
        try (FixtureServer back = FixtureServer.builder("changing").port(port).tool("hello", args -> "hello again").start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> "2025-11-25".equals(registered(id).path("protocol_version").asText()));
            await().atMost(Duration.ofSeconds(10)).until(() -> c.request(5, "tools/call", "{\"name\":\"c_hello\",\"arguments\":{}}")
                    .toString().contains("hello again"));
        }
    }

    private String register(String name, String url, String prefix) throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/register"))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"url\":\"" + url
                        + "\",\"prefix\":\"" + prefix + "\",\"transport\":\"streamable-http\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return RawMcpClient.JSON.readTree(created.body()).path("server_id").asText();
    }

    private String resourceUriOf(RawMcpClient c) throws Exception {
        JsonNode list = c.request(5, "resources/list", "{}");
        for (JsonNode r : list.path("result").path("resources")) {
            if (r.path("uri").asText().contains("greeting")) {
                return r.path("uri").asText();
            }
        }
        throw new AssertionError("no greeting resource in " + list);
    }

    private JsonNode server(String name) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/mcpservers")).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode s : RawMcpClient.JSON.readTree(r.body()).path("servers")) {
            if (name.equals(s.path("name").asText())) {
                return s;
            }
        }
        return RawMcpClient.JSON.createObjectNode();
    }

    private JsonNode registered(String id) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/servers/" + id)).header("X-API-Key", KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        return RawMcpClient.JSON.readTree(r.body());
    }
}
