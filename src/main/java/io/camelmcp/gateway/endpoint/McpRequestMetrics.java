package io.camelmcp.gateway.endpoint;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code mcp.requests}: a timer per MCP method and HTTP status of {@code /mcp} (a tools/call, a GET stream...),
 * which says more about an MCP endpoint than {@code http.server.requests}, whose only URI here is /mcp. Timers are
 * built once per tag pair and then only recorded into: Spring's HTTP observation built its tags and looked its
 * timer up on every request (about 5% of a relayed call's CPU), so it is switched off for /mcp.
 */
public class McpRequestMetrics {

    /** Methods worth a tag of their own; anything else a client sends is counted as "other". */
    private static final Set<String> METHODS = Set.of("initialize", "ping", "tools/list", "tools/call", "prompts/list",
            "prompts/get", "resources/list", "resources/templates/list", "resources/read", "resources/subscribe",
            "resources/unsubscribe", "completion/complete", "logging/setLevel", "tasks/get", "tasks/result",
            "tasks/cancel", "tasks/list", "notifications/initialized", "notifications/cancelled",
            "notifications/roots/list_changed", "notifications/progress");

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public McpRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * One finished request. {@code method}: the JSON-RPC method, "response" for a client's answer to a server
     * request, "batch", or the HTTP method (GET stream, DELETE) when there is no message.
     */
    public void record(String method, int status, long startNanos) {
        String m = method == null ? "other" : METHODS.contains(method) || method.equals("response") || method.equals("batch")
                || method.equals("GET") || method.equals("DELETE") ? method : "other";
        Timer t = timers.get(m + ' ' + status);
        if (t == null) {
            t = timers.computeIfAbsent(m + ' ' + status, k -> Timer.builder("mcp.requests")
                    .description("Requests on /mcp, by MCP method and HTTP status (streams: until they end)")
                    .tag("method", m).tag("status", Integer.toString(status)).register(registry));
        }
        t.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
}
