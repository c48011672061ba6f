package io.camelmcp.gateway.endpoint;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code mcp.requests}: a timer per MCP method and HTTP status of {@code /mcp} (a tools/call, a GET stream...),
 * which says more about an MCP endpoint than {@code http.server.requests}, whose only URI here is /mcp. Timers are
 * built once per tag pair and then only recorded into: Spring's HTTP observation built its tags and looked its
 * timer up on every request (about 5% of a relayed call's CPU), so it is switched off for /mcp.
 * <p>
 * {@code mcp.gateway.streams.active}: the SSE answers this replica is writing to clients now, tagged {@code kind}:
 * {@code get} (GET /mcp streams, a resumed answer's included), {@code listen} (2026-07-28 subscriptions/listen),
 * {@code request} (the SSE answer of any other request, e.g. a tools/call with progress). Counted around the write of
 * the answer, which lasts as long as the stream: one increment and one decrement per SSE answer, nothing for JSON ones.
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

    private final AtomicInteger getStreams = new AtomicInteger();
    private final AtomicInteger listenStreams = new AtomicInteger();
    private final AtomicInteger requestStreams = new AtomicInteger();

    public McpRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
        stream(registry, "get", getStreams);
        stream(registry, "listen", listenStreams);
        stream(registry, "request", requestStreams);
    }

    private static void stream(MeterRegistry registry, String kind, AtomicInteger open) {
        Gauge.builder("mcp.gateway.streams.active", open, AtomicInteger::get)
                .description("SSE answers open to clients on this replica (get: GET streams, listen: subscriptions/listen, "
                        + "request: other requests' streamed answers)")
                .tag("kind", kind).register(registry);
    }

    /**
     * The counter of open streams for an SSE answer to {@code method} (as {@link #record} takes it): the caller
     * increments it while it writes the stream.
     */
    AtomicInteger streams(String method) {
        return "GET".equals(method) ? getStreams : "subscriptions/listen".equals(method) ? listenStreams : requestStreams;
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
