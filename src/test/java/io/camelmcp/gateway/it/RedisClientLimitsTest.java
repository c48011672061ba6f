package io.camelmcp.gateway.it;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.camelmcp.gateway.support.RedisFixture;

/**
 * {@link ClientLimitsTest} with the Redis store (a redis-server of the tests' own, on a free port): the sessions of a
 * client are counted by the create script in Redis, with the same answers.
 */
class RedisClientLimitsTest extends ClientLimitsTest {

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("mcp.gateway.store", () -> "redis");
        registry.add("spring.data.redis.url", () -> RedisFixture.server().url());
        registry.add("mcp.gateway.redis.key-prefix", () -> "client-limits-it:");
    }
}
