package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.camelmcp.gateway.support.CuttableProxy;
import io.camelmcp.gateway.support.Peers;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * The worked examples of docs/routes.md, read from that page, each written into a running gateway's routes directory
 * (mcp.gateway.routes-dir) and checked against two real server-everything servers; and what live reload does with a
 * broken file (previous routes serve, readiness DOWN with the reason) and a removed one (the bundled file is back).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RouteExamplesTest {

    static final Path ROUTES;
    static final CuttableProxy PROXY_A;
    static final CuttableProxy PROXY_B;

    static {
        try {
            ROUTES = Files.createTempDirectory("mcp-routes");
            // the upstream side of each server, to see the headers the gateway sends
            PROXY_A = new CuttableProxy(Peers.everythingA().port());
            PROXY_B = new CuttableProxy(Peers.everythingB().port());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "everything-a");
        registry.add("mcp.gateway.servers[0].url", () -> "http://127.0.0.1:" + PROXY_A.port() + "/mcp");
        registry.add("mcp.gateway.servers[0].prefix", () -> "a_");
        registry.add("mcp.gateway.servers[1].name", () -> "everything-b");
        registry.add("mcp.gateway.servers[1].url", () -> "http://127.0.0.1:" + PROXY_B.port() + "/mcp");
        registry.add("mcp.gateway.servers[1].prefix", () -> "b_");
        registry.add("mcp.gateway.routes-dir", ROUTES::toString);
        registry.add("mcp.gateway.routes-reload-interval", () -> "200ms");
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void bundledAgain() throws Exception {
        try (var files = Files.list(ROUTES)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        // every file of the directory is out of force: the bundled routes serve again
        await().atMost(Duration.ofSeconds(20)).until(() -> routeFiles().path("details").path("inForce").isEmpty()
                && routeFiles().path("details").path("failed").isMissingNode());
    }

    @AfterAll
    static void proxies() {
        PROXY_A.close();
        PROXY_B.close();
    }

    @Test
    void auditLineForEveryToolCall() throws Exception {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        Logger logger = (Logger) LoggerFactory.getLogger("mcp.audit");
        logger.addAppender(audit);
        try {
            RawMcpClient c = put("audit-log");
            JsonNode r = c.request(7, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"hi\"}}");
            assertThat(r.path("result").path("content").get(0).path("text").asText()).isEqualTo("Echo: hi");
            assertThat(audit.list).extracting(ILoggingEvent::getFormattedMessage).singleElement().satisfies(line -> {
                assertThat(line).startsWith("tools/call a_echo session=" + c.sessionId());
                assertThat(line).contains("message={\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\"");
            });
        } finally {
            logger.detachAppender(audit);
        }
    }

    @Test
    void oneToolRefusedByName() throws Exception {
        RawMcpClient c = put("refuse-tool");
        JsonNode refused = c.request(3, "tools/call", "{\"name\":\"a_get-env\",\"arguments\":{}}");
        assertThat(refused.path("id").asInt()).isEqualTo(3);
        assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(refused.path("error").path("message").asText()).isEqualTo("Tool a_get-env is not available through this gateway");
        assertThat(c.request(4, "tools/call", "{\"name\":\"b_get-env\",\"arguments\":{}}").has("result")).isTrue();
    }

    @Test
    void headerOnTheCallsOfOneServerOnly() throws Exception {
        RawMcpClient c = put("server-header");
        int a = PROXY_A.sent().length();
        int b = PROXY_B.sent().length();
        HttpResponse<String> toB = c.post("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"b_echo\",\"arguments\":{\"message\":\"tenant\"}}}", Map.of());
        assertThat(toB.body()).contains("Echo: tenant");
        assertThat(toB.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-Tenant"));
        assertThat(c.request(6, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"plain\"}}").has("result")).isTrue();
        String sentToB = PROXY_B.sent().substring(b);
        assertThat(sentToB).containsIgnoringCase("X-Tenant: acme").contains("\"name\":\"echo\"");
        assertThat(PROXY_A.sent().substring(a)).contains("\"message\":\"plain\"").doesNotContainIgnoringCase("X-Tenant");
    }

    @Test
    void aBrokenFileLeavesThePreviousRoutesServingAndReadinessDown() throws Exception {
        RawMcpClient c = put("refuse-tool");
        String broken = example("refuse-tool").replace("ref: mcpRouter", "ref: mcpRoutr");
        Files.writeString(ROUTES.resolve("tools-call.yaml"), broken);
        await().atMost(Duration.ofSeconds(10)).until(() -> "DOWN".equals(readiness().path("status").asText()));
        JsonNode failed = readiness().path("components").path("routeFiles").path("details").path("failed").path("tools-call.yaml");
        assertThat(failed.path("routes").toString()).contains("tools-call");
        assertThat(failed.path("error").asText()).contains("mcpRoutr");
        // the previous version still serves: refusal and routing both
        assertThat(c.request(8, "tools/call", "{\"name\":\"a_get-env\",\"arguments\":{}}").path("error").path("code").asInt())
                .isEqualTo(-32602);
        assertThat(c.request(9, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"still\"}}").toString())
                .contains("Echo: still");
        // fixed: loaded, readiness back
        Files.writeString(ROUTES.resolve("tools-call.yaml"), example("audit-log"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(readiness().path("status").asText()));
        assertThat(c.request(10, "tools/call", "{\"name\":\"a_get-env\",\"arguments\":{}}").has("result")).isTrue();
    }

    @Test
    void aRemovedFileGivesItsRoutesBackToTheBundledFile() throws Exception {
        RawMcpClient c = put("refuse-tool");
        Files.delete(ROUTES.resolve("tools-call.yaml"));
        await().atMost(Duration.ofSeconds(10)).until(() -> c.request(11, "tools/call", "{\"name\":\"a_get-env\",\"arguments\":{}}")
                .has("result"));
        assertThat(routesFromDirectory()).isFalse();
    }

    @Test
    void aNewFileAddsRoutesAndAnotherFilesRouteIdIsRefused() throws Exception {
        Files.writeString(ROUTES.resolve("extra.yaml"), """
                - route:
                    id: extra-timer
                    from:
                      uri: timer:extra?repeatCount=1
                      steps:
                        - log: "extra routes are loaded"
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> routeFiles().path("details").path("routes").has("extra.yaml"));
        // a route id that tools-call.yaml (bundled) defines: refused, the bundled route keeps serving
        Files.writeString(ROUTES.resolve("extra.yaml"), example("refuse-tool"));
        await().atMost(Duration.ofSeconds(10)).until(() -> routeFiles().path("details").path("failed").has("extra.yaml"));
        assertThat(routeFiles().path("details").path("failed").path("extra.yaml").path("error").asText())
                .contains("tools-call is already defined in tools-call.yaml");
        RawMcpClient c = client();
        assertThat(c.request(12, "tools/call", "{\"name\":\"a_get-env\",\"arguments\":{}}").has("result")).isTrue();
    }

    @Test
    void theEndpointRouteItselfReloads() throws Exception {
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        Logger logger = (Logger) LoggerFactory.getLogger("mcp.endpoint.edited");
        logger.addAppender(seen);
        try {
            RawMcpClient before = client();
            String bundled = Files.readString(Path.of("src/main/resources/routes/mcp-endpoint.yaml"));
            String marker = "        # one branch per family of protocol revisions";
            String edited = bundled.replace(marker, "        - log:\n"
                    + "            logName: mcp.endpoint.edited\n"
                    + "            message: \"${exchangeProperty.mcpHttpMethod} ${exchangeProperty.mcpMethod}\"\n" + marker);
            assertThat(edited).isNotEqualTo(bundled);
            Files.writeString(ROUTES.resolve("mcp-endpoint.yaml"), edited);
            String version = io.camelmcp.gateway.routes.RouteFiles.sha256(edited.getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(20)).until(() -> version.equals(routeFiles().path("details").path("inForce")
                    .path("mcp-endpoint.yaml").asText()));
            // the session opened before the reload goes on; the edited endpoint serves it
            assertThat(before.request(30, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"after\"}}").toString())
                    .contains("Echo: after");
            assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).contains("POST tools/call");
            assertThat(readiness().path("status").asText()).isEqualTo("UP");
        } finally {
            logger.detachAppender(seen);
        }
    }

    @Test
    void anEditedServerCallTemplateServesTheServersRoutesMadeBeforeIt() throws Exception {
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        Logger logger = (Logger) LoggerFactory.getLogger("mcp.server-call.edited");
        logger.addAppender(seen);
        try {
            RawMcpClient c = client();
            // a_'s route is made from the bundled template by this call
            assertThat(c.request(40, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"before\"}}").toString())
                    .contains("Echo: before");
            String bundled = Files.readString(Path.of("src/main/resources/routes/forward.yaml"));
            String marker = "        uri: \"direct:server-call-{{key}}\"\n        steps:\n";
            String edited = bundled.replace(marker, marker + "          - log:\n"
                    + "              logName: mcp.server-call.edited\n"
                    + "              message: \"to {{server}}\"\n");
            assertThat(edited).isNotEqualTo(bundled);
            Files.writeString(ROUTES.resolve("forward.yaml"), edited);
            String version = io.camelmcp.gateway.routes.RouteFiles.sha256(edited.getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(20)).until(() -> version.equals(routeFiles().path("details").path("inForce")
                    .path("forward.yaml").asText()));
            // the server's route made before the reload is made again, from the edited template
            assertThat(c.request(41, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"after\"}}").toString())
                    .contains("Echo: after");
            assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).contains("to everything-a");
        } finally {
            logger.detachAppender(seen);
        }
    }

    @Test
    void aRouteThatGivesNoAnswerIsAnInternalErrorNotAnEcho() throws Exception {
        String onlyLogs = """
                - route:
                    id: tools-call
                    routeConfigurationId: mcp-errors
                    from:
                      uri: direct:tools-call
                      steps:
                        - log: "this route forgot to forward"
                """;
        Files.writeString(ROUTES.resolve("tools-call.yaml"), onlyLogs);
        String version = io.camelmcp.gateway.routes.RouteFiles.sha256(onlyLogs.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> version.equals(routeFiles().path("details").path("inForce")
                .path("tools-call.yaml").asText()));
        JsonNode r = client().request(40, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"x\"}}");
        assertThat(r.path("id").asInt()).isEqualTo(40);
        assertThat(r.path("error").path("code").asInt()).isEqualTo(-32603);
        assertThat(r.path("error").path("message").asText()).contains("no answer to tools/call");
    }

    @Test
    void aChangedErrorsFileReachesTheRoutesOfOtherFiles() throws Exception {
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        Logger logger = (Logger) LoggerFactory.getLogger("mcp.errors.edited");
        logger.addAppender(seen);
        try {
            String bundled = Files.readString(Path.of("src/main/resources/routes/errors.yaml"));
            String marker = "            - bean:\n                ref: mcpReplies\n                method: error";
            String edited = bundled.replace(marker, "            - log:\n                logName: mcp.errors.edited\n"
                    + "                message: \"failed: ${exception.message}\"\n" + marker);
            assertThat(edited).isNotEqualTo(bundled);
            Files.writeString(ROUTES.resolve("errors.yaml"), edited);
            String version = io.camelmcp.gateway.routes.RouteFiles.sha256(edited.getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(20)).until(() -> version.equals(routeFiles().path("details").path("inForce")
                    .path("errors.yaml").asText()));
            // tools-call.yaml (bundled, not edited) handles its errors with the new configuration
            JsonNode r = client().request(50, "tools/call", "{\"name\":\"zz_nothing\",\"arguments\":{}}");
            assertThat(r.path("error").path("code").asInt()).as(r.toString()).isEqualTo(-32602);
            assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).contains("failed: Unknown tool: zz_nothing");
        } finally {
            logger.detachAppender(seen);
        }
    }

    @Test
    void aSecondServletRouteDoesNotTakeMcpTraffic() throws Exception {
        Files.writeString(ROUTES.resolve("other-servlet.yaml"), """
                - route:
                    id: other-servlet
                    from:
                      uri: servlet:/other
                      steps:
                        - setBody:
                            constant: "not MCP"
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> routeFiles().path("details").path("routes").has("other-servlet.yaml"));
        for (int i = 0; i < 5; i++) {
            RawMcpClient c = client();
            assertThat(c.request(20 + i, "tools/call", "{\"name\":\"a_echo\",\"arguments\":{\"message\":\"m\"}}").toString())
                    .contains("Echo: m");
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** Writes a docs/routes.md example as tools-call.yaml, waits until its routes serve, returns a new session. */
    private RawMcpClient put(String example) throws Exception {
        String yaml = example(example);
        Files.writeString(ROUTES.resolve("tools-call.yaml"), yaml);
        String version = io.camelmcp.gateway.routes.RouteFiles.sha256(yaml.getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> version.equals(routeFiles().path("details").path("inForce")
                .path("tools-call.yaml").asText()));
        return client();
    }

    private RawMcpClient client() throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.initialize("2025-11-25");
        return c;
    }

    /** Whether a file of the routes directory is in force for tools-call.yaml (else: the bundled file). */
    private boolean routesFromDirectory() throws Exception {
        return routeFiles().path("details").path("inForce").has("tools-call.yaml");
    }

    private JsonNode routeFiles() throws Exception {
        return readiness().path("components").path("routeFiles");
    }

    private JsonNode readiness() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
        return RawMcpClient.JSON.readTree(r.body());
    }

    private static final Map<String, String> EXAMPLES = new LinkedHashMap<>();

    /** The YAML block after {@code <!-- example: NAME -->} in docs/routes.md. */
    static synchronized String example(String name) throws IOException {
        if (EXAMPLES.isEmpty()) {
            String doc = Files.readString(Path.of("docs/routes.md"), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("<!-- example: ([a-z-]+) -->\\s*```yaml\\n(.*?)```", Pattern.DOTALL).matcher(doc);
            while (m.find()) {
                EXAMPLES.put(m.group(1), m.group(2));
            }
        }
        String yaml = EXAMPLES.get(name);
        assertThat(yaml).as("example %s in docs/routes.md", name).isNotNull();
        return yaml;
    }
}
