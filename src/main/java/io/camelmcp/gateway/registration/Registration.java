package io.camelmcp.gateway.registration;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One server registered through the REST API, as stored: an immutable value, JSON-serialisable with Jackson (Java time
 * module), shared by every replica through the {@link RegistrationStore}. Only the SHA-256 of its token is kept.
 * {@code limits} is the server's own breaker, bulkhead and timeouts as it gave them (checked: see {@link Limits}).
 */
public record Registration(String id, String name, String url, String prefix, String transport, String healthPath,
                           ObjectNode metadata, String tokenHash, Instant registeredAt, Instant updatedAt,
                           ObjectNode limits) {

    /** This registration with what {@code PUT} may change. */
    public Registration updated(String url, String prefix, String transport, String healthPath, ObjectNode metadata,
                                ObjectNode limits, Instant at) {
        return renewed(url, prefix, transport, healthPath, metadata, limits, tokenHash, at);
    }

    /** This registration as its server registered it again: what it says now, and a new token. */
    public Registration renewed(String url, String prefix, String transport, String healthPath, ObjectNode metadata,
                                ObjectNode limits, String tokenHash, Instant at) {
        return new Registration(id, name, url, prefix, transport, healthPath, metadata, tokenHash, registeredAt, at,
                limits);
    }

    /** The token hash is a credential's digest: kept out of logs. */
    @Override
    public String toString() {
        return "Registration[id=" + id + ", name=" + name + ", url=" + url + ", prefix=" + prefix + ", transport="
                + transport + "]";
    }
}
