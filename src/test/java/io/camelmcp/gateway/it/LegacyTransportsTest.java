package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.support.ClientDriver;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.ServerEverything;

/**
 * server-everything over the two transports the gateway bridges: its {@code sse} mode (the legacy HTTP+SSE
 * transport, prefix {@code s_}) and its {@code stdio} mode (a process per upstream session, prefix {@code i_}),
 * driven by the official TypeScript SDK client through the gateway's Streamable HTTP endpoint.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class LegacyTransportsTest {

    private static ServerEverything sse;

    @LocalServerPort
    int port;

    @Autowired
    ServerRegistry registry;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        sse = ServerEverything.sse();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "everything-sse");
        registry.add("mcp.gateway.servers[0].transport", () -> "sse");
        registry.add("mcp.gateway.servers[0].url", () -> sse.sseUrl());
        registry.add("mcp.gateway.servers[0].prefix", () -> "s_");
        List<String> stdio = ServerEverything.stdioCommand();
        registry.add("mcp.gateway.servers[1].name", () -> "everything-stdio");
        registry.add("mcp.gateway.servers[1].command", () -> stdio.get(0));
        for (int i = 1; i < stdio.size(); i++) {
            String arg = stdio.get(i);
            registry.add("mcp.gateway.servers[1].args[" + (i - 1) + "]", () -> arg);
        }
        registry.add("mcp.gateway.servers[1].env.DRIVER_MARK", () -> "from-the-gateway");
        registry.add("mcp.gateway.servers[1].prefix", () -> "i_");
        registry.add("mcp.gateway.servers[2].name", () -> "everything-bounded");
        registry.add("mcp.gateway.servers[2].command", () -> stdio.get(0));
        registry.add("mcp.gateway.servers[2].args", () -> String.join(",", stdio.subList(1, stdio.size())));
        registry.add("mcp.gateway.servers[2].max-processes", () -> "1");
        registry.add("mcp.gateway.servers[2].prefix", () -> "b_");
        registry.add("mcp.gateway.registration.api-keys", () -> "legacy-key");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        sse.close();
    }

    private String endpoint() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    private JsonNode run(String prefix, String scenario) throws Exception {
        JsonNode r = ClientDriver.run(endpoint(), prefix, scenario, Map.of());
        assertThat(r.path("ok").asBoolean()).as("%s %s: %s", prefix, scenario, r).isTrue();
        return r;
    }

    @Test
    void bothAreListedAndCalled() throws Exception {
        for (String prefix : List.of("s_", "i_")) {
            JsonNode r = run(prefix, "sum");
            assertThat(r.path("text").asText()).as(prefix).contains("5");
            assertThat(r.path("tools").toString()).contains(prefix + "echo", prefix + "trigger-long-running-operation");
        }
        assertThat(registry.snapshot().server("everything-sse").status().ready()).isTrue();
        assertThat(registry.snapshot().server("everything-stdio").status().ready()).isTrue();
    }

    @Test
    void aClientsProcessesEndWithItsSession() throws Exception {
        run("i_", "list"); // the gateway's own sessions for such a client's catalogue view now run too
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int settled;
        do {
            settled = stdioProcesses().size();
            Thread.sleep(500);
        } while (stdioProcesses().size() != settled && System.nanoTime() < deadline);
        run("i_", "sum"); // it calls the server (a process of its own), then ends its session (DELETE): so does that
        while (stdioProcesses().size() > settled && System.nanoTime() < deadline + Duration.ofSeconds(10).toNanos()) {
            Thread.sleep(50);
        }
        assertThat(stdioProcesses()).hasSizeLessThanOrEqualTo(settled);
    }

    @Test
    void aStdioServerRunsAtMostItsMaxProcessesForClients() throws Exception {
        RawMcpClient first = new RawMcpClient(endpoint());
        first.initialize("2025-11-25");
        assertThat(first.request(2, "tools/call", "{\"name\":\"b_get-sum\",\"arguments\":{\"a\":1,\"b\":1}}").toString())
                .contains("2");
        RawMcpClient second = new RawMcpClient(endpoint());
        second.initialize("2025-11-25");
        JsonNode refused = second.request(2, "tools/call", "{\"name\":\"b_get-sum\",\"arguments\":{\"a\":1,\"b\":1}}");
        assertThat(refused.path("error").path("code").asInt()).isEqualTo(-32000);
        assertThat(refused.path("error").path("message").asText()).contains("max-processes");
        assertThat(refused.path("error").path("data").path("max").asInt()).isEqualTo(1);
        assertThat(first.send("DELETE", Map.of()).statusCode()).isLessThan(300);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode after;
        do {
            Thread.sleep(100);
            after = second.request(3, "tools/call", "{\"name\":\"b_get-sum\",\"arguments\":{\"a\":2,\"b\":2}}");
        } while (after.has("error") && System.nanoTime() < deadline);
        assertThat(after.toString()).contains("4");
    }

    @Test
    void anSseServerRegisteredThroughTheApiIsServed() throws Exception {
        var created = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/register"))
                .header("X-API-Key", "legacy-key").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"registered-sse\",\"url\":\""
                        + sse.sseUrl() + "\",\"prefix\":\"r_\",\"transport\":\"sse\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(run("r_", "sum").path("text").asText()).contains("5");
    }

    @Test
    void progressIsRelayed() throws Exception {
        for (String prefix : List.of("s_", "i_")) {
            JsonNode r = run(prefix, "progress");
            assertThat(r.path("progress").size()).as(prefix).isEqualTo(4);
        }
    }

    @Test
    void elicitationAndSamplingReachTheClient() throws Exception {
        for (String prefix : List.of("s_", "i_")) {
            assertThat(run(prefix, "elicit").toString()).as(prefix).contains("driver-answer-1");
            assertThat(run(prefix, "sample").toString()).as(prefix).contains("sampled: ");
        }
    }

    @Test
    void theStdioProcessGetsItsEnvironment() throws Exception {
        RawMcpClient c = new RawMcpClient(endpoint());
        c.initialize("2025-11-25");
        JsonNode env = c.request(2, "tools/call", "{\"name\":\"i_get-env\",\"arguments\":{}}");
        assertThat(env.toString()).contains("from-the-gateway");
    }

    @Test
    void aCrashedStdioServerIsStartedAgainForTheSameSession(org.springframework.boot.test.system.CapturedOutput output)
            throws Exception {
        RawMcpClient c = new RawMcpClient(endpoint());
        c.initialize("2025-11-25");
        JsonNode first = c.request(2, "tools/call", "{\"name\":\"i_get-sum\",\"arguments\":{\"a\":1,\"b\":2}}");
        assertThat(first.toString()).contains("3");
        List<ProcessHandle> before = stdioProcesses();
        assertThat(before).isNotEmpty();
        before.forEach(ProcessHandle::destroyForcibly); // every stdio server of the gateway crashes at once
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        // until the gateway saw each exit: a request sent before that goes to the dead process and fails (-32001),
        // as any request in flight at a crash does
        while (before.stream().anyMatch(p -> !output.getOut().contains("(pid " + p.pid() + ") exited"))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        JsonNode again = c.request(3, "tools/call", "{\"name\":\"i_get-sum\",\"arguments\":{\"a\":20,\"b\":22}}");
        assertThat(again.toString()).contains("42");
        assertThat(stdioProcesses()).isNotEmpty().doesNotContainAnyElementsOf(before);
        assertThat(registry.snapshot().server("everything-stdio").status().ready()).isTrue();
    }

    private static List<ProcessHandle> stdioProcesses() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.isAlive() && p.info().commandLine().orElse("").endsWith(" stdio"))
                .toList();
    }
}
