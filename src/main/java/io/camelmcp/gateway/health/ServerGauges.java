package io.camelmcp.gateway.health;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.federation.ServerCalls;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.upstream.UpstreamClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Gauges per registered server, tagged {@code server}: {@code mcp.server.tools} (the tools it serves in the
 * catalogue), {@code mcp.server.ready} (1 or 0) and {@code mcp.server.breaker.state} (1 for the breaker's current
 * state, 0 for the others, tagged {@code state} as Resilience4j's own meters are; all 0 before its first call) and
 * {@code mcp.gateway.upstream.streams.active} (the GET streams the gateway holds open to it, a count the upstream
 * client keeps). They are read at each scrape, from memory; a server's gauges come with its registration and go with it.
 */
public class ServerGauges implements MeterBinder {

    private static final List<String> STATES = List.of("closed", "open", "half_open");

    private final ServerRegistry registry;
    private final Catalog catalog;
    private final ServerCalls calls;
    private final UpstreamClient client;
    private final Map<String, List<Meter>> byServer = new ConcurrentHashMap<>();
    private volatile MeterRegistry meters;

    public ServerGauges(ServerRegistry registry, Catalog catalog, ServerCalls calls, UpstreamClient client) {
        this.registry = registry;
        this.catalog = catalog;
        this.calls = calls;
        this.client = client;
    }

    @Override
    public void bindTo(MeterRegistry meters) {
        this.meters = meters;
        registry.addListener(this::registryChanged);
        registryChanged(registry.snapshot());
    }

    private synchronized void registryChanged(RegistrySnapshot snapshot) {
        MeterRegistry m = meters;
        if (m == null) {
            return;
        }
        byServer.keySet().removeIf(name -> {
            if (snapshot.server(name) != null) {
                return false;
            }
            byServer.get(name).forEach(m::remove);
            return true;
        });
        for (RegistrySnapshot.Entry e : snapshot.servers()) {
            byServer.computeIfAbsent(e.name(), name -> register(m, name));
        }
    }

    private List<Meter> register(MeterRegistry m, String name) {
        List<Meter> out = new java.util.ArrayList<>();
        out.add(Gauge.builder("mcp.server.tools", () -> catalog.report(name).tools())
                .description("Tools the server serves in the catalogue").tag("server", name).register(m));
        out.add(Gauge.builder("mcp.server.ready", () -> {
            RegistrySnapshot.Entry e = registry.snapshot().server(name);
            return e != null && e.status().ready() ? 1 : 0;
        }).description("Whether the server is ready (1) or not (0)").tag("server", name).register(m));
        for (String state : STATES) {
            out.add(Gauge.builder("mcp.server.breaker.state", () -> state.equalsIgnoreCase(calls.breakerState(name)) ? 1 : 0)
                    .description("The server's circuit breaker: 1 for its current state").tag("server", name)
                    .tag("state", state).register(m));
        }
        out.add(Gauge.builder("mcp.gateway.upstream.streams.active", () -> client.openStreams(name))
                .description("GET streams the gateway holds open to the server").tag("server", name).register(m));
        return out;
    }
}
