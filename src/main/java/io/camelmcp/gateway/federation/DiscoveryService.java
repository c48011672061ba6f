package io.camelmcp.gateway.federation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ServerStatus;
import io.camelmcp.gateway.upstream.UpstreamException;

/**
 * Keeps each registered server's status and cached lists current: a probe reads all of the server's lists
 * (through the {@link Catalog}) and records the outcome. Ready servers are re-read every refresh interval,
 * others every retry interval; a new registration, a failed call or a {@code list_changed} makes a server
 * due at once. Level-triggered: a change that arrives while a probe runs makes the server due again.
 */
public class DiscoveryService {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryService.class);

    private final ServerRegistry registry;
    private final Catalog catalog;
    private final Duration interval;
    private final Duration retryInterval;
    /** When each server (by registration) is next due; a probe in flight is marked with Instant.MAX. */
    private final Map<ServerRegistration, Instant> due = new ConcurrentHashMap<>();
    /** Servers that changed while their probe was running. */
    private final Set<ServerRegistration> dirty = ConcurrentHashMap.newKeySet();

    public DiscoveryService(ServerRegistry registry, Catalog catalog, Duration interval, Duration retryInterval) {
        this.registry = registry;
        this.catalog = catalog;
        this.interval = interval;
        this.retryInterval = retryInterval;
        catalog.onListChanged(this::refreshSoon);
        registry.addListener(snapshot -> probeDue());
    }

    /** Starts a probe, in a virtual thread each, for every server that is due. Run by a timer route. */
    public void probeDue() {
        Instant now = Instant.now();
        List<ServerRegistration> current = new ArrayList<>();
        for (RegistrySnapshot.Entry e : registry.snapshot().servers()) {
            if (ServerStatus.REASON_INVALID.equals(e.status().reason()) || e.registration().held()) {
                continue;
            }
            ServerRegistration r = e.registration();
            current.add(r);
            Instant when = due.get(r);
            boolean start = when == null
                    ? due.putIfAbsent(r, Instant.MAX) == null
                    : !when.isAfter(now) && due.replace(r, when, Instant.MAX);
            if (start) {
                Thread.ofVirtual().name("mcp-probe-" + r.name()).start(() -> probe(r));
            }
        }
        due.keySet().retainAll(current);
        dirty.retainAll(current);
    }

    /** Something changed at the server (a failed call, list_changed): probe it now rather than at its interval. */
    public void refreshSoon(ServerRegistration server) {
        Instant when = due.get(server);
        if (when == Instant.MAX) {
            dirty.add(server); // in flight: probe again when it is done
        } else if (when != null && due.replace(server, when, Instant.MIN)) {
            probeDue();
        }
    }

    /**
     * The cold start of a list request: read a server nobody has read yet (in the client's view), now, in the
     * caller's thread. The base view is a probe and records the status; another view is only read.
     */
    public String readCold(Catalog.Cold cold) {
        ServerRegistration server = cold.server().registration();
        if (Catalog.BASE.equals(cold.view())) {
            probe(server); // merges what it read itself
            return null;
        }
        try {
            catalog.fetchView(server, cold.view());
            return server.name();
        } catch (UpstreamException e) {
            LOG.warn("Left MCP server '{}' out of a list: {}", server.name(), e.getMessage());
            return null;
        }
    }

    /** Probes one server now and records the outcome in the registry. */
    public ServerStatus probe(ServerRegistration server) {
        ServerStatus before = statusOf(server);
        ServerStatus status;
        try {
            Catalog.Report r = catalog.probe(server); // merged once, as ready
            status = new ServerStatus(true, ServerStatus.REASON_READY, r.describe(), r.tools(), Instant.now());
        } catch (UpstreamException e) {
            status = new ServerStatus(false, ServerStatus.REASON_UNREACHABLE, e.getMessage(), 0, Instant.now());
        } catch (RuntimeException e) {
            status = new ServerStatus(false, ServerStatus.REASON_UNREACHABLE, e.toString(), 0, Instant.now());
        }
        if (before == null || before.ready() != status.ready() || !Objects.equals(before.message(), status.message())) {
            if (status.ready()) {
                LOG.info("MCP server '{}' is ready: {}", server.name(), status.message());
            } else {
                LOG.warn("MCP server '{}' ({}) is not ready: {}", server.name(), server.url(), status.message());
            }
        }
        registry.updateStatus(server, status);
        Instant next = dirty.remove(server) ? Instant.MIN : Instant.now().plus(status.ready() ? interval : retryInterval);
        due.computeIfPresent(server, (k, v) -> next);
        if (next == Instant.MIN) {
            probeDue();
        }
        return status;
    }

    private ServerStatus statusOf(ServerRegistration server) {
        RegistrySnapshot.Entry e = registry.snapshot().server(server.name());
        return e == null || ServerStatus.REASON_PENDING.equals(e.status().reason()) ? null : e.status();
    }
}
