package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.HostileServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.ServerStatuses;

/**
 * Every server has its own circuit breaker and bulkhead (forward.yaml's server-call template): a server whose answers
 * keep failing is refused at once with -32001 naming it — without being asked — until its breaker lets a call through
 * again and that call succeeds; a slow server opens its breaker by its slow-call rate; a server with all its calls
 * waiting refuses more at once; and its request timeout is its own. The server next to it is served as before
 * throughout. State shows in /actuator/mcpservers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CircuitBreakerTest {

    static HostileServer flaky;
    static HostileServer slow;
    static HostileServer narrow;
    static FixtureServer decent;

    @LocalServerPort
    int port;

    @Autowired
    TestRestTemplate rest;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        flaky = HostileServer.start();
        slow = HostileServer.start();
        narrow = HostileServer.start();
        decent = FixtureServer.builder("decent").tool("hello", args -> "hello from decent").start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.discovery.health-interval", () -> "0");
        server(registry, 0, "flaky", flaky.url(), "f_");
        // opens after 4 calls of which half failed; lets one call through after 2 s
        registry.add("mcp.gateway.servers[0].breaker.sliding-window-size", () -> "4");
        registry.add("mcp.gateway.servers[0].breaker.minimum-number-of-calls", () -> "4");
        registry.add("mcp.gateway.servers[0].breaker.failure-rate-threshold", () -> "50");
        registry.add("mcp.gateway.servers[0].breaker.wait-in-open-state", () -> "2s");
        registry.add("mcp.gateway.servers[0].breaker.half-open-calls", () -> "1");
        server(registry, 1, "slow", slow.url(), "s_");
        // slow calls (over 300 ms), not failures, open this one; and its own request timeout is 1 s
        registry.add("mcp.gateway.servers[1].breaker.sliding-window-size", () -> "3");
        registry.add("mcp.gateway.servers[1].breaker.minimum-number-of-calls", () -> "3");
        registry.add("mcp.gateway.servers[1].breaker.slow-call-duration", () -> "300ms");
        registry.add("mcp.gateway.servers[1].breaker.slow-call-rate-threshold", () -> "60");
        registry.add("mcp.gateway.servers[1].breaker.wait-in-open-state", () -> "1s");
        registry.add("mcp.gateway.servers[1].breaker.half-open-calls", () -> "1");
        registry.add("mcp.gateway.servers[1].request-timeout", () -> "1s");
        registry.add("mcp.gateway.servers[1].max-request-duration", () -> "3s");
        server(registry, 2, "narrow", narrow.url(), "n_");
        registry.add("mcp.gateway.servers[2].max-concurrent-calls", () -> "2");
        server(registry, 3, "decent", decent.url(), "d_");
    }

    static void server(DynamicPropertyRegistry registry, int i, String name, String url, String prefix) {
        registry.add("mcp.gateway.servers[" + i + "].name", () -> name);
        registry.add("mcp.gateway.servers[" + i + "].url", () -> url);
        registry.add("mcp.gateway.servers[" + i + "].prefix", () -> prefix);
    }

    @AfterAll
    static void stop() {
        flaky.close();
        slow.close();
        narrow.close();
        decent.close();
    }

    @Test
    @Order(1)
    void aFailingServerIsRefusedAtOnceUntilItsBreakerLetsACallThroughThatSucceeds() throws Exception {
        RawMcpClient c = client();
        assertThat(breaker("flaky").isNull()).as("no breaker before the first call").isTrue();
        assertThat(call(c, 2, "f_ok").toString()).contains("fine");
        for (int id = 3; id <= 5; id++) {
            assertThat(error(call(c, id, "f_html"))).contains("sent an invalid answer");
        }
        // 3 of the last 4 calls failed: open
        assertThat(breaker("flaky").path("state").asText()).isEqualTo("OPEN");
        int asked = flaky.calls();
        long t0 = System.nanoTime();
        JsonNode refused = call(c, 6, "f_ok");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(refused.path("error").path("code").asInt()).as(refused.toString()).isEqualTo(-32001);
        assertThat(refused.path("error").path("data").path("server").asText()).isEqualTo("flaky");
        assertThat(refused.path("error").path("data").path("breaker").asText()).isEqualTo("OPEN");
        assertThat(error(refused)).startsWith("MCP server 'flaky' is unavailable: its circuit breaker is open");
        assertThat(flaky.calls()).as("the open breaker spared the server").isEqualTo(asked);
        assertThat(took).isLessThan(Duration.ofMillis(500));
        System.out.printf("CircuitBreakerTest: refused by the open breaker in %.1f ms%n", took.toNanos() / 1e6);

        // the server next to it is served as before
        assertThat(call(c, 7, "d_hello").toString()).contains("hello from decent");
        assertThat(breaker("decent").path("state").asText()).isEqualTo("CLOSED");

        // after wait-in-open-state: half-open, one call through; it succeeds, the breaker closes
        long open = System.nanoTime();
        while (!"HALF_OPEN".equals(breaker("flaky").path("state").asText())) {
            assertThat(Duration.ofNanos(System.nanoTime() - open)).isLessThan(Duration.ofSeconds(10));
            Thread.sleep(50);
        }
        System.out.printf("CircuitBreakerTest: half-open %.1f s after it was found open%n", (System.nanoTime() - open) / 1e9);
        assertThat(call(c, 8, "f_ok").toString()).contains("fine");
        assertThat(breaker("flaky").path("state").asText()).isEqualTo("CLOSED");
        assertThat(call(c, 9, "f_ok").toString()).contains("fine");

        // a streamed answer that breaks after it started (a notification came first, so the client has a stream)
        // counts as a failure of the server: its start was the call's success, its break a failure
        JsonNode before = breaker("flaky");
        JsonNode broke = call(c, 10, "f_sse_break");
        assertThat(broke.path("error").path("code").asInt()).as(broke.toString()).isEqualTo(-32001);
        assertThat(broke.path("error").path("data").path("server").asText()).isEqualTo("flaky");
        JsonNode after = breaker("flaky");
        assertThat(after.path("failedCalls").asInt()).isEqualTo(before.path("failedCalls").asInt() + 1);
        assertThat(after.path("bufferedCalls").asInt()).isEqualTo(before.path("bufferedCalls").asInt() + 2);
    }

    @Test
    @Order(2)
    void aSlowServerOpensItsBreakerByItsSlowCalls() throws Exception {
        RawMcpClient c = client();
        slow.slowMillis(500);
        for (int id = 2; id <= 4; id++) {
            assertThat(call(c, id, "s_slow").toString()).contains("slow but fine");
        }
        assertThat(breaker("slow").path("state").asText()).isEqualTo("OPEN");
        JsonNode refused = call(c, 5, "s_slow");
        assertThat(error(refused)).contains("its circuit breaker is open").contains("slow-call rate 100.0%");
        // it recovers: half-open after 1 s, a fast call closes it
        slow.slowMillis(10);
        long open = System.nanoTime();
        while (!"HALF_OPEN".equals(breaker("slow").path("state").asText())) {
            assertThat(Duration.ofNanos(System.nanoTime() - open)).isLessThan(Duration.ofSeconds(10));
            Thread.sleep(50);
        }
        assertThat(call(c, 6, "s_slow").toString()).contains("slow but fine");
        assertThat(breaker("slow").path("state").asText()).isEqualTo("CLOSED");
    }

    @Test
    @Order(3)
    void aServerTimeoutIsItsOwnForAnAnswerAndForABodyThatStalls() throws Exception {
        RawMcpClient c = client();
        slow.slowMillis(5000);
        for (String tool : List.of("s_slow", "s_stall_body")) {
            long t0 = System.nanoTime();
            JsonNode late = call(c, 2, tool);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(late.path("error").path("code").asInt()).as(late.toString()).isEqualTo(-32001);
            assertThat(late.path("error").path("data").path("server").asText()).isEqualTo("slow");
            assertThat(took).as(tool).isBetween(Duration.ofMillis(900), Duration.ofMillis(3000));
            System.out.printf("CircuitBreakerTest: %s cut after %.2f s (request-timeout 1s)%n", tool, took.toNanos() / 1e9);
        }
        // a stream that progresses forever: not cut by the 1 s request timeout while it progresses, cut by the
        // server's 3 s max-request-duration
        long t0 = System.nanoTime();
        var r = c.post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"s_sse_endless\","
                + "\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}}", Map.of());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        List<JsonNode> messages = RawMcpClient.messages(r);
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.path("error").path("code").asInt()).as(r.body()).isEqualTo(-32001);
        assertThat(last.path("error").path("data").path("server").asText()).isEqualTo("slow");
        assertThat(messages.size()).as("the progress came through first").isGreaterThan(10);
        assertThat(took).isBetween(Duration.ofMillis(2800), Duration.ofSeconds(6));
        System.out.printf("CircuitBreakerTest: endless progress cut after %.2f s (max-request-duration 3s), %d progress "
                + "notifications relayed%n", took.toNanos() / 1e9, messages.size() - 1);
        // the gateway's default (5 min) still holds for the others: decent answers as before
        assertThat(call(c, 3, "d_hello").toString()).contains("hello from decent");
    }

    @Test
    @Order(4)
    void aServerWithAllItsCallsWaitingRefusesMoreAtOnce() throws Exception {
        RawMcpClient c = client();
        narrow.slowMillis(1500);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<JsonNode>> waiting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int id = 10 + i;
            waiting.add(pool.submit((Callable<JsonNode>) () -> call(c, id, "n_slow")));
        }
        Thread.sleep(400); // both are with the server now
        long t0 = System.nanoTime();
        JsonNode third = call(c, 20, "n_slow");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(third.path("error").path("code").asInt()).as(third.toString()).isEqualTo(-32001);
        assertThat(third.path("error").path("data").path("breaker").asText()).isEqualTo("BULKHEAD_FULL");
        assertThat(error(third)).contains("has 2 calls waiting for its answer already");
        assertThat(took).isLessThan(Duration.ofMillis(500));
        // the others: the two waiting calls end well, another server is served meanwhile
        assertThat(call(c, 21, "d_hello").toString()).contains("hello from decent");
        for (Future<JsonNode> f : waiting) {
            assertThat(f.get().toString()).contains("slow but fine");
        }
        pool.close();
        // a refusal by the bulkhead is not the server's failure
        assertThat(breaker("narrow").path("failedCalls").asInt()).isZero();
    }

    private RawMcpClient client() throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.initialize("2025-11-25");
        return c;
    }

    private static JsonNode call(RawMcpClient c, int id, String tool) throws Exception {
        var r = c.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}", Map.of());
        List<JsonNode> messages = RawMcpClient.messages(r);
        return messages.get(messages.size() - 1);
    }

    private static String error(JsonNode answer) {
        return answer.path("error").path("message").asText();
    }

    private JsonNode breaker(String server) throws Exception {
        JsonNode s = ServerStatuses.find(rest, server);
        if (s == null) {
            throw new AssertionError("no server " + server + " in /actuator/mcpservers");
        }
        return s.path("breaker");
    }
}
