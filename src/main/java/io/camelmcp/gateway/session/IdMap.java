package io.camelmcp.gateway.session;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Short-lived mappings between the ids the gateway hands to clients and what they stand for upstream:
 * server-to-client request ids, progress tokens. Entries expire after their TTL. In memory for one
 * replica; a shared store (Redis) lets a client's answer reach any replica.
 */
public interface IdMap {

    void put(String key, JsonNode value, Duration ttl);

    /** The value, or null when unknown or expired. */
    JsonNode get(String key);

    /** Removes and returns the value, or null when unknown or expired: each answer is delivered once. */
    JsonNode take(String key);

    void remove(String key);

    /** Drops expired entries, for stores that do not expire them by themselves. */
    default int purgeExpired() {
        return 0;
    }
}
