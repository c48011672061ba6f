package io.camelmcp.gateway.federation;

import java.io.IOException;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.protocol.TasksExtension;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ResourceUris;
import io.camelmcp.gateway.registry.ServerStatus;
import io.camelmcp.gateway.relay.ClientStreams;
import io.camelmcp.gateway.relay.ServerMessages;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.upstream.SseRelay;
import io.camelmcp.gateway.upstream.UpstreamException;
import io.camelmcp.gateway.upstream.UpstreamReply;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * Sends a routed request to its owning server, in the client's own upstream session, and relays the
 * answer: a JSON answer passes through untouched unless resource URIs in it must be rewritten, an SSE
 * answer is relayed event by event. Failures become -32001 for the client and a re-probe of the server.
 */
public class Forwarder {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final byte[] URI_FIELD = "\"uri\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final UpstreamSessions upstreams;
    private final JsonRpc json;
    private final DiscoveryService discovery;
    private final SseRelay.Deadline deadline;
    private final ServerMessages serverMessages;
    private final ClientStreams streams;
    private final java.time.Duration streamAfter;
    /** The servers' breakers: a streamed answer that fails after its route returned still counts against its server. */
    private final ServerCalls calls;
    /** mcp.client.connection.failures: requests that got no answer at all. */
    private final CallMetrics metrics;
    /** A 2025 client's answers from 2026-07-28 servers (2026-only members off, MRTR carried out for the client). */
    private final io.camelmcp.gateway.relay.InputRequiredRelay modern;

    /**
     * @param streamAfter how long an upstream's SSE answer may take to bring its response, as its first message,
     *                    before the client gets an SSE stream instead of one JSON object (zero: always a stream)
     */
    public Forwarder(UpstreamSessions upstreams, JsonRpc json, DiscoveryService discovery, SseRelay.Deadline deadline,
                     ServerMessages serverMessages, ClientStreams streams, java.time.Duration streamAfter,
                     ServerCalls calls, CallMetrics metrics) {
        this.calls = calls;
        this.metrics = metrics;
        this.streams = streams;
        this.streamAfter = streamAfter;
        this.upstreams = upstreams;
        this.json = json;
        this.discovery = discovery;
        this.deadline = deadline;
        this.serverMessages = serverMessages;
        this.modern = new io.camelmcp.gateway.relay.InputRequiredRelay(upstreams, json, serverMessages, streams, deadline,
                server -> {
                    // a 2026-07-28 server's answer that broke or failed after the call's route returned: re-probed,
                    // and counted against its breaker like any other failure of it
                    discovery.refreshSoon(server);
                    calls.failed(server, System.nanoTime(), "its answer to a 2025 client's call failed");
                });
    }

    /** The upstream's answer to the forwarded request, between the send step and the answer steps. */
    public static final String REPLY = McpExchange.UPSTREAM_REPLY;
    /** What the running request holds (progress token, in-flight entry) until it is finished. */
    public static final String RUNNING = McpExchange.RUNNING;
    /** Whether the upstream answered with an SSE stream (HTTP 200): what forward.yaml branches on. */
    public static final String STREAMED = "mcpUpstreamStreamed";
    /** The headers a route set for the upstream, kept for the retries of a call to a 2026-07-28 server. */
    private static final String UPSTREAM_HEADERS = "mcpUpstreamHeaders";

    /** What is left to do once the client has its answer (see {@link #afterReply}). */
    private static final String ON_REPLIED = "mcpOnReplied";

    /**
     * After the circuit breaker: what the call left to do once the client has its answer (read the end of the
     * upstream's answer, or let it go if nobody reads it) is tied to this exchange, which the servlet completes after
     * writing the reply. The breaker ran the call on a copy of the exchange, whose own completion comes first.
     */
    public void afterReply(Exchange exchange) {
        org.apache.camel.spi.Synchronization s = exchange.getProperty(ON_REPLIED, org.apache.camel.spi.Synchronization.class);
        if (s != null) {
            exchange.removeProperty(ON_REPLIED);
            exchange.getExchangeExtension().addOnCompletion(s);
        }
    }

    /**
     * Before the send step: a server known to be unreachable (its last probe or health check failed) or held by its
     * source (heartbeats stopped) fails the request at once with -32001 and the status's reason, rather than after the
     * call timeout. A server not probed yet still gets the call; the backoff, not the calls, decides when it is retried.
     */
    public void available(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                          @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server) {
        ServerStatus status = server.status();
        if (server.registration().held() || !status.ready() && ServerStatus.REASON_UNREACHABLE.equals(status.reason())) {
            throw unavailable(msg, server, status.message());
        }
    }

