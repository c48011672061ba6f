package io.camelmcp.gateway.support;

import static io.camelmcp.gateway.support.McpSchemas.V2025_11_25;
import static io.camelmcp.gateway.support.McpSchemas.V2026_07_28;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String META_2026 = """
            "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
                     "io.modelcontextprotocol/clientCapabilities":{}}""";

    private static JsonNode j(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    // ------------------------------------------------------------------------------------------ 2026-07-28

    @Test
    void modernToolCallResultNeedsResultType() {
        JsonNode complete = j("""
                {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"5"}],"resultType":"complete"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, complete, "tools/call")).isEmpty();

        JsonNode without = j("""
                {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"5"}]}}""");
        assertThat(McpSchemas.problems(V2026_07_28, without, "tools/call"))
                .anyMatch(p -> p.startsWith("CallToolResult at $.result") && p.contains("resultType"));
        // ... as every 2026 result does, whatever the request was
        assertThat(McpSchemas.problems(V2026_07_28, without, null)).anyMatch(p -> p.contains("resultType"));
        // the same result is fine in 2025-11-25, where resultType does not exist
        assertThat(McpSchemas.problems(V2025_11_25, without, "tools/call")).isEmpty();

        JsonNode noContent = j("""
                {"jsonrpc":"2.0","id":1,"result":{"resultType":"complete"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, noContent, "tools/call")).anyMatch(p -> p.contains("content"));

        JsonNode oddType = j("""
                {"jsonrpc":"2.0","id":1,"result":{"content":[],"resultType":"done"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, oddType, "tools/call")).anyMatch(p -> p.contains("\"done\""));
    }

    @Test
    void modernListResultsNeedTtlAndCacheScope() {
        JsonNode valid = j("""
                {"jsonrpc":"2.0","id":0,"result":{"tools":[{"name":"add","inputSchema":{"type":"object"}}],
                 "resultType":"complete","ttlMs":60000,"cacheScope":"public"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, valid, "tools/list")).isEmpty();

        JsonNode uncached = j("""
                {"jsonrpc":"2.0","id":0,"result":{"tools":[{"name":"add","inputSchema":{"type":"object"}}],
                 "resultType":"complete"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, uncached, "tools/list"))
                .anyMatch(p -> p.startsWith("ListToolsResult") && p.contains("ttlMs"))
                .anyMatch(p -> p.startsWith("ListToolsResult") && p.contains("cacheScope"));

        JsonNode badScope = j("""
                {"jsonrpc":"2.0","id":0,"result":{"tools":[],"resultType":"complete","ttlMs":-1,"cacheScope":"shared"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, badScope, "tools/list"))
                .anyMatch(p -> p.contains("ttlMs")).anyMatch(p -> p.contains("cacheScope"));
    }

    @Test
    void modernInputRequiredResult() {
        JsonNode inputRequired = j("""
                {"jsonrpc":"2.0","id":1,"result":{"resultType":"input_required",
                 "inputRequests":{"user_answer":{"method":"elicitation/create","params":{"message":"Colour?",
                   "requestedSchema":{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]},
                   "mode":"form"}}},
                 "requestState":"eyJyb3VuZCI6MX0"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, inputRequired, "tools/call")).isEmpty();
        assertThat(McpSchemas.problems(V2026_07_28, inputRequired, "prompts/get")).isEmpty();
        assertThat(McpSchemas.problems(V2026_07_28, inputRequired, "resources/read")).isEmpty();
        // tools/list cannot ask for input
        assertThat(McpSchemas.problems(V2026_07_28, inputRequired, "tools/list"))
                .anyMatch(p -> p.contains("cannot ask for input"));

        JsonNode badInputRequest = j("""
                {"jsonrpc":"2.0","id":1,"result":{"resultType":"input_required",
                 "inputRequests":{"user_answer":{"method":"elicitation/create","params":{}}}}}""");
        assertThat(McpSchemas.problems(V2026_07_28, badInputRequest, "tools/call"))
                .anyMatch(p -> p.startsWith("InputRequiredResult at $.result.inputRequests"));

        JsonNode empty = j("""
                {"jsonrpc":"2.0","id":1,"result":{"resultType":"input_required"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, empty, "tools/call"))
                .anyMatch(p -> p.contains("neither inputRequests nor requestState"));
    }

    @Test
    void modernDiscover() {
        JsonNode request = j("""
                {"jsonrpc":"2.0","id":"d1","method":"server/discover","params":{%s}}""".formatted(META_2026));
        assertThat(McpSchemas.problems(V2026_07_28, request, null)).isEmpty();

        JsonNode result = j("""
                {"jsonrpc":"2.0","id":"d1","result":{"supportedVersions":["2026-07-28"],"capabilities":{"tools":{}},
                 "resultType":"complete","ttlMs":0,"cacheScope":"private",
                 "_meta":{"io.modelcontextprotocol/serverInfo":{"name":"gw","version":"1"}}}}""");
        assertThat(McpSchemas.problems(V2026_07_28, result, "server/discover")).isEmpty();

        JsonNode noVersions = j("""
                {"jsonrpc":"2.0","id":"d1","result":{"capabilities":{},"resultType":"complete","ttlMs":0,
                 "cacheScope":"private"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, noVersions, "server/discover"))
                .anyMatch(p -> p.startsWith("DiscoverResult") && p.contains("supportedVersions"));
    }

    @Test
    void modernRequestsCarryTheirEnvelopeInMeta() {
        JsonNode call = j("""
                {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add","arguments":{"a":1},%s}}"""
                .formatted(META_2026));
        assertThat(McpSchemas.problems(V2026_07_28, call, null)).isEmpty();

        JsonNode noMeta = j("""
                {"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, noMeta, null))
                .anyMatch(p -> p.startsWith("CallToolRequest at $.params") && p.contains("_meta"));
        // tools/list needs params too (for its _meta) in 2026, not in 2025
        JsonNode bareList = j("""
                {"jsonrpc":"2.0","id":4,"method":"tools/list"}""");
        assertThat(McpSchemas.problems(V2026_07_28, bareList, null)).anyMatch(p -> p.contains("params"));
        assertThat(McpSchemas.problems(V2025_11_25, bareList, null)).isEmpty();

        JsonNode listen = j("""
                {"jsonrpc":"2.0","id":"l0","method":"subscriptions/listen",
                 "params":{"notifications":{"toolsListChanged":true},%s}}""".formatted(META_2026));
        assertThat(McpSchemas.problems(V2026_07_28, listen, null)).isEmpty();
    }

    @Test
    void modernHasNoServerToClientRequests() {
        JsonNode elicit = j("""
                {"jsonrpc":"2.0","id":7,"method":"elicitation/create","params":{"message":"Colour?",
                 "requestedSchema":{"type":"object","properties":{}}}}""");
        assertThat(McpSchemas.problems(V2026_07_28, elicit, null))
                .singleElement().asString().contains("not a JSON-RPC message of 2026-07-28");
        assertThat(McpSchemas.problems(V2025_11_25, elicit, null)).isEmpty();
    }

    @Test
    void unknownMethodsAreCheckedAsJsonRpc() {
        assertThat(McpSchemas.problems(V2026_07_28, j("""
                {"jsonrpc":"2.0","id":1,"method":"ping"}"""), null)).isEmpty();
        assertThat(McpSchemas.problems(V2026_07_28, j("""
                {"jsonrpc":"2.0","method":"notifications/whatever"}"""), null)).isEmpty();
        assertThat(McpSchemas.problems(V2026_07_28, j("""
                {"jsonrpc":"1.0","id":1,"method":"x/y"}"""), null)).anyMatch(p -> p.startsWith("JSONRPCRequest"));
        assertThat(McpSchemas.problems(V2026_07_28, j("""
                {"jsonrpc":"2.0","id":{"no":1},"method":"x/y"}"""), null)).anyMatch(p -> p.contains("$.id"));
        assertThat(McpSchemas.problems(V2026_07_28, j("[1]"), null)).singleElement().asString()
                .contains("not a JSON-RPC message");
    }

    @Test
    void errorResponses() {
        JsonNode notFound = j("""
                {"jsonrpc":"2.0","id":6,"error":{"code":-32601,"message":"Method not found"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, notFound, "tools/call")).isEmpty();
        assertThat(McpSchemas.problems(V2025_11_25, notFound, "tools/call")).isEmpty();

        // JSON-RPC 2.0 §5 wants "id": null when the id is unknown; the MCP schema only allows leaving it out
        JsonNode nullId = j("""
                {"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}""");
        assertThat(McpSchemas.problems(V2026_07_28, nullId, null)).isEmpty();

        assertThat(McpSchemas.problems(V2026_07_28, j("""
                {"jsonrpc":"2.0","id":6,"error":{"code":"oops","message":"Method not found"}}"""), null))
                .anyMatch(p -> p.startsWith("JSONRPCErrorResponse at $.error.code"));
        assertThat(McpSchemas.problems(V2026_07_28, j("""
                {"jsonrpc":"2.0","id":6,"error":{"code":-32601}}"""), null))
                .anyMatch(p -> p.contains("message"));

        // the codes with a $def of their own carry the data it asks for
        JsonNode unsupported = j("""
                {"jsonrpc":"2.0","id":1,"error":{"code":-32022,"message":"Unsupported protocol version: 2099-01-01",
                 "data":{"supported":["2026-07-28"],"requested":"2099-01-01"}}}""");
        assertThat(McpSchemas.problems(V2026_07_28, unsupported, null)).isEmpty();
        assertThat(McpSchemas.problems(V2026_07_28, j("""
                {"jsonrpc":"2.0","id":1,"error":{"code":-32022,"message":"Unsupported protocol version"}}"""), null))
                .anyMatch(p -> p.startsWith("UnsupportedProtocolVersionError") && p.contains("data"));
        assertThat(McpSchemas.problems(V2025_11_25, j("""
                {"jsonrpc":"2.0","id":1,"error":{"code":-32042,"message":"URL elicitation required"}}"""), null))
                .anyMatch(p -> p.startsWith("URLElicitationRequiredError"));
    }

    // ------------------------------------------------------------------------------------------ 2025-11-25

    @Test
    void statefulInitializeAndToolCall() {
        JsonNode initialize = j("""
                {"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",
                 "capabilities":{"elicitation":{"form":{}}},"clientInfo":{"name":"c","version":"1"}}}""");
        assertThat(McpSchemas.problems(V2025_11_25, initialize, null)).isEmpty();
        JsonNode initialized = j("""
                {"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{"listChanged":true}},
                 "serverInfo":{"name":"gw","version":"1"},"instructions":"hi"}}""");
        assertThat(McpSchemas.problems(V2025_11_25, initialized, "initialize")).isEmpty();
        assertThat(McpSchemas.problems(V2025_11_25, j("""
                {"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","capabilities":{}}}"""), "initialize"))
                .anyMatch(p -> p.startsWith("InitializeResult at $.result") && p.contains("serverInfo"));

        JsonNode called = j("""
                {"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"3"}],"isError":false,
                 "structuredContent":{"sum":3}}}""");
        assertThat(McpSchemas.problems(V2025_11_25, called, "tools/call")).isEmpty();
        assertThat(McpSchemas.problems(V2025_11_25, j("""
                {"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"picture"}]}}"""), "tools/call"))
                .anyMatch(p -> p.startsWith("CallToolResult at $.result.content[0]"));

        // a task-augmented call is answered by a CreateTaskResult
        JsonNode task = j("""
                {"jsonrpc":"2.0","id":2,"result":{"task":{"taskId":"t1","status":"working",
                 "createdAt":"2025-11-25T00:00:00Z","lastUpdatedAt":"2025-11-25T00:00:00Z","ttl":60000}}}""");
        assertThat(McpSchemas.problems(V2025_11_25, task, "tools/call")).isEmpty();

        // ping has no result of its own: EmptyResult
        assertThat(McpSchemas.problems(V2025_11_25, j("""
                {"jsonrpc":"2.0","id":9,"result":{}}"""), "ping")).isEmpty();
    }

    @Test
    void statefulRequestMissingParams() {
        assertThat(McpSchemas.problems(V2025_11_25, j("""
                {"jsonrpc":"2.0","id":1,"method":"tools/call"}"""), null))
                .anyMatch(p -> p.startsWith("CallToolRequest") && p.contains("params"));
        assertThat(McpSchemas.problems(V2025_11_25, j("""
                {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{}}}"""), null))
                .anyMatch(p -> p.startsWith("CallToolRequest at $.params") && p.contains("name"));
        assertThat(McpSchemas.problems(V2025_11_25, j("""
                {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}"""), null))
                .anyMatch(p -> p.startsWith("ProgressNotification") && p.contains("progressToken"));
        assertThat(McpSchemas.problems(V2025_11_25, j("""
                {"jsonrpc":"2.0","id":5,"method":"notifications/initialized"}"""), null))
                .anyMatch(p -> p.contains("has an id"));
    }

    @Test
    void olderRevisionsUseTheStatefulSchema() {
        JsonNode batch = j("""
                [{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":2,"method":"tools/call"}]""");
        assertThat(McpSchemas.problems("2025-03-26", batch, null))
                .isNotEmpty().allMatch(p -> p.startsWith("[1] CallToolRequest"));
        assertThat(McpSchemas.problems("2025-06-18", j("""
                {"jsonrpc":"2.0","id":1,"method":"tools/list"}"""), null)).isEmpty();
        assertThatThrownBy(() -> McpSchemas.problems("2024-11-05", batch, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void schemaTsWinsWhereTheGeneratedSchemaSaysIntegerForNumber() {
        // schema.ts: content?: { [key: string]: string | number | boolean | string[] }; schema.json: integer
        JsonNode answer = j("""
                {"jsonrpc":"2.0","id":0,"result":{"action":"accept","content":{"n":3.14,"i":42,"b":true,"s":"x","a":["y"]}}}""");
        assertThat(McpSchemas.problems(V2025_11_25, answer, "elicitation/create")).isEmpty();
        assertThat(McpSchemas.problems(V2025_11_25, j("""
                {"jsonrpc":"2.0","id":0,"result":{"action":"accept","content":{"o":{"no":1}}}}"""), "elicitation/create"))
                .isNotEmpty();
        JsonNode inputResponse = j("""
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ask","requestState":"s",
                 "inputResponses":{"k":{"action":"accept","content":{"n":0.5}}},%s}}""".formatted(META_2026));
        assertThat(McpSchemas.problems(V2026_07_28, inputResponse, null)).isEmpty();
        // schema.ts: JSONValue = string | number | boolean | null | JSONObject | JSONArray
        JsonNode capabilities = j("""
                {"jsonrpc":"2.0","id":"d","result":{"supportedVersions":["2026-07-28"],"resultType":"complete","ttlMs":0,
                 "cacheScope":"private","capabilities":{"experimental":{"x":{"rate":0.5,"off":null,"list":[1.5,null]}}}}}""");
        assertThat(McpSchemas.problems(V2026_07_28, capabilities, "server/discover")).isEmpty();
        // ids stay integers
        assertThat(McpSchemas.problems(V2026_07_28, j("""
                {"jsonrpc":"2.0","id":1.5,"error":{"code":-32600,"message":"Invalid Request"}}"""), null))
                .anyMatch(p -> p.contains("$.id"));
    }

    // ------------------------------------------------------------------------------------------ conversations

    @Test
    void conversationMatchesResponsesToTheirRequestsInBothDirections() {
        List<JsonNode> stateful = List.of(
                j("""
                  {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask"}}"""),
                j("""
                  {"jsonrpc":"2.0","id":1,"method":"elicitation/create","params":{"message":"Colour?",
                   "requestedSchema":{"type":"object","properties":{"answer":{"type":"string"}}}}}"""),
                j("""
                  {"jsonrpc":"2.0","id":1,"result":{"action":"accept","content":{"answer":"blue"}}}"""),
                j("""
                  {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"blue"}]}}"""));
        McpSchemas.assertValid(V2025_11_25, stateful);

        // with directions the ids of the two sides are told apart: a client answer that is no ElicitResult
        List<JsonNode> recorded = List.of(
                record("out", stateful.get(0)), record("in", stateful.get(1)),
                record("out", j("""
                  {"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"blue"}]}}""")),
                record("in", stateful.get(3)));
        assertThat(McpSchemas.problems(V2025_11_25, recorded))
                .isNotEmpty().allMatch(p -> p.startsWith("#2 (out) ElicitResult at $.result"))
                .anyMatch(p -> p.contains("action"));

        List<JsonNode> modern = List.of(
                j("""
                  {"jsonrpc":"2.0","id":0,"method":"tools/list","params":{%s}}""".formatted(META_2026)),
                j("""
                  {"jsonrpc":"2.0","id":0,"result":{"tools":[],"resultType":"complete"}}"""));
        assertThatThrownBy(() -> McpSchemas.assertValid(V2026_07_28, modern))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("#1 ListToolsResult at $.result")
                .hasMessageContaining("ttlMs");
    }

    /** Real captures of the official TypeScript SDK v2 (client and server 2.4.0), conversation by conversation. */
    @Test
    void typeScriptSdkCapturesAreValid() throws Exception {
        Map<String, List<JsonNode>> conversations = new LinkedHashMap<>();
        Map<String, String> revisions = new LinkedHashMap<>();
        try (var in = new BufferedReader(new InputStreamReader(
                McpSchemasTest.class.getResourceAsStream("/mcp-schema/samples/ts-sdk-v2-captures.jsonl"),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                JsonNode sample = j(line);
                String capture = sample.get("capture").asText();
                String key = capture.substring(0, capture.indexOf('#')) + " " + sample.get("revision").asText();
                revisions.put(key, sample.get("revision").asText());
                conversations.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(record(sample.get("dir").asText(), sample.get("message")));
            }
        }
        assertThat(conversations).hasSizeGreaterThan(10);
        assertThat(revisions).containsValues(V2026_07_28, V2025_11_25);
        conversations.forEach((key, messages) -> McpSchemas.assertValid(revisions.get(key), messages));
    }

    /** What recordingFetch (test-peers/driver-common.mjs) recorded in real conversations, both ways. */
    @Test
    void recordedConversationsAreValid() throws Exception {
        for (String revision : List.of(V2025_11_25, V2026_07_28)) {
            String name = revision.equals(V2025_11_25) ? "everything-" + revision : "ts2-" + revision;
            JsonNode log = JSON.readTree(McpSchemasTest.class.getResource(
                    "/mcp-schema/samples/recordingFetch-" + name + ".json"));
            List<JsonNode> messages = new ArrayList<>();
            log.forEach(messages::add);
            assertThat(messages).hasSizeGreaterThan(20);
            McpSchemas.assertValid(revision, messages);
        }
    }

    private static JsonNode record(String dir, JsonNode message) {
        ObjectNode r = JSON.createObjectNode();
        r.put("dir", dir);
        r.set("message", message);
        return r;
    }
}
