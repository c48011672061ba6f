package io.camelmcp.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * The status page in real headless Chromium (test-peers/ui-check.mjs: Debian's /usr/bin/chromium, driven by
 * playwright-core): with two MCP Java SDK servers behind the gateway it shows both ready with their tool counts, its
 * search filters the catalogue, and while it stays open it shows the sessions this test opens and the server this test
 * stops, without a reload; then its banners for an unreachable gateway and a missing credential. Its screenshot,
 * target/ui/status-page.png, is the README's (docs/images/status-page.png).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StatusPageBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCREENSHOT = Path.of("target/ui/status-page.png");
    static final Path LOG = Path.of("target/ui/ui-check.log");

    static Served inventory;
    static Served billing;

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();
    final List<RawMcpClient> clients = new ArrayList<>();

    /** An MCP Java SDK server on an embedded Tomcat (FixtureServer's), with titled and described items. */
    record Served(McpSyncServer server, Tomcat tomcat) {
        String url() {
            return "http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/mcp";
        }

        void stop() {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception ignored) {
                // stopped already
            }
        }
    }

    @BeforeAll
    static void chromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("The status page's browser test needs Debian's Chromium at " + CHROMIUM
                    + ": install it with 'apt-get install chromium' (.ci/run does)");
        }
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        inventory = serve("inventory", List.of(
                tool("find_item", "Find an item", "Looks an item up by SKU or name, with its stock per warehouse"),
                tool("reserve_item", "Reserve stock", "Holds a quantity of an item for an order for 15 minutes"),
                tool("list_warehouses", "List warehouses", "Every warehouse with its address and opening hours")),
                List.of(prompt("restock_report", "Restock report", "Drafts a report of the items below their reorder level")),
                List.of(resource("inventory://warehouses", "warehouses", "Warehouses", "The warehouse directory, as JSON")));
        billing = serve("billing", List.of(
                tool("create_invoice", "Create an invoice", "Issues an invoice for an order and e-mails it to the customer"),
                tool("refund_payment", "Refund a payment", "Refunds a captured payment in full or in part")),
                List.of(), List.of());
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "inventory");
        registry.add("mcp.gateway.servers[0].url", inventory::url);
        registry.add("mcp.gateway.servers[0].prefix", () -> "inv_");
        registry.add("mcp.gateway.servers[1].name", () -> "billing");
        registry.add("mcp.gateway.servers[1].url", billing::url);
        registry.add("mcp.gateway.servers[1].prefix", () -> "bill_");
        // a stopped server is seen within a second or so
        registry.add("mcp.gateway.discovery.health-interval", () -> "500ms");
        registry.add("mcp.gateway.discovery.health-timeout", () -> "500ms");
        registry.add("mcp.gateway.discovery.retry-interval", () -> "500ms");
        registry.add("mcp.gateway.discovery.max-retry-interval", () -> "2s");
    }

    @AfterAll
    static void stop() {
        for (Served s : new Served[] {inventory, billing}) {
            if (s != null) {
                s.server().close();
                s.stop();
            }
        }
    }

    @Test
    void thePageShowsTheServersFiltersTheCatalogueAndFollowsChangesWithoutAReload() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode status = RawMcpClient.JSON.readTree(get("/ui/api/status").body());
            return status.path("catalog").path("tools").asInt() == 5;
        });
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);

        ObjectNode expected = RawMcpClient.JSON.createObjectNode();
        expected.putObject("servers").put("inventory", 3).put("billing", 2);
        expected.put("search", "refund");
        expected.putArray("matches").add("bill_refund_payment");
        expected.putArray("clients").add("agent-runner 2.3.0").add("ops-console 1.4.2");
        expected.put("down", "billing");

        Process node = new ProcessBuilder("node", "test-peers/ui-check.mjs", "http://127.0.0.1:" + port + "/ui/",
                SCREENSHOT.toString(), expected.toString())
                .redirectError(ProcessBuilder.Redirect.to(LOG.toFile())).start();
        Thread.ofVirtual().start(() -> {
            try {
                if (!node.waitFor(150, TimeUnit.SECONDS)) {
                    node.destroyForcibly(); // the read below then ends
                }
            } catch (InterruptedException ignored) {
                node.destroyForcibly();
            }
        });
        List<String> lines = new ArrayList<>();
        JsonNode last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (!line.startsWith("{")) {
                    continue;
                }
                last = RawMcpClient.JSON.readTree(line);
                switch (last.path("await").asText()) {
                    case "sessions" -> {
                        session("agent-runner", "2.3.0");
                        session("ops-console", "1.4.2").request(2, "tools/call",
                                "{\"name\":\"inv_find_item\",\"arguments\":{\"sku\":\"A-100\"}}");
                    }
                    case "down" -> billing.stop();
                    default -> { }
                }
            }
        }
        int exit = node.waitFor();
        String log = Files.exists(LOG) ? Files.readString(LOG) : "";
        assertThat(exit).as("ui-check.mjs:\n%s\n%s", String.join("\n", lines), log).isZero();
        assertThat(last.path("ok").asBoolean()).as(String.join("\n", lines)).isTrue();
        assertThat(Files.size(SCREENSHOT)).as("the screenshot").isGreaterThan(20_000);
        for (RawMcpClient c : clients) {
            c.send("DELETE", Map.of());
        }
    }

    /** A session with this client name and version, as the page must list it. */
    RawMcpClient session(String name, String version) throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        HttpResponse<String> init = c.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"" + name
                + "\",\"version\":\"" + version + "\"}}}", Map.of());
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        c.sessionId(init.headers().firstValue("mcp-session-id").orElseThrow());
        assertThat(c.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", Map.of()).statusCode())
                .isEqualTo(202);
        clients.add(c);
        return c;
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // ---- the servers ---------------------------------------------------------------------------------------------

    static Served serve(String name, List<SyncToolSpecification> tools, List<SyncPromptSpecification> prompts,
                        List<SyncResourceSpecification> resources) throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper()).mcpEndpoint("/mcp").build();
        McpSchema.ServerCapabilities.Builder caps = McpSchema.ServerCapabilities.builder().tools(true);
        if (!prompts.isEmpty()) {
            caps.prompts(false);
        }
        if (!resources.isEmpty()) {
            caps.resources(false, false);
        }
        McpSyncServer server = McpServer.sync(transport).serverInfo(name, "1.0.0").capabilities(caps.build())
                .tools(tools).prompts(prompts).resources(resources).build();
        return new Served(server, FixtureServer.serve(name, transport, 0));
    }

    static SyncToolSpecification tool(String name, String title, String description) {
        return SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).title(title).description(description)
                        .inputSchema(McpJsonDefaults.getMapper(), "{\"type\":\"object\"}").build())
                .callHandler((ex, req) -> McpSchema.CallToolResult.builder().addTextContent(name + " done").build())
                .build();
    }

    static SyncPromptSpecification prompt(String name, String title, String description) {
        return new SyncPromptSpecification(McpSchema.Prompt.builder(name).title(title).description(description).build(),
                (ex, req) -> new McpSchema.GetPromptResult(description, List.of()));
    }

    static SyncResourceSpecification resource(String uri, String name, String title, String description) {
        return new SyncResourceSpecification(McpSchema.Resource.builder().uri(uri).name(name).title(title)
                .description(description).mimeType("application/json").build(),
                (ex, req) -> new McpSchema.ReadResourceResult(List.of(new McpSchema.TextResourceContents(uri,
                        "application/json", "[]"))));
    }
}
