package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.federation.VirtualServer;
import io.camelmcp.gateway.federation.VirtualServers;
import io.camelmcp.gateway.support.ClientDriver;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.StatelessRequests;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;

/**
 * Virtual servers in front of two real server-everything processes (a_, b_): one selected by the X-Mcp-Virtualserver
 * header (the TypeScript SDK client), one on its own path /v/{name}/mcp (the Java SDK client), each listing only its
 * subset and refusing what is outside it as an unknown item; sessions that stay on their virtual server; the
 * 2026-07-28 revision; list_changed when the definitions change.
 */
class VirtualServersTest extends EverythingGatewayTest {

    static final String B = "mcp-gateway://everything-b/";

    @DynamicPropertySource
    static void virtualServers(DynamicPropertyRegistry registry) {
        registry.add("mcp.gateway.virtual-servers[0].name", () -> "sums");
        registry.add("mcp.gateway.virtual-servers[0].tools[0]", () -> "a_get-sum");
        registry.add("mcp.gateway.virtual-servers[0].tools[1]", () -> "b_echo");
        registry.add("mcp.gateway.virtual-servers[0].prompts", () -> "");
        registry.add("mcp.gateway.virtual-servers[0].resources", () -> "");
        registry.add("mcp.gateway.virtual-servers[1].name", () -> "b-only");
        registry.add("mcp.gateway.virtual-servers[1].tools[0]", () -> "b_*");
        registry.add("mcp.gateway.virtual-servers[1].prompts[0]", () -> "b_simple-prompt");
        registry.add("mcp.gateway.virtual-servers[1].resources[0]", () -> B + "*");
        // tool discovery for this virtual server's clients only (the gateway's default: off)
        registry.add("mcp.gateway.virtual-servers[2].name", () -> "z-discover");
        registry.add("mcp.gateway.virtual-servers[2].tools[0]", () -> "b_*");
        registry.add("mcp.gateway.virtual-servers[2].tool-discovery", () -> "true");
    }

    @Autowired
    VirtualServers virtualServers;

    String at(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    static List<String> names(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.forEach(i -> out.add(i.path(field).asText()));
        return out;
    }

    @Test
    void theTypeScriptClientWithTheHeaderSeesOnlyItsSubsetAndCannotCallOutsideIt() throws Exception {
        JsonNode r = ClientDriver.run(endpoint(), "a_", "virtual-server",
                Map.of("HEADERS", "{\"X-Mcp-Virtualserver\":\"sums\"}", "OUTSIDE", "b_get-sum"));
        assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
        List<String> tools = new ArrayList<>();
        r.path("tools").forEach(t -> tools.add(t.asText()));
        assertThat(tools).containsExactly("a_get-sum", "b_echo");
        assertThat(r.path("text").asText()).isEqualTo("The sum of 2 and 3 is 5.");
        assertThat(r.path("outside").path("errored").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.path("outside").path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(r.path("outside").path("error").path("message").asText()).endsWith("Unknown tool: b_get-sum");
        assertThat(r.path("prompts")).isEmpty();
    }

    @Test
    void theJavaSdkClientOnItsPathSeesOnlyItsSubsetAndCannotCallOutsideIt() {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + port).endpoint("/v/b-only/mcp").build();
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("java-sdk-test", "1.0.0"))
                .requestTimeout(Duration.ofSeconds(30)).build();
        try {
            client.initialize();
            List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertThat(tools).hasSize(13).allMatch(n -> n.startsWith("b_")).contains("b_get-sum", "b_echo");
            assertThat(client.listPrompts().prompts()).extracting(McpSchema.Prompt::name).containsExactly("b_simple-prompt");
            assertThat(client.listResources().resources()).isNotEmpty().allMatch(res -> res.uri().startsWith(B));
            assertThat(client.listResourceTemplates().resourceTemplates()).isNotEmpty()
                    .allMatch(t -> t.uriTemplate().startsWith(B));

            McpSchema.CallToolResult sum = client.callTool(new CallToolRequest("b_get-sum", Map.of("a", 20, "b", 22)));
            assertThat(((TextContent) sum.content().get(0)).text()).isEqualTo("The sum of 20 and 22 is 42.");
            assertThatThrownBy(() -> client.callTool(new CallToolRequest("a_get-sum", Map.of("a", 1, "b", 2))))
                    .isInstanceOfSatisfying(McpError.class, e -> {
                        assertThat(e.getJsonRpcError().code()).isEqualTo(-32602);
                        assertThat(e.getJsonRpcError().message()).isEqualTo("Unknown tool: a_get-sum");
                    });
            assertThatThrownBy(() -> client.getPrompt(new McpSchema.GetPromptRequest("b_args-prompt", Map.of("city", "x"))))
                    .isInstanceOfSatisfying(McpError.class, e -> assertThat(e.getJsonRpcError().code()).isEqualTo(-32602));
        } finally {
            assertThat(client.closeGracefully()).isTrue();
        }
    }

