package io.camelmcp.gateway.protocol;

import java.util.List;

/** Protocol revisions the gateway speaks on {@code /mcp} (the stateful, session-based family). */
public final class McpVersions {

    public static final String V2025_03_26 = "2025-03-26";
    public static final String V2025_06_18 = "2025-06-18";
    public static final String V2025_11_25 = "2025-11-25";

    public static final String LATEST = V2025_11_25;
    /** Newest first: the order used when negotiating. */
    public static final List<String> SUPPORTED = List.of(V2025_11_25, V2025_06_18, V2025_03_26);
    /** Assumed when a request carries no MCP-Protocol-Version header (transports spec, backwards compatibility). */
    public static final String DEFAULT_WITHOUT_HEADER = V2025_03_26;

    private McpVersions() {}

    public static boolean isSupported(String version) {
        return version != null && SUPPORTED.contains(version);
    }

    /** The lifecycle rule: answer with the client's version if supported, otherwise our latest. */
    public static String negotiate(String requested) {
        return isSupported(requested) ? requested : LATEST;
    }
}
