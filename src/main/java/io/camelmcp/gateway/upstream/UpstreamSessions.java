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
import io.camelmcp.gateway.protocol.TasksExtension;
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
    private final List<Opened> onOpened =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Which servers speak 2026-07-28 (server/discover) and which the session-based revisions. */
    private final UpstreamEras eras;
    /**
     * Requests to 2026-07-28 servers running here, by "gateway session\nrequest id": what a client's
     * notifications/cancelled does to them (they have no notification to send: closing the stream is the cancellation).
     */
    private final java.util.Map<String, Runnable> modernCancels = new ConcurrentHashMap<>();

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
        this.eras = new UpstreamEras(client, json, gatewayInfo);
    }

    /** What the gateway knows of each server's era (for status, and the catalogue's health check). */
    /** Ends the bridged sessions (legacy SSE streams, stdio processes) of servers gone or reached otherwise now. */
    public void retainBridged(java.util.Map<String, io.camelmcp.gateway.registry.UpstreamTransport.Kind> registered) {
        client.retainBridged(registered);
    }

    public UpstreamEras eras() {
        return eras;
    }

    /** Whether an upstream session is with a modern (2026-07-28) server: stateless, no session id, no streams of its own. */
    public static boolean isModern(UpstreamSession session) {
        return session != null && ModernRequests.VERSION.equals(session.protocolVersion());
    }

    /** Whether the server is known to speak 2026-07-28. */
    public boolean isModern(ServerRegistration server) {
        UpstreamEras.Era e = eras.known(server);
        return e != null && e.modern();
    }

    /** Reopens a stream of the client's session with a server after an event; null when it cannot. */
    public java.io.InputStream resume(ClientContext gs, ServerRegistration server, String lastEventId) {
        UpstreamSession session = store.upstream(gs.sessionId(), server.name());
        if (session == null) {
            return null;
        }
        try {
            UpstreamReply reply = client.openStream(server, session, deliverTimeout, lastEventId, gs);
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
    public void onOpened(Opened listener) {
        onOpened.add(listener);
    }

    /** A client's session with a server was opened: {@code session} as the server declared it. */
    @FunctionalInterface
    public interface Opened {
        void opened(ClientContext gs, ServerRegistration server, UpstreamSession session);
    }

    /** A fresh id for a request the gateway itself sends upstream. */
    public String nextId(String purpose) {
        return "gw-" + purpose + "-" + ids.incrementAndGet();
    }

    /**
     * Opens an MCP session with a server. A server not probed yet is probed first ({@code server/discover}, once per
     * server, not per session): with a modern (2026-07-28) server there is nothing to open, the session is a record
     * (no id, the server's capabilities from its DiscoverResult) so that the rest of the gateway treats both eras
     * alike. With a legacy one: initialize, then notifications/initialized; capabilities are those the gateway can
     * relay for its client. A legacy server that refuses initialize with an UnsupportedProtocolVersion error naming
     * 2026-07-28 changed era: it is probed again.
     */
    public UpstreamSession open(ServerRegistration server, JsonNode capabilities, JsonNode clientInfo, Duration timeout)
            throws UpstreamException {
        return open(null, server, capabilities, clientInfo, timeout);
    }

    /** The same, for {@code gs} (null: a session of the gateway's own): the initialize carries the credentials for it. */
    private UpstreamSession open(ClientContext gs, ServerRegistration server, JsonNode capabilities, JsonNode clientInfo,
                                 Duration timeout) throws UpstreamException {
        UpstreamEras.Era era = eras.known(server);
        if (era == null) {
            era = eras.discover(server, timeout);
        }
        if (era.modern()) {
            return modernSession(server, era);
        }
        try {
            UpstreamSession opened = initialize(gs, server, capabilities, clientInfo, timeout);
            eras.legacy(server, opened.protocolVersion());
            return opened;
        } catch (UpstreamException e) {
            if (e.httpStatus() == 400 && e.getMessage() != null && e.getMessage().contains("-32022")) {
                eras.forget(server);
                UpstreamEras.Era again = eras.discover(server, timeout);
                if (again.modern()) {
                    LOG.info("MCP server '{}' now speaks {}", server.name(), ModernRequests.VERSION);
                    return modernSession(server, again);
                }
            }
            throw e;
        }
    }

    private static UpstreamSession modernSession(ServerRegistration server, UpstreamEras.Era era) {
        return new UpstreamSession(server.name(), null, ModernRequests.VERSION, era.capabilities());
    }

    /** initialize, then notifications/initialized: a session with a session-based (2025) server. */
    private UpstreamSession initialize(ClientContext gs, ServerRegistration server, JsonNode capabilities,
                                       JsonNode clientInfo, Duration timeout) throws UpstreamException {
        ObjectNode req = JsonRpc.request(nextId("init"), "initialize");
        ObjectNode params = req.putObject("params");
        params.put("protocolVersion", upstreamFamily.upstreamVersion());
        ObjectNode caps = capabilities instanceof ObjectNode o ? o.deepCopy() : json.object();
        caps.remove("extensions"); // 2026-07-28 extensions (tasks): a session-based server has no such member
        params.set("capabilities", caps);
        params.set("clientInfo", clientInfo == null || !clientInfo.isObject() ? gatewayInfo : clientInfo);

        UpstreamReply reply = client.post(server, null, json.write(req), timeout, java.util.Map.of(), gs);
        JsonNode response = readResponse(server, reply, req.get("id"));
        String version = response.path("result").path("protocolVersion").asText(null);
        UpstreamSession session = new UpstreamSession(server.name(), reply.sessionId(), version,
                response.path("result").path("capabilities"));
        if (response.has("error")) {
            closeQuietly(server, List.of(session)); // a session the server opened anyway (a process, with stdio) ends
            throw new UpstreamException(server.name(), "initialize failed: " + response.get("error"), reply.status(), null);
        }
        if (!upstreamFamily.acceptsUpstream(version)) {
            closeQuietly(server, List.of(session));
            throw new UpstreamException(server.name(), "upstream speaks unsupported protocol version " + version, 0, null);
        }

        ObjectNode initialized = JsonRpc.notification("notifications/initialized");
        UpstreamReply ack = client.post(server, session, json.write(initialized), timeout, java.util.Map.of(), gs);
        ack.finish(); // 202, no body: the connection serves the next request
        if (ack.status() / 100 != 2) {
            closeQuietly(server, List.of(session));
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
            UpstreamSession opened = open(gs, server, upstreamCapabilities(gs), gs.clientInfo(), timeout);
            UpstreamSession kept = stale != null && store.replaceUpstream(gs.sessionId(), stale, opened) ? opened
                    : store.putUpstreamIfAbsent(gs.sessionId(), opened);
            if (kept != opened) {
                closeQuietly(server, List.of(opened)); // the client ended its session, or another one was first
            }
            UpstreamSession session = kept == null ? opened : kept;
            mine.complete(session);
            if (kept == opened) {
                for (var listener : onOpened) {
                    listener.opened(gs, server, session);
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
        if (TasksExtension.declared(caps)) {
            // passed through to 2026-07-28 servers (they may then answer a call with a task); see initialize
            out.putObject("extensions").putObject(TasksExtension.ID);
        }
        return out;
    }

    /**
     * Posts a message (a client's answer to a server request, a notification) in the client's current
     * session with the server, without opening or re-initialising one. Returns the HTTP status, 0 if none.
     */
    public int deliver(ClientContext gs, ServerRegistration server, byte[] body) {
        return deliver(gs.sessionId(), server, body, gs);
    }

    /**
     * The same, by the gateway session's id (a message another replica handed on): with the gateway's own credentials
     * for the server, the client's identity not being known here.
     */
    public int deliver(String gatewaySessionId, ServerRegistration server, byte[] body) {
        return deliver(gatewaySessionId, server, body, null);
    }

    private int deliver(String gatewaySessionId, ServerRegistration server, byte[] body, ClientContext gs) {
        UpstreamSession session = store.upstream(gatewaySessionId, server.name());
        if (session == null) {
            return 0;
        }
        if (isModern(session)) {
            // a 2026-07-28 server takes no answers (MRTR retries instead), no notifications/cancelled (closing the
            // request's stream is the cancellation) and no roots list_changed over HTTP
            return cancelModern(gatewaySessionId, body) ? 202 : 0;
        }
        try {
            UpstreamReply reply = client.post(server, session, body, deliverTimeout, java.util.Map.of(), gs);
            reply.discard();
            return reply.status();
        } catch (UpstreamException e) {
            LOG.warn("Could not deliver a message to '{}': {}", server.name(), e.getMessage());
            return 0;
        }
    }

    /**
     * Who stops a client's request to a 2026-07-28 server when the client cancels it (closes the request's stream);
     * closing the returned handle forgets it.
     */
    public AutoCloseable onCancelled(String gatewaySessionId, JsonNode requestId, Runnable cancel) {
        String key = gatewaySessionId + '\n' + requestId;
        modernCancels.put(key, cancel);
        return () -> modernCancels.remove(key, cancel);
    }

    private boolean cancelModern(String gatewaySessionId, byte[] body) {
        if (modernCancels.isEmpty()) {
            return false;
        }
        try {
            JsonNode note = json.read(body);
            if (note == null || !"notifications/cancelled".equals(note.path("method").asText())) {
                return false;
            }
            Runnable cancel = modernCancels.remove(gatewaySessionId + '\n' + note.path("params").get("requestId"));
            if (cancel != null) {
                cancel.run();
                return true;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Not a cancellation: {}", e.toString());
        }
        return false;
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
        if (isModern(session)) {
            try {
                return send(gs, server, (ObjectNode) json.read(body), timeout, headers);
            } catch (IOException | ClassCastException e) {
                throw new UpstreamException(server.name(), "not a JSON-RPC message: " + e.getMessage(), 0, e);
            }
        }
        return sendLegacy(gs, server, session, body, null, timeout, headers);
    }

    /**
     * Sends a request (the JSON tree the routes forward) in the client's upstream session. To a modern (2026-07-28)
     * server it goes with its envelope ({@link #envelope}, written into the tree) and the Mcp-Method and Mcp-Name
     * headers, no session; to a legacy one as it is, re-initialising once if the server forgot the session. A reply
     * that says the server changed era (a modern server answering 400 without a modern error; a legacy one answering
     * UnsupportedProtocolVersion naming 2026-07-28) has the server probed again and the request sent once more.
     */
    public UpstreamReply send(ClientContext gs, ServerRegistration server, ObjectNode message, Duration timeout,
                              java.util.Map<String, String> headers) throws UpstreamException {
        UpstreamSession session = sessionFor(gs, server, timeout);
        if (!isModern(session)) {
            return sendLegacy(gs, server, session, json.write(message), message, timeout, headers);
        }
        UpstreamReply reply = postModern(gs, server, message, timeout, headers);
        if (!leftModern(reply)) {
            return reply;
        }
        LOG.info("MCP server '{}' no longer takes 2026-07-28 requests (HTTP {}); probing it again", server.name(), reply.status());
        eras.forget(server);
        session = sessionFor(gs, server, timeout, session);
        return isModern(session) ? postModern(gs, server, message, timeout, headers)
                : sendLegacy(gs, server, session, json.write(message), message, timeout, headers);
    }

    private UpstreamReply postModern(ClientContext gs, ServerRegistration server, ObjectNode message, Duration timeout,
                                     java.util.Map<String, String> headers) throws UpstreamException {
        envelope(gs, message);
        String method = message.path("method").asText(null);
        return client.postModern(server, json.write(message), method, ModernRequests.name(method, message.get("params")),
                timeout, headers, gs);
    }

    /**
     * Writes the per-request envelope of a client's request to a modern server into it: the revision, what the
     * gateway relays of the client's capabilities, the client's info (else the gateway's), the logging level the
     * client set in its session. Other {@code _meta} members (the progress token) stay.
     */
    public void envelope(ClientContext gs, ObjectNode message) {
        JsonNode info = gs.clientInfo() != null && gs.clientInfo().isObject() ? gs.clientInfo() : gatewayInfo;
        ModernRequests.envelope(message, upstreamCapabilities(gs), info,
                gs.sessionId() == null ? null : store.loggingLevel(gs.sessionId()));
    }

    /**
     * Posts a request the gateway makes in one of its own upstream sessions (the catalogue's): to a modern server
     * with the envelope of the given capabilities and the gateway's info.
     */
    public UpstreamReply post(ServerRegistration server, UpstreamSession session, ObjectNode request,
                              JsonNode capabilities, Duration timeout) throws UpstreamException {
        if (!isModern(session)) {
            return client.post(server, session, json.write(request), timeout);
        }
        ModernRequests.envelope(request, capabilities == null ? json.object() : capabilities, gatewayInfo, null);
        String method = request.path("method").asText(null);
        return client.postModern(server, json.write(request), method, ModernRequests.name(method, request.get("params")),
                timeout, java.util.Map.of());
    }

    /**
     * A modern server's 400 whose body is not a modern JSON-RPC error (the transport's backward-compatibility rule,
     * read the other way): it no longer speaks 2026-07-28. The body stays readable for whoever gets the reply.
     */
    private boolean leftModern(UpstreamReply reply) {
        if (reply.status() != 400) {
            return false;
        }
        try {
            JsonNode msg = json.read(reply.readAll());
            JsonNode error = msg == null ? null : msg.get("error");
            if (error == null) {
                return true;
            }
            int code = error.path("code").asInt();
            if (code == ModernRequests.UNSUPPORTED_VERSION) {
                return !ModernRequests.supportsModern(error);
            }
            // modern errors (-32020 and on), and JSON-RPC's own (-32602 for a missing envelope member), are the
            // server's answer; the legacy range (-32000 to -32019: "Bad Request: No valid session ID") is not
            return code <= -32000 && code >= -32019;
        } catch (IOException e) {
            return true;
        }
    }

    private UpstreamReply sendLegacy(ClientContext gs, ServerRegistration server, UpstreamSession session, byte[] body,
                                     ObjectNode message, Duration timeout, java.util.Map<String, String> headers)
            throws UpstreamException {
        UpstreamReply reply = client.post(server, session, body, timeout, headers, gs);
        if (session.sessionId() != null) {
            Expired expired = expiredSession(reply);
            if (expired == Expired.MODERN) {
                LOG.info("MCP server '{}' refused revision {} naming 2026-07-28; probing it again", server.name(),
                        session.protocolVersion());
                eras.forget(server);
            } else if (expired == Expired.SESSION) {
                LOG.info("Upstream '{}' no longer knows session {}; re-initialising", server.name(), shortId(session.sessionId()));
            }
            if (expired != Expired.NO) {
                session = sessionFor(gs, server, timeout, session);
                if (isModern(session)) {
                    ObjectNode m = message != null ? message : readObject(server, body);
                    return postModern(gs, server, m, timeout, headers);
                }
                reply = client.post(server, session, body, timeout, headers, gs);
            }
        }
        return reply;
    }

    private ObjectNode readObject(ServerRegistration server, byte[] body) throws UpstreamException {
        try {
            return (ObjectNode) json.read(body);
        } catch (IOException | ClassCastException e) {
            throw new UpstreamException(server.name(), "not a JSON-RPC message: " + e.getMessage(), 0, e);
        }
    }

    private enum Expired { NO, SESSION, MODERN }

    private static Expired expiredSession(UpstreamReply reply) {
        if (reply.status() == 404) {
            reply.discard();
            return Expired.SESSION;
        }
        if (reply.status() == 400) {
            // TypeScript-SDK servers (server-everything) answer 400 "Bad Request: No valid session ID provided"
            try {
                String text = new String(reply.readAll(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                if (text.contains("-32022") && text.contains(ModernRequests.VERSION)) {
                    return Expired.MODERN; // restarted as a 2026-07-28 server
                }
                return text.contains("session") ? Expired.SESSION : Expired.NO;
            } catch (IOException e) {
                return Expired.NO;
            }
        }
        return Expired.NO;
    }

    /** Sends a request the gateway itself makes in the client's upstream session and returns the response object. */
    public JsonNode call(ClientContext gs, ServerRegistration server, ObjectNode request, Duration timeout)
            throws UpstreamException {
        UpstreamReply reply = send(gs, server, request, timeout, java.util.Map.of());
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
        if (session == null || isModern(session)) {
            return; // a 2026-07-28 server: the gateway closed the request's stream, which is the cancellation
        }
        ObjectNode note = JsonRpc.notification("notifications/cancelled");
        ObjectNode params = note.putObject("params");
        params.set("requestId", requestId);
        params.put("reason", reason);
        byte[] body = json.write(note);
        Thread.ofVirtual().name("mcp-cancel-" + server.name()).start(() -> {
            try {
                client.post(server, session, body, closeTimeout, java.util.Map.of(), gs).discard();
            } catch (UpstreamException e) {
                LOG.debug("Cancelling {} on '{}' failed: {}", requestId, server.name(), e.getMessage());
            }
        });
    }

    /** Ends upstream sessions in the background (DELETE), e.g. when the client ended its session. */
    public void closeQuietly(ServerRegistration server, List<UpstreamSession> sessions) {
        for (UpstreamSession s : sessions) {
            if (s.sessionId() == null) {
                continue; // nothing to end (a modern server has no sessions)
            }
            Thread.ofVirtual().name("mcp-close-" + server.name()).start(() -> {
                try {
                    client.delete(server, s, closeTimeout);
                } catch (UpstreamException | IllegalStateException e) { // the HTTP pool closed: the gateway stops
                    LOG.debug("Closing session on '{}' failed: {}", server.name(), e.getMessage());
                }
            });
        }
    }

    /**
     * Ends upstream sessions (DELETE), all at once, and waits for them at most the close timeout: on shutdown, where
     * a DELETE left in the background would die with the JVM unsent. Returns how many the upstreams acknowledged.
     */
    public int closeAll(List<java.util.Map.Entry<ServerRegistration, UpstreamSession>> sessions) {
        java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new java.util.ArrayList<>();
        for (java.util.Map.Entry<ServerRegistration, UpstreamSession> e : sessions) {
            if (e.getValue().sessionId() == null) {
                continue; // nothing to end (a modern server has no sessions)
            }
            threads.add(Thread.ofVirtual().name("mcp-close-" + e.getKey().name()).start(() -> {
                try {
                    client.delete(e.getKey(), e.getValue(), closeTimeout);
                    ended.incrementAndGet();
                } catch (UpstreamException ex) {
                    LOG.debug("Closing session on '{}' failed: {}", e.getKey().name(), ex.getMessage());
                }
            }));
        }
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        try {
            for (Thread t : threads) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    break; // the rest would not be waited for either
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ended.get();
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
