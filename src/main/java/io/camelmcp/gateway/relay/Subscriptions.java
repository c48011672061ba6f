package io.camelmcp.gateway.relay;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.protocol.StatelessFamily;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ResourceUris;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.UpstreamSession;
import io.camelmcp.gateway.upstream.EventChunks;
import io.camelmcp.gateway.upstream.SseEvent;
import io.camelmcp.gateway.upstream.SseReader;
import io.camelmcp.gateway.upstream.UpstreamClient;
import io.camelmcp.gateway.upstream.UpstreamException;
import io.camelmcp.gateway.upstream.UpstreamReply;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * {@code subscriptions/listen} (2026-07-28): one long-lived answer per subscription, acknowledged first with the
 * subset of the filter the gateway honours, then the change notifications the client opted in to, each tagged with
 * the subscription's id. List changes come from the merged catalogue (whatever revision its servers speak); resource
 * updates from the owning server: the gateway subscribes in the client pool's upstream session
 * ({@code resources/subscribe}) and reads that session's GET stream, one reader per (pool, server) whoever listens.
 * Request-scoped notifications (progress, log messages) never go here.
 */
public class Subscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
    private static final byte[] KEEP_ALIVE = ":\n\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Queued after a subscription's last message: its answer ends there. */
    private static final byte[] END = new byte[0];

    private final ServerRegistry registry;
    private final UpstreamSessions upstreams;
    private final UpstreamClient client;
    private final JsonRpc json;
    private final Duration timeout;
    private final Duration keepAlive;
    private final Set<Listen> listens = new CopyOnWriteArraySet<>();
    private final ClientStreams clientStreams;
    /** The upstream GET streams read for resource updates, by pool session and server. */
    private final Map<String, UpstreamReply> readers = new ConcurrentHashMap<>();
    /** Set when the gateway stops ({@link #close}): no subscription opens any more. */
    private volatile boolean closing;

    public Subscriptions(ServerRegistry registry, UpstreamSessions upstreams, UpstreamClient client, JsonRpc json,
                         Duration timeout, Duration keepAlive, ClientStreams clientStreams) {
        this.clientStreams = clientStreams;
        this.registry = registry;
        this.upstreams = upstreams;
        this.client = client;
        this.json = json;
        this.timeout = timeout;
        this.keepAlive = keepAlive;
    }

    /** One open subscription: what it asked for, where its notifications queue. */
    private final class Listen {
        final JsonNode id;
        final ClientContext client;
        final boolean tools;
        final boolean prompts;
        final boolean resources;
        final Set<String> uris;
        final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        /** Its graceful end is queued (once, whether the shutdown or a listen that raced it got there first). */
        final java.util.concurrent.atomic.AtomicBoolean ending = new java.util.concurrent.atomic.AtomicBoolean();

        Listen(JsonNode id, ClientContext client, boolean tools, boolean prompts, boolean resources, Set<String> uris) {
            this.id = id;
            this.client = client;
            this.tools = tools;
            this.prompts = prompts;
            this.resources = resources;
            this.uris = uris;
        }

        void send(ObjectNode notification) {
            ObjectNode params = notification.has("params") ? (ObjectNode) notification.get("params")
                    : notification.putObject("params");
            ObjectNode meta = params.has("_meta") ? (ObjectNode) params.get("_meta") : params.putObject("_meta");
            meta.set(StatelessFamily.META_SUBSCRIPTION_ID, id);
            queue.add(EventChunks.frame(null, json.write(notification)));
        }
    }

    /** subscriptions/listen: acknowledged at once, then the notifications the client opted in to, until it closes. */
    public Answer listen(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                         @ExchangeProperty(McpExchange.CLIENT) ClientContext gs) {
        if (closing) {
            throw ClientStreams.shuttingDown();
        }
        JsonNode id = exchange.getProperty(McpExchange.CLIENT_REQUEST_ID, JsonNode.class);
        JsonNode filter = msg.paramsObject().path("notifications");
        if (!filter.isObject()) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: \"notifications\" must be an object", id);
        }
        Set<String> honoured = new java.util.LinkedHashSet<>();
        JsonNode wanted = filter.path("resourceSubscriptions");
        if (!wanted.isMissingNode() && !wanted.isArray()) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "Invalid params: \"resourceSubscriptions\" must be an array", id);
        }
        for (JsonNode uri : wanted) {
            if (uri.isTextual() && subscribe(gs, uri.textValue())) {
                honoured.add(uri.textValue());
            }
        }
        Listen l = new Listen(id == null ? msg.id() : id, gs, filter.path("toolsListChanged").asBoolean(false),
                filter.path("promptsListChanged").asBoolean(false), filter.path("resourcesListChanged").asBoolean(false),
                honoured);
        ObjectNode ack = JsonRpc.notification("notifications/subscriptions/acknowledged");
        ObjectNode notifications = ack.putObject("params").putObject("notifications");
        if (l.tools) {
            notifications.put("toolsListChanged", true);
        }
        if (l.prompts) {
            notifications.put("promptsListChanged", true);
        }
        if (l.resources) {
            notifications.put("resourcesListChanged", true);
        }
        if (!wanted.isMissingNode()) {
            ArrayNode uris = notifications.putArray("resourceSubscriptions");
            honoured.forEach(uris::add);
        }
        l.send(ack);
        listens.add(l);
        if (closing) {
            end(l); // the shutdown began while this one was acknowledged, after it ended the others
        }
        return Answer.events(new ListenStream(l));
    }

    /** The gateway's merged lists changed ({@code notifications/tools/list_changed}, ...): every listener that asked. */
    public void changed(String method) {
        for (Listen l : listens) {
            boolean wants = switch (method) {
                case "notifications/tools/list_changed" -> l.tools;
                case "notifications/prompts/list_changed" -> l.prompts;
                case "notifications/resources/list_changed" -> l.resources;
                default -> false;
            };
            if (wants) {
                l.send(JsonRpc.notification(method));
            }
        }
    }

    /** Subscribes to a gateway URI at its owner, in the pool's upstream session; false when it cannot be. */
    private boolean subscribe(ClientContext gs, String uri) {
        RegistrySnapshot snap = registry.snapshot();
        ResourceUris.Owned owned = ResourceUris.resolve(snap, uri);
        if (owned == null || !owned.server().ready()) {
            return false;
        }
        RegistrySnapshot.Entry server = owned.server();
        if (upstreams.isModern(server.registration())) {
            // a 2026-07-28 server has no resources/subscribe: its own subscriptions/listen, for this subscription
            return upstreamListen(gs, server, owned.uri(), update -> forListens(gs, update));
        }
        ObjectNode req = JsonRpc.request(upstreams.nextId("subscribe"), "resources/subscribe");
        req.putObject("params").put("uri", owned.uri());
        try {
            JsonNode answer = upstreams.call(gs, server.registration(), req, timeout);
            if (answer.has("error")) {
                LOG.info("'{}' refused the subscription to {}: {}", server.name(), owned.uri(), answer.get("error"));
                return false;
            }
        } catch (UpstreamException e) {
            LOG.info("Could not subscribe to {} at '{}': {}", owned.uri(), server.name(), e.getMessage());
            return false;
        }
        read(gs, server);
        return true;
    }

    /** Reads the pool's GET stream from a server (once per pool and server) for its resource updates. */
    private void read(ClientContext gs, RegistrySnapshot.Entry server) {
        String key = gs.sessionId() + '\n' + server.name();
        if (readers.containsKey(key)) {
            return;
        }
        UpstreamSession session = upstreams.sessionsOf(gs).stream().filter(s -> s.server().equals(server.name()))
                .findFirst().orElse(null);
        if (session == null) {
            return;
        }
        UpstreamReply reply;
        try {
            reply = client.openStream(server.registration(), session, timeout, null, gs);
        } catch (UpstreamException e) {
            LOG.info("No notification stream from '{}': {}", server.name(), e.getMessage());
            return;
        }
        if (reply.status() != 200 || !reply.isEventStream() || readers.putIfAbsent(key, reply) != null) {
            reply.discard();
            return;
        }
        Thread.ofVirtual().name("mcp-subscriptions-" + server.name()).start(() -> {
            try (SseReader events = new SseReader(reply.body())) {
                SseEvent e;
                while ((e = events.next()) != null) {
                    if (!e.isMessage()) {
                        continue;
                    }
                    JsonNode m = json.read(e.data());
                    if (m != null && "notifications/resources/updated".equals(m.path("method").asText())) {
                        forListens(gs, ResourceUris.expose(server, m.path("params").path("uri").asText()));
                    }
                }
            } catch (IOException ex) {
                LOG.debug("Notification stream of '{}' ended: {}", server.name(), ex.toString());
            } finally {
                readers.remove(key, reply);
            }
        });
    }

    /** A resource update (a gateway URI) for every subscription of the pool that asked for it. */
    private void forListens(ClientContext gs, String uri) {
        for (Listen l : listens) {
            if (l.client.sessionId().equals(gs.sessionId()) && l.uris.contains(uri)) {
                ObjectNode out = JsonRpc.notification("notifications/resources/updated");
                out.putObject("params").put("uri", uri);
                l.send(out);
            }
        }
    }

    // ---- resource updates of 2026-07-28 servers: their own subscriptions/listen ----------------------------------

    /** The upstream listens held for resource subscriptions, by gateway session, server and URI (as the server has it). */
    private final Map<String, UpstreamReply> upstreamListens = new ConcurrentHashMap<>();

    /**
     * Opens a 2026-07-28 server's {@code subscriptions/listen} for one resource and hands each update, as a gateway
     * URI, to {@code onUpdate}; false when the server does not acknowledge it. One per session, server and URI.
     */
    private boolean upstreamListen(ClientContext gs, RegistrySnapshot.Entry server, String uri,
                                   java.util.function.Consumer<String> onUpdate) {
        String key = gs.sessionId() + '\n' + server.name() + '\n' + uri;
        if (upstreamListens.containsKey(key)) {
            return true;
        }
        UpstreamReply reply;
        try {
            UpstreamSession session = upstreams.sessionFor(gs, server.registration(), timeout);
            ObjectNode req = JsonRpc.request(upstreams.nextId("listen"), "subscriptions/listen");
            req.putObject("params").putObject("notifications").putArray("resourceSubscriptions").add(uri);
            reply = upstreams.post(server.registration(), session, req, upstreams.upstreamCapabilities(gs), timeout);
        } catch (UpstreamException e) {
            LOG.info("Could not subscribe to {} at '{}': {}", uri, server.name(), e.getMessage());
            return false;
        }
        if (reply.status() != 200 || !reply.isEventStream()) {
            reply.discard();
            return false;
        }
        SseReader events = new SseReader(reply.body());
        try {
            // the acknowledgement comes first and says whether the server honours the subscription
            JsonNode ack = null;
            SseEvent e;
            while (ack == null && (e = events.next()) != null) {
                if (e.isMessage()) {
                    ack = json.read(e.data());
                }
            }
            boolean honoured = false;
            for (JsonNode u : ack == null ? json.mapper().createArrayNode() : ack.at("/params/notifications/resourceSubscriptions")) {
                honoured |= uri.equals(u.asText());
            }
            if (!honoured) {
                reply.discard();
                return false;
            }
        } catch (IOException ex) {
            reply.discard();
            return false;
        }
        if (upstreamListens.putIfAbsent(key, reply) != null) {
            reply.discard();
            return true;
        }
        Thread.ofVirtual().name("mcp-upstream-listen-" + server.name()).start(() -> {
            try (events) {
                SseEvent e;
                while ((e = events.next()) != null) {
                    if (e.isMessage()) {
                        JsonNode m = json.read(e.data());
                        if (m != null && "notifications/resources/updated".equals(m.path("method").asText())) {
                            onUpdate.accept(ResourceUris.expose(server, m.path("params").path("uri").asText()));
                        }
                    }
                }
            } catch (IOException ex) {
                LOG.debug("Subscription stream of '{}' ended: {}", server.name(), ex.toString());
            } finally {
                upstreamListens.remove(key, reply);
            }
        });
        return true;
    }

    /** Ends the upstream listen held for a session, server and URI, if any. */
    private void upstreamUnlisten(ClientContext gs, RegistrySnapshot.Entry server, String uri) {
        UpstreamReply reply = upstreamListens.remove(gs.sessionId() + '\n' + server.name() + '\n' + uri);
        if (reply != null) {
            reply.discard(); // closing the stream ends the subscription (2026-07-28 cancellation)
        }
    }

    /** server-requests.yaml: whether a 2025 client's resources/subscribe or unsubscribe goes to a 2026-07-28 server. */
    public boolean toModernServer(@ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server) {
        return upstreams.isModern(server.registration());
    }

    /**
     * A 2025 client's {@code resources/subscribe} of a resource of a 2026-07-28 server (which has no such method): the
     * gateway opens the server's {@code subscriptions/listen} for it, and its updates go to the client's GET stream.
     */
    public Answer subscribeForSession(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                                      @ExchangeProperty(McpExchange.CLIENT) ClientContext gs,
                                      @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server) {
        String uri = msg.paramsObject().path("uri").asText();
        boolean ok = upstreamListen(gs, server, uri, update -> {
            ObjectNode out = JsonRpc.notification("notifications/resources/updated");
            out.putObject("params").put("uri", update);
            clientStreams.publish(gs.sessionId(), out);
        });
        if (!ok) {
            throw McpException.rpc(ErrorCodes.INVALID_PARAMS, "MCP server '" + server.name()
                    + "' did not take a subscription to " + uri, msg.id());
        }
        return Answer.json(json.write(json.result(msg.id(), json.object())));
    }

    /** A 2025 client's {@code resources/unsubscribe} of a 2026-07-28 server's resource: its listen is closed. */
    public Answer unsubscribeForSession(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                                        @ExchangeProperty(McpExchange.CLIENT) ClientContext gs,
                                        @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server) {
        upstreamUnlisten(gs, server, msg.paramsObject().path("uri").asText());
        return Answer.json(json.write(json.result(msg.id(), json.object())));
    }

    /** The listen answer: the queued notifications as they come, a keep-alive comment when nothing does. */
    private final class ListenStream extends EventChunks {
        private final Listen listen;

        ListenStream(Listen listen) {
            this.listen = listen;
        }

        @Override
        protected byte[] nextChunk() {
            if (!listens.contains(listen)) {
                return null;
            }
            try {
                byte[] next = listen.queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                if (next == END) {
                    listens.remove(listen);
                    return null;
                }
                return next == null ? KEEP_ALIVE : next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public void close() {
            listens.remove(listen);
        }
    }

    /** How many subscriptions are open here (for operators and tests). */
    public int open() {
        return listens.size();
    }

    /**
     * The gateway stops (before the web server drains its requests): every subscription gets its graceful end (a
     * result for the listen request) and its answer completes; new ones are refused (503).
     */
    public void close() {
        closing = true;
        new ArrayList<>(listens).forEach(this::end);
    }

    private void end(Listen l) {
        if (!l.ending.compareAndSet(false, true)) {
            return;
        }
        ObjectNode result = json.object();
        result.put("resultType", "complete");
        result.putObject("_meta").set(StatelessFamily.META_SUBSCRIPTION_ID, l.id);
        l.queue.add(EventChunks.frame(null, json.write(json.result(l.id, result))));
        l.queue.add(END);
    }
}