    /**
     * Step one of forward.yaml: the (renamed) request goes to the owning server in the client's upstream session;
     * its answer, any HTTP status, is kept for the next step. A server that cannot be reached is -32001 for the
     * client and a re-probe of the server.
     */
    public void send(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                     @ExchangeProperty(McpExchange.CLIENT) ClientContext session,
                     @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server) {
        exchange.setProperty(RUNNING, serverMessages.started(session, server, msg));
        UpstreamReply reply;
        Map<String, String> headers = routeHeaders(exchange.getMessage());
        if (!headers.isEmpty()) {
            exchange.setProperty(UPSTREAM_HEADERS, headers);
        }
        try {
            // the tree itself: to a 2026-07-28 server it goes with its per-request envelope written into it
            reply = upstreams.send(session, server.registration(), msg.raw(), deadline.of(server.registration()).timeout(),
                    headers);
        } catch (UpstreamException e) {
            if (e.busyMax() > 0) { // the gateway's own bound: the server is fine, nothing to log, count or re-probe
                throw io.camelmcp.gateway.protocol.LimitExceeded.inAnswer("mcp.gateway.servers[].max-processes",
                        e.busyMax(), e.getMessage(), msg.id());
            }
            LOG.warn("Call to MCP server '{}' failed: {}", server.name(), e.getMessage());
            metrics.connectionFailed(server.name(), e.isTimeout());
            if (e.isTimeout()) {
                upstreams.cancel(session, server.registration(), msg.id(), "gateway timeout");
            }
            discovery.refreshSoon(server.registration());
            throw unavailable(msg, server, e.getMessage());
        }
        exchange.setProperty(REPLY, reply);
        exchange.setProperty(STREAMED, reply.isStreamed());
    }

    /**
     * An SSE answer: relayed event by event, server requests and notifications on the way rewritten for the client
     * (see {@link #answer}: one JSON object when the response comes first and soon). The stream finishes the running
     * request when it ends.
     */
    public Answer stream(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                       @ExchangeProperty(McpExchange.CLIENT) ClientContext session,
                       @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server,
                       @ExchangeProperty(REPLY) UpstreamReply reply) {
        if (modern.applies(session, server)) {
            return modernAnswer(exchange, msg, session, server, reply);
        }
        ServerMessages.Running running = (ServerMessages.Running) exchange.removeProperty(RUNNING); // the stream's now
        exchange.removeProperty(REPLY);
        StreamEnd end = new StreamEnd(session, server, msg, running);
        SseRelay relay = new SseRelay(server.name(), reply.body(), msg.id(), json,
                toClient(session, server, msg), deadline.of(server.registration()), end,
                lastEventId -> upstreams.resume(session, server.registration(), lastEventId));
        Answer answer;
        try {
            answer = answer(exchange, session, relay);
        } catch (RuntimeException e) {
            relay.releaseUpstream();
            relay.close(); // ends the relay: the request is finished and the upstream let go
            throw e;
        }
        if (end.returned()) { // the stream broke or was late before the route returned
            if (answer instanceof Answer.Json failed) {
                // its error is the whole answer: thrown, so that the server's breaker counts the call as the failure
                // it is (the copy the breaker ran it on, and what it would have done after the reply, are dropped)
                relay.releaseUpstream();
                relay.close();
                throw failure(msg, failed.body());
            }
            calls.failed(server.registration(), end.started, "its streamed answer broke off or was late");
        }
        return answer;
    }

    /** An error answer (the relay's) as the exception the route's breaker and error handler see. */
    private McpException failure(JsonRpcMessage msg, byte[] body) {
        try {
            JsonNode error = json.read(body).path("error");
            return McpException.rpc(error.path("code").asInt(ErrorCodes.UPSTREAM_UNAVAILABLE), error.path("message").asText(),
                    msg.id(), error.has("data") ? error.get("data") : null);
        } catch (IOException e) {
            return McpException.rpc(ErrorCodes.UPSTREAM_UNAVAILABLE, "MCP server's answer failed", msg.id());
        }
    }

