package io.camelmcp.gateway.session;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where gateway sessions and their upstream sessions live. In memory for one replica; a shared store
 * (Redis) lets several replicas serve one session without affinity. A session lives for the store's idle
 * TTL after its last use ({@link #find}, {@link #touch}); what a session holds (its upstream sessions, the
 * client's logging level) lives exactly as long as it does. Values are plain records that a shared store
 * writes as JSON (Jackson), never with Java serialization.
 */
public interface SessionStore {

    /** Creates the session, whoever its client is (no per-client limit). */
    default void create(GatewaySession session) {
        create(session, null, 0);
    }

    /**
     * Creates the session unless its client already has {@code maxPerClient} live sessions (ended and expired ones
     * do not count), atomically with that count: concurrent initializes of one client, on any replica of a shared
     * store, never open more. Returns null when created; when refused, how long until the client's session with the
     * nearest deadline would expire (zero or more): the earliest a slot frees itself if the client ends none.
     *
     * @param client       who the session belongs to (mcp.gateway.max-sessions-per-client counts per client), or
     *                     null: not counted
     * @param maxPerClient the most live sessions of one client; 0: no limit (then the client is not tracked)
     */
    Duration create(GatewaySession session, String client, int maxPerClient);

    /** The session, or null when unknown, ended or expired. Refreshes its idle TTL: every request finds it. */
    GatewaySession find(String id);

    /** Refreshes the session's idle TTL; false when it is unknown, ended or expired. */
    boolean touch(String id);

    /** Ends the session (DELETE); false when it was unknown. The {@link #onEnded} listeners are told. */
    boolean remove(String id);

    /** The session's upstream session with a server, or null. Does not refresh the TTL. */
    UpstreamSession upstream(String sessionId, String server);

    /** All upstream sessions of a gateway session (empty when unknown). */
    List<UpstreamSession> upstreams(String sessionId);

    /**
     * Records an upstream session unless the session has one with that server already. Returns the one kept:
     * the given instance itself, or the earlier one (another request or replica was first: close the given one
     * and use that), or null when the gateway session has ended (close the given one).
     */
    UpstreamSession putUpstreamIfAbsent(String sessionId, UpstreamSession upstream);

    /**
     * Replaces an upstream session (e.g. re-initialised after the upstream forgot it), only if the recorded one
     * still equals {@code expected} (by value: a shared store hands out copies). Returns whether replaced.
     */
    boolean replaceUpstream(String sessionId, UpstreamSession expected, UpstreamSession replacement);

    /** Forgets an upstream session only if the recorded one still equals {@code expected} (by value). */
    boolean removeUpstream(String sessionId, UpstreamSession expected);

    /** Sets the logging level the client asked for; false when the session is unknown or ended. */
    boolean setLoggingLevel(String sessionId, String level);

    /** The logging level the client set in the session, or null. */
    String loggingLevel(String sessionId);

    /**
     * Sets the tools the client selected (tool discovery's {@code select_tools}): their exposed names, in order, replacing
     * any earlier selection; empty clears it. False when the session is unknown or ended.
     */
    boolean setSelectedTools(String sessionId, List<String> tools);

    /** The tools selected in the session (exposed names, in order); empty when none or the session is unknown. */
    List<String> selectedTools(String sessionId);

    /**
     * Who to tell when a session ends, removed or expired, with the upstream sessions it had, so that they and
     * the client's streams are closed. Listeners run in the thread that noticed the end, outside any lock.
     */
    void onEnded(Consumer<EndedSession> listener);

    /**
     * Ends the sessions whose TTL has passed and tells the listeners; run by the session-expiry timer. For
     * stores that expire entries by themselves (Redis) this may do nothing.
     */
    default int purgeExpired() {
        return 0;
    }

    int size();

    /**
     * The sessions this replica knows without asking the store, for operators (the status page): in memory, every
     * live session; a shared store, those this replica created or served lately (its cache). Never a store round trip.
     */
    default List<GatewaySession> localSessions() {
        return List.of();
    }

    /**
     * This replica stops: the sessions that cannot outlive it, removed and returned with their upstream sessions,
     * without telling the listeners (whoever stops the replica ends those upstream sessions, and waits for that).
     * In memory: every session. A shared store returns none: its sessions live on, served by the other replicas.
     */
    default List<EndedSession> endWithReplica() {
        return List.of();
    }

    /** Forgets what this replica may have cached of a session: another replica changed it (a shared store). */
    default void forget(String sessionId) {
    }

    /** What the store is, for operators (health details, error messages). */
    default String describe() {
        return "memory (this replica only)";
    }

    /** Throws when the store cannot be reached: the readiness check. */
    default void check() {
    }

    /** A session that ended, with the upstream sessions it had; {@code expired} when its idle TTL ended it. */
    record EndedSession(GatewaySession session, List<UpstreamSession> upstreams, boolean expired) {}
}
