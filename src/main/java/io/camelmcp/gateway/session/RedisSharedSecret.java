package io.camelmcp.gateway.session;

import java.security.SecureRandom;
import java.util.Base64;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The replicas' shared key in Redis ({@code <prefix>secret}): the first replica that needs it sets it (SET NX),
 * every replica reads it once and keeps it. Redis losing it (no persistence, a flush) means a new one: state handed
 * out under the old key is refused as expired, and stateless clients get new upstream sessions.
 */
public final class RedisSharedSecret implements SharedSecret {

    private final StringRedisTemplate redis;
    private final StoreOutage outage;
    private final String key;
    private volatile byte[] cached;

    public RedisSharedSecret(StringRedisTemplate redis, StoreOutage outage, String prefix) {
        this.redis = redis;
        this.outage = outage;
        this.key = prefix + "secret";
    }

    @Override
    public byte[] key() {
        byte[] k = cached;
        if (k == null) {
            byte[] mine = new byte[32];
            new SecureRandom().nextBytes(mine);
            String value = outage.call(() -> {
                redis.opsForValue().setIfAbsent(key, Base64.getEncoder().encodeToString(mine));
                return redis.opsForValue().get(key);
            });
            k = Base64.getDecoder().decode(value);
            cached = k;
        }
        return k.clone();
    }

    @Override
    public byte[] reread() {
        cached = null;
        return key();
    }
}
