package io.camelmcp.gateway.support;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * One redis-server shared by the store tests of a JVM (started on first use, killed when the JVM exits), a
 * Lettuce template connected to it, and an ObjectMapper configured as Spring Boot's. Tests that kill Redis start
 * their own {@link RedisServer}.
 */
public final class RedisFixture {

    private static RedisServer server;
    private static StringRedisTemplate template;

    private RedisFixture() {}

    public static synchronized RedisServer server() {
        if (server == null) {
            try {
                server = RedisServer.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start redis-server (apt-get install redis-server)", e);
            }
            RedisServer s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.close();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        return server;
    }

    public static synchronized StringRedisTemplate template() {
        if (template == null) {
            LettuceConnectionFactory factory = new LettuceConnectionFactory(
                    new RedisStandaloneConfiguration("127.0.0.1", server().port()));
            factory.afterPropertiesSet();
            factory.start();
            template = new StringRedisTemplate(factory);
        }
        return template;
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }
}
