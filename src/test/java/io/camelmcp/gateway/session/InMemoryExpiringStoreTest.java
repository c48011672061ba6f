package io.camelmcp.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InMemoryExpiringStoreTest extends ExpiringStoreContract {

    @Override
    protected <K, V> ExpiringStore<K, V> newStore(String name, Class<K> keyType, Class<V> valueType) {
        return new InMemoryExpiringStore<>();
    }

    /** Entries nobody reads again are dropped by the id-expiry timer's sweep. */
    @Test
    void theSweepDropsEveryEntryPastItsTtl() throws Exception {
        ExpiringStore<String, String> store = newStore("plain", String.class, String.class);
        store.put("a", "1", TTL);
        store.put("b", "2", TTL);
        store.put("c", "3", LONG);
        Thread.sleep(TTL.toMillis() * 2);
        assertThat(store.purgeExpired()).isEqualTo(2);
        assertThat(store.purgeExpired()).isZero();
        assertThat(store.get("c")).isEqualTo("3");
    }
}
