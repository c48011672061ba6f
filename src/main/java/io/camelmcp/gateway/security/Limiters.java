package io.camelmcp.gateway.security;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

/**
 * The rate limiters of clients and tools, made at first use and bounded: a RateLimiterRegistry keeps every limiter it
 * ever made, and clients (addresses, identities) come and go. Once {@code max} are held, limiters idle for longer than
 * their period are dropped (after a full period unused a limiter has all its permits again: a new one is the same);
 * if all are in use, the least recently used tenth goes.
 */
final class Limiters {

    private static final class Slot {
        final RateLimiter limiter;
        /** How long unused before the slot holds nothing a new limiter would not. */
        final long idleNanos;
        volatile long used;

        Slot(RateLimiter limiter, long idleNanos) {
            this.limiter = limiter;
            this.idleNanos = idleNanos;
        }
    }

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final int max;

    Limiters(int max) {
        this.max = Math.max(1, max);
    }

    RateLimiter get(String key, RateLimiterConfig config) {
        long now = System.nanoTime();
        Slot s = slots.get(key);
        if (s == null) {
            if (slots.size() >= max) {
                evict(now);
            }
            s = slots.computeIfAbsent(key, k -> new Slot(RateLimiter.of(k, config),
                    config.getLimitRefreshPeriod().toNanos() + config.getTimeoutDuration().toNanos()));
        }
        s.used = now;
        return s.limiter;
    }

    int size() {
        return slots.size();
    }

    private synchronized void evict(long now) {
        if (slots.size() < max) {
            return; // another thread made room
        }
        slots.values().removeIf(s -> now - s.used > s.idleNanos);
        if (slots.size() >= max) {
            List<Map.Entry<String, Slot>> byUse = new ArrayList<>(slots.entrySet());
            byUse.sort(Comparator.comparingLong(e -> e.getValue().used));
            byUse.subList(0, Math.min(byUse.size(), max / 10 + 1)).forEach(e -> slots.remove(e.getKey(), e.getValue()));
        }
    }
}
