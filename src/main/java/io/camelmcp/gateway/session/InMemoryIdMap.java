package io.camelmcp.gateway.session;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

/** The single-replica {@link IdMap}: a concurrent map whose entries carry their deadline. */
public class InMemoryIdMap implements IdMap {

    private record Entry(JsonNode value, long expiresAtNanos) {
        boolean expired(long now) { return now - expiresAtNanos > 0; }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    @Override
    public void put(String key, JsonNode value, Duration ttl) {
        entries.put(key, new Entry(value, System.nanoTime() + ttl.toNanos()));
    }

    @Override
    public JsonNode get(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.expired(System.nanoTime())) {
            entries.remove(key, e);
            return null;
        }
        return e.value();
    }

    @Override
    public JsonNode take(String key) {
        Entry e = entries.remove(key);
        return e == null || e.expired(System.nanoTime()) ? null : e.value();
    }

    @Override
    public void remove(String key) {
        entries.remove(key);
    }

    @Override
    public int purgeExpired() {
        long now = System.nanoTime();
        int before = entries.size();
        entries.values().removeIf(e -> e.expired(now));
        return before - entries.size();
    }
}