    /**
     * A JSON answer (or none): passed on as it came (the id is the client's own) unless resource URIs or a task in it
     * need the gateway's attention. A JSON-RPC error for the request is the upstream's answer, whatever its HTTP
     * status; anything else that is not 200 is -32001.
     */
    public Answer json(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                     @ExchangeProperty(McpExchange.CLIENT) ClientContext session,
                     @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server,
                     @ExchangeProperty(REPLY) UpstreamReply reply) {
        if (modern.applies(session, server)) {
            return modernAnswer(exchange, msg, session, server, reply);
        }
        exchange.removeProperty(REPLY);
        finish(exchange);
        byte[] body;
        try {
            body = reply.readAll(deadline.of(server.registration()).timeout());
        } catch (IOException e) {
            LOG.warn("Answer of MCP server '{}' broke off: {}", server.name(), e.toString());
            throw unavailable(msg, server, "answer broke off: " + e.getMessage());
        }
        if (reply.status() == 200) {
            if (!reply.contentType().isEmpty() && !reply.contentType().regionMatches(true, 0, "application/json", 0, 16)) {
                throw invalid(msg, server, "answered HTTP 200 with Content-Type " + cut(reply.contentType()));
            }
            if (mayCreateTask(session, msg)) {
                body = rewritten(msg, server, body, m -> serverMessages.taskCreated(session, server, m.get("result")));
            } else if (!server.prefix().isEmpty() && indexOf(body, URI_FIELD) >= 0) {
                body = rewritten(msg, server, body, m -> { });
            } else {
                String problem = json.responseProblem(body, msg.id());
                if (problem != null) {
                    throw invalid(msg, server, problem);
                }
            }
            return Answer.json(body);
        }
        try {
            JsonNode err = json.read(body);
            if (err != null && err.has("error") && msg.id().equals(err.get("id"))) {
                // a 2026-07-28 client gets the server's HTTP status with its error (SEP-2575: e.g. 400 for a missing
                // capability); a 2025 client, as always, 200
                return reply.status() >= 400 && reply.status() < 500
                        && io.camelmcp.gateway.protocol.StatelessFamily.NAME.equals(exchange.getProperty(McpExchange.FAMILY))
                        ? new Answer.Json(reply.status(), body) : Answer.json(body);
            }
        } catch (IOException ignored) {
            // not JSON: reported below
        }
        if (refusedRequest(reply.status())) {
            // the server is up and says the request is wrong: the client's error, not the server's failure (a client
            // sending bad requests must not open the server's breaker for everyone)
            LOG.debug("MCP server '{}' refused {} {} with HTTP {}", server.name(), msg.method(), msg.id(), reply.status());
            throw McpException.rpc(ErrorCodes.INVALID_REQUEST, "MCP server '" + server.name() + "' refused the request: "
                    + "HTTP " + reply.status(), msg.id(), Map.of("server", server.name(), "status", reply.status()));
        }
        LOG.warn("MCP server '{}' answered HTTP {}", server.name(), reply.status());
        throw unavailable(msg, server, "answered HTTP " + reply.status());
    }

