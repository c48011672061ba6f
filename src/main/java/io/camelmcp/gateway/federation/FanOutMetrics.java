package io.camelmcp.gateway.federation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code mcp.gateway.fanout.duration}: how long a federated list took the gateway, from the list route's first step to
 * its page, tagged {@code mcp.method.name} (tools/list, prompts/list, resources/list, resources/templates/list,
 * tasks/list) and {@code source}: {@code cache} when the catalogue had every server (no network), {@code servers} when
 * the route read servers first (a cold start, a new capability form; tasks/list always asks its servers). Taken in
 * catalog-list.yaml and tasks.yaml. A list that fails (an invalid cursor) is not timed.
 * <p>
 * Nine timers, made at start (so that a dashboard finds them before the first list), none later: the cardinality is
 * fixed. Explicit buckets from 0.5 ms (a page served from the cache) to the list timeout's range.
 */
public class FanOutMetrics {

    public static final String NAME = "mcp.gateway.fanout.duration";
    static final String CACHE = "cache";
    static final String SERVERS = "servers";
    private static final String STARTED = "mcpFanOutStarted";
    private static final Duration[] BUCKETS = java.util.stream.Stream.of(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
            0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0).map(s -> Duration.ofNanos((long) (s * 1e9))).toArray(Duration[]::new);

    /** By method, then source: the timers of the lists the gateway federates, and no others. */
    private final Map<String, Map<String, Timer>> timers;

    public FanOutMetrics(MeterRegistry registry) {
        Map<String, Map<String, Timer>> all = new java.util.HashMap<>();
        for (ListKind k : ListKind.values()) {
            all.put(k.method, Map.of(CACHE, timer(registry, k.method, CACHE), SERVERS, timer(registry, k.method, SERVERS)));
        }
        all.put("tasks/list", Map.of(SERVERS, timer(registry, "tasks/list", SERVERS)));
        this.timers = Map.copyOf(all);
    }

    private static Timer timer(MeterRegistry registry, String method, String source) {
        return Timer.builder(NAME)
                .description("Federated lists, until the gateway had the page: from the catalogue cache or read from servers")
                .tag("mcp.method.name", method).tag("source", source)
                .serviceLevelObjectives(BUCKETS).register(registry);
    }

    /** The list route's first step. */
    public void start(Exchange exchange) {
        exchange.setProperty(STARTED, System.nanoTime());
    }

    /** Its last step, once the page is there. */
    public void record(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                       @ExchangeProperty(McpExchange.COLD_SERVERS) List<?> cold) {
        Object started = exchange.removeProperty(STARTED);
        Map<String, Timer> bySource = msg == null ? null : timers.get(msg.method());
        if (!(started instanceof Long t0) || bySource == null) {
            return;
        }
        Timer t = bySource.get(cold != null && cold.isEmpty() ? CACHE : SERVERS);
        if (t != null) {
            t.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        }
    }
}
