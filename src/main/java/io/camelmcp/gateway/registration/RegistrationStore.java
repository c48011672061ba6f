package io.camelmcp.gateway.registration;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where REST registrations and their heartbeats live: this JVM ({@link InMemoryRegistrationStore}) or Redis
 * ({@code RedisRegistrationStore}), so that every replica serves every registration. Names and prefixes are unique
 * among the stored registrations, checked atomically with the write. Heartbeats are kept apart from the
 * registrations: they are frequent, and {@link #version()} changes only when a registration does, so that a replica
 * polling the store reads the registrations again only when they changed.
 */
public interface RegistrationStore {

    /** The outcome of a write. */
    enum Outcome {
        DONE,
        /** Another registration has the name. */
        NAME_TAKEN,
        /** Another registration has the prefix. */
        PREFIX_TAKEN,
        /** No registration has the id. */
        UNKNOWN
    }

    /** Adds {@code r}, with a first heartbeat at {@code at}, unless its name or prefix is taken (checked in that order). */
    Outcome add(Registration r, Instant at);

    /** The registration with this id, or null. */
    Registration get(String id);

    /** Replaces the registration of {@code r.id()} unless another registration has its name or prefix. */
    Outcome replace(Registration r);

    /** Removes a registration and its heartbeat; false when there was none. */
    boolean remove(String id);

    /** Records a heartbeat; false when no registration has the id. */
    boolean heartbeat(String id, Instant at);

    /** Every registration, in no particular order. */
    List<Registration> all();

    /** The last heartbeat of every registration, by id. */
    Map<String, Instant> heartbeats();

    /** Changes whenever a registration is added, replaced or removed (not on heartbeats). */
    long version();

    /**
     * Removes a registration whose last heartbeat is before {@code staleBefore}; one that heartbeated meanwhile (on any
     * replica) stays. Several replicas may try at once: exactly one gets true.
     */
    boolean removeIfStale(String id, Instant staleBefore);

    /** For health: throws when the store cannot be reached. */
    default void check() {
    }
}
