package io.camelmcp.gateway.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-replica {@link SessionStore}: a concurrent map, no locks on the read path. Entries expire
 * lazily when they are next read, and by {@link #purgeExpired} for those nobody reads again. Writes to a
 * session's upstream sessions run inside {@code computeIfPresent}, atomic with its removal, so an upstream
 * session recorded while the session ends is either in the ended session's list or refused.
 */
public class InMemorySessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(InMemorySessionStore.class);

    private static final class Entry {
        final GatewaySession session;
        /** Whose session it is, for the per-client limit; null when not counted. */
        final String client;
        final ConcurrentHashMap<String, UpstreamSession> upstreams = new ConcurrentHashMap<>(4);
        volatile String loggingLevel;
        volatile List<String> selectedTools = List.of();
        volatile long expiresAtNanos;

        Entry(GatewaySession session, String client, long expiresAtNanos) {
            this.session = session;
            this.client = client;
            this.expiresAtNanos = expiresAtNanos;
        }

        boolean expired(long now) { return now - expiresAtNanos > 0; }
    }

    private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();
    /** The ids of each client's sessions (counted ones only); a client's set changes only inside its compute. */
    private final ConcurrentHashMap<String, Set<String>> clients = new ConcurrentHashMap<>();
    private final List<Consumer<EndedSession>> listeners = new CopyOnWriteArrayList<>();
    private final long ttlNanos;

    /** @param idleTimeout how long a session lives after its last use (mcp.gateway.session-idle-timeout) */
    public InMemorySessionStore(Duration idleTimeout) {
        this.ttlNanos = idleTimeout.toNanos();
    }

    @Override
    public Duration create(GatewaySession session, String client, int maxPerClient) {
        if (client == null || maxPerClient <= 0) {
            sessions.put(session.id(), new Entry(session, null, System.nanoTime() + ttlNanos));
            return null;
        }
        Duration[] refused = new Duration[1];
        // counted and added under the client's lock: two initializes of one client cannot both take the last slot
        clients.compute(client, (k, ids) -> {
            Set<String> mine = ids == null ? new HashSet<>() : ids;
            long now = System.nanoTime();
            long nearest = Long.MAX_VALUE;
            for (var it = mine.iterator(); it.hasNext(); ) {
                Entry e = sessions.get(it.next());
                if (e == null || e.expired(now)) {
                    it.remove(); // ended, or expired and not yet swept: no longer the client's
                } else {
                    nearest = Math.min(nearest, e.expiresAtNanos - now);
                }
            }
            if (mine.size() >= maxPerClient) {
                refused[0] = Duration.ofNanos(Math.max(0, nearest));
            } else {
                sessions.put(session.id(), new Entry(session, client, now + ttlNanos));
                mine.add(session.id());
            }
            return mine.isEmpty() ? null : mine;
        });
        return refused[0];
    }

    @Override
    public GatewaySession find(String id) {
        Entry e = live(id);
        if (e == null) {
            return null;
        }
        e.expiresAtNanos = System.nanoTime() + ttlNanos;
        return e.session;
    }

    @Override
    public boolean touch(String id) {
        return find(id) != null;
    }

    @Override
    public boolean remove(String id) {
        Entry e = sessions.remove(id);
        if (e == null) {
            return false;
        }
        ended(e, false);
        return true;
    }

    @Override
    public UpstreamSession upstream(String sessionId, String server) {
        Entry e = live(sessionId);
        return e == null ? null : e.upstreams.get(server);
    }

    @Override
    public List<UpstreamSession> upstreams(String sessionId) {
        Entry e = live(sessionId);
        return e == null ? List.of() : List.copyOf(e.upstreams.values());
    }

    @Override
    public UpstreamSession putUpstreamIfAbsent(String sessionId, UpstreamSession upstream) {
        UpstreamSession[] kept = new UpstreamSession[1];
        update(sessionId, e -> {
            UpstreamSession earlier = e.upstreams.putIfAbsent(upstream.server(), upstream);
            kept[0] = earlier == null ? upstream : earlier;
        });
        return kept[0];
    }

    @Override
    public boolean replaceUpstream(String sessionId, UpstreamSession expected, UpstreamSession replacement) {
        if (!expected.server().equals(replacement.server())) {
            throw new IllegalArgumentException("an upstream session is replaced by one with the same server");
        }
        boolean[] replaced = new boolean[1];
        update(sessionId, e -> replaced[0] = e.upstreams.replace(expected.server(), expected, replacement));
        return replaced[0];
    }

    @Override
    public boolean removeUpstream(String sessionId, UpstreamSession expected) {
        boolean[] removed = new boolean[1];
        update(sessionId, e -> removed[0] = e.upstreams.remove(expected.server(), expected));
        return removed[0];
    }

    @Override
    public boolean setLoggingLevel(String sessionId, String level) {
        return update(sessionId, e -> e.loggingLevel = level);
    }

    @Override
    public String loggingLevel(String sessionId) {
        Entry e = live(sessionId);
        return e == null ? null : e.loggingLevel;
    }

    @Override
    public boolean setSelectedTools(String sessionId, List<String> tools) {
        List<String> copy = List.copyOf(tools);
        return update(sessionId, e -> e.selectedTools = copy);
    }

    @Override
    public List<String> selectedTools(String sessionId) {
        Entry e = live(sessionId);
        return e == null ? List.of() : e.selectedTools;
    }

    @Override
    public void onEnded(Consumer<EndedSession> listener) {
        listeners.add(listener);
    }

    @Override
    public int purgeExpired() {
        long now = System.nanoTime();
        List<Entry> expired = new ArrayList<>();
        sessions.forEach((id, e) -> {
            // checked again inside the map's lock for the key: a request that just refreshed it keeps its session
            if (e.expired(now) && sessions.computeIfPresent(id, (k, v) -> v == e && v.expired(System.nanoTime()) ? null : v) == null) {
                expired.add(e);
            }
        });
        expired.forEach(e -> ended(e, true));
        return expired.size();
    }

    @Override
    public List<EndedSession> endWithReplica() {
        List<EndedSession> all = new ArrayList<>();
        for (String id : List.copyOf(sessions.keySet())) {
            Entry e = sessions.remove(id);
            if (e != null) {
                release(e);
                all.add(new EndedSession(e.session, List.copyOf(e.upstreams.values()), false));
            }
        }
        return all;
    }

    @Override
    public int size() {
        return sessions.size();
    }

    @Override
    public List<GatewaySession> localSessions() {
        long now = System.nanoTime();
        List<GatewaySession> out = new ArrayList<>();
        sessions.values().forEach(e -> {
            if (!e.expired(now)) {
                out.add(e.session);
            }
        });
        return out;
    }

    /** The entry unless unknown; one found expired is ended here (lazy expiry) and null returned. */
    private Entry live(String id) {
        Entry e = sessions.get(id);
        if (e == null || !e.expired(System.nanoTime())) {
            return e;
        }
        if (sessions.remove(id, e)) {
            ended(e, true);
        }
        return null;
    }

    /** Runs a change of a live session atomically with its removal; false when it is unknown or expired. */
    private boolean update(String id, Consumer<Entry> change) {
        Entry[] expired = new Entry[1];
        Entry e = sessions.computeIfPresent(id, (k, v) -> {
            if (v.expired(System.nanoTime())) {
                expired[0] = v;
                return null;
            }
            change.accept(v);
            return v;
        });
        if (expired[0] != null) {
            ended(expired[0], true); // outside the map's lock
        }
        return e != null;
    }

    /** The session no longer counts for its client. */
    private void release(Entry e) {
        if (e.client != null) {
            clients.computeIfPresent(e.client, (k, ids) -> {
                ids.remove(e.session.id());
                return ids.isEmpty() ? null : ids;
            });
        }
    }

    private void ended(Entry e, boolean expired) {
        release(e);
        EndedSession ended = new EndedSession(e.session, List.copyOf(e.upstreams.values()), expired);
        for (Consumer<EndedSession> l : listeners) {
            try {
                l.accept(ended);
            } catch (RuntimeException ex) {
                LOG.warn("A listener failed on the end of a session: {}", ex.toString());
            }
        }
    }
}
