package io.camelmcp.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.protocol.ProtocolFamilies;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.Identity;
import io.camelmcp.gateway.upstream.EventChunks;

/**
 * The audit line's content, from what the client got and the exception behind an error: ok, a tool's own error,
 * an error, a rate limit, the breaker's refusal, the authorization's; the identity's key and never its token; the
 * arguments only when configured. (The line's place in a real call, streams included: RateLimitAuditTest.)
 */
class AuditLogTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final DefaultCamelContext CAMEL = new DefaultCamelContext();
    static final Identity ALICE = new Identity(Identity.JWT, "alice", "https://idp.example", Set.of("tools"), Set.of(),
            Map.of("sub", "alice"), "eyJhbGciOi.secret-token");

    @AfterAll
    static void stop() throws Exception {
        CAMEL.close();
    }

    @Test
    void aServedCall() throws Exception {
        Exchange ex = exchange("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"isError\"}]}}");
        JsonNode line = line(audit(false), ex, 12_400_000);
        assertThat(line.path("method").asText()).isEqualTo("tools/call");
        assertThat(line.path("identity").asText()).isEqualTo("jwt:https://idp.example#alice");
        assertThat(line.path("address").asText()).isEqualTo("10.0.0.9");
        assertThat(line.path("tool").asText()).isEqualTo("calc_add");
        assertThat(line.path("outcome").asText()).isEqualTo("ok");
        assertThat(line.has("code")).isFalse();
        assertThat(line.path("durationMs").asLong()).isEqualTo(12);
        assertThat(line.path("id").asInt()).isEqualTo(7);
        assertThat(line.path("session").asText()).hasSize(16).isEqualTo(AuditLog.fingerprint("session-1"));
        assertThat(line.path("protocol").asText()).isEqualTo("2025-11-25");
        assertThat(line.has("arguments")).as("not unless include-arguments").isFalse();
        assertThat(line.toString()).doesNotContain("secret-token", "session-1", "\"a\":2");
    }

    @Test
    void argumentsOnlyWhenConfigured() throws Exception {
        Exchange ex = exchange("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}");
        assertThat(line(audit(true), ex, 0).path("arguments").toString()).isEqualTo("{\"a\":2,\"b\":3}");
    }

    @Test
    void outcomes() throws Exception {
        AuditLog audit = audit(false);
        assertThat(line(audit, exchange("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[],\"isError\":true}}"), 0)
                .path("outcome").asText()).isEqualTo("tool-error");
        assertThat(line(audit, exchange("{\"id\":7,\"result\":{\"resultType\":\"input_required\",\"inputRequests\":{}},\"jsonrpc\":\"2.0\"}"), 0)
                .path("outcome").asText()).isEqualTo("input-required");
        JsonNode error = line(audit, exchange("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"message\":\"boom\",\"code\":-32603}}"), 0);
        assertThat(error.path("outcome").asText()).isEqualTo("error");
        assertThat(error.path("code").asInt()).isEqualTo(-32603);

        // a batch's element: the response tree; an answer not rendered yet
        Exchange tree = exchange("{}");
        tree.getMessage().setBody(JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32602,\"message\":\"Unknown tool\"}}"));
        assertThat(line(audit, tree, 0).path("code").asInt()).isEqualTo(-32602);
        Exchange answer = exchange("{}");
        answer.getMessage().setBody(Answer.json("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}".getBytes(StandardCharsets.UTF_8)));
        assertThat(line(audit, answer, 0).path("outcome").asText()).isEqualTo("ok");

        String rendered = "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32000,\"message\":\"Too Many Requests\"}}";
        Exchange limited = exchange(rendered);
        limited.setProperty(Exchange.EXCEPTION_CAUGHT, new RateLimited(200, "Too Many Requests", null, 1,
                Map.of("limit", "mcp.gateway.security.rate-limits.per-identity")));
        JsonNode l = line(audit, limited, 0);
        assertThat(l.path("outcome").asText()).isEqualTo("rate-limited");
        assertThat(l.path("code").asInt()).isEqualTo(-32000);
        assertThat(l.path("limit").asText()).isEqualTo("mcp.gateway.security.rate-limits.per-identity");

        Exchange refused = exchange("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32001,\"message\":\"open\"}}");
        refused.setProperty(Exchange.EXCEPTION_CAUGHT, McpException.rpc(ErrorCodes.UPSTREAM_UNAVAILABLE, "open", null,
                Map.of("server", "calc", "breaker", "OPEN")));
        assertThat(line(audit, refused, 0).path("outcome").asText()).isEqualTo("refused");

        Exchange denied = exchange("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32003,\"message\":\"no\"}}");
        denied.setProperty(Exchange.EXCEPTION_CAUGHT, McpException.rpc(-32003, "no", null));
        assertThat(line(audit, denied, 0).path("outcome").asText()).isEqualTo("denied");
    }

    /** A streamed answer: how it ended is its last event, once the client has read it (or incomplete, if not). */
    @Test
    void aStreamedAnswerByItsLastEvent() throws Exception {
        AuditLog audit = audit(false);
        Exchange ex = exchange("{}");
        EventChunks stream = events("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32001,\"message\":\"stream broke\"}}");
        ex.getMessage().setBody(stream);
        stream.read(new byte[40]); // the first bytes of the first event only
        assertThat(line(audit, ex, 0).path("outcome").asText()).isEqualTo("incomplete");
        stream.transferTo(java.io.OutputStream.nullOutputStream());
        JsonNode ended = line(audit, ex, 0);
        assertThat(ended.path("outcome").asText()).isEqualTo("error");
        assertThat(ended.path("code").asInt()).isEqualTo(-32001);

        EventChunks served = events("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[],\"isError\":true}}");
        served.writeTo(java.io.OutputStream.nullOutputStream());
        ex.getMessage().setBody(served);
        assertThat(line(audit, ex, 0).path("outcome").asText()).isEqualTo("tool-error");
    }

    /** An SSE body of these messages, with event ids as the gateway's own streams have them. */
    static EventChunks events(String... messages) {
        java.util.Iterator<String> next = java.util.List.of(messages).iterator();
        return new EventChunks() {
            int n;

            @Override
            protected byte[] nextChunk() {
                return next.hasNext() ? frame("s1-" + n++, next.next().getBytes(StandardCharsets.UTF_8)) : null;
            }
        };
    }

    /** What a line costs: the outcome read from the answer's bytes, the JSON written. */
    @Test
    void costPerLine() throws Exception {
        AuditLog audit = audit(false);
        Exchange ex = exchange("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\""
                + "x".repeat(1000) + "\"}]}}");
        JsonRpcMessage msg = msg();
        double ns = Double.MAX_VALUE; // the best of 5 rounds: the machine is shared, the JIT warms up
        for (int round = 0; round < 5; round++) {
            int n = 100_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                audit.line(ex, msg, "calc_add", 1000);
            }
            ns = Math.min(ns, (System.nanoTime() - t0) / (double) n);
        }
        System.out.printf("AuditLogTest: %.0f ns per line (1 kB answer, without the appender's own cost)%n", ns);
        assertThat(ns).isLessThan(50_000);
    }

    static AuditLog audit(boolean arguments) {
        AuditProperties p = new AuditProperties();
        p.setEnabled(true);
        p.setIncludeArguments(arguments);
        return new AuditLog(p, JSON);
    }

    static JsonNode line(AuditLog audit, Exchange ex, long nanos) throws Exception {
        return JSON.readTree(audit.line(ex, msg(), "calc_add", nanos));
    }

    static JsonRpcMessage msg() throws Exception {
        var raw = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"calc_add\",\"arguments\":{\"a\":2,\"b\":3}}}");
        return new JsonRpcMessage(JsonRpcMessage.Kind.REQUEST, raw.get("id"), "tools/call", raw.get("params"), raw);
    }

    static Exchange exchange(String answer) {
        Exchange ex = new DefaultExchange(CAMEL);
        ex.setProperty(McpExchange.IDENTITY, ALICE);
        ex.setProperty(McpExchange.REMOTE_ADDRESS, "10.0.0.9");
        ex.setProperty(McpExchange.FAMILY, "2025");
        ex.setProperty(McpExchange.CLIENT, new ClientContext("session-1", "2025-11-25", JSON.createObjectNode(), null,
                ALICE, ProtocolFamilies.SUPPORTED.of("2025-11-25")));
        ex.getMessage().setBody(answer.getBytes(StandardCharsets.UTF_8));
        return ex;
    }
}
