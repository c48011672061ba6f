package io.camelmcp.gateway.registration;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The registrations of one replica, in this JVM: the embedded default. Writers are serialised; reads copy. */
public final class InMemoryRegistrationStore implements RegistrationStore {

    private final Map<String, Registration> byId = new HashMap<>();
    private final Map<String, Instant> heartbeats = new HashMap<>();
    private long version;

    @Override
    public synchronized Outcome add(Registration r, Instant at) {
        Outcome taken = taken(r);
        if (taken != Outcome.DONE) {
            return taken;
        }
        byId.put(r.id(), r);
        heartbeats.put(r.id(), at);
        version++;
        return Outcome.DONE;
    }

    @Override
    public synchronized Registration get(String id) {
        return byId.get(id);
    }

    @Override
    public synchronized Outcome replace(Registration r) {
        if (!byId.containsKey(r.id())) {
            return Outcome.UNKNOWN;
        }
        Outcome taken = taken(r);
        if (taken != Outcome.DONE) {
            return taken;
        }
        byId.put(r.id(), r);
        version++;
        return Outcome.DONE;
    }

    @Override
    public synchronized boolean remove(String id) {
        heartbeats.remove(id);
        if (byId.remove(id) == null) {
            return false;
        }
        version++;
        return true;
    }

    @Override
    public synchronized boolean heartbeat(String id, Instant at) {
        if (!byId.containsKey(id)) {
            return false;
        }
        heartbeats.merge(id, at, (a, b) -> a.isAfter(b) ? a : b);
        return true;
    }

    @Override
    public synchronized List<Registration> all() {
        return List.copyOf(byId.values());
    }

    @Override
    public synchronized Map<String, Instant> heartbeats() {
        return Map.copyOf(heartbeats);
    }

    @Override
    public synchronized long version() {
        return version;
    }

    @Override
    public synchronized boolean removeIfStale(String id, Instant staleBefore) {
        Instant last = heartbeats.get(id);
        return last != null && last.isBefore(staleBefore) && remove(id);
    }

    /** Whether another registration (not r's id) has r's name or prefix. */
    private Outcome taken(Registration r) {
        for (Registration other : byId.values()) {
            if (!other.id().equals(r.id()) && other.name().equals(r.name())) {
                return Outcome.NAME_TAKEN;
            }
        }
        for (Registration other : byId.values()) {
            if (!other.id().equals(r.id()) && other.prefix().equals(r.prefix())) {
                return Outcome.PREFIX_TAKEN;
            }
        }
        return Outcome.DONE;
    }
}
