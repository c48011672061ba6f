package io.camelmcp.gateway.registry;

import java.time.Instant;
import java.util.List;

/**
 * What the gateway last learned about one server: whether it serves, why not, how many tools it exposes
 * through the gateway and which of its tools were left out because their gateway name would be invalid.
 */
public record ServerStatus(boolean ready, String reason, String message, int toolCount,
                           List<String> skippedTools, Instant checkedAt) {

    public static final String REASON_PENDING = "Pending";
    public static final String REASON_READY = "Ready";
    public static final String REASON_UNREACHABLE = "UpstreamUnreachable";
    public static final String REASON_INVALID = "InvalidRegistration";

    public ServerStatus {
        skippedTools = skippedTools == null ? List.of() : List.copyOf(skippedTools);
    }

    public static ServerStatus pending() {
        return new ServerStatus(false, REASON_PENDING, "not probed yet", 0, List.of(), null);
    }

    public static ServerStatus invalid(String message) {
        return new ServerStatus(false, REASON_INVALID, message, 0, List.of(), Instant.now());
    }
}