    @Test
    void aCallOutsideTheSubsetGetsExactlyTheAnswerOfAnUnknownItem() throws Exception {
        RawMcpClient sums = new RawMcpClient(at("/v/sums/mcp"));
        sums.initialize("2025-11-25");
        RawMcpClient whole = client();
        whole.initialize("2025-11-25");
        // a tool that exists but is outside the subset, and one nobody serves: the same error, name aside
        JsonNode outside = sums.request(2, "tools/call", "{\"name\":\"b_get-sum\",\"arguments\":{\"a\":1,\"b\":2}}");
        JsonNode nobody = whole.request(2, "tools/call", "{\"name\":\"zz_get-sum\",\"arguments\":{\"a\":1,\"b\":2}}");
        assertThat(outside.toString()).isEqualTo(nobody.toString().replace("zz_get-sum", "b_get-sum"));
        assertThat(sums.request(3, "prompts/get", "{\"name\":\"a_simple-prompt\"}").path("error").toString())
                .isEqualTo("{\"code\":-32602,\"message\":\"Unknown prompt: a_simple-prompt\"}");
        String uri = B + "demo://resource/static/document/architecture.md";
        assertThat(sums.request(4, "resources/read", "{\"uri\":\"" + uri + "\"}").path("error").toString())
                .isEqualTo("{\"code\":-32602,\"message\":\"Unknown resource: " + uri + "\",\"data\":{\"uri\":\"" + uri + "\"}}");
        assertThat(sums.request(5, "completion/complete", "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"b_completable-prompt\"},"
                + "\"argument\":{\"name\":\"department\",\"value\":\"E\"}}").path("error").path("code").asInt()).isEqualTo(-32602);
        // what is inside answers as through /mcp
        assertThat(sums.request(6, "tools/call", "{\"name\":\"b_echo\",\"arguments\":{\"message\":\"hi\"}}")
                .path("result").path("content").path(0).path("text").asText()).isEqualTo("Echo: hi");
        assertThat(names(whole.request(7, "tools/list", null).path("result").path("tools"), "name")).hasSize(26);
    }

    @Test
    void unknownVirtualServersAreRefusedClearly() throws Exception {
        HttpResponse<String> path = new RawMcpClient(at("/v/nope/mcp")).post(initialize(), Map.of());
        assertThat(path.statusCode()).isEqualTo(404);
        assertThat(RawMcpClient.JSON.readTree(path.body()).path("error").path("message").asText())
                .isEqualTo("Not Found: no virtual server 'nope'");
        assertThat(new RawMcpClient(at("/v/sums")).post(initialize(), Map.of()).statusCode()).isEqualTo(404);
        assertThat(new RawMcpClient(at("/v/sums/other")).post(initialize(), Map.of()).statusCode()).isEqualTo(404);
        HttpResponse<String> header = client().post(initialize(), Map.of("x-mcp-virtualserver", "nope"));
        assertThat(header.statusCode()).isEqualTo(400);
        assertThat(RawMcpClient.JSON.readTree(header.body()).path("error").path("message").asText())
                .isEqualTo("Bad Request: no virtual server 'nope' (X-Mcp-Virtualserver)");
        HttpResponse<String> both = new RawMcpClient(at("/v/sums/mcp")).post(initialize(), Map.of("X-MCP-VIRTUALSERVER", "b-only"));
        assertThat(both.statusCode()).isEqualTo(400);
    }

