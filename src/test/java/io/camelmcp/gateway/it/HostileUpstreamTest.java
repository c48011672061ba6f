package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.HostileServer;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * An upstream that initialized and listed its tools correctly and then answers a call with HTML, random bytes, JSON
 * that is not JSON-RPC, or another request's id — as JSON or on an SSE stream: the client gets -32001 naming the
 * server at once (not the upstream's bytes, not a wait for the call timeout), and a well-behaved server next to it
 * keeps serving.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileUpstreamTest {

    static HostileServer hostile;
    static FixtureServer decent;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) throws Exception {
        hostile = HostileServer.start();
        decent = FixtureServer.builder("decent").tool("hello", args -> "hello from decent").start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.servers[0].name", () -> "hostile");
        registry.add("mcp.gateway.servers[0].url", () -> hostile.url());
        registry.add("mcp.gateway.servers[0].prefix", () -> "h_");
        registry.add("mcp.gateway.servers[1].name", () -> "decent");
        registry.add("mcp.gateway.servers[1].url", () -> decent.url());
        registry.add("mcp.gateway.servers[1].prefix", () -> "d_");
        // every case here is one broken answer between good ones: its breaker must not open (CircuitBreakerTest's job)
        registry.add("mcp.gateway.servers[0].breaker.failure-rate-threshold", () -> "100");
        // no health check between reads: a test case must not be a health failure's side effect
        registry.add("mcp.gateway.discovery.health-interval", () -> "0");
    }

    @AfterAll
    static void stop() {
        hostile.close();
        decent.close();
    }

    private RawMcpClient client() throws Exception {
        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        c.initialize("2025-11-25");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String tools = c.request(2, "tools/list", "{}").toString();
            return tools.contains("h_ok") && tools.contains("d_hello");
        });
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"html", "bytes", "not_rpc", "wrong_id", "string_id", "no_result", "html_type",
            "sse_wrong_id", "sse_garbage", "sse_not_rpc", "sse_break"})
    void aBrokenAnswerIsMinus32001NamingTheServerAtOnce(String tool) throws Exception {
        RawMcpClient c = client();
        assertThat(c.request(3, "tools/call", "{\"name\":\"h_ok\",\"arguments\":{}}").toString()).contains("fine");

        long t0 = System.nanoTime();
        var r = c.post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"h_" + tool
                + "\",\"arguments\":{}}}", Map.of());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        List<JsonNode> messages = RawMcpClient.messages(r);
        JsonNode answer = messages.get(messages.size() - 1);
        assertThat(answer.path("id").asInt()).as(r.body()).isEqualTo(4);
        assertThat(answer.path("error").path("code").asInt()).as(r.body()).isEqualTo(-32001);
        assertThat(answer.path("error").path("data").path("server").asText()).as(r.body()).isEqualTo("hostile");
        assertThat(answer.path("error").path("message").asText()).startsWith("MCP server 'hostile' ");
        assertThat(r.body()).doesNotContain("<html", "someone else's", "hello", "id as a string");
        assertThat(took).isLessThan(Duration.ofSeconds(5));

        // the server next to it, and the next call in the same session, are served as before
        assertThat(c.request(5, "tools/call", "{\"name\":\"d_hello\",\"arguments\":{}}").toString()).contains("hello from decent");
        assertThat(c.request(6, "tools/call", "{\"name\":\"h_ok\",\"arguments\":{}}").toString()).contains("fine");
    }

    @Test
    void aRequestIdThatIsALoneSurrogateIsAnInvalidRequestAtOnce() throws Exception {
        RawMcpClient c = client();
        long t0 = System.nanoTime();
        var r = c.post("{\"jsonrpc\":\"2.0\",\"id\":\"\\ud800\",\"method\":\"tools/call\",\"params\":{\"name\":\"d_hello\","
                + "\"arguments\":{}}}", Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode err = RawMcpClient.JSON.readTree(r.body());
        assertThat(err.path("error").path("code").asInt()).isEqualTo(-32600);
        assertThat(err.path("error").path("message").asText()).contains("\"id\"");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        // a surrogate pair is a character like any other
        var pair = c.post("{\"jsonrpc\":\"2.0\",\"id\":\"\\ud83d\\ude00\",\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"d_hello\",\"arguments\":{}}}", Map.of());
        assertThat(pair.statusCode()).isEqualTo(200);
        assertThat(RawMcpClient.messages(pair).get(0).path("id").asText()).isEqualTo("\ud83d\ude00");
    }
}
