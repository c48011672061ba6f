package io.camelmcp.gateway.protocol;

import java.util.List;

/**
 * The session-based revisions, 2025-03-26 to 2025-11-25: initialize and an Mcp-Session-Id, server-to-client requests
 * on the streams, batches in 2025-03-26 only, priming events from 2025-11-25 on.
 */
public final class SessionFamily implements ProtocolFamily {

    public static final String NAME = "2025";

    @Override
    public String name() { return NAME; }

    @Override
    public List<String> versions() { return McpVersions.SUPPORTED; }

    /** The lifecycle rule: the client's revision if the gateway speaks it, otherwise the newest. */
    @Override
    public String negotiate(String requested) {
        return speaks(requested) ? requested : McpVersions.LATEST;
    }

    /** Batches were in 2025-03-26 and removed in 2025-06-18. */
    @Override
    public boolean allowsBatches(String version) {
        return McpVersions.V2025_03_26.equals(version);
    }

    /** Priming events came with 2025-11-25: older clients may not expect an event without data. */
    @Override
    public boolean primesStreams(String version) {
        return McpVersions.V2025_11_25.compareTo(version) <= 0;
    }

    @Override
    public String upstreamVersion() { return McpVersions.LATEST; }
}
