package io.camelmcp.gateway.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The set of upstream servers at one moment: immutable, read by the hot path without locks.
 * A new snapshot replaces the old one whole when registrations or statuses change.
 */
public final class RegistrySnapshot {

    /** A server together with its current status. */
    public record Entry(ServerRegistration registration, ServerStatus status) {
        public String name() { return registration.name(); }
        public String prefix() { return registration.prefix(); }
        public boolean ready() { return status.ready(); }
    }

    /** Where a gateway tool name leads: the owning server and the name the server knows it by. */
    public record Route(Entry server, String upstreamName) {}

    /** This snapshot with one server's status replaced (a probe's outcome before it is published). */
    public RegistrySnapshot withStatus(String server, ServerStatus status) {
        List<Entry> entries = new java.util.ArrayList<>(servers());
        entries.replaceAll(e -> e.name().equals(server) ? new Entry(e.registration(), status) : e);
        return new RegistrySnapshot(entries, generation());
    }

    public static final RegistrySnapshot EMPTY = new RegistrySnapshot(List.of(), 0);

    private final Map<String, Entry> byName;
    /** All servers by name: the deterministic order every list uses. */
    private final List<Entry> sorted;
    /** Servers that can be routed to, longest prefix first, so "a_b_" wins over "a_". */
    private final List<Entry> byPrefixLength;
    private final long generation;

    RegistrySnapshot(List<Entry> entries, long generation) {
        Map<String, Entry> map = new LinkedHashMap<>();
        entries.stream().sorted(Comparator.comparing(Entry::name)).forEach(e -> map.put(e.name(), e));
        this.byName = Map.copyOf(map);
        this.sorted = List.copyOf(map.values());
        List<Entry> routable = new ArrayList<>();
        for (Entry e : map.values()) {
            if (!ServerStatus.REASON_INVALID.equals(e.status().reason())) {
                routable.add(e);
            }
        }
        routable.sort(Comparator.comparingInt((Entry e) -> e.prefix().length()).reversed().thenComparing(Entry::name));
        this.byPrefixLength = List.copyOf(routable);
        this.generation = generation;
    }

    public long generation() { return generation; }

    /** All servers, by name. */
    public List<Entry> servers() {
        return sorted;
    }

    public Entry server(String name) { return byName.get(name); }

    /** Servers the fan-out goes to: ready ones, by name (a deterministic order). */
    public List<Entry> readyServers() {
        List<Entry> out = new ArrayList<>(sorted.size());
        for (Entry e : sorted) {
            if (e.ready()) {
                out.add(e);
            }
        }
        return out;
    }

    /** The one server registered with the empty prefix (transparent mode), or null. */
    public RegistrySnapshot.Entry transparentServer() {
        for (Entry e : byPrefixLength) {
            if (e.prefix().isEmpty()) {
                return e;
            }
        }
        return null;
    }

    /** The server owning a gateway tool name, by longest matching prefix; null when none does. */
    public Route route(String gatewayName) {
        for (Entry e : byPrefixLength) {
            String p = e.prefix();
            if (gatewayName.startsWith(p) && gatewayName.length() > p.length()) {
                return new Route(e, gatewayName.substring(p.length()));
            }
        }
        return null;
    }
}
