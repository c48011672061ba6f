package io.camelmcp.gateway.session;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where gateway sessions and their upstream sessions live. In memory for one replica; a shared store
 * (Redis) lets several replicas serve one session without affinity.
 */
public interface SessionStore {

    void create(GatewaySession session);

    /** The session, or null when unknown, ended or expired. Touches its idle timer. */
    GatewaySession find(String id);

    /** Ends the session; returns the upstream sessions it had, to be closed, or null when it was unknown. */
    List<UpstreamSession> remove(String id);

    UpstreamSession upstream(String sessionId, String server);

    /** All upstream sessions of a gateway session (empty when unknown). */
    List<UpstreamSession> upstreams(String sessionId);

    /** Records an upstream session; ignored if the gateway session has ended meanwhile. Returns whether kept. */
    boolean putUpstream(String sessionId, UpstreamSession upstream);

    /** Forgets an upstream session (e.g. the upstream said 404), only if it is still the one given. */
    void removeUpstream(String sessionId, UpstreamSession upstream);

    /** Ends sessions idle for longer than the timeout; returns them with their upstream sessions. */
    Map<GatewaySession, List<UpstreamSession>> expire(Duration idleTimeout);

    int size();
}
