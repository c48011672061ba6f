package io.camelmcp.gateway.session;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@link SessionStore} that several replicas share: one Redis hash per session,
 * {@code <prefix>session:<id>}, with the session ({@code s}), its idle deadline ({@code exp}, Redis's own clock),
 * a version ({@code v}) that every change of what the session holds increments, the client's logging level
 * ({@code log}), the tools it selected in tool discovery ({@code sel}, a JSON array) and one field per upstream session ({@code u:<server>}), all JSON. A sorted set,
 * {@code <prefix>sessions}, orders the sessions by deadline so that some replica's sweep ends each expired one
 * exactly once (the hash outlives its deadline by a grace period for that). With a per-client limit
 * (mcp.gateway.max-sessions-per-client), {@code <prefix>client-sessions:<client>} is a sorted set of the client's
 * session ids (by creation time), and the hash's {@code c} names the client: {@link #create} counts the client's live
 * sessions by their deadlines in {@code sessions} and adds the new one in the same script; ending a session (DELETE,
 * the sweep's claim) removes it there too, and ids of sessions that ended otherwise are dropped at the client's next
 * initialize. Nothing else reads it: the client's set costs {@link #find} nothing.
 *
 * <p>Every operation is one Lua script, atomic in Redis, so one round trip. A session and what it holds are
 * cached per replica by version: {@link #find} (every request) refreshes the TTL and returns the hash only when
 * its version differs from the cached one, so that in the steady state a request costs one round trip and reads
 * of its upstream sessions none.
 */
public class RedisSessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);

    /** How long the hash of a session outlives its idle deadline: time for a sweep to see it. */
    static final Duration GRACE = Duration.ofMinutes(10);
    private static final int SWEEP_BATCH = 500;
    /** How long a cached session is used without asking Redis, outside of a request that just found it. */
    private static final long FRESH_NANOS = Duration.ofSeconds(1).toNanos();

    private static final String NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) ";
    private static final String LIVE = NOW + "local exp = redis.call('HGET', KEYS[1], 'exp') "
            + "if not exp or tonumber(exp) < now then return false end ";
    private static final String CHANGED = "redis.call('HINCRBY', KEYS[1], 'v', 1) ";

    /** KEYS: hash, zset; ARGV: id, ttl ms, grace ms, session json. */
    private static final RedisScript<Long> CREATE = RedisScript.of(NOW
            + "redis.call('DEL', KEYS[1]) "
            + "redis.call('HSET', KEYS[1], 's', ARGV[4], 'exp', now + ARGV[2], 'v', 0) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2] + ARGV[3]) "
            + "redis.call('ZADD', KEYS[2], now + ARGV[2], ARGV[1]) return 1", Long.class);

    /**
     * KEYS: hash, zset, the client's set; ARGV: id, ttl ms, grace ms, session json, max per client, client. Counts the
     * client's sessions still live by their deadlines in the zset (dropping the others from the client's set); at the
     * limit returns the milliseconds until the nearest of those deadlines, else creates the session and returns -1.
     */
    private static final RedisScript<Long> CREATE_COUNTED = RedisScript.of(NOW
            + "local live = 0 local nearest = false "
            + "for _, m in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do "
            + "  local d = redis.call('ZSCORE', KEYS[2], m) "
            + "  if d and tonumber(d) >= now then live = live + 1 "
            + "    if not nearest or tonumber(d) < nearest then nearest = tonumber(d) end "
            + "  else redis.call('ZREM', KEYS[3], m) end "
            + "end "
            + "if live >= tonumber(ARGV[5]) then return math.max(0, (nearest or now) - now) end "
            + "redis.call('DEL', KEYS[1]) "
            + "redis.call('HSET', KEYS[1], 's', ARGV[4], 'exp', now + ARGV[2], 'v', 0, 'c', ARGV[6]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2] + ARGV[3]) "
            + "redis.call('ZADD', KEYS[2], now + ARGV[2], ARGV[1]) "
            + "redis.call('ZADD', KEYS[3], now, ARGV[1]) return -1", Long.class);

    /**
     * Of an ending session's hash (its fields in {@code h}, its id ARGV[1]): removes it from its client's set, named by
     * its {@code c} field and the key prefix ARGV[2] (a key the script derives: the store needs one Redis, no cluster).
     */
    private static final String UNCOUNT = "for i = 1, #h, 2 do if h[i] == 'c' then "
            + "redis.call('ZREM', ARGV[2] .. 'client-sessions:' .. h[i + 1], ARGV[1]) end end ";

    /**
     * KEYS: hash, zset; ARGV: id, ttl ms, grace ms, cached version ('' for none). Refreshes the deadline; returns
     * nothing when the session is gone, {version} when the cached one is current, else {version, field, value...}.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> FIND = RedisScript.of(LIVE
            + "local e = now + ARGV[2] "
            + "redis.call('HSET', KEYS[1], 'exp', e) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2] + ARGV[3]) "
            + "redis.call('ZADD', KEYS[2], e, ARGV[1]) "
            + "local v = redis.call('HGET', KEYS[1], 'v') "
            + "if v == ARGV[4] then return {v} end "
            + "local out = redis.call('HGETALL', KEYS[1]) table.insert(out, 1, v) return out", List.class);

    /** KEYS: hash; ARGV: cached version. As {@link #FIND} without refreshing the deadline. */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> PEEK = RedisScript.of(LIVE
            + "local v = redis.call('HGET', KEYS[1], 'v') "
            + "if v == ARGV[1] then return {v} end "
            + "local out = redis.call('HGETALL', KEYS[1]) table.insert(out, 1, v) return out", List.class);

    /**
     * KEYS: hash, zset; ARGV: id, key prefix. Deletes a live session; returns its fields, empty when it was unknown or past its
     * deadline (then the sweep ends it, as an expired one).
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> REMOVE = RedisScript.of(NOW
            + "local exp = redis.call('HGET', KEYS[1], 'exp') "
            + "if not exp or tonumber(exp) < now then return {} end "
            + "local h = redis.call('HGETALL', KEYS[1]) redis.call('DEL', KEYS[1]) redis.call('ZREM', KEYS[2], ARGV[1]) "
            + UNCOUNT + "return h", List.class);

    /**
     * KEYS: hash, zset; ARGV: id, key prefix. The sweep's claim on a session past its deadline: only the replica whose ZREM
     * succeeds ends it. Returns its fields; empty when it is not expired or another replica was first.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> CLAIM = RedisScript.of(NOW
            + "local score = redis.call('ZSCORE', KEYS[2], ARGV[1]) "
            + "if not score or tonumber(score) >= now then return {} end "
            + "local exp = redis.call('HGET', KEYS[1], 'exp') "
            + "if exp and tonumber(exp) >= now then return {} end "
            + "redis.call('ZREM', KEYS[2], ARGV[1]) "
            + "local h = redis.call('HGETALL', KEYS[1]) redis.call('DEL', KEYS[1]) " + UNCOUNT + "return h", List.class);

    /** KEYS: hash; ARGV: field, json. Returns the json kept: the new one, the earlier one, or nothing (ended). */
    private static final RedisScript<String> PUT_IF_ABSENT = RedisScript.of(LIVE
            + "if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then " + CHANGED + "return ARGV[2] end "
            + "return redis.call('HGET', KEYS[1], ARGV[1])", String.class);

    /** KEYS: hash; ARGV: field, expected json, replacement json ('' removes). Returns 1 when changed. */
    private static final RedisScript<Long> REPLACE = RedisScript.of(LIVE
            + "if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end "
            + "if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) "
            + "else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end " + CHANGED + "return 1", Long.class);

    /** KEYS: hash; ARGV: level. Returns 1 when set, nothing when the session is gone. */
    private static final RedisScript<Long> SET_LEVEL = RedisScript.of(LIVE
            + "redis.call('HSET', KEYS[1], 'log', ARGV[1]) " + CHANGED + "return 1", Long.class);

    /** KEYS: hash; ARGV: the selected tools (JSON array). Returns 1 when set, nothing when the session is gone. */
    private static final RedisScript<Long> SET_SELECTED = RedisScript.of(LIVE
            + "redis.call('HSET', KEYS[1], 'sel', ARGV[1]) " + CHANGED + "return 1", Long.class);

    /** What this replica knows of a session, as of a version. */
    private record Cached(String version, GatewaySession session, Map<String, UpstreamSession> upstreams,
                          String loggingLevel, List<String> selectedTools, long checkedAtNanos) {
        Cached checked(long now) {
            return new Cached(version, session, upstreams, loggingLevel, selectedTools, now);
        }
    }

    private final StringRedisTemplate redis;
    private final ObjectMapper mapper;
    private final StoreOutage outage;
    private final String prefix;
    private final String zset;
    private final String ttlMillis;
    private final long ttlNanos;
    private final String graceMillis = Long.toString(GRACE.toMillis());
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final List<Consumer<EndedSession>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param prefix      of every key (mcp.gateway.redis.key-prefix, {@code mcp-gateway:})
     * @param idleTimeout how long a session lives after its last use
     */
    public RedisSessionStore(StringRedisTemplate redis, ObjectMapper mapper, StoreOutage outage, String prefix,
                             Duration idleTimeout) {
        this.redis = redis;
        this.mapper = mapper;
        this.outage = outage;
        this.prefix = prefix;
        this.zset = prefix + "sessions";
        this.ttlMillis = Long.toString(Math.max(1, idleTimeout.toMillis()));
        this.ttlNanos = idleTimeout.toNanos();
    }

    private String key(String id) {
        return prefix + "session:" + id;
    }

    @Override
    public Duration create(GatewaySession session, String client, int maxPerClient) {
        String json = write(session);
        if (client == null || maxPerClient <= 0) {
            outage.call(() -> redis.execute(CREATE, List.of(key(session.id()), zset), session.id(), ttlMillis, graceMillis, json));
        } else {
            // the count and the creation in one script: still one round trip per initialize, right across replicas
            Long refused = outage.call(() -> redis.execute(CREATE_COUNTED,
                    List.of(key(session.id()), zset, prefix + "client-sessions:" + client),
                    session.id(), ttlMillis, graceMillis, json, Integer.toString(maxPerClient), client));
            if (refused != null && refused >= 0) {
                return Duration.ofMillis(refused);
            }
        }
        cache.put(session.id(), new Cached("0", session, Map.of(), null, List.of(), System.nanoTime()));
        return null;
    }

    @Override
    public GatewaySession find(String id) {
        Cached c = refresh(id, true);
        return c == null ? null : c.session();
    }

    @Override
    public boolean touch(String id) {
        return refresh(id, true) != null;
    }

    /** The session as of now (one round trip), refreshing its deadline when {@code use}. */
    @SuppressWarnings("unchecked")
    private Cached refresh(String id, boolean use) {
        Cached c = cache.get(id);
        String known = c == null ? "" : c.version();
        List<Object> reply = outage.call(() -> use
                ? redis.execute(FIND, List.of(key(id), zset), id, ttlMillis, graceMillis, known)
                : redis.execute(PEEK, List.of(key(id)), known));
        long now = System.nanoTime();
        if (reply == null || reply.isEmpty() || reply.get(0) == null) { // Lua's false comes as [null]
            if (c != null) {
                cache.remove(id, c);
            }
            return null;
        }
        Cached fresh = reply.size() == 1 && c != null ? c.checked(now) : parse(reply, 1, now);
        if (fresh != null) {
            cache.put(id, fresh);
        }
        return fresh;
    }

    /** A cached session recently checked, or the session as Redis has it now (without refreshing its TTL). */
    private Cached current(String id) {
        Cached c = cache.get(id);
        if (c != null && System.nanoTime() - c.checkedAtNanos() < FRESH_NANOS) {
            return c;
        }
        return refresh(id, false);
    }

    /** Reads a session from its hash fields (field, value, ...) starting at {@code from}; its version comes first. */
    private Cached parse(List<Object> reply, int from, long now) {
        String version = from > 0 ? String.valueOf(reply.get(0)) : null;
        GatewaySession session = null;
        Map<String, UpstreamSession> upstreams = new HashMap<>();
        String level = null;
        List<String> selected = List.of();
        for (int i = from; i + 1 < reply.size(); i += 2) {
            String field = String.valueOf(reply.get(i));
            String value = String.valueOf(reply.get(i + 1));
            switch (field) {
                case "s" -> session = read(value, GatewaySession.class);
                case "log" -> level = value;
                case "sel" -> {
                    String[] names = read(value, String[].class);
                    selected = names == null ? List.of() : List.of(names);
                }
                case "v" -> version = version == null ? value : version;
                default -> {
                    if (field.startsWith("u:")) {
                        UpstreamSession u = read(value, UpstreamSession.class);
                        if (u != null) {
                            upstreams.put(u.server(), u);
                        }
                    }
                }
            }
        }
        return session == null ? null : new Cached(version, session, Map.copyOf(upstreams), level, selected, now);
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean remove(String id) {
        List<Object> fields = outage.call(() -> redis.execute(REMOVE, List.of(key(id), zset), id, prefix));
        cache.remove(id);
        Cached gone = fields == null || fields.isEmpty() || fields.get(0) == null ? null : parse(fields, 0, 0);
        if (gone == null) {
            return false;
        }
        ended(gone, false);
        return true;
    }

    @Override
    public UpstreamSession upstream(String sessionId, String server) {
        Cached c = current(sessionId);
        return c == null ? null : c.upstreams().get(server);
    }

    @Override
    public List<UpstreamSession> upstreams(String sessionId) {
        Cached c = current(sessionId);
        return c == null ? List.of() : List.copyOf(c.upstreams().values());
    }

    @Override
    public UpstreamSession putUpstreamIfAbsent(String sessionId, UpstreamSession upstream) {
        String json = write(upstream);
        String kept = outage.call(() -> redis.execute(PUT_IF_ABSENT, List.of(key(sessionId)), "u:" + upstream.server(), json));
        cache.remove(sessionId); // changed or not, the next read asks Redis
        if (kept == null) {
            return null;
        }
        return kept.equals(json) ? upstream : read(kept, UpstreamSession.class);
    }

    @Override
    public boolean replaceUpstream(String sessionId, UpstreamSession expected, UpstreamSession replacement) {
        if (!expected.server().equals(replacement.server())) {
            throw new IllegalArgumentException("an upstream session is replaced by one with the same server");
        }
        return change(sessionId, expected, write(replacement));
    }

    @Override
    public boolean removeUpstream(String sessionId, UpstreamSession expected) {
        return change(sessionId, expected, "");
    }

    private boolean change(String sessionId, UpstreamSession expected, String replacement) {
        Long changed = outage.call(() -> redis.execute(REPLACE, List.of(key(sessionId)), "u:" + expected.server(),
                write(expected), replacement));
        cache.remove(sessionId);
        return changed != null && changed == 1;
    }

    @Override
    public boolean setLoggingLevel(String sessionId, String level) {
        Long set = outage.call(() -> redis.execute(SET_LEVEL, List.of(key(sessionId)), level));
        cache.remove(sessionId);
        return set != null && set == 1;
    }

    @Override
    public String loggingLevel(String sessionId) {
        Cached c = current(sessionId);
        return c == null ? null : c.loggingLevel();
    }

    @Override
    public boolean setSelectedTools(String sessionId, List<String> tools) {
        String json = write(List.copyOf(tools));
        Long set = outage.call(() -> redis.execute(SET_SELECTED, List.of(key(sessionId)), json));
        cache.remove(sessionId);
        return set != null && set == 1;
    }

    @Override
    public List<String> selectedTools(String sessionId) {
        Cached c = current(sessionId);
        return c == null ? List.of() : c.selectedTools();
    }

    @Override
    public void onEnded(Consumer<EndedSession> listener) {
        listeners.add(listener);
    }

    /**
     * Ends the sessions past their deadline, each on the one replica whose claim succeeds, and forgets cached
     * sessions nobody asked for within a TTL (ended elsewhere, or simply idle here).
     */
    @Override
    @SuppressWarnings("unchecked")
    public int purgeExpired() {
        int ended = 0;
        int batch;
        java.util.Set<String> due;
        do { // in batches while full ones end sessions (the claim script decides by Redis's clock, not this JVM's)
            long nowMillis = System.currentTimeMillis();
            due = outage.call(() -> redis.opsForZSet().rangeByScore(zset, Double.NEGATIVE_INFINITY, nowMillis, 0, SWEEP_BATCH));
            batch = sweep(due == null ? java.util.Set.of() : due);
            ended += batch;
        } while (due != null && due.size() == SWEEP_BATCH && batch > 0);
        long now = System.nanoTime();
        cache.values().removeIf(c -> now - c.checkedAtNanos() > ttlNanos);
        return ended;
    }

    @SuppressWarnings("unchecked")
    private int sweep(java.util.Set<String> due) {
        int ended = 0;
        for (String id : due) {
            List<Object> fields = outage.call(() -> redis.execute(CLAIM, List.of(key(id), zset), id, prefix));
            cache.remove(id);
            Cached gone = fields == null || fields.isEmpty() ? null : parse(fields, 0, 0);
            if (fields != null && !fields.isEmpty()) {
                ended++;
                if (gone != null) {
                    ended(gone, true);
                }
            }
        }
        return ended;
    }

    /** Sessions not yet past their deadline (sessions of every replica). */
    @Override
    public int size() {
        Long n = outage.call(() -> redis.opsForZSet().count(zset, System.currentTimeMillis(), Double.POSITIVE_INFINITY));
        return n == null ? 0 : n.intValue();
    }

    /** This replica's cache: the sessions it created or served within a TTL (a write drops one until its next use). */
    @Override
    public List<GatewaySession> localSessions() {
        return cache.values().stream().map(Cached::session).toList();
    }

    @Override
    public void forget(String sessionId) {
        cache.remove(sessionId);
    }

    @Override
    public String describe() {
        return outage.store();
    }

    /** Throws when Redis does not answer a PING (the readiness check). */
    @Override
    public void check() {
        outage.call(() -> redis.execute((org.springframework.data.redis.core.RedisCallback<String>) c -> c.ping()));
    }

    private void ended(Cached c, boolean expired) {
        EndedSession e = new EndedSession(c.session(), List.copyOf(c.upstreams().values()), expired);
        for (Consumer<EndedSession> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                LOG.warn("A listener failed on the end of a session: {}", ex.toString());
            }
        }
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private <T> T read(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (IOException e) {
            LOG.warn("Unreadable {} in the session store, ignored: {}", type.getSimpleName(), e.getMessage());
            return null;
        }
    }
}
