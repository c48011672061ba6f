package io.camelmcp.gateway.session;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The single-replica {@link SessionStore}: two concurrent maps, no locks on the read path. */
public class InMemorySessionStore implements SessionStore {

    private static final class Entry {
        final GatewaySession session;
        final ConcurrentHashMap<String, UpstreamSession> upstreams = new ConcurrentHashMap<>(4);
        volatile long lastSeenNanos = System.nanoTime();

        Entry(GatewaySession session) { this.session = session; }
    }

    private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();

    @Override
    public void create(GatewaySession session) {
        sessions.put(session.id(), new Entry(session));
    }

    @Override
    public GatewaySession find(String id) {
        Entry e = sessions.get(id);
        if (e == null) {
            return null;
        }
        e.lastSeenNanos = System.nanoTime();
        return e.session;
    }

    @Override
    public List<UpstreamSession> remove(String id) {
        Entry e = sessions.remove(id);
        return e == null ? null : List.copyOf(e.upstreams.values());
    }

    @Override
    public UpstreamSession upstream(String sessionId, String server) {
        Entry e = sessions.get(sessionId);
        return e == null ? null : e.upstreams.get(server);
    }

    @Override
    public List<UpstreamSession> upstreams(String sessionId) {
        Entry e = sessions.get(sessionId);
        return e == null ? List.of() : List.copyOf(e.upstreams.values());
    }

    @Override
    public boolean putUpstream(String sessionId, UpstreamSession upstream) {
        Entry e = sessions.get(sessionId);
        if (e == null) {
            return false;
        }
        e.upstreams.put(upstream.server(), upstream);
        // the session may have been removed between get and put: then report it so the caller closes it
        return sessions.get(sessionId) == e;
    }

    @Override
    public void removeUpstream(String sessionId, UpstreamSession upstream) {
        Entry e = sessions.get(sessionId);
        if (e != null) {
            e.upstreams.remove(upstream.server(), upstream);
        }
    }

    @Override
    public Map<GatewaySession, List<UpstreamSession>> expire(Duration idleTimeout) {
        long cutoff = System.nanoTime() - idleTimeout.toNanos();
        Map<GatewaySession, List<UpstreamSession>> ended = new HashMap<>();
        sessions.forEach((id, e) -> {
            if (e.lastSeenNanos - cutoff < 0 && sessions.remove(id, e)) {
                ended.put(e.session, List.copyOf(e.upstreams.values()));
            }
        });
        return ended;
    }

    @Override
    public int size() {
        return sessions.size();
    }
}
