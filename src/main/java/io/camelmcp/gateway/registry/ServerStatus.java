package io.camelmcp.gateway.registry;

import java.time.Instant;

/**
 * What the gateway last learned about one server: whether it serves, why not, and how many tools it exposed
 * at that probe (what it serves right now, conflicts and skipped tools included, is the catalogue's report).
 */
public record ServerStatus(boolean ready, String reason, String message, int toolCount, Instant checkedAt) {

    public static final String REASON_PENDING = "Pending";
    public static final String REASON_READY = "Ready";
    public static final String REASON_UNREACHABLE = "UpstreamUnreachable";
    public static final String REASON_INVALID = "InvalidRegistration";
    /** A REST registration that sent no heartbeat within the heartbeat timeout. */
    public static final String REASON_HEARTBEAT_MISSED = "HeartbeatMissed";

    public static ServerStatus pending() {
        return new ServerStatus(false, REASON_PENDING, "not probed yet", 0, null);
    }

    /** A status its source imposes on a registration ({@link ServerRegistration#hold}). */
    public static ServerStatus held(String reason, String message) {
        return new ServerStatus(false, reason, message, 0, Instant.now());
    }

    public static ServerStatus invalid(String message) {
        return new ServerStatus(false, REASON_INVALID, message, 0, Instant.now());
    }
}
