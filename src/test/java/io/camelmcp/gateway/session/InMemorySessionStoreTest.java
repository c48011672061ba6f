package io.camelmcp.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class InMemorySessionStoreTest extends SessionStoreContract {

    @Override
    protected SessionStore newStore(Duration idleTimeout) {
        return new InMemorySessionStore(idleTimeout);
    }

    /** Sessions nobody reads again are ended by the sweep of the session-expiry timer. */
    @Test
    void theSweepEndsEverySessionPastItsTtl() throws Exception {
        store.create(session("s1"));
        store.create(session("s2"));
        store.create(session("s3"));
        assertThat(store.size()).isEqualTo(3);
        Thread.sleep(TTL.toMillis() / 2);
        store.find("s3");
        Thread.sleep(TTL.toMillis() / 2 + 100);
        assertThat(store.purgeExpired()).isEqualTo(2);
        assertThat(store.size()).isEqualTo(1);
        assertThat(ended).extracting(e -> e.session().id()).containsExactlyInAnyOrder("s1", "s2");
        assertThat(store.purgeExpired()).isZero();
    }
}
