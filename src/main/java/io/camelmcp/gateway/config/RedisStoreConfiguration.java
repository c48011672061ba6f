package io.camelmcp.gateway.config;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.data.redis.ClientResourcesBuilderCustomizer;
import org.springframework.boot.autoconfigure.data.redis.RedisConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.StringRedisSerializer;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.session.InMemoryExpiringStore;
import io.camelmcp.gateway.session.PendingRequest;
import io.camelmcp.gateway.session.RedisExpiringStore;
import io.camelmcp.gateway.session.RedisReplicaBus;
import io.camelmcp.gateway.session.RedisSessionStore;
import io.camelmcp.gateway.session.RelayStores;
import io.camelmcp.gateway.session.StoreOutage;

/**
 * {@code mcp.gateway.store=redis}: the session store, the relay's stores, the REST registrations and the bus between
 * replicas on Redis
 * (Spring Boot's Lettuce connection, {@code spring.data.redis.*}). {@link GatewayConfiguration} takes them from
 * {@link RedisStores} when the store is redis.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mcp.gateway.store", havingValue = "redis")
// excluded from auto-configuration in application.yaml: the memory store starts no Redis client
@Import(RedisAutoConfiguration.class)
public class RedisStoreConfiguration {

    /** What the Redis store consists of. */
    public record RedisStores(RedisSessionStore sessions, RelayStores relay, RedisReplicaBus bus,
                              io.camelmcp.gateway.registration.RedisRegistrationStore registrations,
                              io.camelmcp.gateway.session.SharedSecret secret) {}

    @Bean
    RedisStores redisStores(StringRedisTemplate redis, ObjectMapper mapper, RedisConnectionDetails connection,
                            GatewayProperties props) {
        StoreOutage outage = new StoreOutage(describe(connection));
        String prefix = props.getRedis().getKeyPrefix();
        RedisSessionStore sessions = new RedisSessionStore(redis, mapper, outage, prefix, props.getSessionIdleTimeout());
        RelayStores relay = new RelayStores(
                new RedisExpiringStore<>(redis, mapper, outage, prefix, "pending", PendingRequest.class),
                new RedisExpiringStore<>(redis, mapper, outage, prefix, "gateway-id", String.class),
                // where a client's request runs is known where it runs: a cancellation that reaches another
                // replica is handed to the others over the bus (no store round trip on every call)
                new InMemoryExpiringStore<>(),
                new RedisExpiringStore<>(redis, mapper, outage, prefix, "task", String.class));
        return new RedisStores(sessions, relay, new RedisReplicaBus(mapper),
                new io.camelmcp.gateway.registration.RedisRegistrationStore(redis, mapper, outage, prefix),
                new io.camelmcp.gateway.session.RedisSharedSecret(redis, outage, prefix));
    }

    /** What the store is, for its messages; a Redis Cluster is refused here, before any request meets it. */
    private static String describe(RedisConnectionDetails connection) {
        if (connection.getCluster() != null) {
            // a session's hash and the sorted set of deadlines are in one script: a cluster puts them in two slots
            throw new IllegalStateException("mcp.gateway.store=redis needs a standalone or Sentinel Redis, not a Redis "
                    + "Cluster (spring.data.redis.cluster.nodes=" + connection.getCluster().getNodes() + ")");
        }
        if (connection.getSentinel() != null) {
            return "Redis sentinel master " + connection.getSentinel().getMaster();
        }
        RedisConnectionDetails.Standalone s = connection.getStandalone();
        return s == null ? "Redis" : "Redis at " + s.getHost() + ":" + s.getPort();
    }

    /** The replicas-in route's subscription: re-subscribes within a second of Redis coming back. */
    @Bean
    RedisMessageListenerContainer mcpReplicaListener(RedisConnectionFactory factory) {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(factory);
        container.setRecoveryInterval(1000);
        // one message at a time, in order (the default runs each in a thread of its own): a session's "stream" must
        // not overtake its "opened"; listeners hand slow work (posting upstream) to threads of their own
        container.setTaskExecutor(new org.springframework.core.task.support.TaskExecutorAdapter(
                java.util.concurrent.Executors.newSingleThreadExecutor(Thread.ofVirtual().name("mcp-replicas").factory())));
        return container;
    }

    /**
     * Starts replicas.yaml's subscription (autoStartup false), retrying every second while Redis cannot take it; the
     * start of the gateway does not wait for it (readiness reports the store meanwhile).
     */
    private static void subscribe(CamelContext context) {
        boolean reported = false;
        while (context.getStatus().isStarted() && context.getRoute("replicas-in") != null) {
            try {
                context.getRouteController().startRoute("replicas-in");
                if (reported) {
                    org.slf4j.LoggerFactory.getLogger(RedisStoreConfiguration.class).info("Subscribed to the other replicas' messages");
                }
                return;
            } catch (Exception e) {
                if (!reported) {
                    reported = true;
                    org.slf4j.LoggerFactory.getLogger(RedisStoreConfiguration.class).warn(
                            "Cannot subscribe to the other replicas' messages yet ({}); retrying every second", e.toString());
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** JSON text on the replicas' channel, never Java serialization. */
    @Bean
    StringRedisSerializer mcpRedisStrings() {
        return StringRedisSerializer.UTF_8;
    }

    /** Reconnects soon after Redis is back (Lettuce's default backs off to 30 s). */
    @Bean
    ClientResourcesBuilderCustomizer mcpRedisReconnect() {
        return builder -> builder.reconnectDelay(io.lettuce.core.resource.Delay.exponential(
                Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS));
    }

    /** Gives the bus its producer once Camel runs (replicas.yaml's routes exist with this store only). */
    @Bean
    CamelContextConfiguration mcpReplicaRoutes(RedisStores stores) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {
            }

            @Override
            public void afterApplicationStart(CamelContext context) {
                stores.bus().setProducer(context.createProducerTemplate());
                Thread.ofVirtual().name("mcp-replicas-subscribe").start(() -> subscribe(context));
            }
        };
    }
}
