package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * {@code mcp.gateway.servers-file} edited while the gateway runs: servers added, renamed (prefix) and removed reach
 * {@code tools/list} without a restart, listening clients are told, and a file that does not bind keeps the previous
 * servers serving and is reported in the health details until it is fixed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ServersFileReloadTest {

    static final Duration WAIT = Duration.ofSeconds(15);

    static FixtureServer alpha;
    static FixtureServer beta;
    static Path dir;
    static Path file;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        alpha = FixtureServer.builder("alpha").tool("hello", args -> "hello from alpha").start();
        beta = FixtureServer.builder("beta").tool("ping", args -> "pong").start();
        dir = Files.createTempDirectory("servers-file");
        file = dir.resolve("my-servers.yaml");
        write(servers(server("alpha", alpha, "a_")));
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers-file", () -> "file:" + file);
        registry.add("mcp.gateway.servers-file-interval", () -> "200ms");
        registry.add("mcp.gateway.discovery.retry-interval", () -> "1s");
    }

    @AfterAll
    static void stop() {
        alpha.close();
        beta.close();
        // the file stays until the JVM exits: the gateway (cached context) still compares it until it stops
        file.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
    }

    @Test
    void editsApplyWithoutARestartAndABrokenFileKeepsThePreviousServers() throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.initialize("2025-11-25");
        awaitTools(c, names -> names.contains("a_hello"));
        String firstVersion = serversFile().path("inForce").asText();
        assertThat(firstVersion).hasSize(64);

        List<String> notified = new CopyOnWriteArrayList<>();
        try (AutoCloseable listening = c.listen(m -> notified.add(m.path("method").asText()))) {
            // added
            write(servers(server("alpha", alpha, "a_") + server("beta", beta, "b_")));
            awaitTools(c, names -> names.containsAll(List.of("a_hello", "b_ping")));
            await().atMost(WAIT).until(() -> notified.contains("notifications/tools/list_changed"));
            assertThat(serversFile().path("inForce").asText()).isNotEqualTo(firstVersion);
        }

        // changed: a new prefix renames the server's tools
        write(servers(server("alpha", alpha, "x_") + server("beta", beta, "b_")));
        awaitTools(c, names -> names.contains("x_hello") && !names.contains("a_hello") && names.contains("b_ping"));

        // removed
        write(servers(server("alpha", alpha, "x_")));
        awaitTools(c, names -> names.contains("x_hello") && names.stream().noneMatch(n -> n.startsWith("b_")));
        String goodVersion = serversFile().path("inForce").asText();

        // broken YAML: the previous servers keep serving, the health details say why, readiness stays up
        write("mcp:\n  gateway:\n    servers: [ {name: alpha\n");
        await().atMost(WAIT).until(() -> serversFile().path("failed").path("error").asText().length() > 0);
        assertThat(serversFile().path("inForce").asText()).isEqualTo(goodVersion);
        assertThat(toolNames(c)).contains("x_hello");
        assertThat(text(c.request(7, "tools/call", "{\"name\":\"x_hello\",\"arguments\":{}}"))).isEqualTo("hello from alpha");
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);

        // a key that binds to nothing is an error too, not a server silently without its prefix
        write(servers("      - name: beta\n        url: " + beta.url() + "\n        prefx: b_\n"));
        await().atMost(WAIT).until(() -> serversFile().path("failed").path("error").asText().contains("prefx"));
        assertThat(toolNames(c)).contains("x_hello").noneMatch(n -> n.startsWith("b_"));

        // fixed: applied, the failure cleared
        write(servers(server("beta", beta, "b_")));
        awaitTools(c, names -> names.contains("b_ping") && names.stream().noneMatch(n -> n.startsWith("x_")));
        await().atMost(WAIT).until(() -> serversFile().path("failed").isMissingNode());
        assertThat(serversFile().path("path").asText()).isEqualTo(file.toAbsolutePath().normalize().toString());
    }

    static String servers(String entries) {
        return "mcp:\n  gateway:\n    servers:\n" + entries;
    }

    static String server(String name, FixtureServer s, String prefix) {
        return "      - name: " + name + "\n        url: " + s.url() + "\n        prefix: " + prefix + "\n";
    }

    /** Written next to the file and moved over it: the gateway never reads half a file. */
    static void write(String content) throws Exception {
        Path tmp = Files.createTempFile(dir, "next", ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private JsonNode serversFile() throws Exception {
        return RawMcpClient.JSON.readTree(get("/actuator/health").body())
                .path("components").path("mcpRegistry").path("details").path("serversFile");
    }

    private void awaitTools(RawMcpClient c, Predicate<List<String>> condition) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> condition.test(toolNames(c)));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> toolNames(RawMcpClient c) throws Exception {
        List<String> names = new ArrayList<>();
        c.request(1, "tools/list", null).path("result").path("tools")
                .forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    private static String text(JsonNode response) {
        return response.path("result").path("content").get(0).path("text").asText();
    }
}
