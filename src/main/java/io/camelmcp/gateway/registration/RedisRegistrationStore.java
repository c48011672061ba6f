package io.camelmcp.gateway.registration;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.session.StoreOutage;

/**
 * The {@link RegistrationStore} that several replicas share, in five keys under the gateway's key prefix
 * ({@code mcp.gateway.redis.key-prefix}, {@code mcp-gateway:}):
 * <ul>
 * <li>{@code <prefix>registrations}: a hash, id → the {@link Registration} as JSON;</li>
 * <li>{@code <prefix>registrations:names}: a hash, name → id (the uniqueness of names);</li>
 * <li>{@code <prefix>registrations:prefixes}: a hash, prefix → id (the uniqueness of prefixes);</li>
 * <li>{@code <prefix>registrations:heartbeats}: a hash, id → the last heartbeat in epoch milliseconds (kept to the
 * millisecond);</li>
 * <li>{@code <prefix>registrations:version}: a string, incremented by every add, replace and remove (not by
 * heartbeats). Its first value is Redis's clock in milliseconds, not 1, so that a Redis emptied (restarted without
 * persistence) does not count again through versions a replica has already seen.</li>
 * </ul>
 *
 * <p>Every write (add, replace, remove, heartbeat, removeIfStale) is one Lua script, atomic in Redis, so names and
 * prefixes are unique across replicas, a replace frees the name and prefix it gave up, a heartbeat only moves
 * forward and only for a registration that exists, and of replicas removing one stale registration at once exactly
 * one succeeds. Reads are single commands. The scripts touch all five keys: a standalone or Sentinel Redis, not a
 * Cluster (refused by the Redis configuration). Every Redis failure becomes the gateway's 503 through the
 * {@link StoreOutage}, logged once per outage.
 */
