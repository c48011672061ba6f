package io.camelmcp.gateway.federation;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import com.fasterxml.jackson.core.JsonFactory;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.AnswerOutcome;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code mcp.client.operation.duration} (the OpenTelemetry semantic conventions' name for an MCP request seen by its
 * sender, here the gateway calling a server): a histogram per server, {@code mcp.method.name}, {@code gen_ai.tool.name}
 * (the server's own tool name, tools/call only) and {@code error.type} — the JSON-RPC error code of the answer or of
 * the gateway's refusal ({@code -32001} unreachable or breaker open), {@code tool_error} for a tool result with
 * {@code isError}, {@code none} otherwise (Prometheus wants the same tag keys on every series of a name). Taken in
 * forward.yaml's server-call route, from before the call to when the route has the answer: for an SSE answer, until
 * the relay begins (an error later in the stream is not seen here).
 * <p>
 * Cardinality is bounded: servers and methods are finite; tool names are the servers' (at most
 * {@code maxToolTags} distinct ones get their own tag, the rest {@code _other}). Timers are made once per tag set.
 */
public class CallMetrics {

    public static final String NAME = "mcp.client.operation.duration";
    static final String NONE = AnswerOutcome.NONE;
    static final String TOOL_ERROR = AnswerOutcome.TOOL_ERROR_TYPE;
    static final String OTHER_TOOL = "_other";
    private static final String STARTED = "mcpCallStarted";
    private static final JsonFactory JSON = new JsonFactory();

    private record Key(String server, String method, String tool, String error) {}

    private final MeterRegistry registry;
    private final int maxToolTags;
    private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();
    private final Set<String> toolTags = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Counter> failures = new ConcurrentHashMap<>();

    public CallMetrics(MeterRegistry registry, int maxToolTags) {
        this.registry = registry;
        this.maxToolTags = maxToolTags;
    }

    /**
     * {@code mcp.client.connection.failures}: a request to a server that got no answer at all, tagged {@code server}
     * and {@code reason} ({@code timeout}: none within the request timeout; {@code io}: refused, reset, broken).
     */
    public void connectionFailed(String server, boolean timeout) {
        String reason = timeout ? "timeout" : "io";
        failures.computeIfAbsent(server + '\n' + reason, k -> Counter
                .builder("mcp.client.connection.failures")
                .description("Requests to a server that got no answer (connection refused or broken, timeout)")
                .tag("server", server).tag("reason", reason).register(registry)).increment();
    }

    /** The first step of a server's call. */
    public void start(Exchange exchange) {
        exchange.setProperty(STARTED, System.nanoTime());
    }

    /** The last step, however the call ended. */
    public void record(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                       @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server) {
        Object started = exchange.removeProperty(STARTED);
        if (!(started instanceof Long t0) || msg == null || server == null) {
            return;
        }
        String method = msg.method() == null ? "other" : msg.method();
        boolean toolCall = "tools/call".equals(method);
        Key key = new Key(server.name(), method, toolCall ? tool(msg) : "", errorType(exchange, toolCall));
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, k -> Timer.builder(NAME)
                    .description("MCP requests the gateway sent to its servers, until it had the answer")
                    .tag("server", k.server()).tag("mcp.method.name", k.method()).tag("gen_ai.tool.name", k.tool())
                    .tag("error.type", k.error()).publishPercentileHistogram().register(registry));
        }
        timer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    }

    private String tool(JsonRpcMessage msg) {
        String name = msg.paramsObject().path("name").asText("");
        if (toolTags.contains(name)) {
            return name;
        }
        if (toolTags.size() < maxToolTags) {
            toolTags.add(name);
            return name;
        }
        return OTHER_TOOL;
    }

    /** The call's outcome, from the exception it ended with or the answer it got (kept for the tracing step). */
    private static String errorType(Exchange exchange, boolean toolCall) {
        Exception e = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String type = AnswerOutcome.errorType(e,
                exchange.getMessage().getBody() instanceof Answer.Json j ? j.body() : null, toolCall, JSON);
        type = type == null ? NONE : type;
        exchange.setProperty(McpExchange.CALL_OUTCOME, type);
        return type;
    }

    /** The JSON-RPC error code of an answer, or {@code tool_error} for a tool result with {@code isError} (see AnswerOutcome). */
    static String answerError(byte[] body, boolean toolCall) {
        String type = AnswerOutcome.errorType(null, body, toolCall, JSON);
        return type == null ? NONE : type;
    }
}