    /**
     * A 2025 client's answer from a 2026-07-28 server, JSON or SSE: see {@link io.camelmcp.gateway.relay.InputRequiredRelay}.
     * A complete result first is one JSON object; anything else (progress, input asked of the client) an SSE stream.
     */
    @SuppressWarnings("unchecked")
    private Answer modernAnswer(Exchange exchange, JsonRpcMessage msg, ClientContext session, RegistrySnapshot.Entry server,
                                UpstreamReply reply) {
        exchange.removeProperty(REPLY);
        ServerMessages.Running running = (ServerMessages.Running) exchange.removeProperty(RUNNING); // the call's now
        Map<String, String> headers = exchange.getProperty(UPSTREAM_HEADERS, Map.of(), Map.class);
        Answer answer = modern.answer(session, server, msg, reply, headers, exchange.getProperty(McpExchange.BATCH) != null,
                running);
        if (answer instanceof Answer.Events events) {
            exchange.setProperty(ON_REPLIED, new org.apache.camel.support.SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    if (done.getMessage().getBody() != events.events()) {
                        try {
                            events.events().close(); // a step after forward replaced the stream: nobody reads it
                        } catch (IOException ignored) {
                            // it only lets go of the upstream
                        }
                    }
                }
            });
        }
        return answer;
    }

    /**
     * The last step, however the others ended: the request no longer runs upstream (unless its SSE answer goes on,
     * which finishes it at its end), and an answer no step took is let go.
     */
    public void finish(Exchange exchange) {
        if (exchange.removeProperty(RUNNING) instanceof ServerMessages.Running running) {
            serverMessages.finished(running);
        }
        if (exchange.removeProperty(REPLY) instanceof UpstreamReply unread) {
            unread.discard();
        }
    }

    /** How an upstream's SSE answer ends: a timeout cancels the request upstream, a break re-probes the server. */
    private final class StreamEnd implements SseRelay.Failures {
        private final ClientContext session;
        private final RegistrySnapshot.Entry server;
        private final JsonRpcMessage msg;
        private final ServerMessages.Running running;

        private final long started = System.nanoTime();
        /**
         * Whether the stream failed while the call's route still ran (read ahead for the first message): then the
         * route's breaker counts it; after the route returned, {@link ServerCalls#failed} does.
         */
        private boolean failedEarly;
        private boolean routeReturned;

        StreamEnd(ClientContext session, RegistrySnapshot.Entry server, JsonRpcMessage msg, ServerMessages.Running running) {
            this.session = session;
            this.server = server;
            this.msg = msg;
            this.running = running;
        }

        /** The route is returning now; true if the stream already failed (the breaker is to count it). */
        synchronized boolean returned() {
            routeReturned = true;
            return failedEarly;
        }

        private synchronized void failed(String why) {
            if (routeReturned) {
                calls.failed(server.registration(), started, why);
            } else {
                failedEarly = true;
            }
        }

        @Override
        public void timedOut() {
            upstreams.cancel(session, server.registration(), msg.id(), "gateway timeout");
            discovery.refreshSoon(server.registration());
            failed("its streamed answer was late");
        }

        @Override
        public void broke() {
            discovery.refreshSoon(server.registration());
            failed("its streamed answer broke off or was invalid");
        }

        @Override
        public void finished() {
            if (running != null) {
                serverMessages.finished(running);
            }
        }
    }

    /**
     * Relays an upstream's SSE answer. When its first message is the response and it comes within stream-after,
     * the client gets that one JSON object: no stream to set up, parse and record on either side, which is most
     * tool calls. Otherwise the client gets an SSE stream with ids (resumable), opened with its priming event as
     * soon as the first message for the client is there or stream-after has passed, whichever comes first.
     * Inside a JSON-RPC batch the answer is always read whole.
     */
    private Answer answer(Exchange exchange, ClientContext session, SseRelay relay) {
        boolean batch = exchange.getProperty(McpExchange.BATCH) != null;
        if (batch || !streamAfter.isZero()) {
            Answer.StreamOpener opener = exchange.getProperty(McpExchange.OPEN_STREAM, Answer.StreamOpener.class);
            EarlyStream early = batch || opener == null ? null : new EarlyStream(opener, session);
            // outside a batch the end of the upstream's answer is read after the client has its own, in this thread
            boolean whole = relay.readAhead(!batch);
            if (!batch) {
                exchange.setProperty(ON_REPLIED, new org.apache.camel.support.SynchronizationAdapter() {
                    @Override
                    public void onDone(Exchange done) {
                        relay.releaseUpstream();
                        if (!(done.getMessage().getBody() instanceof SseRelay)) {
                            // a step after forward replaced the stream answer (or failed): nobody will read it
                            relay.close();
                        }
                    }
                });
            }
            if (early != null && !early.decided()) {
                // stream-after passed first: the stream is open and primed; the rest follows on it
                relay.streamTo(recorder(session, early.opened.join()), null);
                return Answer.events(relay);
            }
            if (whole) {
                return Answer.json(relay.answer());
            }
        }
        ClientStreams.RequestStream events = streams.requestStream(session);
        relay.streamTo(recorder(session, events), events.priming());
        return Answer.events(relay);
    }

    private SseRelay.Recorder recorder(ClientContext session, ClientStreams.RequestStream events) {
        return new SseRelay.Recorder() {
            @Override public byte[] record(byte[] data) { return events.events().publish(data); }
            @Override public void complete(boolean delivered) { streams.completed(session, events, delivered); }
        };
    }

    /**
     * Opens the client's SSE stream (headers and priming event) when the upstream's first message takes longer
     * than stream-after, so a slow call still gets its resumable stream early. Whoever comes first decides:
     * this timer, or the call's thread with the first message in hand.
     */
    private final class EarlyStream implements Runnable {
        private final java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.CompletableFuture<ClientStreams.RequestStream> opened =
                new java.util.concurrent.CompletableFuture<>();
        private final Answer.StreamOpener opener;
        private final ClientContext session;
        private final io.netty.util.Timeout timer;

        EarlyStream(Answer.StreamOpener opener, ClientContext session) {
            this.opener = opener;
            this.session = session;
            this.timer = io.camelmcp.gateway.upstream.Timers.after(streamAfter.toNanos(), this);
        }

        @Override
        public void run() {
            if (claimed.compareAndSet(false, true)) {
                Thread.ofVirtual().name("mcp-stream-open").start(this::open); // writing to a client may block
            }
        }

        private void open() {
            ClientStreams.RequestStream events;
            try {
                events = streams.requestStream(session);
            } catch (RuntimeException e) {
                opened.completeExceptionally(e); // the call's thread fails with it
                return;
            }
            try {
                opener.open(events.priming());
            } catch (IOException e) {
                LOG.debug("Client gone before its stream opened: {}", e.toString());
            } finally {
                opened.complete(events);
            }
        }

        /** True when the call's thread decides how to answer; false when the stream is already being opened. */
        boolean decided() {
            timer.cancel();
            return claimed.compareAndSet(false, true);
        }
    }

    /**
     * What the client sees of the upstream's stream: server requests and notifications go through
     * {@link ServerMessages}; in the response, resource URIs become gateway URIs.
     */
    private java.util.function.Function<JsonNode, JsonNode> toClient(ClientContext session, RegistrySnapshot.Entry server,
                                                                      JsonRpcMessage msg) {
        boolean taskRequested = mayCreateTask(session, msg);
        return m -> {
            if (!m.has("method")) {
                if (msg.id().equals(m.get("id"))) {
                    ResourceUris.exposeAll(server, m.get("result"));
                    if (taskRequested) {
                        serverMessages.taskCreated(session, server, m.get("result"));
                    }
                }
                return m;
            }
            return serverMessages.toClient(session, server, m);
        };
    }

    /**
     * Whether the answer may be a task whose owner the gateway must remember: a 2025 client asked for one
     * ({@code params.task}); a 2026-07-28 client that declared the tasks extension lets its server decide.
     */
    private static boolean mayCreateTask(ClientContext session, JsonRpcMessage msg) {
        return msg.paramsObject().has("task")
                || "tools/call".equals(msg.method()) && TasksExtension.declared(session.clientCapabilities());
    }

    private byte[] rewritten(JsonRpcMessage msg, RegistrySnapshot.Entry server, byte[] body,
                             java.util.function.Consumer<JsonNode> inspect) {
        JsonNode m;
        try {
            m = json.read(body);
        } catch (IOException e) {
            throw invalid(msg, server, "answered something that is not JSON");
        }
        String problem = JsonRpc.responseProblem(m, msg.id());
        if (problem != null) {
            throw invalid(msg, server, problem);
        }
        ResourceUris.exposeAll(server, m.get("result"));
        inspect.accept(m);
        return json.write(m);
    }

    /** What the gateway itself sets on every upstream request: a route cannot replace it. */
    private static final java.util.Set<String> OWN_HEADERS = java.util.Set.of("mcp-session-id", "mcp-protocol-version",
            "mcp-method", "mcp-name",
            "content-type", "content-length", "accept", "host", "connection", "transfer-encoding", "last-event-id");

    /**
     * The headers a route set on the exchange before forwarding (the endpoint route drops every request header, so
     * these are the route's own): they go upstream with this request, e.g. a header for one server's calls only.
     * They are taken off the exchange, so the client's answer does not carry them (a credential for one server
     * must not reach the client); a header set after the forward step goes to the client.
     */
    static Map<String, String> routeHeaders(org.apache.camel.Message message) {
        Map<String, Object> headers = message.getHeaders();
        if (headers.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new java.util.HashMap<>();
        headers.forEach((name, value) -> {
            if (value != null && !name.regionMatches(true, 0, "Camel", 0, 5)
                    && !OWN_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                out.put(name, value.toString());
            }
        });
        out.keySet().forEach(message::removeHeader);
        return out;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * An answer that is not a JSON-RPC response to the request (a proxy's error page, bytes, another request's id):
     * -32001 naming the server, logged once here; never the upstream's bytes to the client.
     */
    private static McpException invalid(JsonRpcMessage msg, RegistrySnapshot.Entry server, String why) {
        LOG.warn("MCP server '{}' {} to {} {}", server.name(), why, msg.method(), msg.id());
        return McpException.rpc(ErrorCodes.UPSTREAM_UNAVAILABLE, "MCP server '" + server.name() + "' sent an invalid answer: "
                + why, msg.id(), Map.of("server", server.name()));
    }

    /** An HTTP status by which a server refuses the request itself (malformed, too large, of a type it does not take). */
    static boolean refusedRequest(int status) {
        return status == 400 || status == 413 || status == 414 || status == 415 || status == 422 || status == 431;
    }

    private static String cut(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static McpException unavailable(JsonRpcMessage msg, RegistrySnapshot.Entry server, String why) {
        return McpException.rpc(ErrorCodes.UPSTREAM_UNAVAILABLE,
                "MCP server '" + server.name() + "' is unavailable: " + why, msg.id(),
                Map.of("server", server.name()));
    }
}
