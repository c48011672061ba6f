package io.camelmcp.gateway.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.ServerStatus;
import io.camelmcp.gateway.session.StoreOutage;
import io.camelmcp.gateway.support.RedisFixture;

/**
 * Two replicas, each with its own registry and {@link Registrations}, over one Redis registration store (a real
 * redis-server): what one replica registers, the other serves after its next sync; a heartbeat on either keeps it;
 * the timeouts hold and remove it on both, by one replica's removal; a token works on any replica.
 */
class RegistrationsAcrossReplicasTest {

    private static final AtomicInteger TESTS = new AtomicInteger();
    private final String prefix = "regs" + TESTS.incrementAndGet() + ":";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));

    private Replica replica() {
        RegistrationProperties props = new RegistrationProperties();
        props.setHeartbeatInterval(Duration.ofSeconds(10));
        props.setRemovalTimeout(Duration.ofMinutes(2));
        RedisRegistrationStore store = new RedisRegistrationStore(RedisFixture.template(), RedisFixture.mapper(),
                new StoreOutage("Redis (test)"), prefix);
        ServerRegistry registry = new ServerRegistry();
        return new Replica(registry, new Registrations(store, registry, props, clock, true));
    }

    private record Replica(ServerRegistry registry, Registrations registrations) {
        RegistrySnapshot.Entry server(String name) {
            return registry.snapshot().server(name);
        }
    }

    private static RegistrationRequest request(String name, String prefix) {
        return request(name, prefix, "http://10.0.0.7:3001/mcp");
    }

    private static RegistrationRequest request(String name, String prefix, String url) {
        return RegistrationRequest.register(RedisFixture.mapper().createObjectNode().put("name", name)
                .put("url", url).put("prefix", prefix));
    }

    @Test
    void aRegistrationOnOneReplicaIsServedByTheOtherAndTimesOutOnBoth() {
        Replica a = replica();
        Replica b = replica();
        Registrations.Registered done = a.registrations().register(request("search", "search_"));
        assertThat(a.server("search")).isNotNull();
        assertThat(b.server("search")).as("before b's sync").isNull();
        b.registrations().sync();
        assertThat(b.server("search").registration().source()).isEqualTo("rest");
        assertThat(b.server("search").status().reason()).isEqualTo(ServerStatus.REASON_PENDING);

        // b checks the token it never saw, and its heartbeat keeps the registration on a too
        Registration r = b.registrations().require(done.registration().id());
        assertThat(b.registrations().tokenMatches(r, done.token())).isTrue();
        assertThat(b.registrations().tokenMatches(r, "mcpgw_other")).isFalse();
        clock.advance(Duration.ofSeconds(25));
        b.registrations().heartbeat(b.registrations().require(r.id()));
        clock.advance(Duration.ofSeconds(25));
        a.registrations().sync();
        assertThat(a.server("search").registration().held()).as("heartbeat 25 s ago, timeout 30 s").isFalse();

        // silent past the heartbeat timeout: held on both
        clock.advance(Duration.ofSeconds(10));
        a.registrations().sync();
        b.registrations().sync();
        for (Replica x : List.of(a, b)) {
            assertThat(x.server("search").status().reason()).isEqualTo(ServerStatus.REASON_HEARTBEAT_MISSED);
            assertThat(x.server("search").ready()).isFalse();
        }

        // past the removal timeout: removed once, gone on both; the name is free
        clock.advance(Duration.ofMinutes(2));
        a.registrations().sync();
        b.registrations().sync();
        assertThat(a.server("search")).isNull();
        assertThat(b.server("search")).isNull();
        assertThatThrownBy(() -> b.registrations().heartbeat(r)).isInstanceOf(Problem.class)
                .extracting(p -> ((Problem) p).status()).isEqualTo(404);
        assertThat(b.registrations().register(request("search", "search_")).registration().id()).isNotEqualTo(r.id());
    }

    @Test
    void aNameTakenOnOneReplicaIsRefusedOnTheOtherUnlessTheSameServerRegistersAgain() {
        Replica a = replica();
        Replica b = replica();
        Registrations.Registered first = a.registrations().register(request("search", "search_"));
        assertThatThrownBy(() -> b.registrations().register(request("search", "other_", "http://10.0.0.8:3001/mcp")))
                .isInstanceOf(Problem.class).extracting(p -> ((Problem) p).field()).isEqualTo("name");
        // the same name at the same url: the same server registering again, on another replica (same id, new token)
        Registrations.Registered again = b.registrations().register(request("search", "search_"));
        assertThat(again.registration().id()).isEqualTo(first.registration().id());
        Registration stored = a.registrations().require(first.registration().id());
        assertThat(a.registrations().tokenMatches(stored, first.token())).isFalse();
        assertThat(a.registrations().tokenMatches(stored, again.token())).isTrue();
        a.registrations().sync();
        assertThat(a.server("search")).isNotNull();
        assertThatThrownBy(() -> b.registrations().register(request("other", "search_")))
                .isInstanceOf(Problem.class).extracting(p -> ((Problem) p).field()).isEqualTo("prefix");
    }

    @Test
    void anUpdateOrADeletionOnOneReplicaReachesTheOther() {
        Replica a = replica();
        Replica b = replica();
        Registration r = a.registrations().register(request("search", "search_")).registration();
        b.registrations().sync();
        b.registrations().update(b.registrations().require(r.id()), RegistrationRequest.update(
                RedisFixture.mapper().createObjectNode().put("prefix", "find_"), r));
        a.registrations().sync();
        assertThat(a.server("search").prefix()).isEqualTo("find_");
        a.registrations().delete(a.registrations().require(r.id()));
        b.registrations().sync();
        assertThat(b.server("search")).isNull();
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