    @Test
    void aSessionStaysOnItsVirtualServerAndAHeaderThatContradictsItIsRefused() throws Exception {
        RawMcpClient c = new RawMcpClient(at("/v/sums/mcp"));
        c.initialize("2025-11-25");
        // the same session through /mcp, without the header: still its virtual server's subset
        RawMcpClient same = client();
        same.sessionId(c.sessionId());
        assertThat(names(same.request(2, "tools/list", null).path("result").path("tools"), "name"))
                .containsExactly("a_get-sum", "b_echo");
        HttpResponse<String> other = same.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}",
                Map.of("X-Mcp-Virtualserver", "b-only"));
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(RawMcpClient.JSON.readTree(other.body()).path("error").path("message").asText())
                .isEqualTo("Bad Request: this session belongs to virtual server 'sums', not 'b-only'");
        assertThat(new RawMcpClient(at("/v/b-only/mcp")).post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}",
                Map.of("Mcp-Session-Id", c.sessionId())).statusCode()).isEqualTo(400);
        // created by the header alone, on /mcp: the same
        RawMcpClient byHeader = client().with("X-Mcp-Virtualserver", "b-only");
        byHeader.initialize("2025-11-25");
        RawMcpClient withoutHeader = client();
        withoutHeader.sessionId(byHeader.sessionId());
        assertThat(names(withoutHeader.request(5, "tools/list", null).path("result").path("tools"), "name")).hasSize(13);
        // a session created without one follows each request's header (as Kuadrant's gateway does)
        RawMcpClient plain = client();
        plain.initialize("2025-11-25");
        assertThat(names(plain.request(6, "tools/list", null).path("result").path("tools"), "name")).hasSize(26);
        assertThat(RawMcpClient.messages(plain.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\"}",
                Map.of("X-Mcp-Virtualserver", "sums"))).get(0).path("result").path("tools")).hasSize(2);
        // its GET stream and DELETE work on its path
        HttpResponse<java.io.InputStream> get = c.openGet(Map.of("Accept", "text/event-stream"));
        assertThat(get.statusCode()).isEqualTo(200);
        get.body().close();
        assertThat(c.send("DELETE", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void statelessRequestsOfTheNewRevisionAreServedTheSubsetByHeaderAndByPath() throws Exception {
        String caps = "{}";
        HttpResponse<String> byHeader = StatelessRequests.post(endpoint(), 1, "tools/list", "{}", caps,
                Map.of("X-Mcp-Virtualserver", "sums"));
        assertThat(names(RawMcpClient.JSON.readTree(byHeader.body()).path("result").path("tools"), "name"))
                .containsExactly("a_get-sum", "b_echo");
        HttpResponse<String> byPath = StatelessRequests.post(at("/v/b-only/mcp"), 2, "prompts/list", "{}", caps, Map.of());
        assertThat(names(RawMcpClient.JSON.readTree(byPath.body()).path("result").path("prompts"), "name"))
                .containsExactly("b_simple-prompt");
        HttpResponse<String> outside = StatelessRequests.post(at("/v/sums/mcp"), 3, "tools/call",
                "{\"name\":\"b_get-sum\",\"arguments\":{\"a\":1,\"b\":2}}", caps, Map.of());
        assertThat(RawMcpClient.messages(outside).get(0).path("error").path("message").asText())
                .isEqualTo("Unknown tool: b_get-sum");
        HttpResponse<String> inside = StatelessRequests.post(at("/v/sums/mcp"), 4, "tools/call",
                "{\"name\":\"a_get-sum\",\"arguments\":{\"a\":1,\"b\":2}}", caps, Map.of());
        assertThat(RawMcpClient.messages(inside).get(0).path("result").path("content").path(0).path("text").asText())
                .isEqualTo("The sum of 1 and 2 is 3.");
    }

    @Test
    void aNewDefinitionIsServedAtOnceAndListeningClientsAreToldTheirListsChanged() throws Exception {
        RawMcpClient c = new RawMcpClient(at("/v/sums/mcp"));
        c.initialize("2025-11-25");
        List<JsonNode> told = new CopyOnWriteArrayList<>();
        try (AutoCloseable stream = c.listen(told::add)) {
            Thread.sleep(300); // the stream is open before the change
            virtualServers.define("test", List.of(new VirtualServer.Definition("echoes", null, List.of("*_echo"), null, null)));
            await().atMost(Duration.ofSeconds(10)).until(() -> told.stream()
                    .anyMatch(m -> "notifications/tools/list_changed".equals(m.path("method").asText())));
            RawMcpClient echoes = new RawMcpClient(at("/v/echoes/mcp"));
            echoes.initialize("2025-11-25");
            assertThat(names(echoes.request(2, "tools/list", null).path("result").path("tools"), "name"))
                    .containsExactly("a_echo", "b_echo");
            assertThat(names(echoes.request(3, "prompts/list", null).path("result").path("prompts"), "name")).hasSize(8);
        } finally {
            virtualServers.define("test", List.of());
        }
        assertThat(new RawMcpClient(at("/v/echoes/mcp")).post(initialize(), Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void theActuatorShowsWhatEachResolvesTo() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var get = java.net.http.HttpRequest.newBuilder(java.net.URI.create(at("/actuator/mcpvirtualservers"))).build();
        // the servers' first reads may still be running
        await().atMost(Duration.ofSeconds(20)).until(() -> RawMcpClient.JSON.readTree(http.send(get,
                HttpResponse.BodyHandlers.ofString()).body()).path("virtualServers").path(1).path("tools").asInt() == 2);
        JsonNode all = RawMcpClient.JSON.readTree(http.send(get, HttpResponse.BodyHandlers.ofString()).body());
        JsonNode bOnly = all.path("virtualServers").get(0);
        JsonNode sums = all.path("virtualServers").get(1);
        assertThat(bOnly.path("name").asText()).isEqualTo("b-only");
        assertThat(bOnly.path("tools").asInt()).isEqualTo(13);
        assertThat(bOnly.path("prompts").asInt()).isEqualTo(1);
        assertThat(bOnly.path("path").asText()).isEqualTo("/v/b-only/mcp");
        assertThat(sums.path("source").asText()).isEqualTo("configuration");
        assertThat(sums.path("tools").asInt()).isEqualTo(2);
        assertThat(sums.path("toolPatterns").toString()).isEqualTo("[\"a_get-sum\",\"b_echo\"]");
        assertThat(sums.path("promptPatterns").toString()).isEqualTo("[]");
        assertThat(sums.path("notFound")).isEmpty();
    }

    @Test
    void aVirtualServerWithToolDiscoveryShowsTheMetaToolsAndSearchesOnlyItsSubset() throws Exception {
        RawMcpClient c = new RawMcpClient(at("/v/z-discover/mcp"));
        c.initialize("2025-11-25");
        assertThat(names(c.request(2, "tools/list", "{}").path("result").path("tools"), "name"))
                .containsExactly("discover_tools", "select_tools", "call_tool");
        String found = c.request(3, "tools/call", "{\"name\":\"discover_tools\",\"arguments\":{\"query\":\"add two numbers sum\"}}")
                .path("result").path("content").path(0).path("text").asText();
        assertThat(found).contains("b_get-sum").doesNotContain("a_get-sum");
        JsonNode outside = c.request(4, "tools/call", "{\"name\":\"select_tools\",\"arguments\":{\"tools\":[\"a_get-sum\"]}}");
        assertThat(outside.path("result").path("isError").asBoolean()).as(outside.toString()).isTrue();
        JsonNode inside = c.request(5, "tools/call", "{\"name\":\"select_tools\",\"arguments\":{\"tools\":[\"b_get-sum\"]}}");
        assertThat(inside.path("result").path("isError").asBoolean()).as(inside.toString()).isFalse();
        assertThat(names(c.request(6, "tools/list", "{}").path("result").path("tools"), "name")).contains("b_get-sum");
        // the rest of the gateway is not in discovery mode
        RawMcpClient plain = client();
        plain.initialize("2025-11-25");
        assertThat(names(plain.request(2, "tools/list", "{}").path("result").path("tools"), "name"))
                .contains("a_get-sum").doesNotContain("discover_tools");
    }

    static String initialize() {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    }
}
