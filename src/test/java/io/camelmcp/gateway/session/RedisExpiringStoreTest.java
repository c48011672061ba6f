package io.camelmcp.gateway.session;

import java.util.concurrent.atomic.AtomicInteger;

import io.camelmcp.gateway.support.RedisFixture;

/** The Redis expiring store against a real redis-server, under the in-memory store's contract. */
class RedisExpiringStoreTest extends ExpiringStoreContract {

    private static final AtomicInteger TESTS = new AtomicInteger();
    /** One key prefix per test (the tests share one redis-server); the stores of a test share it, as a gateway's do. */
    private final String prefix = "expiring" + TESTS.incrementAndGet() + ":";

    @Override
    protected <K, V> ExpiringStore<K, V> newStore(String name, Class<K> keyType, Class<V> valueType) {
        return new RedisExpiringStore<>(RedisFixture.template(), RedisFixture.mapper(), new StoreOutage("Redis (test)"),
                prefix, name, valueType);
    }
}