public class RedisRegistrationStore implements RegistrationStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRegistrationStore.class);

    /** KEYS[5]: the version, seeded from Redis's clock when absent. */
    private static final String BUMP = "local function bump() "
            + "if redis.call('EXISTS', KEYS[5]) == 0 then local t = redis.call('TIME') "
            + "redis.call('SET', KEYS[5], t[1] .. string.format('%03d', math.floor(tonumber(t[2]) / 1000))) end "
            + "redis.call('INCR', KEYS[5]) end ";

    /** Frees the name and prefix of the registration stored as {@code json} (the index entries that are its). */
    private static final String FREE = "local function free(id, json) "
            + "local ok, old = pcall(cjson.decode, json) "
            + "if not ok or type(old) ~= 'table' then return end "
            + "if type(old.name) == 'string' and redis.call('HGET', KEYS[2], old.name) == id then "
            + "redis.call('HDEL', KEYS[2], old.name) end "
            + "if type(old.prefix) == 'string' and redis.call('HGET', KEYS[3], old.prefix) == id then "
            + "redis.call('HDEL', KEYS[3], old.prefix) end end ";

    /** ARGV: id, name, prefix. Returns the refusal, or nothing when another registration has neither. */
    private static final String TAKEN = "local function taken() "
            + "local n = redis.call('HGET', KEYS[2], ARGV[2]) if n and n ~= ARGV[1] then return 'NAME_TAKEN' end "
            + "local p = redis.call('HGET', KEYS[3], ARGV[3]) if p and p ~= ARGV[1] then return 'PREFIX_TAKEN' end "
            + "return nil end ";

    /** ARGV: id, name, prefix, json. Stores the registration, indexed, in place of any with its id. */
    private static final String PUT = "local function put() "
            + "local old = redis.call('HGET', KEYS[1], ARGV[1]) if old then free(ARGV[1], old) end "
            + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[4]) "
            + "redis.call('HSET', KEYS[2], ARGV[2], ARGV[1]) "
            + "redis.call('HSET', KEYS[3], ARGV[3], ARGV[1]) bump() end ";

    /** ARGV: id. Removes the registration and its heartbeat; returns 1 when there was one. */
    private static final String DELETE = "local function delete() "
            + "redis.call('HDEL', KEYS[4], ARGV[1]) "
            + "local old = redis.call('HGET', KEYS[1], ARGV[1]) if not old then return 0 end "
            + "free(ARGV[1], old) redis.call('HDEL', KEYS[1], ARGV[1]) bump() return 1 end ";

    private static final String FUNCTIONS = BUMP + FREE + TAKEN + PUT + DELETE;

    /** KEYS: registrations, names, prefixes, heartbeats, version; ARGV: id, name, prefix, json, heartbeat ms. */
    private static final RedisScript<String> ADD = RedisScript.of(FUNCTIONS
            + "local t = taken() if t then return t end "
            + "put() redis.call('HSET', KEYS[4], ARGV[1], ARGV[5]) return 'DONE'", String.class);

    /** KEYS: as {@link #ADD}; ARGV: id, name, prefix, json. */
    private static final RedisScript<String> REPLACE = RedisScript.of(FUNCTIONS
            + "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 'UNKNOWN' end "
            + "local t = taken() if t then return t end "
            + "put() return 'DONE'", String.class);

    /** KEYS: as {@link #ADD}; ARGV: id. Returns 1 when removed. */
    private static final RedisScript<Long> REMOVE = RedisScript.of(FUNCTIONS + "return delete()", Long.class);

    /** KEYS: as {@link #ADD}; ARGV: id, stale-before ms. Removes the registration when its last heartbeat is older. */
    private static final RedisScript<Long> REMOVE_IF_STALE = RedisScript.of(FUNCTIONS
            + "local last = redis.call('HGET', KEYS[4], ARGV[1]) "
            + "if not last or tonumber(last) >= tonumber(ARGV[2]) then return 0 end "
            + "return delete()", Long.class);

    /** KEYS: registrations, heartbeats; ARGV: id, ms. Returns 1 when the registration exists (moved forward or not). */
    private static final RedisScript<Long> HEARTBEAT = RedisScript.of(
            "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end "
            + "local last = redis.call('HGET', KEYS[2], ARGV[1]) "
            + "if not last or tonumber(last) < tonumber(ARGV[2]) then redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) end "
            + "return 1", Long.class);

    private final StringRedisTemplate redis;
    private final ObjectMapper mapper;
    private final StoreOutage outage;
    private final String registrations;
    private final String heartbeatsKey;
    private final String versionKey;
    private final List<String> keys;
    /** The ids whose stored value was unreadable when last read: logged once, not on every poll. */
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();

    /**
     * @param mapper    Spring Boot's (with the Java time module)
     * @param outage    the Redis store's, shared with the session store
     * @param keyPrefix of every key (mcp.gateway.redis.key-prefix, {@code mcp-gateway:})
     */
    public RedisRegistrationStore(StringRedisTemplate redis, ObjectMapper mapper, StoreOutage outage, String keyPrefix) {
        this.redis = redis;
        this.mapper = mapper;
        this.outage = outage;
        this.registrations = keyPrefix + "registrations";
        this.heartbeatsKey = registrations + ":heartbeats";
        this.versionKey = registrations + ":version";
        this.keys = List.of(registrations, registrations + ":names", registrations + ":prefixes", heartbeatsKey,
                versionKey);
    }

    @Override
    public Outcome add(Registration r, Instant at) {
        String json = write(r);
        String millis = Long.toString(at.toEpochMilli());
        return outcome(outage.call(() -> redis.execute(ADD, keys, r.id(), r.name(), r.prefix(), json, millis)));
    }

    @Override
    public Registration get(String id) {
        Object json = outage.call(() -> redis.opsForHash().get(registrations, id));
        return json == null ? null : read(id, json.toString());
    }

    @Override
    public Outcome replace(Registration r) {
        String json = write(r);
        return outcome(outage.call(() -> redis.execute(REPLACE, keys, r.id(), r.name(), r.prefix(), json)));
    }

    @Override
    public boolean remove(String id) {
        return one(outage.call(() -> redis.execute(REMOVE, keys, id)));
    }

    @Override
    public boolean heartbeat(String id, Instant at) {
        String millis = Long.toString(at.toEpochMilli());
        return one(outage.call(() -> redis.execute(HEARTBEAT, List.of(registrations, heartbeatsKey), id, millis)));
    }

    @Override
    public List<Registration> all() {
        Map<Object, Object> entries = outage.call(() -> redis.opsForHash().entries(registrations));
        List<Registration> all = new ArrayList<>(entries.size());
        for (Map.Entry<Object, Object> e : entries.entrySet()) {
            Registration r = read(e.getKey().toString(), e.getValue().toString());
            if (r != null) {
                all.add(r);
            }
        }
        unreadable.retainAll(entries.keySet()); // one removed (or written again unreadable later) is logged again
        return List.copyOf(all);
    }

    @Override
    public Map<String, Instant> heartbeats() {
        Map<Object, Object> entries = outage.call(() -> redis.opsForHash().entries(heartbeatsKey));
        Map<String, Instant> heartbeats = new HashMap<>(entries.size());
        for (Map.Entry<Object, Object> e : entries.entrySet()) {
            try {
                heartbeats.put(e.getKey().toString(), Instant.ofEpochMilli(Long.parseLong(e.getValue().toString())));
            } catch (NumberFormatException ex) {
                LOG.warn("An unreadable heartbeat of registration {} in the store was ignored: {}", e.getKey(),
                        e.getValue());
            }
        }
        return Map.copyOf(heartbeats);
    }

    @Override
    public long version() {
        String v = outage.call(() -> redis.opsForValue().get(versionKey));
        return v == null ? 0 : Long.parseLong(v);
    }

    @Override
    public boolean removeIfStale(String id, Instant staleBefore) {
        String millis = Long.toString(staleBefore.toEpochMilli());
        return one(outage.call(() -> redis.execute(REMOVE_IF_STALE, keys, id, millis)));
    }

    /** Throws (the gateway's 503) when Redis does not answer a PING. */
    @Override
    public void check() {
        outage.call(() -> redis.execute((RedisCallback<String>) RedisConnection::ping));
    }

    private static Outcome outcome(String reply) {
        if (reply == null) {
            throw new IllegalStateException("the registration script answered nothing");
        }
        return Outcome.valueOf(reply);
    }

    private static boolean one(Long reply) {
        return reply != null && reply == 1;
    }

    private String write(Registration r) {
        try {
            return mapper.writeValueAsString(r);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write registration " + r.id() + " as JSON", e);
        }
    }

    private Registration read(String id, String json) {
        try {
            Registration r = mapper.readValue(json, Registration.class);
            unreadable.remove(id);
            return r;
        } catch (IOException e) {
            // e.g. written by another version of the gateway: as good as absent, not a failure of every read
            if (unreadable.add(id)) {
                LOG.warn("An unreadable registration {} in the store was ignored: {}", id, e.getMessage());
            }
            return null;
        }
    }
}
