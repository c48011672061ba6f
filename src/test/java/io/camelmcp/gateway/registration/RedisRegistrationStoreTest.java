package io.camelmcp.gateway.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registration.RegistrationStore.Outcome;
import io.camelmcp.gateway.session.StoreOutage;
import io.camelmcp.gateway.support.RedisFixture;
import io.camelmcp.gateway.support.RedisServer;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

/**
 * The Redis registration store against a real redis-server: the in-memory store's contract, with another replica
 * (a store of its own on another connection) as {@link #sameStore}, and what Redis adds (JSON values, outages).
 */
class RedisRegistrationStoreTest extends RegistrationStoreContract {

    private static final AtomicInteger TESTS = new AtomicInteger();
    /** A second connection to the shared redis-server: the other replicas' (the fixture's shares one connection). */
    private static LettuceConnectionFactory otherFactory;
    private static StringRedisTemplate other;

    /** One key prefix per test (the tests share one redis-server). */
    private final String prefix = "registrations" + TESTS.incrementAndGet() + ":";
    private final AtomicInteger replicas = new AtomicInteger();

    private static synchronized StringRedisTemplate other() {
        if (other == null) {
            otherFactory = new LettuceConnectionFactory(
                    new RedisStandaloneConfiguration("127.0.0.1", RedisFixture.server().port()));
            otherFactory.afterPropertiesSet();
            otherFactory.start();
            other = new StringRedisTemplate(otherFactory);
        }
        return other;
    }

    @AfterAll
    static synchronized void closeOther() {
        if (otherFactory != null) {
            otherFactory.destroy();
            otherFactory = null;
            other = null;
        }
    }

    @Override
    protected RegistrationStore newStore() {
        return new RedisRegistrationStore(RedisFixture.template(), RedisFixture.mapper(), new StoreOutage("Redis (test)"),
                prefix);
    }

    /** Another replica: on the other connection, then on the first again, and so on (the races use both). */
    @Override
    protected RegistrationStore sameStore(RegistrationStore store) {
        StringRedisTemplate template = replicas.getAndIncrement() % 2 == 0 ? other() : RedisFixture.template();
        return new RedisRegistrationStore(template, RedisFixture.mapper(), new StoreOutage("Redis (test)"), prefix);
    }

    @Test
    void theKeysAreTheDocumentedOnesAndTheValuesJson() {
        RegistrationStore store = newStore();
        assertThat(store.version()).isZero();
        store.add(registration("id-1", "search", "search_"), T0);
        StringRedisTemplate redis = RedisFixture.template();
        assertThat(redis.opsForHash().get(prefix + "registrations", "id-1").toString())
                .startsWith("{\"id\":\"id-1\",\"name\":\"search\"")
                .contains("\"registeredAt\":\"2026-12-01T10:00:00Z\"", "\"metadata\":{\"team\":\"search\"");
        assertThat(redis.opsForHash().entries(prefix + "registrations:names")).isEqualTo(Map.of("search", "id-1"));
        assertThat(redis.opsForHash().entries(prefix + "registrations:prefixes")).isEqualTo(Map.of("search_", "id-1"));
        assertThat(redis.opsForHash().get(prefix + "registrations:heartbeats", "id-1"))
                .isEqualTo(Long.toString(T0.toEpochMilli()));
        long v = Long.parseLong(redis.opsForValue().get(prefix + "registrations:version"));
        assertThat(store.version()).isEqualTo(v).as("seeded from Redis's clock").isGreaterThan(1_000_000_000_000L);
        store.remove("id-1");
        assertThat(redis.opsForHash().entries(prefix + "registrations:names")).isEmpty();
        assertThat(redis.opsForHash().entries(prefix + "registrations:prefixes")).isEmpty();
        assertThat(store.version()).isEqualTo(v + 1);
    }

    @Test
    void anUnreadableValueIsSkippedNotAFailureOfEveryRead() {
        RegistrationStore store = newStore();
        Registration r = registration("id-1", "search", "search_");
        store.add(r, T0);
        RedisFixture.template().opsForHash().put(prefix + "registrations", "id-2", "{\"id\":");
        assertThat(store.all()).containsExactly(r);
        assertThat(store.all()).containsExactly(r);
        assertThat(store.get("id-2")).isNull();
        assertThat(store.get("id-1")).isEqualTo(r);
    }

    /**
     * Redis goes away: every method is the gateway's 503 naming the store (not a Spring exception), within the
     * command timeout. Redis comes back (empty: no persistence): the store works again by itself.
     */
    @Test
    void anUnreachableRedisIsA503UntilItIsBack() throws Exception {
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        try (RedisServer server = RedisServer.start()) {
            LettuceConnectionFactory factory = new LettuceConnectionFactory(
                    new RedisStandaloneConfiguration("127.0.0.1", server.port()),
                    LettuceClientConfiguration.builder().clientResources(resources).commandTimeout(Duration.ofMillis(300))
                            .clientOptions(ClientOptions.builder().socketOptions(
                                    SocketOptions.builder().connectTimeout(Duration.ofMillis(300)).build()).build())
                            .build());
            factory.afterPropertiesSet();
            factory.start();
            try {
                StoreOutage outage = new StoreOutage("Redis (outage test)");
                RegistrationStore store = new RedisRegistrationStore(new StringRedisTemplate(factory),
                        RedisFixture.mapper(), outage, "outage:");
                Registration r = registration("id-1", "search", "search_");
                assertThat(store.add(r, T0)).isEqualTo(Outcome.DONE);

                server.kill();
                List<Consumer<RegistrationStore>> calls = List.of(
                        s -> s.add(registration("id-2", "mail", "mail_"), T0),
                        s -> s.get("id-1"),
                        s -> s.replace(r),
                        s -> s.remove("id-1"),
                        s -> s.heartbeat("id-1", T0),
                        s -> s.all(),
                        s -> s.heartbeats(),
                        s -> s.version(),
                        s -> s.removeIfStale("id-1", T0),
                        s -> s.check());
                for (Consumer<RegistrationStore> call : calls) {
                    long t0 = System.nanoTime();
                    assertThatThrownBy(() -> call.accept(store)).isInstanceOfSatisfying(McpException.class, e -> {
                        assertThat(e.httpStatus()).isEqualTo(503);
                        assertThat(e.getMessage()).contains("Redis (outage test)", "unreachable");
                    });
                    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
                }
                assertThat(outage.isDown()).isTrue();

                server.restart();
                Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .ignoreExceptionsInstanceOf(McpException.class).untilAsserted(store::check);
                assertThat(outage.isDown()).isFalse();
                assertThat(store.get("id-1")).as("an empty Redis").isNull();
                assertThat(store.version()).isZero();
                assertThat(store.add(r, T0)).isEqualTo(Outcome.DONE);
                assertThat(store.all()).containsExactly(r);
                assertThat(store.heartbeat("id-1", T0.plusSeconds(1))).isTrue();
                assertThat(store.heartbeats()).containsEntry("id-1", T0.plusSeconds(1));
                assertThat(store.replace(r)).isEqualTo(Outcome.DONE);
                assertThat(store.removeIfStale("id-1", T0)).isFalse();
                assertThat(store.remove("id-1")).isTrue();
            } finally {
                factory.destroy();
            }
        } finally {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }
}
