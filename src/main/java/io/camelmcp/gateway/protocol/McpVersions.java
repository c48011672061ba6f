package io.camelmcp.gateway.protocol;

import java.util.List;

/** The protocol revisions by name; what each family does with them is in its {@link ProtocolFamily} class. */
public final class McpVersions {

    public static final String V2025_03_26 = "2025-03-26";
    public static final String V2025_06_18 = "2025-06-18";
    public static final String V2025_11_25 = "2025-11-25";
    /** The stateless revision: no sessions, no initialize, everything a request needs in its own _meta. */
    public static final String V2026_07_28 = "2026-07-28";

    public static final String LATEST = V2025_11_25;
    /** The stateless revisions, newest first. */
    public static final List<String> STATELESS = List.of(V2026_07_28);
    /** The session-based revisions, newest first: the order used when negotiating. */
    public static final List<String> SUPPORTED = List.of(V2025_11_25, V2025_06_18, V2025_03_26);
    /** Assumed when a request carries no MCP-Protocol-Version header (transports spec, backwards compatibility). */
    public static final String DEFAULT_WITHOUT_HEADER = V2025_03_26;

    private McpVersions() {}
}
