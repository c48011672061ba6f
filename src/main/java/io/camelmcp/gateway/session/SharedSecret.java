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

    /** A random key of this process: the memory store's, one replica. */
    static SharedSecret random() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return () -> key.clone();
    }
}
