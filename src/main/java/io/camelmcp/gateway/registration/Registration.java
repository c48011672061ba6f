package io.camelmcp.gateway.registration;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One server registered through the REST API, as stored: an immutable value, JSON-serialisable with Jackson (Java time
 * module), shared by every replica through the {@link RegistrationStore}. Only the SHA-256 of its token is kept.
 */
public record Registration(String id, String name, String url, String prefix, String transport, String healthPath,
                           ObjectNode metadata, String tokenHash, Instant registeredAt, Instant updatedAt) {

    /** This registration with what {@code PUT} may change. */
    public Registration updated(String url, String prefix, String transport, String healthPath, ObjectNode metadata,
                                Instant at) {
        return renewed(url, prefix, transport, healthPath, metadata, tokenHash, at);
    }

    /** This registration as its server registered it again: what it says now, and a new token. */
    public Registration renewed(String url, String prefix, String transport, String healthPath, ObjectNode metadata,
                                String tokenHash, Instant at) {
        return new Registration(id, name, url, prefix, transport, healthPath, metadata, tokenHash, registeredAt, at);
    }

    /** The token hash is a credential's digest: kept out of logs. */
    @Override
    public String toString() {
        return "Registration[id=" + id + ", name=" + name + ", url=" + url + ", prefix=" + prefix + ", transport="
                + transport + "]";
    }
}
