package io.camelmcp.gateway.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * The packaged jar started as the container image starts it, with the bean definitions Spring AOT generated at
 * build time ({@code -Dspring.aot.enabled=true}). AOT fixes {@code @ConditionalOnProperty} at build time; these
 * check that the optional parts still follow the properties given at start-up: the demo servers and Kubernetes
 * registration each on and off. Runs after {@code package} (failsafe).
 */
class AotStartIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void defaultStartServesTheDemoServersAndNoKubernetes() throws Exception {
        try (Gateway gw = Gateway.start("default")) {
            RawMcpClient client = new RawMcpClient(gw.mcp());
            client.initialize("2025-11-25");
            assertThat(toolNames(client)).containsExactlyInAnyOrder(
                    "calc_add", "calc_multiply", "calc_divide", "clock_now", "clock_days-between");
            JsonNode sum = client.request(3, "tools/call", "{\"name\":\"calc_add\",\"arguments\":{\"a\":2,\"b\":3}}");
            assertThat(sum.at("/result/content/0/text").asText()).isEqualTo("5");
            assertThat(health(gw).path("components").has("kubernetes")).isFalse();
        }
    }

    @Test
    void kubernetesOnAndDemoOffFollowTheStartUpProperties() throws Exception {
        try (KubernetesApi api = new KubernetesApi();
             FixtureServer server1 = FixtureServer.builder("server1").tool("alpha", a -> "a").tool("beta", a -> "b").start();
             Gateway gw = Gateway.start("kubernetes",
                     "--mcp.gateway.demo.enabled=false",
                     "--mcp.gateway.kubernetes.enabled=true",
                     "--mcp.gateway.kubernetes.master-url=" + api.url(),
                     "--mcp.gateway.kubernetes.lease.namespace=mcp-system",
                     "--mcp.gateway.kubernetes.lease.identity=gateway-aot-0")) {
            api.apply(KubernetesRegistrationTest.service("mcp-test", "mcp-test-server1", 9090, null, Map.of()) + "---\n"
                    + KubernetesRegistrationTest.slice("mcp-test", "mcp-test-server1", null, server1.port()));
            api.applyFile("k8s/samples/kuadrant-registration.yaml");
            RawMcpClient client = new RawMcpClient(gw.mcp());
            client.initialize("2025-11-25");
            await().atMost(WAIT).until(() -> toolNames(client).contains("myserver_alpha"));
            assertThat(toolNames(client)).containsExactlyInAnyOrder("myserver_alpha", "myserver_beta");
            await().atMost(WAIT).until(() -> "True".equals(
                    api.ready(Kind.MCP_SERVER_REGISTRATION, "mcp-test", "my-mcp-server").path("status").asText()));
            // the informers start without waiting for their first list: UNKNOWN until every kind is watched
            await().atMost(WAIT).until(() -> "UP".equals(health(gw).at("/components/kubernetes/status").asText()));
        }
    }

    /**
     * The OTLP span exporter, generated at build time with an endpoint, exists at start-up only when one is given
     * (AotSwitches): here it is, and the spans of a call reach it.
     */
    @Test
    void tracingExportFollowsTheStartUpEndpoint() throws Exception {
        java.util.List<byte[]> exported = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer collector = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            exported.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try (Gateway gw = Gateway.start("tracing",
                "--management.otlp.tracing.endpoint=http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/traces",
                "--management.tracing.sampling.probability=1.0")) {
            RawMcpClient client = new RawMcpClient(gw.mcp());
            client.initialize("2025-11-25");
            client.request(3, "tools/call", "{\"name\":\"calc_add\",\"arguments\":{\"a\":2,\"b\":3}}");
            await().atMost(WAIT).until(() -> exported.stream().anyMatch(b -> new String(b,
                    java.nio.charset.StandardCharsets.ISO_8859_1).contains("tools/call calc_add")));
        } finally {
            collector.stop(0);
        }
    }

    static List<String> toolNames(RawMcpClient client) throws Exception {
        List<String> names = new ArrayList<>();
        client.request(2, "tools/list", null).at("/result/tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    static JsonNode health(Gateway gw) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gw.base() + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        return RawMcpClient.JSON.readTree(r.body());
    }

    /** The packaged jar in its own JVM (the one running the tests), in AOT mode, until ready. */
    record Gateway(Process process, int port) implements AutoCloseable {

        static Gateway start(String name, String... args) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> cmd = new ArrayList<>(List.of(java, "-Dspring.aot.enabled=true", "-jar",
                    System.getProperty("gateway.jar"), "--server.port=" + port, "--server.address=127.0.0.1"));
            cmd.addAll(List.of(args));
            Path log = Path.of("target", "aot-it-" + name + ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Gateway gw = new Gateway(p, port);
            try {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("gateway exited: " + Files.readString(log));
                    }
                    return gw.ready();
                });
            } catch (RuntimeException e) {
                gw.close();
                throw e;
            }
            return gw;
        }

        String base() { return "http://127.0.0.1:" + port; }

        String mcp() { return base() + "/mcp"; }

        boolean ready() {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
