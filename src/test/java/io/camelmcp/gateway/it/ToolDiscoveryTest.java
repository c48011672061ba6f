package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

import io.camelmcp.gateway.GatewayApplication;
import io.camelmcp.gateway.support.ClientDriver;
import io.camelmcp.gateway.support.McpSchemas;
import io.camelmcp.gateway.support.Peers;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.ServerEverything;
import io.camelmcp.gateway.support.StatelessRequests;
import io.camelmcp.gateway.support.ToolFleet;

/**
 * Tool discovery over 50 upstreams: 49 MCP Java SDK servers of plausible tools (support/ToolFleet) and a real
 * server-everything (prefix everything_, with its get-sum). Two gateways in this JVM with the same servers, one with
 * mcp.gateway.tool-discovery.enabled, one without: a real client finds, selects and calls a tool through the first,
 * and the size of what tools/list gives a client is measured on both with a real tokenizer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolDiscoveryTest {

    private static final String VERSION = "2025-11-25";
    private static final String SUM = "everything_get-sum";

    private final HttpClient http = HttpClient.newHttpClient();
    private ToolFleet fleet;
    private Gateway discovering;
    private Gateway plain;

    record Gateway(ConfigurableApplicationContext context, int port) implements AutoCloseable {
        String mcp() { return "http://127.0.0.1:" + port + "/mcp"; }

        RawMcpClient client() { return new RawMcpClient(mcp()); }

        @Override
        public void close() { context.close(); }
    }

    @BeforeAll
    void start() throws Exception {
        fleet = ToolFleet.start(49);
        ServerEverything everything = Peers.everythingA();
        List<String> servers = new ArrayList<>();
        int i = 0;
        for (String name : fleet.names()) {
            servers.addAll(server(i++, name, fleet.url(name), name + "_"));
        }
        servers.addAll(server(i, "everything", everything.url(), "everything_"));
        discovering = gateway(servers, true);
        plain = gateway(servers, false);
    }

    private static List<String> server(int i, String name, String url, String prefix) {
        String p = "--mcp.gateway.servers[" + i + "].";
        return List.of(p + "name=" + name, p + "url=" + url, p + "prefix=" + prefix);
    }

    private Gateway gateway(List<String> servers, boolean discovery) throws Exception {
        int port = ServerEverything.freePort();
        List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--spring.jmx.enabled=false",
                "--mcp.gateway.demo.enabled=false", "--mcp.gateway.tool-discovery.enabled=" + discovery));
        args.addAll(servers);
        Gateway g = new Gateway(new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new)), port);
        // ready: every server probed (readiness waits for the first probes) and its tools in the catalogue
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        return g;
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {discovering, plain, fleet}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    /**
     * The official TypeScript SDK client: tools/list shows the three meta-tools only; discover_tools finds
     * everything_get-sum first for "add two numbers sum"; select_tools makes the gateway send
     * notifications/tools/list_changed and list it too, with its schema; it answers called directly and through
     * call_tool.
     */
    @Test
    void aRealClientFindsSelectsAndCallsATool() throws Exception {
        JsonNode out = ClientDriver.run(discovering.mcp(), "everything_", "discovery", Map.of());
        assertThat(out.path("ok").asBoolean()).as(out.toString()).isTrue();
        assertThat(names(out.path("listed"))).containsExactly("discover_tools", "select_tools", "call_tool");

        List<String> found = StreamSupport.stream(out.path("discovered").spliterator(), false)
                .map(t -> t.path("name").asText()).toList();
        assertThat(found).as("the best 5 for 'add two numbers sum'").hasSize(5);
        assertThat(found.subList(0, 3)).contains(SUM);
        assertThat(found.get(0)).isEqualTo(SUM);
        JsonNode sum = out.path("discovered").get(0);
        assertThat(sum.path("title").asText()).isEqualTo("Get Sum Tool");
        assertThat(sum.path("description").asText()).isEqualTo("Returns the sum of two numbers");
        assertThat(sum.has("inputSchema")).as("schemas only on request").isFalse();

        assertThat(names(out.path("selected").path("selected"))).containsExactly(SUM);
        assertThat(out.path("listChanged").asInt()).as("notifications/tools/list_changed on the GET stream").isEqualTo(1);
        assertThat(names(out.path("afterSelect"))).containsExactly("discover_tools", "select_tools", "call_tool", SUM);
        assertThat(out.path("selectedSchema").path("properties").has("a")).isTrue();
        assertThat(out.path("direct").asText()).isEqualTo("The sum of 20 and 22 is 42.");
        assertThat(out.path("viaCallTool").asText()).isEqualTo("The sum of 2 and 3 is 5.");
    }

    /**
     * What a client receives for tools/list (every page), in tokens of OpenAI's o200k_base and cl100k_base: the whole
     * catalogue of 50 servers without discovery, the meta-tools with it (and with one tool selected).
     */
    @Test
    void theListWithDiscoveryIsAFractionOfTheCatalogue() throws Exception {
        RawMcpClient full = plain.client();
        full.initialize(VERSION);
        List<JsonNode> fullPages = listAll(full);
        int tools = fullPages.stream().mapToInt(p -> p.path("tools").size()).sum();
        assertThat(tools).isEqualTo(fleet.toolCount() + everythingTools(full));

        RawMcpClient meta = discovering.client();
        meta.initialize(VERSION);
        List<JsonNode> metaPages = listAll(meta);
        assertThat(metaPages).hasSize(1);
        assertThat(metaPages.get(0).path("tools").size()).isEqualTo(3);
        meta.request(3, "tools/call", "{\"name\":\"select_tools\",\"arguments\":{\"tools\":[\"" + SUM + "\"]}}");
        List<JsonNode> selectedPages = listAll(meta);

        StringBuilder report = new StringBuilder("tools/list over 50 upstreams (" + tools + " tools):");
        double[] ratios = new double[2];
        int e = 0;
        for (EncodingType type : List.of(EncodingType.O200K_BASE, EncodingType.CL100K_BASE)) {
            Encoding enc = Encodings.newDefaultEncodingRegistry().getEncoding(type);
            int whole = tokens(enc, fullPages);
            int discovery = tokens(enc, metaPages);
            int withOne = tokens(enc, selectedPages);
            ratios[e++] = (double) whole / discovery;
            report.append(String.format(" %s: %d tokens without discovery, %d with it (%d with one tool selected), %.0fx;",
                    type.getName(), whole, discovery, withOne, (double) whole / discovery));
        }
        System.out.println(report);
        assertThat(ratios[0]).as(report.toString()).isGreaterThanOrEqualTo(10);
        assertThat(ratios[1]).as(report.toString()).isGreaterThanOrEqualTo(10);
    }

    private static int everythingTools(RawMcpClient c) throws Exception {
        return (int) listAll(c).stream().flatMap(p -> StreamSupport.stream(p.path("tools").spliterator(), false))
                .filter(t -> t.path("name").asText().startsWith("everything_")).count();
    }

    /** Each page's result, as the client receives it (the JSON-RPC result object). */
    private static List<JsonNode> listAll(RawMcpClient c) throws Exception {
        List<JsonNode> pages = new ArrayList<>();
        String cursor = null;
        int id = 100;
        do {
            JsonNode r = c.request(id++, "tools/list", cursor == null ? null : "{\"cursor\":\"" + cursor + "\"}").path("result");
            pages.add(r);
            cursor = r.hasNonNull("nextCursor") ? r.get("nextCursor").asText() : null;
        } while (cursor != null);
        return pages;
    }

    private static int tokens(Encoding enc, List<JsonNode> pages) throws Exception {
        int n = 0;
        for (JsonNode p : pages) {
            n += enc.countTokensOrdinary(RawMcpClient.JSON.writeValueAsString(p));
        }
        return n;
    }

    /**
     * Discovery's own rules: a selection is all or nothing (an unknown name changes nothing), a meta-tool cannot be
     * selected, mistakes are tool errors the model can read, and any tool is still called directly by its name.
     */
    @Test
    void mistakesAreToolErrorsAndChangeNothing() throws Exception {
        RawMcpClient c = discovering.client();
        c.initialize(VERSION);
        List<JsonNode> told = new CopyOnWriteArrayList<>();
        try (AutoCloseable stream = c.listen(told::add)) {
            JsonNode ok = c.request(2, "tools/call", "{\"name\":\"select_tools\",\"arguments\":{\"tools\":[\"github_create_issue\"]}}");
            assertThat(ok.path("result").path("isError").asBoolean()).isFalse();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> told.stream()
                    .anyMatch(m -> "notifications/tools/list_changed".equals(m.path("method").asText())));

            JsonNode unknown = c.request(3, "tools/call",
                    "{\"name\":\"select_tools\",\"arguments\":{\"tools\":[\"" + SUM + "\",\"nope_tool\",\"call_tool\"]}}");
            assertThat(unknown.path("result").path("isError").asBoolean()).isTrue();
            assertThat(text(unknown)).contains("nope_tool, call_tool").contains("did not change");
            assertThat(toolNames(c)).containsExactly("discover_tools", "select_tools", "call_tool", "github_create_issue");

            assertThat(text(c.request(4, "tools/call", "{\"name\":\"discover_tools\",\"arguments\":{\"limit\":0}}")))
                    .contains("\"limit\" must be an integer");
            JsonNode badCall = c.request(5, "tools/call", "{\"name\":\"call_tool\",\"arguments\":{\"arguments\":{}}}");
            assertThat(badCall.path("result").path("isError").asBoolean()).isTrue();
            // an unknown tool through call_tool: as called directly
            assertThat(c.request(6, "tools/call", "{\"name\":\"call_tool\",\"arguments\":{\"name\":\"nope_tool\"}}")
                    .path("error").path("message").asText()).isEqualTo("Unknown tool: nope_tool");

            // not selected, called all the same
            assertThat(text(c.request(7, "tools/call", "{\"name\":\"weather_get_forecast\",\"arguments\":{\"forecast_id\":\"f1\"}}")))
                    .isEqualTo("get_forecast done");
            assertThat(text(c.request(8, "tools/call",
                    "{\"name\":\"call_tool\",\"arguments\":{\"name\":\"maps_geocode_address\",\"arguments\":{\"lat\":\"1\"}}}")))
                    .isEqualTo("geocode_address done");

            // with schemas, and a browse without a query
            JsonNode withSchemas = json(text(c.request(9, "tools/call",
                    "{\"name\":\"discover_tools\",\"arguments\":{\"query\":\"weather forecast\",\"limit\":2,\"includeSchemas\":true}}")));
            assertThat(withSchemas.path("tools")).hasSize(2).allSatisfy(t -> {
                assertThat(t.path("name").asText()).startsWith("weather_");
                assertThat(t.path("inputSchema").path("type").asText()).isEqualTo("object");
            });
            JsonNode browse = json(text(c.request(10, "tools/call", "{\"name\":\"discover_tools\",\"arguments\":{}}")));
            assertThat(browse.path("servers")).hasSize(50);
            assertThat(browse.findValuesAsText("server")).contains("everything", "github");

            // an empty selection clears it
            JsonNode cleared = c.request(11, "tools/call", "{\"name\":\"select_tools\",\"arguments\":{\"tools\":[]}}");
            assertThat(McpSchemas.problems(VERSION, cleared, "tools/call")).isEmpty();
            JsonNode list = c.request(12, "tools/list", null);
            assertThat(McpSchemas.problems(VERSION, list, "tools/list")).as("the meta-tools are valid tools").isEmpty();
            assertThat(names(list.path("result").path("tools"))).containsExactly("discover_tools", "select_tools", "call_tool");
        }
    }

    /**
     * A 2026-07-28 client has no session: it is listed discover_tools and call_tool, select_tools tells it why it
     * cannot select, and call_tool relays its calls.
     */
    @Test
    void aStatelessClientDiscoversAndCallsByName() throws Exception {
        JsonNode list = StatelessRequests.last(StatelessRequests.post(discovering.mcp(), 1, "tools/list", null, "{}", Map.of()));
        assertThat(names(list.path("result").path("tools"))).containsExactly("discover_tools", "call_tool");
        JsonNode select = StatelessRequests.last(StatelessRequests.post(discovering.mcp(), 2, "tools/call",
                "{\"name\":\"select_tools\",\"arguments\":{\"tools\":[\"" + SUM + "\"]}}", "{}", Map.of()));
        assertThat(select.path("result").path("isError").asBoolean()).isTrue();
        assertThat(text(select)).contains("needs a session");
        JsonNode call = StatelessRequests.last(StatelessRequests.post(discovering.mcp(), 3, "tools/call",
                "{\"name\":\"call_tool\",\"arguments\":{\"name\":\"" + SUM + "\",\"arguments\":{\"a\":1,\"b\":2}}}", "{}", Map.of()));
        assertThat(call.path("id").asInt()).isEqualTo(3);
        assertThat(text(call)).isEqualTo("The sum of 1 and 2 is 3.");
    }

    private static List<String> toolNames(RawMcpClient c) throws Exception {
        return names(listAll(c).get(0).path("tools"));
    }

    private static List<String> names(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(n -> n.isTextual() ? n.asText() : n.path("name").asText()).toList();
    }

    private static String text(JsonNode response) {
        StringBuilder b = new StringBuilder();
        response.path("result").path("content").forEach(c -> b.append(c.path("text").asText()));
        return b.toString();
    }

    private static JsonNode json(String text) throws Exception {
        return RawMcpClient.JSON.readTree(text);
    }
}
