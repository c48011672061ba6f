package io.camelmcp.gateway.upstream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.UpstreamSession;

/**
 * Makes a server that speaks a connection-bound transport (legacy HTTP+SSE, stdio) look to the rest of the gateway
 * like a Streamable HTTP server: so that every relay the gateway does for one (sessions, progress, elicitation,
 * sampling, notifications, cancellation) works unchanged for these.
 * <p>
 * One {@link Link} (an SSE connection, a process) per upstream session: an {@code initialize} without a session opens
 * one and answers with a new session id; a message in a session goes down its link; a request is answered as an SSE
 * stream that carries what the server sends for it, then its answer. When the link ends (the process exited, the
 * stream broke) the session is gone: the next message in it gets the 404 a Streamable HTTP server gives for a session
 * it forgot, and the gateway initialises a new one (which starts a new process). Sessions live in this replica only.
 * <p>
 * A legacy transport does not say which request a server's message belongs to. The rule: an answer goes to its
 * request; a progress notification to the request that gave its token; a server request (elicitation, sampling,
 * roots) to the oldest request in flight (the one it is most likely made for), or to the session's GET stream when
 * none is; other notifications to the GET stream (kept, up to {@value #BACKLOG}, until one is open).
 */
final class Bridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);

    /** Messages kept for a session's GET stream while none is open; older ones are dropped first. */
    static final int BACKLOG = 256;

    /** One connection to a server: what the gateway sends goes down it; what comes back goes to its {@link Inbound}. */
    interface Link {
        /** Sends one JSON-RPC message (a single line of JSON). */
        void send(byte[] message) throws IOException;

        /** Ends the connection (and the process); {@link Inbound#closed} follows. Safe to call more than once. */
        void close();
    }

    /** The link is over and the message was not delivered: the session is gone (a 404, as for a forgotten session). */
    static final class LinkGone extends IOException {
        LinkGone(String message) {
            super(message);
        }
    }

    /** Where a link delivers. */
    interface Inbound {
        void message(byte[] json);

        /** The link ended: why, for the log and for requests that were waiting. */
        void closed(String why);
    }

    /** Opens links of one transport. */
    interface Links extends AutoCloseable {
        Link open(ServerRegistration server, ClientContext client, Inbound inbound, Duration timeout)
                throws UpstreamException;

        @Override
        default void close() {}
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final Links links;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    Bridge(Links links) {
        this.links = links;
    }

    /** The POST of a Streamable HTTP client, bridged. */
    UpstreamReply post(ServerRegistration server, UpstreamSession session, byte[] body, Duration timeout,
                       ClientContext client) throws UpstreamException {
        JsonNode msg;
        try {
            msg = mapper.readTree(body);
        } catch (IOException e) {
            return error(400, -32700, "Parse error: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (msg == null || !msg.isObject()) {
            return error(400, -32600, "Invalid Request: one JSON-RPC message per POST");
        }
        byte[] line = oneLine(msg, body);
        String method = msg.path("method").asText(null);
        JsonNode id = msg.get("id");
        if (session == null || session.sessionId() == null) {
            if (!"initialize".equals(method) || id == null) {
                return error(400, -32000, "Bad Request: No valid session ID provided");
            }
            return initialize(server, line, id, timeout, client);
        }
        Session s = sessions.get(session.sessionId());
        if (s == null || !s.server.equals(server.name())) {
            return error(404, -32001, "Session not found");
        }
        if (method != null && id != null) {
            BridgePipe answer = s.expect(id, msg.path("params").path("_meta").get("progressToken"));
            if (answer == null) { // the link ended meanwhile: nothing is sent, the gateway opens a new session
                return error(404, -32001, "Session not found");
            }
            UpstreamReply gone = send(server, s, line, id);
            return gone != null ? gone : new UpstreamReply(200, "text/event-stream", s.id, answer);
        }
        UpstreamReply gone = send(server, s, line, null);
        return gone != null ? gone : new UpstreamReply(202, null, s.id, InputStream.nullInputStream());
    }

    /** Sends down the session's link; a 404 reply when the link turned out gone (the gateway opens a new session). */
    private UpstreamReply send(ServerRegistration server, Session s, byte[] line, JsonNode id) throws UpstreamException {
        try {
            s.link.send(line);
            return null;
        } catch (IOException e) {
            if (id != null) {
                s.forget(key(id));
            }
            if (e instanceof LinkGone || s.isEnded()) {
                s.end();
                return error(404, -32001, "Session not found (" + e.getMessage() + ")");
            }
            throw new UpstreamException(server.name(), "cannot send to the server: " + e.getMessage(), 0, e);
        }
    }

    private UpstreamReply initialize(ServerRegistration server, byte[] line, JsonNode id, Duration timeout,
                                     ClientContext client) throws UpstreamException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Session s = new Session(UUID.randomUUID().toString(), server.name());
        CompletableFuture<byte[]> answer = s.expectAnswer(id);
        s.link = links.open(server, client, s, timeout);
        sessions.put(s.id, s);
        try {
            s.link.send(line);
            byte[] result = answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new UpstreamReply(200, "application/json", s.id, new ByteArrayInputStream(result));
        } catch (IOException e) {
            s.end();
            throw new UpstreamException(server.name(), "cannot send initialize: " + e.getMessage(), 0, e);
        } catch (TimeoutException e) {
            s.end();
            throw UpstreamException.timeout(server.name(), "no answer to initialize within " + timeout, e);
        } catch (ExecutionException e) {
            s.end();
            throw new UpstreamException(server.name(), e.getCause().getMessage(), 0, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.end();
            throw new UpstreamException(server.name(), "interrupted", 0, e);
        }
    }

    /** The session's GET stream: what the server sends outside any request. */
    UpstreamReply openStream(ServerRegistration server, UpstreamSession session) {
        Session s = session == null || session.sessionId() == null ? null : sessions.get(session.sessionId());
        if (s == null || !s.server.equals(server.name())) {
            return error(404, -32001, "Session not found");
        }
        BridgePipe stream = s.openStream();
        return stream == null ? error(409, -32000, "Conflict: Only one SSE stream is allowed per session")
                : new UpstreamReply(200, "text/event-stream", s.id, stream);
    }

    /** Ends a session (DELETE): its link closes, its process ends. */
    void delete(UpstreamSession session) {
        Session s = session == null || session.sessionId() == null ? null : sessions.remove(session.sessionId());
        if (s != null) {
            s.end();
        }
    }

    /** Sessions open now to {@code server}. */
    int sessions(String server) {
        int n = 0;
        for (Session s : sessions.values()) {
            if (s.server.equals(server)) {
                n++;
            }
        }
        return n;
    }

    /** Ends the sessions of servers no longer registered as this transport. */
    void retain(java.util.function.Predicate<String> registered) {
        for (Session s : sessions.values()) {
            if (!registered.test(s.server)) {
                sessions.remove(s.id, s);
                s.end();
            }
        }
    }

    @Override
    public void close() {
        for (Session s : sessions.values()) {
            s.end();
        }
        sessions.clear();
        links.close();
    }

    /** The message as one line: re-written compactly only when the client's bytes held a line break. */
    private byte[] oneLine(JsonNode msg, byte[] body) {
        if (!hasLineBreak(body)) {
            return body;
        }
        try {
            return mapper.writeValueAsBytes(msg);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a tree Jackson just read always writes
        }
    }

    private static boolean hasLineBreak(byte[] json) {
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }

    /** Ids and progress tokens: strings as they are, numbers by value (1 and 1.0 are one id, "1" another). */
    private static String key(JsonNode id) {
        if (id.isNumber()) {
            return "n:" + id.decimalValue().stripTrailingZeros().toPlainString();
        }
        return id.isTextual() ? "s:" + id.asText() : "o:" + id;
    }

    private static UpstreamReply error(int status, int code, String message) {
        String body = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":" + code + ",\"message\":\""
                + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(message))
                + "\"},\"id\":null}";
        return new UpstreamReply(status, "application/json", null,
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** A request waiting for its answer: on a stream (a request in a session), or for initialize. */
    private static final class Waiter {
        final BridgePipe pipe;
        final CompletableFuture<byte[]> future;
        final String token;

        Waiter(BridgePipe pipe, CompletableFuture<byte[]> future, String token) {
            this.pipe = pipe;
            this.future = future;
            this.token = token;
        }
    }

    /** One bridged session: its link, the requests waiting for answers, its GET stream or what waits for one. */
    private final class Session implements Inbound {
        final String id;
        final String server;
        volatile Link link;
        /** By request id, oldest first; guarded by this. */
        private final LinkedHashMap<String, Waiter> waiting = new LinkedHashMap<>();
        /** Progress token → request id; guarded by this. */
        private final Map<String, String> tokens = new java.util.HashMap<>();
        private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();
        private BridgePipe stream;
        private boolean ended;

        Session(String id, String server) {
            this.id = id;
            this.server = server;
        }

        synchronized boolean isEnded() {
            return ended;
        }

        synchronized CompletableFuture<byte[]> expectAnswer(JsonNode id) {
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            waiting.put(key(id), new Waiter(null, f, null));
            return f;
        }

        synchronized BridgePipe expect(JsonNode id, JsonNode progressToken) {
            String k = key(id);
            if (ended) {
                return null;
            }
            Waiter[] self = new Waiter[1];
            BridgePipe pipe = new BridgePipe(() -> forget(k, self[0])); // the reader left: what comes for it is dropped
            String token = progressToken == null || progressToken.isNull() ? null : key(progressToken);
            self[0] = new Waiter(pipe, null, token);
            Waiter before = waiting.put(k, self[0]);
            if (before != null && before.pipe != null) {
                before.pipe.end(); // an id used again while in flight: the older request gets no answer here
            }
            if (token != null) {
                tokens.put(token, k);
            }
            return pipe;
        }

        synchronized void forget(String k) {
            forget(k, waiting.get(k));
        }

        /** Forgets the request {@code w} only: a later one under the same id stays. */
        synchronized void forget(String k, Waiter w) {
            if (w != null && waiting.remove(k, w) && w.token != null) {
                tokens.remove(w.token, k);
            }
        }

        synchronized BridgePipe openStream() {
            if (stream != null && !stream.isClosed()) {
                return null;
            }
            BridgePipe[] self = new BridgePipe[1];
            BridgePipe s = new BridgePipe(() -> closedStream(self[0]));
            self[0] = s;
            stream = s;
            while (!backlog.isEmpty()) {
                s.message(backlog.poll());
            }
            if (ended) {
                s.end();
            }
            return s;
        }

        private synchronized void closedStream(BridgePipe s) {
            if (stream == s) {
                stream = null;
            }
        }

        @Override
        public void message(byte[] json) {
            JsonNode m;
            try {
                m = mapper.readTree(json);
            } catch (IOException e) {
                LOG.debug("MCP server '{}' sent something that is not JSON; ignored: {}", server, (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
                return;
            }
            if (m == null || !m.isObject()) {
                return;
            }
            if (hasLineBreak(json)) { // an SSE data field split over lines: one line for the stream it goes on
                try {
                    json = mapper.writeValueAsBytes(m);
                } catch (IOException e) {
                    return;
                }
            }
            JsonNode mid = m.get("id");
            String method = m.path("method").asText(null);
            synchronized (this) {
                if (method == null) {
                    Waiter w = mid == null ? null : waiting.remove(key(mid));
                    if (w == null) {
                        LOG.debug("MCP server '{}' answered a request not waiting here ({}); dropped", server, mid);
                        return;
                    }
                    if (w.token != null) {
                        tokens.remove(w.token);
                    }
                    if (w.pipe != null) {
                        w.pipe.message(json);
                        w.pipe.end();
                    } else {
                        w.future.complete(json);
                    }
                    return;
                }
                if (method.equals("notifications/progress")) {
                    JsonNode token = m.path("params").get("progressToken");
                    String k = token == null ? null : tokens.get(key(token));
                    Waiter w = k == null ? null : waiting.get(k);
                    if (w != null) {
                        w.pipe.message(json);
                        return;
                    }
                } else if (mid != null) {
                    for (Waiter w : waiting.values()) {
                        if (w.pipe != null) {
                            w.pipe.message(json);
                            return;
                        }
                    }
                }
                if (stream != null) {
                    stream.message(json);
                } else {
                    if (backlog.size() >= BACKLOG) {
                        backlog.poll();
                    }
                    backlog.add(json);
                }
            }
        }

        @Override
        public void closed(String why) {
            sessions.remove(id, this);
            List<Waiter> left;
            BridgePipe s;
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
                left = new ArrayList<>(waiting.values());
                waiting.clear();
                tokens.clear();
                s = stream;
            }
            for (Waiter w : left) {
                if (w.pipe != null) {
                    w.pipe.end(); // the stream ends without its answer: the call fails as on a broken connection
                } else {
                    w.future.completeExceptionally(new IOException(why));
                }
            }
            if (s != null) {
                s.end();
            }
        }

        /** Closes the link; {@link #closed} runs (from the link, or here when it had none). */
        void end() {
            Link l = link;
            if (l != null) {
                l.close();
            }
            closed("session ended");
        }
    }
}
