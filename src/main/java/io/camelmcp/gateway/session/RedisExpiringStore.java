package io.camelmcp.gateway.session;

import java.io.IOException;
import java.time.Duration;

import org.springframework.data.redis.core.StringRedisTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@link ExpiringStore} that several replicas share: one Redis string per entry,
 * {@code <prefix><name>:<key as JSON>}, its value as JSON, expired by Redis itself (PX). Each operation is one
 * command: SET … GET, GET, GETDEL (of two concurrent takes one gets the value), DEL, PEXPIRE.
 */
public class RedisExpiringStore<K, V> implements ExpiringStore<K, V> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RedisExpiringStore.class);

    private final StringRedisTemplate redis;
    private final ObjectMapper mapper;
    private final StoreOutage outage;
    private final String prefix;
    private final Class<V> valueType;

    /** @param name what the store holds, part of its keys (e.g. "pending"): stores of the same types do not share keys */
    public RedisExpiringStore(StringRedisTemplate redis, ObjectMapper mapper, StoreOutage outage, String keyPrefix,
                              String name, Class<V> valueType) {
        this.redis = redis;
        this.mapper = mapper;
        this.outage = outage;
        this.prefix = keyPrefix + name + ":";
        this.valueType = valueType;
    }

    private String key(K key) {
        return prefix + write(key);
    }

    @Override
    public V put(K key, V value, Duration ttl) {
        String k = key(key);
        String v = write(value);
        return read(outage.call(() -> redis.opsForValue().setGet(k, v, positive(ttl))));
    }

    @Override
    public V get(K key) {
        String k = key(key);
        return read(outage.call(() -> redis.opsForValue().get(k)));
    }

    @Override
    public V take(K key) {
        String k = key(key);
        return read(outage.call(() -> redis.opsForValue().getAndDelete(k)));
    }

    @Override
    public void remove(K key) {
        String k = key(key);
        outage.call(() -> redis.delete(k));
    }

    @Override
    public boolean touch(K key, Duration ttl) {
        String k = key(key);
        return Boolean.TRUE.equals(outage.call(() -> redis.expire(k, positive(ttl))));
    }

    private static Duration positive(Duration ttl) {
        return ttl.toMillis() < 1 ? Duration.ofMillis(1) : ttl;
    }

    private String write(Object o) {
        try {
            return mapper.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + o.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private V read(String json) {
        if (json == null) {
            return null;
        }
        try {
            return mapper.readValue(json, valueType);
        } catch (IOException e) {
            // e.g. written by another version of the gateway: as good as absent, not a failure of the request
            LOG.warn("An unreadable {} in the store was ignored: {}", valueType.getSimpleName(), e.getMessage());
            return null;
        }
    }
}
