package io.camelmcp.gateway.session;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/** The single-replica {@link ExpiringStore}: a concurrent map whose entries carry their deadline. */
public class InMemoryExpiringStore<K, V> implements ExpiringStore<K, V> {

    private record Entry<V>(V value, long expiresAtNanos) {
        boolean expired(long now) { return now - expiresAtNanos > 0; }
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();

    @Override
    public V put(K key, V value, Duration ttl) {
        long now = System.nanoTime();
        Entry<V> old = entries.put(key, new Entry<>(value, now + ttl.toNanos()));
        return old == null || old.expired(now) ? null : old.value();
    }

    @Override
    public V get(K key) {
        Entry<V> e = entries.get(key);
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
    public V take(K key) {
        Entry<V> e = entries.remove(key);
        return e == null || e.expired(System.nanoTime()) ? null : e.value();
    }

    @Override
    public void remove(K key) {
        entries.remove(key);
    }

    @Override
    public boolean touch(K key, Duration ttl) {
        long now = System.nanoTime();
        return entries.computeIfPresent(key, (k, e) -> e.expired(now) ? null : new Entry<>(e.value(), now + ttl.toNanos())) != null;
    }

    @Override
    public int purgeExpired() {
        long now = System.nanoTime();
        int before = entries.size();
        entries.values().removeIf(e -> e.expired(now));
        return before - entries.size();
    }
}
