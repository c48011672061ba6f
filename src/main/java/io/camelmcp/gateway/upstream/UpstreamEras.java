package io.camelmcp.gateway.upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.registry.ServerRegistration;

/**
 * Which era of MCP each upstream speaks, as the transport's backward-compatibility rules find out: a
 * {@code server/discover} sent as a modern (2026-07-28) request first. A result whose {@code supportedVersions}
 * names 2026-07-28 makes the server modern (no initialize, no session: every request carries its own envelope);
 * anything else that is an answer (an HTTP 4xx or 5xx without a modern error that names 2026-07-28, a legacy
 * {@code -32000} or {@code -32601}, an UnsupportedProtocolVersion error without 2026-07-28 in
 * {@code data.supported}) makes it legacy: the gateway initializes as before. No answer at all (refused, timed out)
 * decides nothing and fails the probe.
 *
 * <p>The era is a property of the server, remembered per registration (a new URL is probed afresh) until a request
 * fails in a way that says the server changed ({@link #forget}). What was found is what the status shows
 * ({@link #protocolVersion}).
 */
public final class UpstreamEras {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamEras.class);

    /**
     * What a server was found to speak.
     *
     * @param protocolVersion 2026-07-28 for a modern server; for a legacy one the revision its initialize negotiated,
     *                        null until a session was opened
     * @param capabilities    a modern server's capabilities from its DiscoverResult (null for legacy)
     * @param serverInfo      a modern server's {@code io.modelcontextprotocol/serverInfo}, or null
     */
    public record Era(ServerRegistration server, boolean modern, String protocolVersion, JsonNode capabilities,
                      JsonNode serverInfo) {}

    private final UpstreamClient client;
    private final JsonRpc json;
    private final JsonNode gatewayInfo;
    private final Map<String, Era> byName = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();

    public UpstreamEras(UpstreamClient client, JsonRpc json, JsonNode gatewayInfo) {
        this.client = client;
        this.json = json;
        this.gatewayInfo = gatewayInfo;
    }

    /** The era found for this registration, or null when it was not probed (or was forgotten). */
    public Era known(ServerRegistration server) {
        Era e = byName.get(server.name());
        return e != null && e.server().equals(server) ? e : null;
    }

    /** The revision a server speaks as far as the gateway knows (2026-07-28, 2025-11-25, …), or null. */
    public String protocolVersion(String serverName) {
        Era e = byName.get(serverName);
        return e == null ? null : e.protocolVersion();
    }

    /** A legacy server's session negotiated {@code version}: that is what it speaks. */
    void legacy(ServerRegistration server, String version) {
        Era e = known(server);
        if (e == null || e.modern() || !java.util.Objects.equals(e.protocolVersion(), version)) {
            byName.put(server.name(), new Era(server, false, version, null, null));
        }
    }

    /** A request failed as if the server changed era: the next session probes it again. */
    public void forget(ServerRegistration server) {
        Era e = byName.get(server.name());
        if (e != null && e.server().equals(server)) {
            byName.remove(server.name(), e);
        }
    }

    /** Drops what is known of servers no longer registered (by name). */
    public void retain(java.util.Set<String> names) {
        byName.keySet().retainAll(names);
    }

    /**
     * Sends {@code server/discover} as a modern request (with the gateway's own client info and no capabilities)
     * and records the era it shows. Throws only when there is no answer to judge (I/O failure, timeout), or when a
     * modern server refuses the probe itself with a modern error (the request is wrong for it: nothing to fall back to).
     */
    public Era discover(ServerRegistration server, Duration timeout) throws UpstreamException {
        if (server.transport().bridged()) { // legacy SSE and stdio came before 2026-07-28: nothing to probe
            Era era = new Era(server, false, null, null, null);
            byName.put(server.name(), era);
            return era;
        }
        ObjectNode req = JsonRpc.request("gw-discover-" + ids.incrementAndGet(), "server/discover");
        ModernRequests.envelope(req, json.object(), gatewayInfo, null);
        UpstreamReply reply = client.postModern(server, json.write(req), "server/discover", null, timeout, Map.of());
        JsonNode response = read(server, reply, req.get("id"));
        Era era;
        JsonNode result = response == null ? null : response.get("result");
        JsonNode error = response == null ? null : response.get("error");
        if (result != null && names(result.path("supportedVersions"), ModernRequests.VERSION)) {
            JsonNode caps = result.path("capabilities");
            era = new Era(server, true, ModernRequests.VERSION, caps.isObject() ? caps : json.object(),
                    result.path("_meta").get("io.modelcontextprotocol/serverInfo"));
        } else if (error != null && reply.status() == 400 && modernRefusal(error)) {
            throw new UpstreamException(server.name(), "server/discover refused by a 2026-07-28 server: " + error, 400, null);
        } else {
            era = new Era(server, false, null, null, null);
        }
        Era before = byName.put(server.name(), era);
        if (before == null || before.modern() != era.modern()) {
            LOG.info("MCP server '{}' speaks {} (server/discover answered {})", server.name(),
                    era.modern() ? ModernRequests.VERSION : "a session-based revision (2025): initialize",
                    response == null ? "HTTP " + reply.status() : result != null ? "a result" : "error " + error.path("code"));
        }
        return era;
    }

    /** A modern error that means the server is modern but refused this probe (not a reason to fall back). */
    private static boolean modernRefusal(JsonNode error) {
        int code = error.path("code").asInt();
        return code == ModernRequests.HEADER_MISMATCH || code == ModernRequests.MISSING_CAPABILITY
                || ModernRequests.supportsModern(error);
    }

    private static boolean names(JsonNode versions, String version) {
        for (JsonNode v : versions) {
            if (version.equals(v.asText())) {
                return true;
            }
        }
        return false;
    }

    /** The JSON-RPC response in the reply (JSON or SSE, any status), or null when the body is not one. */
    private JsonNode read(ServerRegistration server, UpstreamReply reply, JsonNode id) throws UpstreamException {
        try {
            if (reply.isEventStream() && reply.status() == 200) {
                try (SseReader events = new SseReader(reply.body())) {
                    SseEvent e;
                    while ((e = events.next()) != null) {
                        if (e.isMessage()) {
                            JsonNode msg = json.read(e.data());
                            if (msg != null && !msg.has("method") && (id.equals(msg.get("id")) || msg.has("error"))) {
                                return msg;
                            }
                        }
                    }
                }
                return null;
            }
            byte[] body = reply.readAll();
            try {
                JsonNode msg = json.read(body);
                return msg != null && msg.isObject() && (msg.has("result") || msg.has("error")) ? msg : null;
            } catch (IOException notJson) {
                LOG.debug("server/discover of '{}': HTTP {} {}", server.name(), reply.status(),
                        new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8));
                return null;
            }
        } catch (IOException e) {
            reply.discard();
            throw new UpstreamException(server.name(), "server/discover: unreadable answer: " + e.getMessage(),
                    reply.status(), e);
        }
    }
}
