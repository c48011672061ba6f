package io.camelmcp.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.routes.RouteFiles;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * The gateway with its routes directory laid out as the kubelet lays out a ConfigMap volume, with the ConfigMap that
 * k8s/camel-k/README.md makes (every bundled route file): each key a symlink {@code NAME -> ..data/NAME}, {@code ..data}
 * a symlink to a timestamped directory holding the files. A re-applied ConfigMap is what the kubelet's atomic writer
 * does: a new timestamped directory, {@code ..data} swapped to it by a rename, the keys' symlinks added or removed,
 * the old directory deleted. The routes come from there at start-up, and each swap takes effect without a restart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DirtiesContext
class ConfigMapRoutesTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final Path VOLUME;
    static final Map<String, String> CONFIGMAP;
    static final AtomicInteger WRITES = new AtomicInteger();

    static {
        try {
            VOLUME = Files.createTempDirectory("configmap-volume");
            // the ConfigMap as k8s/camel-k/README.md makes it: every bundled route file
            CONFIGMAP = ConfigMapFromFiles.of(Path.of(CamelKIntegrationTest.readmeCommand().fromFile())).data();
            project(CONFIGMAP);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void routesDir(DynamicPropertyRegistry registry) {
        // the demo servers (calc_, clock_) answer the calls; the routes directory is the volume
        registry.add("mcp.gateway.demo.enabled", () -> "true");
        registry.add("mcp.gateway.routes-dir", VOLUME::toString);
        registry.add("mcp.gateway.routes-reload-interval", () -> "200ms");
    }

    @LocalServerPort
    int port;

    final HttpClient http = HttpClient.newHttpClient();
    static RawMcpClient session;

    @AfterAll
    static void clean() throws IOException {
        try (var all = Files.walk(VOLUME)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    @Order(1)
    void everyRouteComesFromTheMountedConfigMap() throws Exception {
        assertThat(Files.isSymbolicLink(VOLUME.resolve("tools-call.yaml"))).isTrue();
        JsonNode files = routeFiles();
        assertThat(files.path("status").asText()).isEqualTo("UP");
        assertThat(files.at("/details/directory").asText()).isEqualTo(VOLUME.toAbsolutePath().normalize().toString());
        Map<String, String> inForce = new TreeMap<>();
        files.at("/details/inForce").properties().forEach(e -> inForce.put(e.getKey(), e.getValue().asText()));
        Map<String, String> expected = new TreeMap<>();
        CONFIGMAP.forEach((k, v) -> expected.put(k, RouteFiles.sha256(v.getBytes(StandardCharsets.UTF_8))));
        // every file of the ConfigMap, read through its symlinks; nothing from ..data or the timestamped directory
        assertThat(inForce).isEqualTo(expected);
        assertThat(files.at("/details/routes/tools-call.yaml").toString()).contains("tools-call");
        assertThat(files.at("/details/routes/mcp-endpoint.yaml").isArray()).isTrue();

        session = client();
        JsonNode list = session.request(2, "tools/list", "{}");
        List<String> tools = new ArrayList<>();
        list.at("/result/tools").forEach(t -> tools.add(t.path("name").asText()));
        assertThat(tools).contains("calc_divide", "calc_multiply", "clock_now");
        assertThat(call(3, "calc_multiply", "{\"a\":6,\"b\":7}").toString()).contains("42");
    }

    @Test
    @Order(2)
    void aReappliedConfigMapChangesWhatTheGatewayDoesWithoutARestart() throws Exception {
        String bundled = CONFIGMAP.get("tools-call.yaml");
        String marker = "        - bean:\n            ref: mcpRouter\n";
        String edited = bundled.replace(marker, """
                        - filter:
                            simple: "${jsonpath($.params.name)} == 'calc_divide'"
                            steps:
                              - throwException:
                                  exceptionType: io.camelmcp.gateway.protocol.RequestRefused
                                  message: "Tool calc_divide is not available through this gateway"
                """ + marker);
        assertThat(edited).isNotEqualTo(bundled);
        Map<String, String> next = new TreeMap<>(CONFIGMAP);
        next.put("tools-call.yaml", edited);
        Path before = Files.readSymbolicLink(VOLUME.resolve("..data"));
        project(next);
        assertThat(Files.readSymbolicLink(VOLUME.resolve("..data"))).isNotEqualTo(before);
        assertThat(VOLUME.resolve(before)).doesNotExist();

        String version = RouteFiles.sha256(edited.getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> version.equals(routeFiles().at("/details/inForce/tools-call.yaml").asText()));
        // the session opened before the change goes on, with the edited route
        JsonNode refused = call(4, "calc_divide", "{\"a\":1,\"b\":2}");
        assertThat(refused.at("/error/code").asInt()).as(refused.toString()).isEqualTo(-32602);
        assertThat(refused.at("/error/message").asText()).isEqualTo("Tool calc_divide is not available through this gateway");
        assertThat(call(5, "calc_multiply", "{\"a\":2,\"b\":3}").toString()).contains("\"6\"");
        assertThat(routeFiles().path("status").asText()).isEqualTo("UP");
        // the other files were not loaded again: still the versions of the first ConfigMap
        assertThat(routeFiles().at("/details/inForce/forward.yaml").asText())
                .isEqualTo(RouteFiles.sha256(CONFIGMAP.get("forward.yaml").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    @Order(3)
    void aFileLeftOutOfTheConfigMapGivesItsRoutesBackToTheBundledFile() throws Exception {
        Map<String, String> next = new TreeMap<>(CONFIGMAP);
        next.remove("tools-call.yaml");
        project(next);
        assertThat(VOLUME.resolve("tools-call.yaml")).doesNotExist();
        await().atMost(WAIT).until(() -> !routeFiles().at("/details/inForce").has("tools-call.yaml"));
        JsonNode answered = call(6, "calc_divide", "{\"a\":1,\"b\":2}");
        assertThat(answered.has("result")).as(answered.toString()).isTrue();
        assertThat(routeFiles().path("status").asText()).isEqualTo("UP");
        assertThat(routeFiles().at("/details/routes/tools-call.yaml").toString()).contains("tools-call"); // bundled
    }

    // ---- the kubelet's atomic writer, as far as a reader of the volume can tell ----

    /** Writes {@code data} into the volume as the kubelet does for a ConfigMap (first time or update). */
    static void project(Map<String, String> data) throws IOException {
        Path dataLink = VOLUME.resolve("..data");
        Path old = Files.isSymbolicLink(dataLink) ? Files.readSymbolicLink(dataLink) : null;
        Path stamped = VOLUME.resolve("..2026_08_22_10_00_00." + (100000000 + WRITES.incrementAndGet()));
        Files.createDirectory(stamped);
        for (var e : data.entrySet()) {
            Files.writeString(stamped.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
        }
        Path tmp = VOLUME.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, stamped.getFileName());
        Files.move(tmp, dataLink, StandardCopyOption.ATOMIC_MOVE); // rename(2): the swap readers see at once
        for (String key : data.keySet()) {
            Path link = VOLUME.resolve(key);
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("..data").resolve(key));
            }
        }
        try (var entries = Files.list(VOLUME)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith("..") && !data.containsKey(name)) {
                    Files.delete(p); // a key no longer in the ConfigMap
                }
            }
        }
        if (old != null) {
            try (var files = Files.list(VOLUME.resolve(old))) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(VOLUME.resolve(old));
        }
    }

    // ---- helpers ----

    private RawMcpClient client() throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.initialize("2025-11-25");
        return c;
    }

    private static JsonNode call(int id, String tool, String arguments) throws Exception {
        return session.request(id, "tools/call", "{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}");
    }

    private JsonNode routeFiles() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
        return RawMcpClient.JSON.readTree(r.body()).at("/components/routeFiles");
    }
}
