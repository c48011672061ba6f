package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.HostileServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.StatelessRequests;

/**
 * Rate limits and the audit log on /mcp, through the bundled tools-call.yaml: a tool's limit reached (the next call
 * refused with -32000, which limit and when to retry, Retry-After) and recovered after its period, counted per client
 * (another address is served meanwhile); a 2026-07-28 client over a limit gets 429. One audit line per call, once it
 * is over: served, unknown tool, streamed (SSE, to its end), failed upstream, broken stream, refused by the breaker,
 * rate-limited. The tests' client is 127.0.0.1; another connects from 127.0.0.2 (Linux routes all of 127/8 to loopback).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RateLimitAuditTest {

    static FixtureServer decent;
    static HostileServer flaky;

    @LocalServerPort
    int port;

    final ListAppender<ILoggingEvent> audit = new ListAppender<>();
    final Logger auditLogger = (Logger) LoggerFactory.getLogger("io.camelmcp.gateway.audit");

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        decent = FixtureServer.builder("decent")
                .tool("hello", args -> "hello")
                .tool("limited", args -> "limited but served")
                .tool("once", args -> "once")
                .tool("limit_batch", args -> "batched")
                .progressTool("progress", 2, 300)
                .start();
        flaky = HostileServer.start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.security.audit.enabled", () -> "true"); // security is off here
        registry.add("mcp.gateway.discovery.health-interval", () -> "0");
        registry.add("mcp.gateway.servers[0].name", () -> "decent");
        registry.add("mcp.gateway.servers[0].url", decent::url);
        registry.add("mcp.gateway.servers[0].prefix", () -> "d_");
        registry.add("mcp.gateway.servers[1].name", () -> "flaky");
        registry.add("mcp.gateway.servers[1].url", flaky::url);
        registry.add("mcp.gateway.servers[1].prefix", () -> "f_");
        // opens after 2 calls of which both failed
        registry.add("mcp.gateway.servers[1].breaker.sliding-window-size", () -> "2");
        registry.add("mcp.gateway.servers[1].breaker.minimum-number-of-calls", () -> "2");
        registry.add("mcp.gateway.servers[1].breaker.failure-rate-threshold", () -> "100");
        registry.add("mcp.gateway.servers[1].breaker.wait-in-open-state", () -> "30s");
        // counted, never reached here
        registry.add("mcp.gateway.security.rate-limits.per-identity.limit-for-period", () -> "1000");
        registry.add("mcp.gateway.security.rate-limits.tools[0].name", () -> "d_lim*");
        registry.add("mcp.gateway.security.rate-limits.tools[0].limit-for-period", () -> "2");
        registry.add("mcp.gateway.security.rate-limits.tools[0].limit-refresh-period", () -> "1500ms");
        registry.add("mcp.gateway.security.rate-limits.tools[0].per-identity", () -> "true");
        registry.add("mcp.gateway.security.rate-limits.tools[1].name", () -> "d_once");
        registry.add("mcp.gateway.security.rate-limits.tools[1].limit-for-period", () -> "1");
        registry.add("mcp.gateway.security.rate-limits.tools[1].limit-refresh-period", () -> "1m");
    }

    @AfterAll
    static void stop() {
        decent.close();
        flaky.close();
    }

    @BeforeEach
    void captureAudit() {
        audit.start();
        auditLogger.addAppender(audit);
    }

    @AfterEach
    void release() {
        auditLogger.detachAppender(audit);
    }

    @Test
    void aToolsLimitIsReachedAndRecoveredPerClient() throws Exception {
        RawMcpClient c = client();
        assertThat(text(c.request(2, "tools/call", call("d_limited")))).isEqualTo("limited but served");
        assertThat(text(c.request(3, "tools/call", call("d_limited")))).isEqualTo("limited but served");

        long t0 = System.nanoTime();
        HttpResponse<String> r = c.post(callMessage(4, "d_limited"), Map.of());
        double refusedMs = (System.nanoTime() - t0) / 1e6;
        assertThat(r.statusCode()).as("a 2025 client's JSON-RPC error, as any other of an accepted request").isEqualTo(200);
        assertThat(r.headers().firstValue("retry-after")).hasValue("2");
        JsonNode body = RawMcpClient.JSON.readTree(r.body());
        assertThat(body.path("id").asInt()).isEqualTo(4);
        JsonNode error = body.path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32000);
        assertThat(error.path("message").asText()).isEqualTo("Too Many Requests: this client (127.0.0.1) and tool "
                + "d_limited made the 2 calls per 1500 ms that mcp.gateway.security.rate-limits.tools[0] allows; "
                + "retry after 2 s");
        JsonNode data = error.path("data");
        assertThat(data.path("limit").asText()).isEqualTo("mcp.gateway.security.rate-limits.tools[0]");
        assertThat(data.path("max").asInt()).isEqualTo(2);
        assertThat(data.path("period").asText()).isEqualTo("PT1.5S");
        assertThat(data.path("tool").asText()).isEqualTo("d_limited");
        assertThat(data.path("retryAfterSeconds").asInt()).isEqualTo(2);
        long retryAfterMs = data.path("retryAfterMs").asLong();
        assertThat(retryAfterMs).isBetween(1L, 1500L);

        // the limit is the tool's for this client: another tool, and another client, are served meanwhile
        assertThat(text(c.request(5, "tools/call", call("d_hello")))).isEqualTo("hello");
        assertThat(callFrom("127.0.0.2", "d_limited").toString()).contains("limited but served");

        Thread.sleep(retryAfterMs);
        assertThat(text(c.request(6, "tools/call", call("d_limited")))).as("recovered").isEqualTo("limited but served");
        System.out.printf("RateLimitAuditTest: refused in %.1f ms, served again after %d ms%n", refusedMs, retryAfterMs);

        JsonNode line = auditLine(4);
        assertThat(line.path("outcome").asText()).isEqualTo("rate-limited");
        assertThat(line.path("code").asInt()).isEqualTo(-32000);
        assertThat(line.path("limit").asText()).isEqualTo("mcp.gateway.security.rate-limits.tools[0]");
        assertThat(line.path("tool").asText()).isEqualTo("d_limited");
        assertThat(line.has("server")).as("refused before it was routed").isFalse();
    }

    @Test
    void aStatelessClientOverALimitGets429WithRetryAfter() throws Exception {
        String endpoint = "http://127.0.0.1:" + port + "/mcp";
        HttpResponse<String> first = StatelessRequests.post(endpoint, 1, "tools/call", call("d_once"), "{}", Map.of());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("once");
        HttpResponse<String> second = StatelessRequests.post(endpoint, 2, "tools/call", call("d_once"), "{}", Map.of());
        assertThat(second.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(second.headers().firstValue("retry-after").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        JsonNode error = StatelessRequests.last(second).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32000);
        assertThat(error.path("data").path("limit").asText()).isEqualTo("mcp.gateway.security.rate-limits.tools[1]");
        assertThat(error.path("data").path("retryAfterSeconds").asLong()).isEqualTo(retryAfter);

        JsonNode line = auditLine(2, "2026-07-28");
        assertThat(line.path("outcome").asText()).isEqualTo("rate-limited");
        assertThat(line.path("request").asText()).as("the gateway's own id of the request").startsWith("gw-");
        assertThat(line.has("session")).as("no session in this revision").isFalse();
    }

    /** In a JSON-RPC batch (2025-03-26) each call counts and is audited on its own; the refused one is the batch's. */
    @Test
    void inABatchEachCallCountsAndHasItsLine() throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.initialize("2025-03-26");
        HttpResponse<String> r = c.post("[" + callMessage(31, "d_limit_batch") + "," + callMessage(32, "d_limit_batch")
                + "," + callMessage(33, "d_limit_batch") + "]", Map.of("MCP-Protocol-Version", "2025-03-26"));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answers = RawMcpClient.JSON.readTree(r.body());
        assertThat(answers.size()).isEqualTo(3);
        Map<Integer, JsonNode> byId = new java.util.HashMap<>();
        answers.forEach(a -> byId.put(a.path("id").asInt(), a));
        assertThat(text(byId.get(31))).isEqualTo("batched");
        assertThat(text(byId.get(32))).isEqualTo("batched");
        assertThat(byId.get(33).path("error").path("data").path("limit").asText())
                .isEqualTo("mcp.gateway.security.rate-limits.tools[0]");
        assertThat(auditLine(31, "2025-03-26").path("outcome").asText()).isEqualTo("ok");
        assertThat(auditLine(32, "2025-03-26").path("outcome").asText()).isEqualTo("ok");
        assertThat(auditLine(33, "2025-03-26").path("outcome").asText()).isEqualTo("rate-limited");
    }

    @Test
    void oneAuditLinePerToolCallOnceItIsOver() throws Exception {
        RawMcpClient c = client();
        c.request(11, "tools/call", "{\"name\":\"d_hello\",\"arguments\":{\"secret\":\"s3cr3t\"}}");
        JsonNode ok = auditLine(11);
        assertThat(ok.path("method").asText()).isEqualTo("tools/call");
        assertThat(ok.path("identity").asText()).isEqualTo("anonymous");
        assertThat(ok.path("address").asText()).isEqualTo("127.0.0.1");
        assertThat(ok.path("server").asText()).isEqualTo("decent");
        assertThat(ok.path("tool").asText()).isEqualTo("d_hello");
        assertThat(ok.path("outcome").asText()).isEqualTo("ok");
        assertThat(ok.path("durationMs").asLong()).isBetween(0L, 5000L);
        assertThat(ok.path("session").asText()).hasSize(16);
        assertThat(ok.path("protocol").asText()).isEqualTo("2025-11-25");
        assertThat(ok.has("arguments")).isFalse();
        assertThat(ok.toString()).doesNotContain("s3cr3t", c.sessionId());

        c.request(12, "tools/call", call("nobody_nope")); // no server has the prefix
        JsonNode unknown = auditLine(12);
        assertThat(unknown.path("outcome").asText()).isEqualTo("error");
        assertThat(unknown.path("code").asInt()).isEqualTo(-32602);
        assertThat(unknown.has("server")).isFalse();

        // a streamed answer (progress first): the line comes when the stream has ended, with the whole duration
        HttpResponse<String> streamed = c.post("{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"d_progress\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p13\"}}}", Map.of());
        assertThat(streamed.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        JsonNode stream = auditLine(13);
        assertThat(stream.path("outcome").asText()).isEqualTo("ok");
        assertThat(stream.path("durationMs").asLong()).isGreaterThanOrEqualTo(550L);

        // failures of the server: a stream that breaks, invalid answers (the breaker opens), then refused by the breaker
        c.request(14, "tools/call", call("f_sse_break"));
        JsonNode broke = auditLine(14);
        assertThat(broke.path("outcome").asText()).as(broke.toString()).isEqualTo("error");
        assertThat(broke.path("code").asInt()).isEqualTo(-32001);
        assertThat(broke.path("server").asText()).isEqualTo("flaky");
        c.request(15, "tools/call", call("f_html"));
        JsonNode invalid = auditLine(15);
        assertThat(invalid.path("outcome").asText()).isEqualTo("error");
        assertThat(invalid.path("code").asInt()).isEqualTo(-32001);
        // (the broken stream counted as the failure it is, after its route had returned: 2 of 2, open)
        JsonNode refused = c.request(16, "tools/call", call("f_ok"));
        assertThat(refused.path("error").path("data").path("breaker").asText()).as(refused.toString()).isEqualTo("OPEN");
        JsonNode refusedLine = auditLine(16);
        assertThat(refusedLine.path("outcome").asText()).isEqualTo("refused");
        assertThat(refusedLine.path("code").asInt()).isEqualTo(-32001);
        assertThat(refusedLine.path("server").asText()).isEqualTo("flaky");

        // lists and pings are not tool calls: no line
        c.request(18, "tools/list", null);
        c.request(19, "ping", null);
        Thread.sleep(200);
        assertThat(lines()).noneMatch(l -> l.path("id").asInt() == 18 || l.path("id").asInt() == 19);
        assertThat(lines()).filteredOn(l -> l.path("id").asInt() >= 11).hasSize(6);
    }

    // ---- helpers

    RawMcpClient client() throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.initialize("2025-11-25");
        return c;
    }

    /** A call from another address: a session of its own, made by a client bound to {@code address}. */
    JsonNode callFrom(String address, String tool) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .localAddress(InetAddress.getByName(address)).build();
        URI endpoint = URI.create("http://127.0.0.1:" + port + "/mcp");
        HttpResponse<String> init = http.send(post(endpoint, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"other\","
                + "\"version\":\"1\"}}}"), HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("mcp-session-id").orElseThrow();
        http.send(post(endpoint, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> r = http.send(post(endpoint, session, callMessage(2, tool)), HttpResponse.BodyHandlers.ofString());
        return RawMcpClient.messages(r).getLast();
    }

    static HttpRequest post(URI endpoint, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", RawMcpClient.BOTH)
                .header("MCP-Protocol-Version", "2025-11-25")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b.build();
    }

    static String call(String tool) {
        return "{\"name\":\"" + tool + "\",\"arguments\":{}}";
    }

    static String callMessage(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":" + call(tool) + "}";
    }

    static String text(JsonNode response) {
        return response.path("result").path("content").path(0).path("text").asText(response.toString());
    }

    List<JsonNode> lines() {
        return List.copyOf(audit.list).stream().map(e -> {
            try {
                return RawMcpClient.JSON.readTree(e.getFormattedMessage());
            } catch (Exception x) {
                throw new IllegalStateException(e.getFormattedMessage(), x);
            }
        }).toList();
    }

    /** The one audit line of the request {@code id} of the tests' client (written once the call is over). */
    JsonNode auditLine(int id) {
        return auditLine(id, "2025-11-25");
    }

    JsonNode auditLine(int id, String protocol) {
        java.util.function.Predicate<JsonNode> its = l -> l.path("id").asInt() == id
                && "127.0.0.1".equals(l.path("address").asText()) && protocol.equals(l.path("protocol").asText());
        await().atMost(Duration.ofSeconds(10)).until(() -> lines().stream().anyMatch(its));
        List<JsonNode> mine = lines().stream().filter(its).toList();
        assertThat(mine).as("one line per call").hasSize(1);
        return mine.getFirst();
    }
}
