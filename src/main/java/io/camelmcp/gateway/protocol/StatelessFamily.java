package io.camelmcp.gateway.protocol;

import java.util.List;

/**
 * The stateless revisions, 2026-07-28 on: no initialize and no Mcp-Session-Id; every request names its revision,
 * the client's capabilities and client info in its {@code _meta}; server-to-client requests become
 * {@code InputRequiredResult}s answered on a retry (MRTR); no batches, no GET stream, no resumable streams.
 */
public final class StatelessFamily implements ProtocolFamily {

    public static final String NAME = "2026";

    /** The reserved {@code _meta} keys of a request and of a result. */
    public static final String META_PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String META_CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    public static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    public static final String META_SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

    @Override
    public String name() { return NAME; }

    @Override
    public List<String> versions() { return McpVersions.STATELESS; }

    /** There is no handshake: a request names its revision, which the gateway speaks or refuses (-32022). */
    @Override
    public String negotiate(String requested) {
        return speaks(requested) ? requested : null;
    }

    @Override
    public boolean allowsBatches(String version) { return false; }

    /** Streams are not resumable in this family: no event ids, so no priming event either. */
    @Override
    public boolean primesStreams(String version) { return false; }

    @Override
    public String upstreamVersion() { return McpVersions.V2026_07_28; }
}
