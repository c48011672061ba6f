package io.camelmcp.gateway.relay;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.RequestContext;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.LimitExceeded;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.ReplicaBus;
import io.camelmcp.gateway.session.ReplicaMessage;
import io.camelmcp.gateway.session.SessionStore;
import io.camelmcp.gateway.session.UpstreamSession;
import io.camelmcp.gateway.upstream.SseEvent;
import io.camelmcp.gateway.upstream.SseReader;
import io.camelmcp.gateway.upstream.UpstreamClient;
import io.camelmcp.gateway.upstream.UpstreamException;
import io.camelmcp.gateway.upstream.UpstreamReply;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * The client's GET stream: one SSE stream per gateway session carrying what every upstream sends outside of
 * a request (notifications, server requests such as roots/list), each message on this one stream only, plus
 * the gateway's own notifications (list_changed). While a client holds its GET stream, the gateway holds the
 * GET stream of those of the client's upstream sessions that can send it something outside a request
 * ({@link #needsStream}); list changes need none, the catalogue reads one stream per server for everyone. A client
 * that declared {@code roots} has its sessions with the ready servers opened with its stream, since servers ask for
 * roots right after initialization, outside any request, and that request is not lost.
 */
public class ClientStreams {

    private static final Logger LOG = LoggerFactory.getLogger(ClientStreams.class);
    private static final int HISTORY = 256;
    /** Bytes of events a stream keeps for resumption, whatever their number. */
    private static final int HISTORY_BYTES = 4 << 20;
    private static final long RETRY_MILLIS = 2000;
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    private static final int MAX_STREAMS = 16;
    private static final int CONFLICT_RETRIES = 10;
    private static final long CONFLICT_RETRY_MILLIS = 200;

    private final ServerRegistry registry;
    private final SessionStore store;
    private final UpstreamSessions upstreams;
    private final UpstreamClient client;
    private final ServerMessages serverMessages;
    private final JsonRpc json;
    private final Duration connectTimeout;
    private final AtomicLong streamIds = new AtomicLong();
    /** Per gateway session: its streams by id (for Last-Event-ID), and the one new messages go to. */
    private final Map<String, Map<String, EventStream>> streams = new ConcurrentHashMap<>();
    private final Map<String, Listener> current = new ConcurrentHashMap<>();
    /**
     * The GET responses open per gateway session on this replica (mcp.gateway.max-streams-per-session): each holds a
     * connection here, so the count is this replica's (a session's streams on other replicas are theirs to count).
     * Ended or closed ones are dropped at the session's next GET; checked and added under the set's lock.
     */
    private final Map<String, java.util.Set<EventStream.Attachment>> attached = new ConcurrentHashMap<>();
    /** mcp.gateway.max-streams-per-session; 0: no limit. */
    private final int maxStreams;
    /** mcp.gateway.max-streams (worked out from the heap by default); 0: no limit. */
    private final int maxTotal;
    /** The GET responses open on this replica, all sessions together (mcp.gateway.max-streams). */
    private final java.util.concurrent.atomic.AtomicInteger openStreams = new java.util.concurrent.atomic.AtomicInteger();
    /** Upstream GET streams held for a gateway session: by session, then by server. */
    private final Map<String, Map<String, UpstreamReply>> upstreamStreams = new ConcurrentHashMap<>();

    /** Set when the gateway stops ({@link #shutdown}): no GET stream opens any more. */
    private volatile boolean closing;

    /** A session's GET stream held here, and the client that opened it (for upstream streams opened later). */
    private record Listener(EventStream stream, ClientContext client) {}

    private final ReplicaBus bus;

    public ClientStreams(ServerRegistry registry, SessionStore store, UpstreamSessions upstreams, UpstreamClient client,
                         ServerMessages serverMessages, JsonRpc json, Duration connectTimeout, ReplicaBus bus,
                         int maxStreams, int maxTotal) {
        this.maxStreams = maxStreams;
        this.maxTotal = maxTotal;
        this.bus = bus;
        bus.subscribe(this::onReplicaMessage);
        this.registry = registry;
        this.store = store;
        this.upstreams = upstreams;
        this.client = client;
        this.serverMessages = serverMessages;
        this.json = json;
        this.connectTimeout = connectTimeout;
        upstreams.onOpened(this::upstreamOpened);
    }

    /** GET /mcp: a new stream, or the one named by Last-Event-ID resumed after that event. */
    public Answer open(@ExchangeProperty(McpExchange.CONTEXT) RequestContext ctx,
                     @ExchangeProperty(McpExchange.CLIENT) ClientContext gs) {
        if (!ctx.acceptsEventStream()) {
            throw McpException.http(406, ErrorCodes.TRANSPORT_ERROR, "Not Acceptable: GET must accept text/event-stream");
        }
        if (closing) {
            throw shuttingDown();
        }
        Map<String, EventStream> mine = streams.computeIfAbsent(gs.sessionId(), k -> new ConcurrentHashMap<>());
        EventStream stream = null;
        long lastSeen = -1;
        String last = ctx.lastEventId();
        if (last != null) {
            int dash = last.lastIndexOf('-');
            stream = dash > 0 ? mine.get(last.substring(0, dash)) : null;
            if (stream != null) {
                try {
                    lastSeen = Long.parseLong(last.substring(dash + 1));
                } catch (NumberFormatException e) {
                    stream = null;
                }
            }
        }
        boolean prime = primes(gs);
        java.util.Set<EventStream.Attachment> open = attached.computeIfAbsent(gs.sessionId(), k -> ConcurrentHashMap.newKeySet());
        EventStream.Attachment body;
        synchronized (open) { // two GETs of one session at once cannot both take the last slot
            open.removeIf(a -> !a.isOpen());
            // resuming a stream that a response still reads ends that response: a connection replaced, none added
            if (maxStreams > 0 && open.size() >= maxStreams && (stream == null || !stream.attached())) {
                throw new LimitExceeded("mcp.gateway.max-streams-per-session", maxStreams, "Too Many Requests: this "
                        + "session has " + open.size() + " open GET streams (on this replica), the most "
                        + "mcp.gateway.max-streams-per-session allows; close one before opening another", null, 0);
            }
            // a stream resumed in place of one still read replaces a connection, adds none: counted, never refused
            reserve(stream == null || !stream.attached());
            if (stream != null && stream.id().startsWith("p")) {
                // resuming the stream of a request (the client lost it): what it missed, up to the response
                body = stream.attach(lastSeen, RETRY_MILLIS, KEEP_ALIVE_MILLIS, prime, openStreams::decrementAndGet);
                open.add(body);
                return Answer.events(body);
            }
            if (stream == null) {
                stream = new EventStream("s" + streamIds.incrementAndGet(), HISTORY, HISTORY_BYTES);
                mine.put(stream.id(), stream);
            }
            current.put(gs.sessionId(), new Listener(stream, gs));
            body = stream.attach(lastSeen, RETRY_MILLIS, KEEP_ALIVE_MILLIS, prime, openStreams::decrementAndGet);
            open.add(body);
        }
        // another replica that held the client's GET stream lets go of it and of its upstream streams
        bus.publish(new ReplicaMessage(ReplicaMessage.STREAM, bus.replica(), gs.sessionId(), null, null));
        if (closing) {
            letGo(gs.sessionId()); // the shutdown began while this stream opened, after it ended the others: it ends too
        } else {
            openUpstreams(gs);
        }
        return Answer.events(body);
    }

    /** Takes a slot of mcp.gateway.max-streams, or refuses the stream (503) when this replica holds that many. */
    private void reserve(boolean refusable) {
        int now = openStreams.incrementAndGet();
        if (refusable && maxTotal > 0 && now > maxTotal) {
            openStreams.decrementAndGet();
            throw LimitExceeded.capacity("mcp.gateway.max-streams", maxTotal, "Service Unavailable: this replica holds "
                    + maxTotal + " open GET streams, the most mcp.gateway.max-streams allows; retry later (or on another "
                    + "replica)", 5);
        }
    }

    /** Priming events are a 2025-11-25 feature: older clients may not expect an event without data. */
    private static boolean primes(ClientContext gs) {
        return gs.family() != null && gs.family().primesStreams(gs.protocolVersion());
    }

    /**
     * The event stream of one request's SSE answer: its events carry ids, so a client that loses the answer
     * can resume it with a GET and Last-Event-ID; the gateway keeps reading the upstream meanwhile.
     * Only the most recent streams of a session are kept.
     */
    public RequestStream requestStream(ClientContext gs) {
        Map<String, EventStream> mine = streams.computeIfAbsent(gs.sessionId(), k -> new ConcurrentHashMap<>());
        EventStream stream = new EventStream("p" + streamIds.incrementAndGet(), HISTORY, HISTORY_BYTES);
        mine.put(stream.id(), stream);
        if (mine.size() > MAX_STREAMS) {
            mine.values().stream().filter(EventStream::isComplete).limit(mine.size() - MAX_STREAMS)
                    .toList().forEach(s -> mine.remove(s.id(), s));
        }
        return new RequestStream(stream, primes(gs) ? stream.priming(RETRY_MILLIS) : null);
    }

    /**
     * A request's stream is over. If the client read it all, nobody will resume it: it is forgotten at once,
     * so only the streams of clients that lost them are kept (for their Last-Event-ID).
     */
    public void completed(ClientContext gs, RequestStream stream, boolean delivered) {
        stream.events().complete();
        if (delivered) {
            Map<String, EventStream> mine = streams.get(gs.sessionId());
            if (mine != null) {
                mine.remove(stream.events().id(), stream.events());
            }
        }
    }

    /** A request's event stream and, for clients that take it, the priming event to start with. */
    public record RequestStream(EventStream events, byte[] priming) {}

    /**
     * Whether an upstream session can send its client something outside of a request, so that the gateway holds its
     * GET stream while the client holds its own: the server declared {@code resources.subscribe} (updates of the
     * resources the client subscribed to) or {@code tasks} (task status), or it declared {@code logging} and the client
     * set a level (logging/setLevel: it asked for log messages; SDK servers declare logging whether or not they log),
     * or the client declared {@code roots} (servers ask for them when they like). List changes are not a reason: the
     * catalogue reads one stream per server and tells every client. A 2026-07-28 server has no GET stream.
     */
    static boolean needsStream(ClientContext gs, UpstreamSession us, java.util.function.BooleanSupplier levelSet) {
        if (us == null || us.sessionId() == null) {
            return false;
        }
        if (declaresRoots(gs)) {
            return true;
        }
        JsonNode caps = us.capabilities();
        return caps != null && (caps.has("tasks") || caps.path("resources").path("subscribe").asBoolean(false)
                || caps.has("logging") && levelSet.getAsBoolean());
    }

    private boolean needsStream(ClientContext gs, UpstreamSession us) {
        return needsStream(gs, us, () -> store.loggingLevel(gs.sessionId()) != null);
    }

    /** logging.yaml: the client asked for log messages; its sessions with servers that log are listened to now. */
    public void loggingLevelSet(@ExchangeProperty(McpExchange.CLIENT) ClientContext gs) {
        boolean here = current.containsKey(gs.sessionId());
        for (UpstreamSession us : store.upstreams(gs.sessionId())) {
            if (us.sessionId() == null || us.capabilities() == null || !us.capabilities().has("logging")) {
                continue;
            }
            ServerRegistration server = registrationOf(us.server());
            if (server == null) {
                continue;
            }
            if (here) {
                listenInBackground(gs, server, us);
            } else {
                bus.publish(new ReplicaMessage(ReplicaMessage.OPENED, bus.replica(), gs.sessionId(), us.server(), null));
            }
        }
    }

    private static boolean declaresRoots(ClientContext gs) {
        return gs.clientCapabilities() != null && gs.clientCapabilities().has("roots");
    }

    /**
     * The client's stream opened: the gateway listens to those of its upstream sessions that need it. Sessions are
     * opened by the client's requests, not by its stream, except for a client that declared roots, whose sessions with
     * the ready servers open now (in the background) so that the roots/list a server sends after initialization
     * reaches it. Bridged servers (a process or a connection per session) never open a session for a stream alone.
     */
    private void openUpstreams(ClientContext gs) {
        Map<String, UpstreamSession> existing = new java.util.HashMap<>();
        for (UpstreamSession us : store.upstreams(gs.sessionId())) {
            existing.put(us.server(), us);
        }
        java.util.function.BooleanSupplier levelSet = new java.util.function.BooleanSupplier() {
            private Boolean set; // asked of the store once, and only if a server logs

            @Override
            public boolean getAsBoolean() {
                if (set == null) {
                    set = store.loggingLevel(gs.sessionId()) != null;
                }
                return set;
            }
        };
        boolean eager = declaresRoots(gs);
        for (RegistrySnapshot.Entry e : registry.snapshot().readyServers()) {
            UpstreamSession us = existing.get(e.name());
            if (us != null) {
                if (needsStream(gs, us, levelSet)) {
                    listenInBackground(gs, e.registration(), us);
                }
                continue;
            }
            if (!eager || e.registration().transport().bridged()) {
                continue;
            }
            Thread.ofVirtual().name("mcp-open-" + e.name()).start(() -> {
                try {
                    upstreams.sessionFor(gs, e.registration(), connectTimeout); // upstreamOpened listens
                } catch (UpstreamException | McpException ex) {
                    LOG.debug("No session with '{}' for a GET stream: {}", e.name(), ex.getMessage());
                } catch (IllegalStateException ex) {
                    if (!closing) {
                        throw ex;
                    }
                    // the gateway stopped while this opened: its HTTP pool or Redis connection is closed by now
                    LOG.debug("No session with '{}' for a GET stream, the gateway stopped: {}", e.name(), ex.getMessage());
                }
            });
        }
    }

    /**
     * An upstream session was opened for the client: if it needs a stream (see {@link #needsStream}) and the client
     * listens, the gateway listens to it too; a client listening on another replica is told.
     */
    void upstreamOpened(ClientContext gs, ServerRegistration server, UpstreamSession session) {
        if (!needsStream(gs, session)) {
            return;
        }
        if (!current.containsKey(gs.sessionId())) {
            // the client may listen on another replica: that one opens the upstream's stream
            bus.publish(new ReplicaMessage(ReplicaMessage.OPENED, bus.replica(), gs.sessionId(), server.name(), null));
            return;
        }
        listen(gs, server, session, 0);
    }

    /** {@link #listenQuietly} in a thread of its own. */
    private void listenInBackground(ClientContext gs, ServerRegistration server, UpstreamSession known) {
        Thread.ofVirtual().name("mcp-listen-" + server.name()).start(() -> listenQuietly(gs, server, known, 0));
    }

    /**
     * As {@link #listen}, for {@code known} (a session found to need a stream), or, when null, for the session the store
     * holds now if it needs one; a store outage is logged by the store, not as a stack trace.
     */
    private void listenQuietly(ClientContext gs, ServerRegistration server, UpstreamSession known, int attempt) {
        try {
            UpstreamSession us = known != null ? known : store.upstream(gs.sessionId(), server.name());
            if (known != null || needsStream(gs, us)) {
                listen(gs, server, us, attempt);
            }
        } catch (McpException e) {
            LOG.debug("No GET stream of '{}' for a client: {}", server.name(), e.getMessage());
        }
    }

    /**
     * Opens the GET stream of {@code us}, an upstream session that needs one ({@link #needsStream}), for a listening
     * client; retried while the upstream still has the old one.
     */
    private void listen(ClientContext gs, ServerRegistration server, UpstreamSession us, int attempt) {
        Map<String, UpstreamReply> held = upstreamStreams.computeIfAbsent(gs.sessionId(), k -> new ConcurrentHashMap<>());
        String key = server.name();
        if (held.containsKey(key)) {
            return;
        }
        UpstreamReply reply;
        try {
            reply = client.openStream(server, us, connectTimeout, null, gs);
        } catch (UpstreamException e) {
            return;
        }
        if (reply.status() == 409 && attempt < CONFLICT_RETRIES) {
            // one GET stream per upstream session: the replica the client left is still closing its own
            reply.discard();
            Thread.ofVirtual().name("mcp-listen-retry-" + server.name()).start(() -> {
                try {
                    Thread.sleep(CONFLICT_RETRY_MILLIS);
                    if (current.containsKey(gs.sessionId())) {
                        listenQuietly(gs, server, null, attempt + 1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return;
        }
        if (reply.status() != 200 || !reply.isEventStream() || held.putIfAbsent(key, reply) != null) {
            reply.discard();
            return;
        }
        if (!current.containsKey(gs.sessionId()) || upstreamStreams.get(gs.sessionId()) != held) {
            // the client moved to another replica (or its session ended) while this stream opened
            held.remove(key, reply);
            reply.discard();
            return;
        }
        Thread.ofVirtual().name("mcp-listen-" + server.name()).start(() -> listen(gs, server, reply, held, key));
    }

    private void listen(ClientContext gs, ServerRegistration server, UpstreamReply reply, Map<String, UpstreamReply> held,
                        String key) {
        try (SseReader events = new SseReader(reply.body())) {
            SseEvent e;
            while ((e = events.next()) != null) {
                if (!e.isMessage()) {
                    continue;
                }
                RegistrySnapshot.Entry entry = registry.snapshot().server(server.name());
                JsonNode msg = json.read(e.data());
                try {
                    JsonNode out = entry == null || !(msg instanceof ObjectNode) ? null : serverMessages.toClient(gs, entry, msg);
                    if (out != null) {
                        publish(gs.sessionId(), out);
                    }
                } catch (McpException unavailable) {
                    // the store is away for a moment (it logs that once): this message is lost, the stream goes on
                    LOG.debug("A message of '{}' for a client was dropped: {}", server.name(), unavailable.getMessage());
                }
            }
        } catch (Exception ex) {
            LOG.debug("GET stream of '{}' for a client ended: {}", server.name(), ex.toString());
        } finally {
            held.remove(key, reply);
        }
    }

    /** Sends a message on the session's GET stream (kept for a reconnecting client if none is attached). */
    public void publish(String sessionId, JsonNode msg) {
        Listener l = current.get(sessionId);
        EventStream s = l == null ? null : l.stream();
        if (s != null) {
            s.publish(json.write(msg));
        }
    }

    /** A gateway notification to every client that listens (e.g. notifications/tools/list_changed). */
    public void broadcast(String method) {
        byte[] bytes = json.write(JsonRpc.notification(method));
        current.values().forEach(l -> l.stream().publish(bytes));
    }

    /**
     * A gateway notification for one session (e.g. notifications/tools/list_changed after its select_tools): on its GET
     * stream if this replica holds it, else told to the others, one of which does.
     */
    public void notify(String sessionId, String method) {
        if (!publishHere(sessionId, method)) {
            bus.publish(new ReplicaMessage(ReplicaMessage.NOTIFY, bus.replica(), sessionId, null,
                    com.fasterxml.jackson.databind.node.TextNode.valueOf(method)));
        }
    }

    private boolean publishHere(String sessionId, String method) {
        Listener l = current.get(sessionId);
        if (l == null) {
            return false;
        }
        l.stream().publish(json.write(JsonRpc.notification(method)));
        return true;
    }

    /** The gateway session ended: its streams end here and on every other replica, with the upstream streams held for it. */
    public void ended(String sessionId) {
        closed(sessionId);
        bus.publish(new ReplicaMessage(ReplicaMessage.ENDED, bus.replica(), sessionId, null, null));
    }

    private void onReplicaMessage(ReplicaMessage m) {
        switch (m.type()) {
            case ReplicaMessage.ENDED -> closed(m.sessionId());
            case ReplicaMessage.STREAM -> letGo(m.sessionId());
            case ReplicaMessage.NOTIFY -> {
                if (m.data() != null && m.data().isTextual()) {
                    publishHere(m.sessionId(), m.data().textValue());
                }
            }
            case ReplicaMessage.OPENED -> {
                Listener listener = current.get(m.sessionId());
                ServerRegistration server = m.server() == null ? null : registrationOf(m.server());
                if (listener != null && server != null) {
                    ClientContext gs = listener.client();
                    store.forget(m.sessionId()); // the other replica's new upstream session, not a cached view
                    listenInBackground(gs, server, null);
                }
            }
            default -> { }
        }
    }

    private ServerRegistration registrationOf(String server) {
        RegistrySnapshot.Entry e = registry.snapshot().server(server);
        return e == null ? null : e.registration();
    }

    /**
     * The client opened its GET stream on another replica: the stream it had here ends (it reads on there) and the
     * upstream streams held for it close, so that the other replica can open them. Request streams go on.
     */
    private void letGo(String sessionId) {
        Listener gone = current.remove(sessionId);
        if (gone != null) {
            EventStream old = gone.stream();
            Map<String, EventStream> mine = streams.get(sessionId);
            if (mine != null) {
                mine.remove(old.id(), old);
            }
            old.end();
        }
        closeUpstreamStreams(sessionId);
    }

    /**
     * The gateway stops (before the web server drains its requests): GET streams are refused from now on (503),
     * each open one ends, its response completing, so that the client sees the end of its stream and the drain
     * waits only for calls in progress; the upstream streams held for clients close. The streams of requests
     * (their SSE answers) go on to their responses. Returns how many GET streams ended.
     */
    public int shutdown() {
        closing = true;
        int ended = 0;
        for (String sessionId : List.copyOf(current.keySet())) {
            ended += current.containsKey(sessionId) ? 1 : 0;
            letGo(sessionId);
        }
        for (String sessionId : List.copyOf(upstreamStreams.keySet())) {
            closeUpstreamStreams(sessionId);
        }
        return ended;
    }

    static McpException shuttingDown() {
        return McpException.http(503, ErrorCodes.TRANSPORT_ERROR, "Service Unavailable: the gateway is shutting down");
    }

    /** The gateway session ended: its streams end, and the upstream streams held for it close. */
    public void closed(String sessionId) {
        current.remove(sessionId);
        attached.remove(sessionId);
        Map<String, EventStream> mine = streams.remove(sessionId);
        if (mine != null) {
            mine.values().forEach(EventStream::end);
        }
        closeUpstreamStreams(sessionId);
    }

    private void closeUpstreamStreams(String sessionId) {
        Map<String, UpstreamReply> held = upstreamStreams.remove(sessionId);
        if (held != null) {
            held.values().forEach(UpstreamReply::discard);
        }
    }
}
