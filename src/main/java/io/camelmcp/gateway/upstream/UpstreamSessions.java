package io.camelmcp.gateway.upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.ProtocolFamily;
import io.camelmcp.gateway.protocol.SessionFamily;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.SessionStore;
import io.camelmcp.gateway.session.UpstreamSession;

/**
 * MCP sessions towards upstream servers: opened lazily, one per (gateway session, server), kept in the
 * {@link SessionStore}; an upstream that has forgotten its session is re-initialised transparently, once.
 */
public class UpstreamSessions {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamSessions.class);

    private final UpstreamClient client;
    private final SessionStore store;
    private final JsonRpc json;
    private final JsonNode gatewayInfo;
    /** Single flight: concurrent first requests of one session to one server share one initialize. */
    private final ConcurrentHashMap<String, CompletableFuture<UpstreamSession>> opening = new ConcurrentHashMap<>();
    /** The handshake the gateway does with upstreams (initialize: the session-based revisions). */
    private final ProtocolFamily upstreamFamily = new SessionFamily();
    private final AtomicLong ids = new AtomicLong();
    private final Duration deliverTimeout;
    private final Duration closeTimeout;
    private final List<java.util.function.BiConsumer<ClientContext, ServerRegistration>> onOpened =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public UpstreamSessions(UpstreamClient client, SessionStore store, JsonRpc json, JsonNode gatewayInfo) {
        this(client, store, json, gatewayInfo, Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    /**
     * @param deliverTimeout for what the gateway posts upstream for a client outside a call (its answers to server
     *                       requests, its notifications) and for reopening a stream to resume it
     * @param closeTimeout   for what it sends in the background: notifications/cancelled, DELETE of a session
     */
    public UpstreamSessions(UpstreamClient client, SessionStore store, JsonRpc json, JsonNode gatewayInfo,
                            Duration deliverTimeout, Duration closeTimeout) {
        this.client = client;
        this.store = store;
        this.json = json;
        this.gatewayInfo = gatewayInfo;
        this.deliverTimeout = deliverTimeout;
        this.closeTimeout = closeTimeout;
    }

    /** Reopens a stream of the client's session with a server after an event; null when it cannot. */
    public java.io.InputStream resume(ClientContext gs, ServerRegistration server, String lastEventId) {
        UpstreamSession session = store.upstream(gs.sessionId(), server.name());
        if (session == null) {
            return null;
        }
        try {
            UpstreamReply reply = client.openStream(server, session, deliverTimeout, lastEventId);
            if (reply.status() == 200 && reply.isEventStream()) {
                return reply.body();
            }
            reply.discard();
        } catch (UpstreamException e) {
            LOG.debug("Could not resume the stream of '{}': {}", server.name(), e.getMessage());
        }
        return null;
    }

    /** The client's sessions with servers. */
    public List<UpstreamSession> sessionsOf(ClientContext gs) {
        return store.upstreams(gs.sessionId());
    }

    /** Whether the client already has a session with the server. */
    public boolean hasSession(ClientContext gs, ServerRegistration server) {
        return store.upstream(gs.sessionId(), server.name()) != null;
    }

    /** Who to tell when a client's session with a server has been opened (the GET stream relay). */
    public void onOpened(java.util.function.BiConsumer<ClientContext, ServerRegistration> listener) {
        onOpened.add(listener);
    }

    /** A fresh id for a request the gateway itself sends upstream. */
    public String nextId(String purpose) {
        return "gw-" + purpose + "-" + ids.incrementAndGet();
    }

    /**
     * Opens an MCP session with a server: initialize, then notifications/initialized.
     * Capabilities are those the gateway can relay for its client.
     */
    public UpstreamSession open(ServerRegistration server, JsonNode capabilities, JsonNode clientInfo, Duration timeout)
            throws UpstreamException {
        ObjectNode req = JsonRpc.request(nextId("init"), "initialize");
        ObjectNode params = req.putObject("params");
        params.put("protocolVersion", upstreamFamily.upstreamVersion());
        params.set("capabilities", capabilities == null ? json.object() : capabilities);
        params.set("clientInfo", clientInfo == null || !clientInfo.isObject() ? gatewayInfo : clientInfo);

        UpstreamReply reply = client.post(server, null, json.write(req), timeout);
        JsonNode response = readResponse(server, reply, req.get("id"));
        if (response.has("error")) {
            throw new UpstreamException(server.name(), "initialize failed: " + response.get("error"), reply.status(), null);
        }
        String version = response.path("result").path("protocolVersion").asText(null);
        if (!upstreamFamily.acceptsUpstream(version)) {
            throw new UpstreamException(server.name(), "upstream speaks unsupported protocol version " + version, 0, null);
        }
        UpstreamSession session = new UpstreamSession(server.name(), reply.sessionId(), version,
                response.path("result").path("capabilities"));

        ObjectNode initialized = JsonRpc.notification("notifications/initialized");
        UpstreamReply ack = client.post(server, session, json.write(initialized), timeout);
        ack.finish(); // 202, no body: the connection serves the next request
        if (ack.status() / 100 != 2) {
            throw new UpstreamException(server.name(), "notifications/initialized refused with HTTP " + ack.status(), ack.status(), null);
        }
        return session;
    }

    /** The upstream session of a gateway session with a server, opened on first use. */
    public UpstreamSession sessionFor(ClientContext gs, ServerRegistration server, Duration timeout)
            throws UpstreamException {
        return sessionFor(gs, server, timeout, null);
    }

    /**
     * As above; a {@code stale} session (the upstream forgot it) is replaced by a new one in the store, so that
     * the session never has none meanwhile, and a request or replica that replaced it first wins.
     */
    private UpstreamSession sessionFor(ClientContext gs, ServerRegistration server, Duration timeout,
                                       UpstreamSession stale) throws UpstreamException {
        UpstreamSession existing = store.upstream(gs.sessionId(), server.name());
        if (existing != null && !existing.equals(stale)) {
            return existing;
        }
        String key = gs.sessionId() + '\n' + server.name();
        CompletableFuture<UpstreamSession> mine = new CompletableFuture<>();
        CompletableFuture<UpstreamSession> running = opening.putIfAbsent(key, mine);
        if (running != null) {
            return await(server, running);
        }
        try {
            UpstreamSession opened = open(server, upstreamCapabilities(gs), gs.clientInfo(), timeout);
            UpstreamSession kept = stale != null && store.replaceUpstream(gs.sessionId(), stale, opened) ? opened
                    : store.putUpstreamIfAbsent(gs.sessionId(), opened);
            if (kept != opened) {
                closeQuietly(server, List.of(opened)); // the client ended its session, or another one was first
            }
            UpstreamSession session = kept == null ? opened : kept;
            mine.complete(session);
            if (kept == opened) {
                for (var listener : onOpened) {
                    listener.accept(gs, server);
                }
            }
            return session;
        } catch (UpstreamException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            opening.remove(key, mine);
        }
    }

    /**
     * What the gateway declares to an upstream on behalf of its client: exactly the client's own support for
     * the server-to-client requests the gateway relays (elicitation form/url, sampling, roots with
     * listChanged), nothing it cannot deliver (client-side tasks, experimental).
     */
    public JsonNode upstreamCapabilities(ClientContext gs) {
        return relayedCapabilities(gs.clientCapabilities(), json.object());
    }

    /**
     * The canonical form of what is relayed: known members only, in a fixed order, so that equal support
     * gives equal JSON (the catalogue keeps one view per distinct form, a small finite set).
     */
    public static ObjectNode relayedCapabilities(JsonNode caps, ObjectNode out) {
        if (caps == null) {
            return out;
        }
        JsonNode e = caps.get("elicitation");
        if (e != null && e.isObject()) {
            ObjectNode o = out.putObject("elicitation");
            if (e.has("form")) {
                o.putObject("form");
            }
            if (e.has("url")) {
                o.putObject("url");
            }
        }
        JsonNode sampling = caps.get("sampling");
        if (sampling != null && sampling.isObject()) {
            ObjectNode o = out.putObject("sampling");
            if (sampling.has("context")) {
                o.putObject("context");
            }
            if (sampling.has("tools")) {
                o.putObject("tools");
            }
        }
        JsonNode roots = caps.get("roots");
        if (roots != null && roots.isObject()) {
            ObjectNode o = out.putObject("roots");
            if (roots.path("listChanged").asBoolean(false)) {
                o.put("listChanged", true);
            }
        }
        return out;
    }

    /**
     * Posts a message (a client's answer to a server request, a notification) in the client's current
     * session with the server, without opening or re-initialising one. Returns the HTTP status, 0 if none.
     */
    public int deliver(ClientContext gs, ServerRegistration server, byte[] body) {
        return deliver(gs.sessionId(), server, body);
    }

    /** The same, by the gateway session's id (a message another replica handed on). */
    public int deliver(String gatewaySessionId, ServerRegistration server, byte[] body) {
        UpstreamSession session = store.upstream(gatewaySessionId, server.name());
        if (session == null) {
            return 0;
        }
        try {
            UpstreamReply reply = client.post(server, session, body, deliverTimeout);
            reply.discard();
            return reply.status();
        } catch (UpstreamException e) {
            LOG.warn("Could not deliver a message to '{}': {}", server.name(), e.getMessage());
            return 0;
        }
    }

    /**
     * Sends a message in the client's upstream session. A 404 (or server-everything's 400 "session not
     * found") for a session we hold means the upstream forgot it: re-initialise once and resend.
     */
    public UpstreamReply send(ClientContext gs, ServerRegistration server, byte[] body, Duration timeout)
            throws UpstreamException {
        return send(gs, server, body, timeout, java.util.Map.of());
    }

    /** The same, with HTTP headers a route added for this request. */
    public UpstreamReply send(ClientContext gs, ServerRegistration server, byte[] body, Duration timeout,
                              java.util.Map<String, String> headers) throws UpstreamException {
        UpstreamSession session = sessionFor(gs, server, timeout);
        UpstreamReply reply = client.post(server, session, body, timeout, headers);
        if (session.sessionId() != null && isExpiredSession(reply)) {
            LOG.info("Upstream '{}' no longer knows session {}; re-initialising", server.name(), shortId(session.sessionId()));
            session = sessionFor(gs, server, timeout, session);
            reply = client.post(server, session, body, timeout, headers);
        }
        return reply;
    }

    private static boolean isExpiredSession(UpstreamReply reply) {
        if (reply.status() == 404) {
            reply.discard();
            return true;
        }
        if (reply.status() == 400) {
            // TypeScript-SDK servers (server-everything) answer 400 "Bad Request: No valid session ID provided"
            try {
                String text = new String(reply.readAll(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                return text.contains("session");
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    /** Sends a request the gateway itself makes in the client's upstream session and returns the response object. */
    public JsonNode call(ClientContext gs, ServerRegistration server, ObjectNode request, Duration timeout)
            throws UpstreamException {
        UpstreamReply reply = send(gs, server, json.write(request), timeout);
        return readResponse(server, reply, request.get("id"));
    }

    /** Reads the JSON-RPC response to {@code id} from a JSON or SSE answer; other messages are skipped. */
    public JsonNode readResponse(ServerRegistration server, UpstreamReply reply, JsonNode id) throws UpstreamException {
        try {
            if (reply.status() != 200) {
                byte[] body = reply.readAll();
                throw new UpstreamException(server.name(), "HTTP " + reply.status() + " "
                        + new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8), reply.status(), null);
            }
            if (reply.isEventStream()) {
                SseReader events = new SseReader(reply.body());
                SseEvent e;
                while ((e = events.next()) != null) {
                    if (!e.isMessage()) {
                        continue;
                    }
                    JsonNode msg = json.read(e.data());
                    if (!msg.has("method") && id.equals(msg.get("id"))) {
                        reply.finish(); // keep the connection for the next request
                        return msg;
                    }
                }
                reply.discard();
                throw new UpstreamException(server.name(), "stream ended before the response", 200, null);
            }
            JsonNode msg = json.read(reply.readAll());
            if (msg == null || !id.equals(msg.get("id"))) {
                throw new UpstreamException(server.name(), "answer is not the response to " + id, 200, null);
            }
            return msg;
        } catch (IOException e) {
            reply.discard();
            throw new UpstreamException(server.name(), "unreadable answer: " + e.getMessage(), reply.status(), e);
        }
    }

    /**
     * Tells the upstream that the gateway stopped waiting for a request (notifications/cancelled), in the
     * background, in the session the request went out in; never opens a session for it.
     */
    public void cancel(ClientContext gs, ServerRegistration server, JsonNode requestId, String reason) {
        UpstreamSession session = store.upstream(gs.sessionId(), server.name());
        if (session == null) {
            return;
        }
        ObjectNode note = JsonRpc.notification("notifications/cancelled");
        ObjectNode params = note.putObject("params");
        params.set("requestId", requestId);
        params.put("reason", reason);
        byte[] body = json.write(note);
        Thread.ofVirtual().name("mcp-cancel-" + server.name()).start(() -> {
            try {
                client.post(server, session, body, closeTimeout).discard();
            } catch (UpstreamException e) {
                LOG.debug("Cancelling {} on '{}' failed: {}", requestId, server.name(), e.getMessage());
            }
        });
    }

    /** Ends upstream sessions in the background (DELETE), e.g. when the client ended its session. */
    public void closeQuietly(ServerRegistration server, List<UpstreamSession> sessions) {
        for (UpstreamSession s : sessions) {
            Thread.ofVirtual().name("mcp-close-" + server.name()).start(() -> {
                try {
                    client.delete(server, s, closeTimeout);
                } catch (UpstreamException e) {
                    LOG.debug("Closing session on '{}' failed: {}", server.name(), e.getMessage());
                }
            });
        }
    }

    private static UpstreamSession await(ServerRegistration server, CompletableFuture<UpstreamSession> f)
            throws UpstreamException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpstreamException u) {
                throw u;
            }
            throw new UpstreamException(server.name(), "initialize failed: " + e.getCause(), 0, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(server.name(), "interrupted", 0, e);
        }
    }

    static String shortId(String id) {
        return id.length() <= 8 ? id : id.substring(0, 8) + "…";
    }
}
