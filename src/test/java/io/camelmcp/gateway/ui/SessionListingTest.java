package io.camelmcp.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.camelmcp.gateway.session.GatewaySession;
import io.camelmcp.gateway.session.InMemorySessionStore;
import io.camelmcp.gateway.session.RedisSessionStore;
import io.camelmcp.gateway.session.StoreOutage;
import io.camelmcp.gateway.support.RedisFixture;

/**
 * The sessions the status page lists ({@code SessionStore.localSessions}): this replica's view, read without a store
 * round trip. In memory that is every live session; with Redis the ones this replica created or served lately.
 */
class SessionListingTest {

    @Test
    void inMemoryEveryLiveSessionIsListedAndNoEndedOrExpiredOne() throws Exception {
        InMemorySessionStore store = new InMemorySessionStore(Duration.ofMillis(300));
        store.create(session("a"));
        store.create(session("b"));
        assertThat(store.localSessions()).extracting(GatewaySession::id).containsExactlyInAnyOrder("a", "b");
        store.remove("a");
        assertThat(store.localSessions()).extracting(GatewaySession::id).containsExactly("b");
        Thread.sleep(400);
        assertThat(store.localSessions()).as("expired, not swept yet").isEmpty();
    }

    @Test
    void withRedisEachReplicaListsTheSessionsItCreatedOrServed() {
        String prefix = "ui-listing-" + System.nanoTime() + ":";
        RedisSessionStore a = redis(prefix);
        RedisSessionStore b = redis(prefix);
        a.create(session("s1"));
        assertThat(a.localSessions()).extracting(GatewaySession::id).containsExactly("s1");
        assertThat(b.localSessions()).as("another replica's session, never served here").isEmpty();
        assertThat(b.size()).as("the count is the store's: every replica's").isEqualTo(1);
        b.find("s1");
        assertThat(b.localSessions()).extracting(GatewaySession::id).containsExactly("s1");
        a.remove("s1");
        assertThat(a.localSessions()).isEmpty();
    }

    static RedisSessionStore redis(String prefix) {
        return new RedisSessionStore(RedisFixture.template(), RedisFixture.mapper(), new StoreOutage("Redis (test)"),
                prefix, Duration.ofMinutes(1));
    }

    static GatewaySession session(String id) {
        return new GatewaySession(id, "2025-11-25", JsonNodeFactory.instance.objectNode(), null, Instant.now());
    }
}
