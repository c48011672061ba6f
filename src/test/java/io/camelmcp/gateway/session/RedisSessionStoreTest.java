package io.camelmcp.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.camelmcp.gateway.support.RedisFixture;

/** The Redis session store against a real redis-server: the in-memory store's contract, and what sharing adds. */
class RedisSessionStoreTest extends SessionStoreContract {

    private static final AtomicInteger STORES = new AtomicInteger();

    @Override
    protected SessionStore newStore(Duration idleTimeout) {
        // a key prefix of each test's own: the tests share one redis-server
        return store("test" + STORES.incrementAndGet() + ":", idleTimeout);
    }

    private static RedisSessionStore store(String prefix, Duration idleTimeout) {
        return new RedisSessionStore(RedisFixture.template(), RedisFixture.mapper(),
                new StoreOutage("Redis (test)"), prefix, idleTimeout);
    }

    @Test
    void twoReplicasShareASessionAndWhatItHolds() {
        String prefix = "shared" + STORES.incrementAndGet() + ":";
        RedisSessionStore a = store(prefix, Duration.ofMinutes(1));
        RedisSessionStore b = store(prefix, Duration.ofMinutes(1));
        GatewaySession s = session("s1");
        a.create(s);
        assertThat(b.find("s1")).isEqualTo(s);
        UpstreamSession up = upstream("x", "up-1");
        assertThat(b.putUpstreamIfAbsent("s1", up)).isSameAs(up);
        assertThat(a.find("s1")).isEqualTo(s);
        assertThat(a.upstream("s1", "x")).isEqualTo(up);
        // replaced on a: b's next request sees the replacement, not its cached copy
        UpstreamSession fresh = upstream("x", "up-2");
        assertThat(a.replaceUpstream("s1", a.upstream("s1", "x"), fresh)).isTrue();
        assertThat(b.find("s1")).isNotNull();
        assertThat(b.upstream("s1", "x")).isEqualTo(fresh);
        assertThat(a.setLoggingLevel("s1", "debug")).isTrue();
        b.find("s1");
        assertThat(b.loggingLevel("s1")).isEqualTo("debug");
        // a selection made on b (tool discovery) holds on a at its next request, and the other way round
        assertThat(b.setSelectedTools("s1", java.util.List.of("e_get-sum", "wx_forecast"))).isTrue();
        a.find("s1");
        assertThat(a.selectedTools("s1")).containsExactly("e_get-sum", "wx_forecast");
        assertThat(a.setSelectedTools("s1", java.util.List.of("wx_forecast"))).isTrue();
        b.find("s1");
        assertThat(b.selectedTools("s1")).containsExactly("wx_forecast");
        // ended on b: a's next request does not find it
        assertThat(b.remove("s1")).isTrue();
        assertThat(a.find("s1")).isNull();
        assertThat(a.remove("s1")).isFalse();
    }

    @Test
    void aSessionsVirtualServerAndOwnerReachTheOtherReplica() {
        String prefix = "virtual" + STORES.incrementAndGet() + ":";
        RedisSessionStore a = store(prefix, Duration.ofMinutes(1));
        RedisSessionStore b = store(prefix, Duration.ofMinutes(1));
        GatewaySession base = session("s1");
        GatewaySession s = new GatewaySession(base.id(), base.protocolVersion(), base.clientCapabilities(),
                base.clientInfo(), base.createdAt(), "key:ci-agent", "mcp-system/dev-tools");
        a.create(s);
        assertThat(b.find("s1")).isEqualTo(s);
        assertThat(b.find("s1").virtualServer()).isEqualTo("mcp-system/dev-tools");
    }

    @Test
    void ofTwoReplicasSweepingOneEndsAnExpiredSession() throws Exception {
        String prefix = "sweep" + STORES.incrementAndGet() + ":";
        RedisSessionStore a = store(prefix, TTL);
        RedisSessionStore b = store(prefix, TTL);
        AtomicInteger endedA = new AtomicInteger();
        AtomicInteger endedB = new AtomicInteger();
        a.onEnded(e -> endedA.incrementAndGet());
        b.onEnded(e -> endedB.incrementAndGet());
        a.create(session("s1"));
        a.create(session("s2"));
        assertThat(b.size()).isEqualTo(2);
        Thread.sleep(TTL.toMillis() + 100);
        assertThat(a.purgeExpired() + b.purgeExpired()).isEqualTo(2);
        assertThat(endedA.get() + endedB.get()).isEqualTo(2);
        assertThat(a.size()).isZero();
    }

    @Test
    void valuesAreJson() {
        String prefix = "json" + STORES.incrementAndGet() + ":";
        RedisSessionStore a = store(prefix, Duration.ofMinutes(1));
        a.create(session("s1"));
        a.putUpstreamIfAbsent("s1", upstream("x", "up-1"));
        a.setSelectedTools("s1", java.util.List.of("e_get-sum"));
        var hash = RedisFixture.template().opsForHash().entries(prefix + "session:s1");
        assertThat(hash.get("s").toString()).startsWith("{\"id\":\"s1\"");
        assertThat(hash.get("u:x").toString()).contains("\"sessionId\":\"up-1\"");
        assertThat(hash.get("sel")).hasToString("[\"e_get-sum\"]");
        assertThat(RedisFixture.template().getExpire(prefix + "session:s1")).isPositive();
    }

    @Test
    void replicasShareEachClientsCountAndItsKeyGoesWithItsLastSession() throws Exception {
        String prefix = "clients" + STORES.incrementAndGet() + ":";
        RedisSessionStore a = store(prefix, Duration.ofMinutes(1));
        RedisSessionStore b = store(prefix, TTL);
        assertThat(a.create(session("c1"), "10.0.0.1", 3)).isNull();
        assertThat(b.create(session("c2"), "10.0.0.1", 3)).isNull();
        assertThat(a.create(session("c3"), "10.0.0.1", 3)).isNull();
        Duration wait = b.create(session("c4"), "10.0.0.1", 3);
        assertThat(wait).as("c2's deadline, b's TTL away").isNotNull().isLessThanOrEqualTo(TTL);
        assertThat(RedisFixture.template().opsForHash().get(prefix + "session:c1", "c")).isEqualTo("10.0.0.1");
        assertThat(RedisFixture.template().opsForZSet().size(prefix + "client-sessions:10.0.0.1")).isEqualTo(3);
        // ended on one replica, the slot is free on the other
        assertThat(b.remove("c1")).isTrue();
        assertThat(a.create(session("c4"), "10.0.0.1", 3)).isNull();
        // expired (c2, b's short TTL) and swept: gone from the client's set too
        Thread.sleep(TTL.toMillis() + 100);
        a.purgeExpired();
        assertThat(RedisFixture.template().opsForZSet().range(prefix + "client-sessions:10.0.0.1", 0, -1))
                .containsExactlyInAnyOrder("c3", "c4");
        a.remove("c3");
        b.remove("c4");
        assertThat(RedisFixture.template().hasKey(prefix + "client-sessions:10.0.0.1")).isFalse();
    }
}
