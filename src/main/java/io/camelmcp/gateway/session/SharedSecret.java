package io.camelmcp.gateway.session;

import java.security.SecureRandom;

/**
 * A key every replica of the gateway knows and nobody outside it does: what the gateway MACs the state it hands to
 * clients with (a 2026-07-28 {@code requestState}), and the names of the upstream sessions it keeps for stateless
 * clients. One replica (the memory store): random at start. Several (Redis): created once, in Redis, by whichever
 * replica needs it first.
 */
@FunctionalInterface
public interface SharedSecret {

    /** The key (32 bytes); the same at every replica of the gateway. */
    byte[] key();

    /**
     * The key as it is now where it is kept: what a replica asks when something MACed elsewhere does not verify with
     * the key it holds (the store lost the key and another replica set a new one).
     */
    default byte[] reread() {
        return key();
    }

    /** HMAC-SHA256 of the parts, in order, under {@code key}: what every MAC the gateway hands out is made of. */
    static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** A random key of this process: the memory store's, one replica. */
    static SharedSecret random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return () -> key.clone();
    }
}
