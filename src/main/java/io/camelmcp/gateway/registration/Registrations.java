package io.camelmcp.gateway.registration;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ServerStatus;

/**
 * The REST registrations: written to the {@link RegistrationStore} (shared by every replica with Redis) and applied to
 * the {@link ServerRegistry} as its {@code rest} source by {@link #sync()}, which each replica runs on a timer
 * (housekeeping.yaml) and after each of its own writes. A registration silent for the heartbeat timeout is held (it
 * serves nothing; reason {@code HeartbeatMissed}); one silent for the removal timeout is removed. Tokens are random,
 * handed out once and stored as SHA-256 digests.
 */
public class Registrations {

    private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);
    public static final String SOURCE = ServerRegistry.SELF_REGISTERED;

    private final RegistrationStore store;
    private final ServerRegistry registry;
    private final RegistrationProperties props;
    private final Clock clock;
    /** Off while no API key is configured: nothing can register, so the store is not read. */
    private final boolean enabled;
    private final SecureRandom random = new SecureRandom();

    /** The store's version at the last read of its registrations, and what it held. */
    private long seenVersion = Long.MIN_VALUE;
    private List<Registration> seen = List.of();
    /** The last heartbeats read (for the API's views). */
    private volatile Map<String, Instant> heartbeats = Map.of();
    /** What this replica last handed the registry, so an unchanged store reconciles nothing. */
    private List<ServerRegistration> applied;

    public Registrations(RegistrationStore store, ServerRegistry registry, RegistrationProperties props, Clock clock,
                         boolean enabled) {
        this.enabled = enabled;
        this.store = store;
        this.registry = registry;
        this.props = props;
        this.clock = clock;
        if (props.getHeartbeatInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalStateException("mcp.gateway.registration.heartbeat-interval (" + props.getHeartbeatInterval()
                    + ") must be at least 1s: it is told to servers in whole seconds");
        }
        if (props.getRemovalTimeout().compareTo(props.getHeartbeatTimeout()) <= 0) {
            throw new IllegalStateException("mcp.gateway.registration.removal-timeout (" + props.getRemovalTimeout()
                    + ") must be longer than heartbeat-timeout (" + props.getHeartbeatTimeout() + ")");
        }
    }

    /** A new registration and its token, which is not kept: this is the only time it is seen. */
    public record Registered(Registration registration, String token) {}

    public Registered register(RegistrationRequest req) {
        refuseTakenElsewhere(req.name(), req.prefix(), null);
        String token = "mcpgw_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
        Instant now = clock.instant();
        Registration r = new Registration(UUID.randomUUID().toString(), req.name(), req.url(), req.prefix(),
                req.transport(), req.healthPath(), req.metadata(), ApiKeys.sha256Hex(token), now, now, req.limits());
        RegistrationStore.Outcome outcome = store.add(r, now);
        Registration previous = outcome == RegistrationStore.Outcome.NAME_TAKEN ? sameServer(req) : null;
        if (previous != null) {
            // the same server registering again (restarted, its token lost): its registration, with a new token and
            // what it says now, in one atomic replace (its id stays; the old token is worth nothing from now on)
            r = previous.renewed(req.url(), req.prefix(), req.transport(), req.healthPath(), req.metadata(), req.limits(),
                    r.tokenHash(), now);
            outcome = store.replace(r);
            if (outcome == RegistrationStore.Outcome.DONE) {
                store.heartbeat(r.id(), now);
                LOG.info("MCP server '{}' registered again through the API ({}): a new token", r.name(), r.id());
            }
        }
        if (outcome == RegistrationStore.Outcome.UNKNOWN) {
            outcome = RegistrationStore.Outcome.NAME_TAKEN; // removed meanwhile and taken again: a race, retried by the client
        }
        refuseTaken(outcome, req);
        if (previous == null) {
            LOG.info("MCP server '{}' registered through the API as {} ({}, prefix '{}')", r.name(), r.id(), r.url(), r.prefix());
        }
        sync();
        return new Registered(r, token);
    }

    /** The stored registration of this name at this url: the same server, whose new registration replaces it. */
    private Registration sameServer(RegistrationRequest req) {
        for (Registration r : store.all()) {
            if (r.name().equals(req.name()) && r.url().equals(req.url())) {
                return r;
            }
        }
        return null;
    }

    /** The registration with this id; 404 when there is none. */
    public Registration require(String id) {
        Registration r = id == null ? null : store.get(id);
        if (r == null) {
            throw Problem.notFound("no registration has the id '" + id + "' (it may have been removed after missing "
                    + "heartbeats: register again)");
        }
        return r;
    }

    /** Whether {@code token} is the registration's. */
    public boolean tokenMatches(Registration r, String token) {
        return token != null && java.security.MessageDigest.isEqual(HexFormat.of().parseHex(r.tokenHash()),
                ApiKeys.sha256(token));
    }

    /** Records a heartbeat; a held registration serves again (probed afresh). */
    public Registration heartbeat(Registration r) {
        if (!store.heartbeat(r.id(), clock.instant())) {
            throw Problem.notFound("no registration has the id '" + r.id() + "'");
        }
        RegistrySnapshot.Entry e = registry.snapshot().server(r.name());
        if (e == null || e.registration().held()) {
            sync(); // back at once; a heartbeat of a served registration waits for the timer (no read of the store)
        }
        return r;
    }

    public Registration update(Registration current, RegistrationRequest req) {
        refuseTakenElsewhere(req.name(), req.prefix(), current.name());
        Registration next = current.updated(req.url(), req.prefix(), req.transport(), req.healthPath(), req.metadata(),
                req.limits(),
                clock.instant());
        RegistrationStore.Outcome outcome = store.replace(next);
        if (outcome == RegistrationStore.Outcome.UNKNOWN) {
            throw Problem.notFound("no registration has the id '" + current.id() + "'");
        }
        refuseTaken(outcome, req);
        LOG.info("MCP server '{}' ({}) updated through the API: {}, prefix '{}'", next.name(), next.id(), next.url(), next.prefix());
        sync();
        return next;
    }

    public void delete(Registration r) {
        if (!store.remove(r.id())) {
            throw Problem.notFound("no registration has the id '" + r.id() + "'");
        }
        LOG.info("MCP server '{}' ({}) deregistered through the API", r.name(), r.id());
        sync();
    }

    /** The registration of a server the registry knows by this name, or null. */
    public synchronized Registration byName(String name) {
        for (Registration r : seen) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }

    /** The registrations this replica applied last (the store's, at most one sync interval old), by name. */
    public synchronized Map<String, Registration> seenByName() {
        Map<String, Registration> out = new java.util.HashMap<>();
        seen.forEach(r -> out.put(r.name(), r));
        return out;
    }


    public Instant lastHeartbeat(String id) {
        return heartbeats.get(id);
    }

    /** The heartbeat interval in whole seconds, rounded up (a server heartbeating a little late is not late). */
    public long heartbeatSeconds() {
        return (props.getHeartbeatInterval().toMillis() + 999) / 1000;
    }

    /**
     * Why this registration is not served because a server of another source has its name (that one takes
     * precedence), or null. A prefix clash shows in the registry as the registration's own invalid status.
     */
    public ServerStatus shadowed(Registration r) {
        RegistrySnapshot.Entry e = registry.snapshot().server(r.name());
        if (e == null || SOURCE.equals(e.registration().source())) {
            return null;
        }
        return new ServerStatus(false, ServerStatus.REASON_INVALID, "the name '" + r.name() + "' is used by a server of "
                + e.registration().source() + ", which takes precedence over a self-registered one", 0, null);
    }

    /**
     * Reads the store (its registrations only when its version moved) and hands the registry what should serve:
     * registrations silent past the heartbeat timeout held, past the removal timeout removed. Run by every replica.
     */
    public synchronized void sync() {
        if (!enabled) {
            return;
        }
        try {
            apply();
        } catch (io.camelmcp.gateway.protocol.McpException e) {
            // the store is unreachable (logged once per outage by it): the registry keeps what it has until it is back
            LOG.debug("Registrations not read: {}", e.getMessage());
        }
    }

    private void apply() {
        Instant now = clock.instant();
        long version = store.version(); // before reading: a write between the two is read again next time
        if (version != seenVersion) {
            seen = store.all();
            seenVersion = version;
        }
        Map<String, Instant> beats = store.heartbeats();
        heartbeats = beats;
        Duration timeout = props.getHeartbeatTimeout();
        Duration removal = props.getRemovalTimeout();
        List<ServerRegistration> servers = new ArrayList<>();
        for (Registration r : seen) {
            Instant last = beats.get(r.id());
            if (last == null) {
                continue; // removed since its version was read
            }
            if (last.plus(removal).isBefore(now)) {
                if (store.removeIfStale(r.id(), now.minus(removal))) {
                    LOG.warn("MCP server '{}' ({}) removed: no heartbeat since {} (removal-timeout {})", r.name(), r.id(),
                            last, removal);
                }
                continue;
            }
            ServerRegistration server = server(r);
            if (last.plus(timeout).isBefore(now)) {
                // checkedAt is when it went missing, so that the hold is the same value at every sync
                server = server.withHold(new ServerStatus(false, ServerStatus.REASON_HEARTBEAT_MISSED,
                        "no heartbeat since " + last + " (heartbeat-timeout " + timeout + "); the next heartbeat brings it back",
                        0, last.plus(timeout)));
            }
            servers.add(server);
        }
        servers.sort(java.util.Comparator.comparing(ServerRegistration::name));
        if (!servers.equals(applied)) {
            logHolds(servers);
            registry.reconcile(SOURCE, servers);
            applied = List.copyOf(servers);
        }
    }

    private void logHolds(List<ServerRegistration> servers) {
        for (ServerRegistration s : servers) {
            boolean wasHeld = applied != null && applied.stream().anyMatch(a -> a.name().equals(s.name())
                    && a.held() && ServerStatus.REASON_HEARTBEAT_MISSED.equals(a.hold().reason()));
            boolean held = s.held() && ServerStatus.REASON_HEARTBEAT_MISSED.equals(s.hold().reason());
            if (held && !wasHeld) {
                LOG.warn("MCP server '{}' serves nothing: {}", s.name(), s.hold().message());
            } else if (wasHeld && !held) {
                LOG.info("MCP server '{}' sent a heartbeat again", s.name());
            }
        }
    }

    private static ServerRegistration server(Registration r) {
        ServerRegistration s = new ServerRegistration(r.name(), URI.create(r.url()), r.prefix(), Map.of(), SOURCE,
                null, r.healthPath(), null, Limits.policy(r.limits(), "limits"));
        // sse: the url is the legacy HTTP+SSE stream; stdio is never registered remotely (it would run a command here)
        return RegistrationRequest.SSE.equals(r.transport())
                ? s.withTransport(io.camelmcp.gateway.registry.UpstreamTransport.SSE) : s;
    }

    /** A name or prefix of a server from another source (static, Kubernetes, demo) is taken too. */
    private void refuseTakenElsewhere(String name, String prefix, String self) {
        RegistrySnapshot snap = registry.snapshot();
        for (RegistrySnapshot.Entry e : snap.servers()) {
            if (SOURCE.equals(e.registration().source()) || Objects.equals(self, e.name())) {
                continue; // REST ones are checked by the store, atomically
            }
            if (e.name().equals(name)) {
                throw Problem.conflict("name", "a server named '" + name + "' is already registered (" + e.registration().source() + ")");
            }
            if (e.prefix().equals(prefix)) {
                throw Problem.conflict("prefix", "the prefix '" + prefix + "' is already used by server '" + e.name()
                        + "' (" + e.registration().source() + ")");
            }
        }
    }

    private static void refuseTaken(RegistrationStore.Outcome outcome, RegistrationRequest req) {
        switch (outcome) {
            case NAME_TAKEN -> throw Problem.conflict("name", "a server named '" + req.name() + "' is already registered "
                    + "through the API at another url (delete it, or wait for its removal after missed heartbeats)");
            case PREFIX_TAKEN -> throw Problem.conflict("prefix", "the prefix '" + req.prefix()
                    + "' is already used by a server registered through the API");
            default -> { }
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
