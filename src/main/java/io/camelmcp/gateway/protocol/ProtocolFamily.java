package io.camelmcp.gateway.protocol;

import java.util.List;

/**
 * What one family of MCP revisions does its own way. The endpoint picks the family once, from the request's
 * {@code MCP-Protocol-Version} (mcp-endpoint.yaml branches on {@link #name()}); the beans ask the family of the
 * client's revision instead of comparing version strings. A new family (2026-07-28, stateless) is a new class.
 */
public interface ProtocolFamily {

    /** What the endpoint route branches on ({@code ${exchangeProperty.mcpFamily}}), e.g. {@code 2025}. */
    String name();

    /** The revisions of the family, newest first. */
    List<String> versions();

    default boolean speaks(String version) {
        return version != null && versions().contains(version);
    }

    /** Handshake: the revision to answer a client that asks for {@code requested}. */
    String negotiate(String requested);

    /** Whether a client of this revision may send JSON-RPC batches. */
    boolean allowsBatches(String version);

    /** Whether the gateway's SSE streams to a client of this revision start with a priming event (id, no data). */
    boolean primesStreams(String version);

    /** Upstream handshake: the revision the gateway asks an upstream for on behalf of its clients. */
    String upstreamVersion();

    /** Upstream handshake: whether the revision an upstream answered with is one the gateway can relay. */
    default boolean acceptsUpstream(String version) {
        return speaks(version);
    }
}
