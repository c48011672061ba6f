package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.session.SessionStore;
import io.camelmcp.gateway.session.UpstreamSession;
import io.camelmcp.gateway.support.CuttableProxy;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.ServerEverything;

/**
 * Upstreams that misbehave, played by MCP Java SDK servers: slow, dying mid-call, down from the start,
 * and one whose tool names cannot be exposed. The gateway must answer precisely and keep serving.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FixtureServersTest {

    static final String LONG_NAME = "n".repeat(126); // 130 characters once prefixed with "odd_"

    static FixtureServer fast;
    static FixtureServer slow;
    static FixtureServer dying;
    static CuttableProxy dyingLink;
    static FixtureServer odd;
    static FixtureServer plain;
    static int downPort;

    @LocalServerPort
    int port;

    @Autowired
    SessionStore sessions;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        fast = FixtureServer.builder("fast").tool("hello", args -> "hello " + args.getOrDefault("who", "world"))
                .loggingTool("log").start();
        slow = FixtureServer.builder("slow").tool("sleep", args -> {
            sleep(((Number) args.get("ms")).longValue());
            return "woke up";
        }).streamingTool("stall", () -> sleep(8000)).progressTool("steady", 4, 1000).start();
        // "dying" is reached through a relay that the tool cuts while its answer is streaming, as a crash would
        dying = FixtureServer.builder("dying").streamingTool("die", () -> {
            Thread.ofVirtual().start(() -> { sleep(300); dyingLink.cut(); });
            sleep(10_000);
        }).start();
        dyingLink = new CuttableProxy(dying.port());
        odd = FixtureServer.builder("odd").tool("fine", a -> "fine").tool("tool with space", a -> "spaced")
                .tool(LONG_NAME, a -> "long").start();
        plain = FixtureServer.statelessJson("plain", "upper", args -> String.valueOf(args.get("s")).toUpperCase());
        downPort = ServerEverything.freePort();

        registry.add("mcp.gateway.demo.enabled", () -> "false");
        String[][] servers = {
            {"fast", fast.url(), "fast_"}, {"slow", slow.url(), "slow_"}, {"dying", "http://127.0.0.1:" + dyingLink.port() + "/mcp", "dying_"},
            {"odd", odd.url(), "odd_"}, {"plain", plain.url(), "plain_"}, {"down", "http://127.0.0.1:" + downPort + "/mcp", "down_"}};
        for (int i = 0; i < servers.length; i++) {
            String[] s = servers[i];
            registry.add("mcp.gateway.servers[" + i + "].name", () -> s[0]);
            registry.add("mcp.gateway.servers[" + i + "].url", () -> s[1]);
            registry.add("mcp.gateway.servers[" + i + "].prefix", () -> s[2]);
        }
        registry.add("mcp.gateway.upstream.request-timeout", () -> "2s");
        registry.add("mcp.gateway.upstream.list-timeout", () -> "2s");
        registry.add("mcp.gateway.discovery.retry-interval", () -> "1s");
    }

    @AfterAll
    static void stop() {
        dyingLink.close();
        for (FixtureServer f : new FixtureServer[] {fast, slow, dying, odd, plain}) {
            f.close();
        }
    }

    RawMcpClient client() throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.initialize("2025-11-25");
        return c;
    }

    @Test
    void aServerDownAtStartIsReportedNotReadyWhileTheOthersListAndCall() throws Exception {
        JsonNode down = awaitServer("down", s -> !s.path("reason").asText().equals("Pending"));
        assertThat(down.path("ready").asBoolean()).isFalse();
        assertThat(down.path("reason").asText()).isEqualTo("UpstreamUnreachable");
        assertThat(down.path("message").asText()).contains("connection refused");
        assertThat(awaitServer("fast", s -> s.path("ready").asBoolean()).path("tools").asInt()).isEqualTo(2);

        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"down\"").contains("UpstreamUnreachable");

        RawMcpClient c = client();
        List<String> names = toolNames(c);
        assertThat(names).contains("fast_hello").noneMatch(n -> n.startsWith("down_"));
        assertThat(text(c.request(2, "tools/call", "{\"name\":\"fast_hello\",\"arguments\":{\"who\":\"gateway\"}}")))
                .isEqualTo("hello gateway");

        JsonNode err = c.request(3, "tools/call", "{\"name\":\"down_anything\",\"arguments\":{}}").path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32001);
        assertThat(err.path("message").asText()).contains("'down'").contains("connection refused");
    }

    @Test
    void anUpstreamAnswering404ForAForgottenSessionIsReinitialisedOnce() throws Exception {
        awaitServer("fast", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        assertThat(text(c.request(1, "tools/call", "{\"name\":\"fast_hello\",\"arguments\":{}}"))).isEqualTo("hello world");
        UpstreamSession before = sessions.upstream(c.sessionId(), "fast");
        // the Java SDK server forgets the session (DELETE) and from then on answers 404 for it, as the spec says
        HttpResponse<Void> deleted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fast.url()))
                .header("Mcp-Session-Id", before.sessionId()).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(deleted.statusCode()).isEqualTo(200);

        assertThat(text(c.request(2, "tools/call", "{\"name\":\"fast_hello\",\"arguments\":{\"who\":\"again\"}}")))
                .isEqualTo("hello again");
        assertThat(sessions.upstream(c.sessionId(), "fast").sessionId()).isNotEqualTo(before.sessionId());
    }

    @Test
    void theLoggingLevelHoldsForUpstreamSessionsOpenedAfterIt() throws Exception {
        awaitServer("fast", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        assertThat(logLevels(c, 1)).contains("warning", "error"); // the server's default lets warnings through
        assertThat(c.request(2, "logging/setLevel", "{\"level\":\"error\"}").path("result").isObject()).isTrue();
        assertThat(logLevels(c, 3)).containsExactly("error");
        assertThat(c.request(4, "logging/setLevel", "{\"level\":\"loud\"}").path("error").path("code").asInt()).isEqualTo(-32602);

        // the server forgets the session; the gateway opens a new one and sets the level there too
        UpstreamSession before = sessions.upstream(c.sessionId(), "fast");
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fast.url()))
                .header("Mcp-Session-Id", before.sessionId()).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(logLevels(c, 5)).containsExactly("error");
        assertThat(sessions.upstream(c.sessionId(), "fast").sessionId()).isNotEqualTo(before.sessionId());
    }

    private static List<String> logLevels(RawMcpClient c, int id) throws Exception {
        HttpResponse<String> r = c.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"fast_log\",\"arguments\":{}}}", java.util.Map.of());
        List<String> levels = new ArrayList<>();
        for (JsonNode m : RawMcpClient.messages(r)) {
            if ("notifications/message".equals(m.path("method").asText())) {
                levels.add(m.path("params").path("level").asText());
            }
        }
        return levels;
    }

    @Test
    void aStatelessServerAnsweringPlainJsonIsFederatedToo() throws Exception {
        awaitServer("plain", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        assertThat(toolNames(c)).contains("plain_upper", "fast_hello");
        HttpResponse<String> r = c.post("{\"jsonrpc\":\"2.0\",\"id\":\"str-id\",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"plain_upper\",\"arguments\":{\"s\":\"shout\"}}}", java.util.Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        JsonNode body = RawMcpClient.JSON.readTree(r.body());
        assertThat(body.path("id").asText()).isEqualTo("str-id");
        assertThat(text(body)).isEqualTo("SHOUT");
        assertThat(sessions.upstream(c.sessionId(), "plain").sessionId()).isNull(); // the server gave none
    }

    @Test
    void toolsWhoseGatewayNameWouldBeInvalidAreLeftOutAndReported() throws Exception {
        JsonNode status = awaitServer("odd", s -> s.path("ready").asBoolean());
        assertThat(status.path("tools").asInt()).isEqualTo(1);
        List<String> skipped = new ArrayList<>();
        status.path("skippedTools").forEach(n -> skipped.add(n.asText()));
        assertThat(skipped).containsExactlyInAnyOrder("tool with space", LONG_NAME);

        RawMcpClient c = client();
        assertThat(toolNames(c)).contains("odd_fine").noneMatch(n -> n.startsWith("odd_") && !n.equals("odd_fine"));
        JsonNode err = c.request(4, "tools/call", "{\"name\":\"odd_tool with space\",\"arguments\":{}}").path("error");
        assertThat(err.path("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void aQuickAnswerIsOneJsonObjectAndOneWithProgressFirstAPrimedStream() throws Exception {
        awaitServer("fast", s -> s.path("ready").asBoolean());
        awaitServer("slow", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        // the Java SDK server answers every call with an SSE stream; its response comes first and at once
        HttpResponse<String> quick = c.post("{\"jsonrpc\":\"2.0\",\"id\":31,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"fast_hello\",\"arguments\":{}}}", Map.of());
        assertThat(quick.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(quick.headers().firstValue("Content-Length")).contains(Integer.toString(quick.body().length()));
        assertThat(text(RawMcpClient.JSON.readTree(quick.body()))).isEqualTo("hello world");

        // a progress notification first: a stream at once, primed, then the notification
        HttpResponse<InputStream> steady = c.postStreaming("{\"jsonrpc\":\"2.0\",\"id\":33,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"slow_steady\",\"arguments\":{},\"_meta\":{\"progressToken\":\"t33\"}}}");
        assertThat(steady.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<RawMcpClient.TimedMessage> events = RawMcpClient.readEvents(steady.body(), System.nanoTime());
        assertThat(events.get(0).message().path("method").asText()).isEqualTo("notifications/progress");
        assertThat(events.get(events.size() - 1).message().path("id").asInt()).isEqualTo(33);
    }

    @Test
    void quickCallsInASessionKeepTheirUpstreamConnection() throws Exception {
        awaitServer("fast", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = c.post("{\"jsonrpc\":\"2.0\",\"id\":" + (50 + i) + ",\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"fast_hello\",\"arguments\":{}}}", Map.of());
            assertThat(text(RawMcpClient.JSON.readTree(r.body()))).isEqualTo("hello world");
        }
        // the end of each SSE answer is read after the response: the connection goes back to the pool, where
        // cutting it would cost every call a new one (the next call may come before the end is read: a second one)
        List<Integer> ports = fast.postPorts(fast.lastPostSession());
        assertThat(ports).hasSizeGreaterThanOrEqualTo(10);
        assertThat(ports.stream().distinct().count()).isLessThanOrEqualTo(2);
    }

    @Test
    void aSlowServerTimesOutWithAClearErrorWithoutHoldingUpOtherCalls() throws Exception {
        awaitServer("slow", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        long start = System.nanoTime();
        CompletableFuture<JsonNode> slowCall = CompletableFuture.supplyAsync(() -> {
            try {
                return c.request(5, "tools/call", "{\"name\":\"slow_sleep\",\"arguments\":{\"ms\":8000}}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // meanwhile, in the same session, another server answers at once
        assertThat(text(c.request(6, "tools/call", "{\"name\":\"fast_hello\",\"arguments\":{}}"))).isEqualTo("hello world");
        assertThat(slowCall).isNotDone();

        JsonNode err = slowCall.get().path("error");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(err.path("code").asInt()).isEqualTo(-32001);
        assertThat(err.path("message").asText()).contains("'slow'").contains("PT2S");
        assertThat(tookMs).isLessThan(7000); // the gateway gave up at its timeout, not when the tool finished
    }

    @Test
    void aStreamThatStallsAfterItsFirstEventIsCutAtTheDeadline() throws Exception {
        awaitServer("slow", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        long start = System.nanoTime();
        HttpResponse<String> r = c.post("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/call\",\"params\":{\"name\":\"slow_stall\","
                + "\"arguments\":{},\"_meta\":{\"progressToken\":\"s\"}}}", java.util.Map.of());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        List<JsonNode> messages = RawMcpClient.messages(r);
        assertThat(messages.get(0).path("method").asText()).isEqualTo("notifications/progress");
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.path("id").asInt()).isEqualTo(12);
        assertThat(last.path("error").path("code").asInt()).isEqualTo(-32001);
        assertThat(last.path("error").path("message").asText()).contains("'slow'").contains("PT2S");
        assertThat(tookMs).isLessThan(6000);
    }

    @Test
    void progressKeepsALongCallAlivePastTheTimeout() throws Exception {
        awaitServer("slow", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        // four steps one second apart: 4 s in all, twice the 2 s timeout, but never 2 s without news
        HttpResponse<String> r = c.post("{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"tools/call\",\"params\":{\"name\":\"slow_steady\","
                + "\"arguments\":{},\"_meta\":{\"progressToken\":\"k\"}}}", java.util.Map.of());
        List<JsonNode> messages = RawMcpClient.messages(r);
        assertThat(messages).hasSize(5);
        assertThat(text(messages.get(4))).isEqualTo("steady finished");
    }

    @Test
    void aServerThatDiesMidCallGivesTheClientAnErrorNotAHang() throws Exception {
        awaitServer("dying", s -> s.path("ready").asBoolean());
        RawMcpClient c = client();
        long t0 = System.nanoTime();
        HttpResponse<String> r = c.post("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"dying_die\","
                + "\"arguments\":{},\"_meta\":{\"progressToken\":\"d\"}}}", java.util.Map.of());
        List<JsonNode> messages = RawMcpClient.messages(r);
        System.out.printf("fault: upstream killed mid-call -> the client's call ended with -32001 %d ms after it began%n",
                (System.nanoTime() - t0) / 1_000_000);
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.path("id").asInt()).isEqualTo(8);
        assertThat(last.path("error").path("code").asInt()).isEqualTo(-32001);
        assertThat(last.path("error").path("message").asText()).contains("'dying'").contains("broke");
        assertThat(messages.get(0).path("method").asText()).isEqualTo("notifications/progress"); // what came before the crash

        // and the gateway goes on serving the others, and reports the dead one
        assertThat(text(c.request(9, "tools/call", "{\"name\":\"fast_hello\",\"arguments\":{}}"))).isEqualTo("hello world");
        assertThat(awaitServer("dying", s -> !s.path("ready").asBoolean()).path("reason").asText()).isEqualTo("UpstreamUnreachable");
    }

    private JsonNode awaitServer(String name, java.util.function.Predicate<JsonNode> condition) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (JsonNode s : RawMcpClient.JSON.readTree(get("/actuator/mcpservers").body()).path("servers")) {
                if (s.path("name").asText().equals(name) && condition.test(s)) {
                    found[0] = s;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> toolNames(RawMcpClient c) throws Exception {
        List<String> names = new ArrayList<>();
        c.request(1, "tools/list", null).path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }

    private static String text(JsonNode response) {
        return response.path("result").path("content").get(0).path("text").asText();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
