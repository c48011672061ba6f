package io.camelmcp.gateway.federation;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ServerStatus;
import io.camelmcp.gateway.upstream.UpstreamClient;
import io.camelmcp.gateway.upstream.UpstreamException;
import io.camelmcp.gateway.upstream.UpstreamReply;

/**
 * Keeps each registered server's status and cached lists current. A probe reads all of the server's lists (through the
 * {@link Catalog}) and records the outcome; between probes a ready server gets a light health check (an MCP ping in the
 * gateway's own session, or a GET of its health path), which touches the registry only when it fails. When each server
 * is next looked at, and how, is its {@link ProbeSchedule.Plan}: servers that are not ready are retried with an
 * exponential backoff. A new registration, a failed call or a {@code list_changed} makes a ready server due at once.
 * Level-triggered: a change that arrives while a probe runs makes the server due again.
 */
public class DiscoveryService {

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryService.class);

    /** The latest failed probe or health check of a server: what failed, and when. */
    public record Failure(String message, Instant at) {}

    private final ServerRegistry registry;
    private final Catalog catalog;
    private final UpstreamClient client;
    private final ProbeSchedule schedule;
    private final Duration healthTimeout;
    /** Each server's (by registration) plan; a look in flight is due at Instant.MAX. */
    private final Map<ServerRegistration, ProbeSchedule.Plan> plans = new ConcurrentHashMap<>();
    /** Servers that changed while they were being looked at. */
    private final Set<ServerRegistration> dirty = ConcurrentHashMap.newKeySet();
    /** By server name: kept when the server recovers, forgotten when it leaves the registry. */
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    /**
     * @param client        for GETs of health paths
     * @param healthTimeout the time a health check (ping or GET) has to answer
     */
    public DiscoveryService(ServerRegistry registry, Catalog catalog, UpstreamClient client, ProbeSchedule schedule,
                            Duration healthTimeout) {
        this.registry = registry;
        this.catalog = catalog;
        this.client = client;
        this.schedule = schedule;
        this.healthTimeout = healthTimeout;
        catalog.onListChanged(this::refreshSoon);
        registry.addListener(snapshot -> probeDue());
    }

    /** Starts a probe or health check, in a virtual thread each, for every server that is due. Run by a timer route. */
    public void probeDue() {
        Instant now = Instant.now();
        List<ServerRegistration> current = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (RegistrySnapshot.Entry e : registry.snapshot().servers()) {
            names.add(e.name());
            if (ServerStatus.REASON_INVALID.equals(e.status().reason()) || e.registration().held()) {
                continue;
            }
            ServerRegistration r = e.registration();
            current.add(r);
            ProbeSchedule.Plan plan = plans.get(r);
            boolean start;
            boolean checkOnly = false;
            if (plan == null) {
                start = plans.putIfAbsent(r, ProbeSchedule.Plan.FIRST.started()) == null;
            } else {
                checkOnly = e.ready() && plan.checkOnly(now);
                start = !plan.inFlight() && !plan.due().isAfter(now) && plans.replace(r, plan, plan.started());
            }
            if (start) {
                boolean check = checkOnly;
                Thread.ofVirtual().name("mcp-probe-" + r.name()).start(() -> {
                    if (check) {
                        check(r);
                    } else {
                        probe(r);
                    }
                });
            }
        }
        plans.keySet().retainAll(current);
        dirty.retainAll(current);
        failures.keySet().retainAll(names);
    }

    /**
     * Something changed at a ready server (a failed call, a broken stream, list_changed): read it now rather than at its
     * interval. A server already known not to be ready keeps its backoff: a failed call to it is no news.
     */
    public void refreshSoon(ServerRegistration server) {
        RegistrySnapshot.Entry e = registry.snapshot().server(server.name());
        ProbeSchedule.Plan plan = plans.get(server);
        if (e == null || !e.registration().equals(server) || !e.ready() || plan == null) {
            return;
        }
        if (plan.inFlight()) {
            dirty.add(server); // probe again when it is done
        } else if (plans.replace(server, plan, plan.readNow())) {
            probeDue();
        }
    }

    /** The latest failed probe or health check of a server, kept after it recovered; empty once it is unregistered. */
    public Optional<Failure> lastFailure(String serverName) {
        return Optional.ofNullable(failures.get(serverName));
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

    /** Probes one server now (its health path first, when it has one) and records the outcome in the registry. */
    public ServerStatus probe(ServerRegistration server) {
        ServerStatus status;
        try {
            if (server.healthPath() != null) {
                getHealth(server);
            }
            Catalog.Report r = catalog.probe(server); // merged once, as ready
            status = new ServerStatus(true, ServerStatus.REASON_READY, r.describe(), r.tools(), Instant.now());
        } catch (UpstreamException e) {
            status = unreachable(e.getMessage());
        } catch (RuntimeException e) {
            status = unreachable(e.toString());
        }
        record(server, status);
        boolean ready = status.ready();
        boolean again = dirty.remove(server) && ready; // a failure keeps its backoff, whatever happened meanwhile
        Instant now = Instant.now();
        plans.computeIfPresent(server, (k, v) -> again ? v.readNow() : ready ? schedule.read(now) : schedule.failed(v, now));
        if (again) {
            probeDue();
        }
        return status;
    }

    /**
     * A ready server's health check between probes. Healthy changes nothing in the registry (no churn for its
     * listeners); a server that had forgotten the gateway's session was probably restarted, so it is read again.
     */
    void check(ServerRegistration server) {
        boolean readNow;
        try {
            readNow = health(server);
        } catch (UpstreamException e) {
            failedCheck(server, e.getMessage());
            return;
        } catch (RuntimeException e) {
            failedCheck(server, e.toString());
            return;
        }
        boolean again = dirty.remove(server) || readNow;
        Instant now = Instant.now();
        plans.computeIfPresent(server, (k, v) -> again ? v.readNow() : schedule.checked(v, now));
        if (again) {
            probeDue();
        }
    }

    private void failedCheck(ServerRegistration server, String message) {
        record(server, unreachable(message));
        dirty.remove(server);
        Instant now = Instant.now();
        plans.computeIfPresent(server, (k, v) -> schedule.failed(v, now));
    }

    /** The health check itself; true when the server needed a new session of the gateway's. */
    private boolean health(ServerRegistration server) throws UpstreamException {
        if (server.healthPath() != null) {
            getHealth(server);
            return false;
        }
        try {
            return catalog.ping(server, healthTimeout);
        } catch (UpstreamException e) {
            throw new UpstreamException(server.name(), "ping failed: " + e.getMessage(), e.httpStatus(), e);
        }
    }

    /** GET of the server's health path: any 2xx is healthy. */
    private void getHealth(ServerRegistration server) throws UpstreamException {
        URI uri = server.healthUri();
        UpstreamReply reply;
        try {
            reply = client.get(server, uri, healthTimeout);
        } catch (UpstreamException e) {
            throw new UpstreamException(server.name(), "GET " + uri + " failed: " + e.getMessage(), 0, e);
        }
        reply.finish(); // the body says nothing the status does not; the connection serves the next check
        if (reply.status() / 100 != 2) {
            throw new UpstreamException(server.name(), "GET " + uri + " answered " + reply.status(), reply.status(), null);
        }
    }

    private static ServerStatus unreachable(String message) {
        return new ServerStatus(false, ServerStatus.REASON_UNREACHABLE, message, 0, Instant.now());
    }

    /** Publishes a look's outcome: logged when it changes what the status says, a failure kept for {@link #lastFailure}. */
    private void record(ServerRegistration server, ServerStatus status) {
        RegistrySnapshot.Entry e = registry.snapshot().server(server.name());
        if (e == null || !e.registration().equals(server)) {
            return; // removed or re-registered meanwhile: this outcome is about a server that no longer exists
        }
        ServerStatus before = ServerStatus.REASON_PENDING.equals(e.status().reason()) ? null : e.status();
        if (before == null || before.ready() != status.ready() || !Objects.equals(before.message(), status.message())) {
            if (status.ready()) {
                LOG.info("MCP server '{}' is ready: {}", server.name(), status.message());
            } else {
                LOG.warn("MCP server '{}' ({}) is not ready: {}", server.name(), server.url(), status.message());
            }
        }
        if (!status.ready()) {
            failures.put(server.name(), new Failure(status.message(), status.checkedAt()));
        }
        registry.updateStatus(server, status);
    }
}
