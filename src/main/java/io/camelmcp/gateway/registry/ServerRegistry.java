package io.camelmcp.gateway.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the current {@link RegistrySnapshot}. Sources (static config, Kubernetes, REST) hand in their
 * registrations; {@link #reconcile} validates them and publishes the next snapshot, keeping the status
 * of servers whose registration did not change. Writers are serialised; readers never lock.
 */
public class ServerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ServerRegistry.class);
    /** What a prefix and a name may be, whatever registered the server. */
    public static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]*");
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    /** The source of servers that registered themselves (the REST API): on a clash they yield to the others. */
    public static final String SELF_REGISTERED = "rest";

    private final AtomicReference<RegistrySnapshot> current = new AtomicReference<>(RegistrySnapshot.EMPTY);
    private final Map<String, List<ServerRegistration>> bySource = new HashMap<>();
    private final List<Consumer<RegistrySnapshot>> listeners = new CopyOnWriteArrayList<>();

    public RegistrySnapshot snapshot() {
        return current.get();
    }

    public void addListener(Consumer<RegistrySnapshot> listener) {
        listeners.add(listener);
    }

    /** Replaces everything one source registered, then recomputes the snapshot. */
    public void reconcile(String source, List<ServerRegistration> registrations) {
        synchronized (this) {
            bySource.put(source, List.copyOf(registrations));
            current.set(recompute());
        }
        notifyListeners();
    }

    /** Records what a probe found; ignored when the server was meanwhile removed or re-registered. */
    public void updateStatus(ServerRegistration probed, ServerStatus status) {
        synchronized (this) {
            RegistrySnapshot snap = current.get();
            RegistrySnapshot.Entry entry = snap.server(probed.name());
            if (entry == null || !entry.registration().equals(probed)) {
                return;
            }
            List<RegistrySnapshot.Entry> entries = new ArrayList<>(snap.servers());
            entries.replaceAll(e -> e.name().equals(probed.name()) ? new RegistrySnapshot.Entry(e.registration(), status) : e);
            current.set(new RegistrySnapshot(entries, snap.generation() + 1));
        }
        notifyListeners();
    }

    private RegistrySnapshot recompute() {
        RegistrySnapshot previous = current.get();
        // servers that register themselves yield to the operator's (static, Kubernetes): a name one of those takes
        // leaves the self-registered server out, a prefix one takes makes it invalid; the operator's keeps serving
        List<ServerRegistration> all = new ArrayList<>();
        Map<String, ServerRegistration> operatorPrefixes = new HashMap<>();
        Set<String> operatorNames = new java.util.HashSet<>();
        bySource.forEach((source, list) -> {
            if (!SELF_REGISTERED.equals(source)) {
                all.addAll(list);
                list.forEach(r -> {
                    operatorNames.add(r.name());
                    operatorPrefixes.putIfAbsent(r.prefix(), r);
                });
            }
        });
        Map<String, String> yielded = new HashMap<>();
        for (ServerRegistration r : bySource.getOrDefault(SELF_REGISTERED, List.of())) {
            ServerRegistration owner = operatorPrefixes.get(r.prefix());
            if (operatorNames.contains(r.name())) {
                continue;
            }
            if (owner != null) {
                yielded.put(r.name(), "prefix '" + r.prefix() + "' is used by server '" + owner.name() + "' ("
                        + owner.source() + "), which takes precedence over a self-registered one");
            }
            all.add(r);
        }
        Map<String, Integer> nameCount = new HashMap<>();
        Map<String, Integer> prefixCount = new HashMap<>();
        for (ServerRegistration r : all) {
            nameCount.merge(r.name(), 1, Integer::sum);
            if (!yielded.containsKey(r.name())) {
                prefixCount.merge(r.prefix(), 1, Integer::sum);
            }
        }
        List<RegistrySnapshot.Entry> entries = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (ServerRegistration r : all) {
            if (!seen.add(r.name())) {
                continue; // reported once below with the first of the duplicates
            }
            String problem = yielded.containsKey(r.name()) ? yielded.get(r.name())
                    : problem(r, all.size(), nameCount, prefixCount);
            ServerStatus status;
            if (problem != null) {
                LOG.warn("MCP server '{}' ({}) not served: {}", r.name(), r.source(), problem);
                status = ServerStatus.invalid(problem);
            } else if (r.held()) {
                status = r.hold();
            } else {
                RegistrySnapshot.Entry before = previous.server(r.name());
                status = before != null && before.registration().equals(r)
                        && !ServerStatus.REASON_INVALID.equals(before.status().reason())
                        ? before.status() : ServerStatus.pending();
            }
            entries.add(new RegistrySnapshot.Entry(r, status));
        }
        return new RegistrySnapshot(entries, previous.generation() + 1);
    }

    private static String problem(ServerRegistration r, int total, Map<String, Integer> names, Map<String, Integer> prefixes) {
        if (r.name() == null || !NAME.matcher(r.name()).matches()) {
            return "name must match " + NAME.pattern();
        }
        if (names.get(r.name()) > 1) {
            return "name '" + r.name() + "' is registered more than once";
        }
        if (r.transport().kind() == UpstreamTransport.Kind.STDIO) {
            if (r.transport().command().isEmpty() || r.transport().command().get(0).isBlank()) {
                return "a stdio server needs a command";
            }
            if (r.healthPath() != null) {
                return "a stdio server has no health path (it is pinged)";
            }
        } else if (r.url() == null || r.url().getScheme() == null
                || !(r.url().getScheme().equals("http") || r.url().getScheme().equals("https"))
                || r.url().getHost() == null) {
            return "url must be an absolute http(s) URL";
        }
        if (!PREFIX.matcher(r.prefix()).matches()) {
            return "prefix '" + r.prefix() + "' may only contain A-Z a-z 0-9 _ - .";
        }
        if (r.prefix().isEmpty() && total > 1) {
            return "the empty prefix is only allowed when a single server is registered";
        }
        if (prefixes.get(r.prefix()) > 1) {
            return "prefix '" + r.prefix() + "' is used by more than one server";
        }
        return null;
    }

    /**
     * Tells the listeners, outside the writers' lock: a listener that is slow (a merge of the catalogue, a status
     * write) or that calls back into the registry holds up no other writer. Listeners may therefore be told by two
     * writers at once, and an older snapshot last: they are level-triggered, reading {@link #snapshot()} for what
     * is current rather than trusting the order in which they were told.
     */
    private void notifyListeners() {
        for (Consumer<RegistrySnapshot> l : listeners) {
            try {
                l.accept(current.get());
            } catch (RuntimeException e) {
                LOG.warn("registry listener failed", e);
            }
        }
    }
}
