package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.McpSchemas;
import io.camelmcp.gateway.support.Peers;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.ServerEverything;
import io.camelmcp.gateway.support.StatelessRequests;

/**
 * A 2026-07-28 (stateless) client on /mcp, in front of two 2025 server-everything upstreams, message by message on
 * the wire: what every request must carry and each refusal's exact answer, server/discover, what results carry, and
 * a server's mid-call elicitation turned into an InputRequiredResult and completed on the retry (MRTR).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatelessClientTest {

    static final String V = StatelessRequests.V;
    static final String CAPS = "{\"elicitation\":{\"form\":{}}}";
    /** A server that elicits whether or not the client declared it (test-peers/paged-server.mjs, ASK_ANYWAY). */
    static ServerEverything rude;
    /** A Java SDK server that gains a tool while the test runs. */
    static FixtureServer growing;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        rude = ServerEverything.askingAnyway();
        growing = FixtureServer.builder("growing").tool("first", a -> "first").start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "everything-a");
        registry.add("mcp.gateway.servers[0].url", () -> Peers.everythingA().url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "a_");
        registry.add("mcp.gateway.servers[1].name", () -> "everything-b");
        registry.add("mcp.gateway.servers[1].url", () -> Peers.everythingB().url());
        registry.add("mcp.gateway.servers[1].prefix", () -> "b_");
        registry.add("mcp.gateway.servers[2].name", () -> "rude");
        registry.add("mcp.gateway.servers[2].url", () -> rude.url());
        registry.add("mcp.gateway.servers[2].prefix", () -> "r_");
        registry.add("mcp.gateway.servers[3].name", () -> "growing");
        registry.add("mcp.gateway.servers[3].url", () -> growing.url());
        registry.add("mcp.gateway.servers[3].prefix", () -> "g_");
    }

    @AfterAll
    static void stopRude() throws Exception {
        if (rude != null) {
            rude.close();
        }
        if (growing != null) {
            growing.close();
        }
    }

    RawMcpClient client() {
        return new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
    }

    /** Every message the test's requests and the gateway's answers put on the wire, in order. */
    final List<JsonNode> conversation = new java.util.ArrayList<>();

    @AfterEach
    void everyMessageIsValidForTheRevision() {
        McpSchemas.assertValid(V, conversation);
    }

    @AfterEach
    void sessionClientsAreServedAsBefore() throws Exception {
        RawMcpClient other = client();
        other.initialize("2025-11-25");
        assertThat(other.request(1, "tools/list", null).path("result").path("tools").size()).isGreaterThan(10);
    }

    HttpResponse<String> post(Object id, String method, String params, Map<String, String> headers) throws Exception {
        return StatelessRequests.post("http://127.0.0.1:" + port + "/mcp", id, method, params, CAPS, headers, conversation);
    }

    HttpResponse<String> post(Object id, String method, String params) throws Exception {
        return post(id, method, params, Map.of());
    }

    static JsonNode last(HttpResponse<String> r) throws Exception {
        return StatelessRequests.last(r);
    }

    @Test
    void discoverNamesTheRevisionsCapabilitiesAndTheGateway() throws Exception {
        HttpResponse<String> r = post(1, "server/discover", null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode result = last(r).path("result");
        assertThat(result.path("supportedVersions").toString()).contains("2026-07-28", "2025-11-25");
        assertThat(result.path("capabilities").has("tools")).isTrue();
        assertThat(result.path("capabilities").has("prompts")).as("server-everything has prompts").isTrue();
        assertThat(result.path("capabilities").has("extensions")).as("no server here declares the tasks extension").isFalse();
        assertThat(result.path("resultType").asText()).isEqualTo("complete");
        assertThat(result.path("ttlMs").isIntegralNumber()).isTrue();
        assertThat(result.path("cacheScope").asText()).isIn("public", "private");
        assertThat(result.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asText()).isEqualTo("camel-mcp-gateway");
        assertThat(r.headers().firstValue("Mcp-Session-Id")).as("no sessions in this revision").isEmpty();
    }

    @Test
    void listsCarryResultTypeAndCachingHintsAndAnswerUnderTheClientsOwnId() throws Exception {
        JsonNode tools = last(post("list-1", "tools/list", null));
        assertThat(tools.path("id").asText()).isEqualTo("list-1");
        assertThat(tools.path("result").path("tools").toString()).contains("a_get-sum", "b_echo");
        assertThat(tools.path("result").path("resultType").asText()).isEqualTo("complete");
        assertThat(tools.path("result").path("ttlMs").asLong()).isEqualTo(30_000); // mcp.gateway.catalog.refresh-interval
        assertThat(tools.path("result").path("cacheScope").asText()).isEqualTo("private");
        JsonNode prompts = last(post(7, "prompts/list", null));
        assertThat(prompts.path("id").asInt()).isEqualTo(7);
        assertThat(prompts.path("result").has("ttlMs")).isTrue();
    }

    @Test
    void aToolCallIsForwardedAndItsResultCompleted() throws Exception {
        JsonNode r = last(post(3, "tools/call", "{\"name\":\"a_get-sum\",\"arguments\":{\"a\":2,\"b\":40}}"));
        assertThat(r.path("id").asInt()).isEqualTo(3);
        assertThat(r.path("result").path("content").get(0).path("text").asText()).contains("42");
        assertThat(r.path("result").path("resultType").asText()).isEqualTo("complete");
        assertThat(r.path("result").has("ttlMs")).as("only lists and reads are cacheable").isFalse();
        // an unknown tool: the usual -32602, under the client's id
        JsonNode unknown = last(post(4, "tools/call", "{\"name\":\"zz_nope\",\"arguments\":{}}"));
        assertThat(unknown.path("id").asInt()).isEqualTo(4);
        assertThat(unknown.path("error").path("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void progressRidesOnTheRequestsOwnStream() throws Exception {
        HttpResponse<String> r = post(5, "tools/call", "{\"name\":\"a_trigger-long-running-operation\","
                + "\"arguments\":{\"duration\":1,\"steps\":3},\"_meta\":{\"progressToken\":\"p-1\"}}");
        List<JsonNode> messages = RawMcpClient.messages(r);
        List<JsonNode> progress = messages.stream().filter(m -> "notifications/progress".equals(m.path("method").asText())).toList();
        assertThat(progress).hasSize(3).allSatisfy(p -> assertThat(p.path("params").path("progressToken").asText()).isEqualTo("p-1"));
        JsonNode end = messages.get(messages.size() - 1);
        assertThat(end.path("id").asInt()).isEqualTo(5);
        assertThat(end.path("result").path("resultType").asText()).isEqualTo("complete");
        assertThat(r.body()).as("streams are not resumable: no event ids").doesNotContain("\nid:").doesNotStartWith("id:");
    }

    @Test
    void anUpstreamElicitationBecomesAnInputRequiredResultAndTheRetryCompletesTheCall() throws Exception {
        String call = "{\"name\":\"b_trigger-elicitation-request\",\"arguments\":{}}";
        JsonNode first = last(post(10, "tools/call", call));
        assertThat(first.path("id").asInt()).isEqualTo(10);
        JsonNode ir = first.path("result");
        assertThat(ir.path("resultType").asText()).as("%s", first).isEqualTo("input_required");
        assertThat(ir.path("inputRequests").size()).isEqualTo(1);
        String key = ir.path("inputRequests").fieldNames().next();
        JsonNode request = ir.path("inputRequests").path(key);
        assertThat(request.path("method").asText()).isEqualTo("elicitation/create");
        assertThat(request.path("params").has("requestedSchema")).isTrue();
        assertThat(request.has("id")).isFalse();
        String state = ir.path("requestState").asText();
        assertThat(state).isNotBlank();

        // a retry without the answer is asked again, with a fresh state
        JsonNode again = last(post(11, "tools/call", withState(call, state, null)));
        assertThat(again.path("result").path("resultType").asText()).isEqualTo("input_required");
        assertThat(again.path("result").path("inputRequests").has(key)).isTrue();
        state = again.path("result").path("requestState").asText();

        // a state someone altered is refused
        HttpResponse<String> tampered = post(12, "tools/call", withState(call, state.substring(0, state.length() - 2) + "xx",
                "{\"" + key + "\":{\"action\":\"decline\"}}"));
        assertThat(tampered.statusCode()).isEqualTo(400);
        assertThat(last(tampered).path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(last(tampered).path("id").asInt()).isEqualTo(12);

        String answer = "{\"" + key + "\":{\"action\":\"accept\",\"content\":{\"name\":\"Ada\",\"check\":true,"
                + "\"email\":\"ada@example.com\",\"integer\":7}}}";
        JsonNode done = last(post(13, "tools/call", withState(call, state, answer)));
        assertThat(done.path("id").asInt()).isEqualTo(13);
        assertThat(done.path("result").path("resultType").asText()).isEqualTo("complete");
        assertThat(done.path("result").path("content").toString()).contains("Ada");

        // the state is spent: the call it continued has ended
        HttpResponse<String> replay = post(14, "tools/call", withState(call, state, answer));
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(last(replay).path("error").path("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void aServerRequestTheClientDidNotDeclareIsMissingRequiredClientCapability() throws Exception {
        HttpResponse<String> r = post(20, "tools/call", "{\"name\":\"r_ask-anyway\",\"arguments\":{},"
                + "\"_meta\":{\"io.modelcontextprotocol/clientCapabilities\":{}}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = last(r).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32021);
        assertThat(error.path("data").path("requiredCapabilities").has("elicitation")).isTrue();
    }

    @Test
    void aSubscriptionIsAcknowledgedThenCarriesListChangesAndResourceUpdatesTaggedWithItsId() throws Exception {
        String uri = "mcp-gateway://everything-b/demo://resource/static/document/features.md";
        java.util.List<JsonNode> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        String endpoint = "http://127.0.0.1:" + port + "/mcp";
        try (AutoCloseable sub = StatelessRequests.stream(endpoint, "sub-1", "subscriptions/listen",
                "{\"notifications\":{\"toolsListChanged\":true,\"resourceSubscriptions\":[\"" + uri + "\",\"mcp-gateway://nobody/x\"]}}",
                CAPS, m -> {
                    received.add(m);
                    conversation.add(StatelessRequests.record("in", m));
                })) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !received.isEmpty());
            JsonNode ack = received.get(0);
            assertThat(ack.path("method").asText()).isEqualTo("notifications/subscriptions/acknowledged");
            assertThat(ack.at("/params/_meta/io.modelcontextprotocol~1subscriptionId").asText()).isEqualTo("sub-1");
            assertThat(ack.at("/params/notifications/toolsListChanged").asBoolean()).isTrue();
            assertThat(ack.at("/params/notifications/resourceSubscriptions").toString())
                    .as("what the gateway honours: not the URI nobody owns").contains(uri).doesNotContain("nobody");
            assertThat(ack.at("/params/notifications").has("promptsListChanged")).isFalse();

            growing.addTool("second", a -> "second");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> received.stream()
                    .anyMatch(m -> "notifications/tools/list_changed".equals(m.path("method").asText())));

            last(post(30, "tools/call", "{\"name\":\"b_toggle-subscriber-updates\",\"arguments\":{}}"));
            try {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> received.stream()
                        .anyMatch(m -> "notifications/resources/updated".equals(m.path("method").asText())));
            } finally {
                last(post(31, "tools/call", "{\"name\":\"b_toggle-subscriber-updates\",\"arguments\":{}}"));
            }
            JsonNode update = received.stream().filter(m -> "notifications/resources/updated".equals(m.path("method").asText()))
                    .findFirst().orElseThrow();
            assertThat(update.path("params").path("uri").asText()).isEqualTo(uri);
            assertThat(received).allSatisfy(m -> assertThat(m.at("/params/_meta/io.modelcontextprotocol~1subscriptionId")
                    .asText()).isEqualTo("sub-1"));
            assertThat(received).noneMatch(m -> "notifications/progress".equals(m.path("method").asText()));
        }
    }

    private static String withState(String call, String state, String responses) throws Exception {
        return StatelessRequests.retry(call, state, responses);
    }

    // ---- what every request must carry ------------------------------------------------------------------

    @Test
    void aProtocolVersionHeaderThatDiffersFromMetaIsHeaderMismatch() throws Exception {
        HttpResponse<String> r = post(1, "tools/list", "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2025-11-25\"}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(last(r).path("error").path("code").asInt()).isEqualTo(-32020);
        assertThat(last(r).path("id").asInt()).isEqualTo(1);
        // the body says 2026-07-28 but the header is missing: the request cannot be taken for a 2025-03-26 one
        HttpResponse<String> noHeader = post(2, "tools/list", null, Map.of("MCP-Protocol-Version", ""));
        assertThat(noHeader.statusCode()).isEqualTo(400);
        assertThat(last(noHeader).path("error").path("code").asInt()).isEqualTo(-32020);
    }

    @Test
    void mcpMethodAndMcpNameMustMirrorTheBody() throws Exception {
        HttpResponse<String> noMethod = post(1, "tools/list", null, Map.of("Mcp-Method", ""));
        assertThat(noMethod.statusCode()).isEqualTo(400);
        assertThat(last(noMethod).path("error").path("code").asInt()).isEqualTo(-32020);
        HttpResponse<String> otherMethod = post(1, "tools/list", null, Map.of("Mcp-Method", "prompts/list"));
        assertThat(otherMethod.statusCode()).isEqualTo(400);
        String call = "{\"name\":\"a_get-sum\",\"arguments\":{\"a\":1,\"b\":2}}";
        HttpResponse<String> noName = post(2, "tools/call", call, Map.of("Mcp-Name", ""));
        assertThat(noName.statusCode()).isEqualTo(400);
        assertThat(last(noName).path("error").path("message").asText()).contains("Mcp-Name");
        HttpResponse<String> otherName = post(3, "tools/call", call, Map.of("Mcp-Name", "a_echo"));
        assertThat(otherName.statusCode()).isEqualTo(400);
        assertThat(last(otherName).path("error").path("code").asInt()).isEqualTo(-32020);
        // the base64 sentinel form is decoded before comparing
        String encoded = "=?base64?" + java.util.Base64.getEncoder().encodeToString("a_get-sum".getBytes()) + "?=";
        JsonNode ok = last(post(4, "tools/call", call, Map.of("Mcp-Name", encoded)));
        assertThat(ok.path("result").path("content").get(0).path("text").asText()).contains("3");
    }

    @Test
    void metaWithoutRevisionOrCapabilitiesIsInvalidParams() throws Exception {
        String noCaps = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":"
                + "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}";
        HttpResponse<String> r = client().post(noCaps, Map.of("MCP-Protocol-Version", V, "Mcp-Method", "tools/list"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(last(r).path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(last(r).path("error").path("message").asText()).contains("clientCapabilities");
        String noMeta = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}";
        HttpResponse<String> r2 = client().post(noMeta, Map.of("MCP-Protocol-Version", V, "Mcp-Method", "tools/list"));
        assertThat(r2.statusCode()).isEqualTo(400);
        assertThat(last(r2).path("error").path("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void anUnsupportedVersionIsAnsweredWithTheSupportedOnes() throws Exception {
        HttpResponse<String> r = post(1, "tools/list", "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2099-01-01\"}}",
                Map.of("MCP-Protocol-Version", "2099-01-01"));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = last(r).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32022);
        assertThat(error.path("data").path("supported").toString()).contains("2026-07-28", "2025-11-25");
        assertThat(error.path("data").path("requested").asText()).isEqualTo("2099-01-01");
    }

    @Test
    void whatThisRevisionRemovedIsNotFoundAnd404() throws Exception {
        for (String method : List.of("ping", "initialize", "logging/setLevel", "resources/subscribe", "no/such-method")) {
            HttpResponse<String> r = post(9, method, null);
            assertThat(r.statusCode()).as(method).isEqualTo(404);
            assertThat(last(r).path("error").path("code").asInt()).as(method).isEqualTo(-32601);
            assertThat(last(r).path("id").asInt()).isEqualTo(9);
        }
    }

    @Test
    void getDeleteBatchesAndResponsesAreRefused() throws Exception {
        RawMcpClient c = client();
        assertThat(c.send("GET", Map.of("MCP-Protocol-Version", V, "Accept", "text/event-stream")).statusCode()).isEqualTo(405);
        assertThat(c.send("DELETE", Map.of("MCP-Protocol-Version", V)).statusCode()).isEqualTo(405);
        HttpResponse<String> batch = c.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}]",
                Map.of("MCP-Protocol-Version", V, "Mcp-Method", "tools/list"));
        assertThat(batch.statusCode()).isEqualTo(400);
        HttpResponse<String> response = c.post("{\"jsonrpc\":\"2.0\",\"id\":\"gw-x\",\"result\":{}}",
                Map.of("MCP-Protocol-Version", V));
        assertThat(response.statusCode()).isEqualTo(400);
    }
}
