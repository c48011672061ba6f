package io.camelmcp.gateway.session;

import java.time.Duration;

/**
 * Short-lived state keyed by a typed key, each entry gone after its own TTL: what a server request, a
 * progress token or a task stands for while it runs. In memory for one replica; a shared store (Redis) lets
 * a client's answer reach any replica. Keys and values are plain records, Strings or Jackson trees: a shared
 * store writes them as JSON with Jackson, never with Java serialization, and compares keys by that form.
 */
public interface ExpiringStore<K, V> {

    /** Stores the value for {@code ttl}; returns the live value it replaced, or null. */
    V put(K key, V value, Duration ttl);

    /** The value, or null when unknown or expired. */
    V get(K key);

    /** Removes and returns the value, or null when unknown or expired: of two concurrent takes one wins. */
    V take(K key);

    void remove(K key);

    /** Gives a live entry a new TTL from now; false when it is unknown or expired. */
    boolean touch(K key, Duration ttl);

    /** Drops expired entries, for stores that do not expire them by themselves (a timer route runs it). */
    default int purgeExpired() {
        return 0;
    }
}
