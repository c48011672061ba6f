package io.camelmcp.gateway.relay;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ResourceUris;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.upstream.EventChunks;
import io.camelmcp.gateway.upstream.ModernRequests;
import io.camelmcp.gateway.upstream.SseEvent;
import io.camelmcp.gateway.upstream.SseReader;
import io.camelmcp.gateway.upstream.SseRelay;
import io.camelmcp.gateway.upstream.Timers;
import io.camelmcp.gateway.upstream.UpstreamException;
import io.camelmcp.gateway.upstream.UpstreamReply;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * What a 2025 client gets of a modern (2026-07-28) upstream's answer ("2025 client, 2026 upstream"):
 * <ul>
 * <li>the result without the members 2025 does not know ({@code resultType}, {@code ttlMs}, {@code cacheScope}),
 * resource URIs exposed as the gateway's; errors as they came;</li>
 * <li>notifications on the way (progress, with the client's own token back) as from any upstream;</li>
 * <li>an InputRequiredResult (MRTR) to tools/call, prompts/get or resources/read carried out on the client's behalf:
 * each input request becomes a server request to the client (elicitation/create, sampling/createMessage, roots/list)
 * on the call's SSE stream, under a gateway id ({@link InputRequests}: the client's answer may reach any replica);
 * once all are answered, the request is sent again with a new id, the original params plus {@code inputResponses}
 * and the server's {@code requestState} unchanged, and so on until a complete result, which is the client's
 * response on that stream. Inputs the client did not declare support for are not asked (left out of the retry);
 * a round whose inputs the client can give none of fails the call. At most {@link #MAX_ROUNDS} rounds, each
 * upstream answer and each wait for the client within the call timeout.</li>
 * </ul>
 * A complete answer that is the first message for the client is one JSON object (no stream), as for other servers.
 */
public final class InputRequiredRelay {

    private static final Logger LOG = LoggerFactory.getLogger(InputRequiredRelay.class);

    /** Rounds of input one request may take before the gateway gives up on the server. */
    public static final int MAX_ROUNDS = 10;
    /** The requests that may answer with an InputRequiredResult (the MRTR spec's list). */
    static final Set<String> MRTR_METHODS = Set.of("tools/call", "prompts/get", "resources/read");
    private static final Set<String> INPUT_METHODS = Set.of("elicitation/create", "sampling/createMessage", "roots/list");

    private final UpstreamSessions upstreams;
    private final JsonRpc json;
    private final ServerMessages serverMessages;
    private final ClientStreams streams;
    private final SseRelay.Deadline deadline;
    private final Consumer<ServerRegistration> broken;

    /** @param broken who to tell when a server's answer broke off or did not come (a re-probe) */
    public InputRequiredRelay(UpstreamSessions upstreams, JsonRpc json, ServerMessages serverMessages,
                              ClientStreams streams, SseRelay.Deadline deadline, Consumer<ServerRegistration> broken) {
        this.upstreams = upstreams;
        this.json = json;
        this.serverMessages = serverMessages;
        this.streams = streams;
        this.deadline = deadline;
        this.broken = broken;
    }

    /** Whether this relay answers the client: a 2025 (session-based) client, a server found to speak 2026-07-28. */
    public boolean applies(ClientContext gs, RegistrySnapshot.Entry server) {
        return (gs.family() == null || io.camelmcp.gateway.protocol.SessionFamily.NAME.equals(gs.family().name()))
                && upstreams.isModern(server.registration());
    }

    /**
     * The client's answer to a request a modern server answered with {@code reply} (any status, JSON or SSE).
     *
     * @param headers what a route set for the upstream (sent again with each retry)
     * @param batch   inside a JSON-RPC batch: the answer is read whole (no stream, so no input can be asked)
     * @param running what the request holds in the relay's stores while it runs (finished when the call is over)
     */
    public Answer answer(ClientContext gs, RegistrySnapshot.Entry server, JsonRpcMessage msg, UpstreamReply reply,
                         Map<String, String> headers, boolean batch, ServerMessages.Running running) {
        Call call = new Call(gs, server, msg, headers, batch, running);
        try {
            call.begin(reply);
            call.advance();
            if (call.done && call.out.size() == 1) {
                call.end();
                return Answer.json(call.out.poll()); // the complete answer first: one JSON object
            }
            if (batch) {
                while (!call.done) {
                    call.out.clear(); // notifications have nowhere to go in a batch
                    call.advance();
                }
                call.end();
                return Answer.json(call.out.peekLast());
            }
            // the client's notifications/cancelled for it closes the upstream's answer (a 2026-07-28 cancellation)
            call.cancelHook = upstreams.onCancelled(gs.sessionId(), msg.id(), call::cancelled);
            call.stream();
            return Answer.events(call);
        } catch (RuntimeException e) {
            call.close();
            throw e;
        }
    }

    /** One client request and its rounds with the server; read by the HTTP layer as the client's SSE answer. */
    private final class Call extends EventChunks {
        private final ClientContext gs;
        private final RegistrySnapshot.Entry server;
        private final JsonRpcMessage msg;
        private final Map<String, String> headers;
        private final boolean batch;
        /**
         * The request as first sent (with its envelope and the gateway's progress token): what each retry repeats.
         * Copied only when the server first asks for input (a plain call copies nothing).
         */
        private ObjectNode original;
        /** Messages for the client (JSON), in order. */
        final ArrayDeque<byte[]> out = new ArrayDeque<>();
        volatile boolean done;
        private JsonNode currentId;
        private SseReader sse;
        private UpstreamReply current;
        private io.netty.util.Timeout timer;
        private volatile boolean timedOut;
        private List<InputRequests.Asked> asked;
        private List<String> askedKeys;
        private JsonNode requestState;
        private int rounds;
        private ClientStreams.RequestStream events;
        private byte[] priming;
        private volatile boolean clientGone;
        private volatile boolean cancelled;
        private boolean ended;
        private final ServerMessages.Running running;
        AutoCloseable cancelHook;

        Call(ClientContext gs, RegistrySnapshot.Entry server, JsonRpcMessage msg, Map<String, String> headers, boolean batch,
             ServerMessages.Running running) {
            this.running = running;
            this.gs = gs;
            this.server = server;
            this.msg = msg;
            this.headers = headers;
            this.batch = batch;
            this.currentId = msg.id();
        }

        /** From now on the messages go to the client as a recorded (resumable) SSE stream. */
        void stream() {
            events = streams.requestStream(gs);
            priming = events.priming();
        }

        void begin(UpstreamReply reply) {
            take(reply);
        }

        /** Works until there is something for the client, or the call is over. */
        void advance() {
            while (out.isEmpty() && !done) {
                if (asked != null) {
                    retry();
                } else if (sse != null) {
                    readEvent();
                } else {
                    fail(ErrorCodes.INTERNAL_ERROR, "the gateway lost track of the request to '" + server.name() + "'", null);
                }
            }
        }

        @Override
        protected byte[] nextChunk() {
            if (priming != null) {
                byte[] p = priming;
                priming = null;
                return p;
            }
            if (out.isEmpty() && !done) {
                advance();
            }
            byte[] m = out.poll();
            if (m != null) {
                return events != null ? events.events().publish(m) : frame(null, m);
            }
            end();
            return null;
        }

        /** The call is over, however it ended (once): it no longer runs, and its stream is complete. */
        synchronized void end() {
            if (ended) {
                return;
            }
            ended = true;
            if (cancelHook != null) {
                try {
                    cancelHook.close();
                } catch (Exception ignored) {
                    // only forgets a map entry
                }
            }
            if (running != null) {
                serverMessages.finished(running);
            }
            if (events != null) {
                streams.completed(gs, events, !clientGone);
            }
        }

        /** The client cancelled the request: the upstream's answer is closed, and the client's stream ends without a response. */
        void cancelled() {
            LOG.debug("Call {} to MCP server '{}' cancelled by the client", msg.id(), server.name());
            cancelled = true;
            done = true;
            List<InputRequests.Asked> a = asked;
            if (a != null) {
                a.forEach(x -> x.answer().cancel(false));
            }
            endStream(false);
        }

        /** An upstream answer to the current request id: a stream to read, or one JSON message. */
        private void take(UpstreamReply reply) {
            if (reply.isStreamed()) {
                current = reply;
                sse = new SseReader(reply.body());
                arm();
                return;
            }
            byte[] body;
            try {
                body = reply.readAll();
            } catch (IOException e) {
                broken.accept(server.registration());
                fail(ErrorCodes.UPSTREAM_UNAVAILABLE, "MCP server '" + server.name() + "' answer broke off: " + e.getMessage(), null);
                return;
            }
            JsonNode m = null;
            try {
                m = json.read(body);
            } catch (IOException ignored) {
                // reported below
            }
            if (m != null && !m.has("method") && (reply.status() == 200 || m.has("error")) && currentId.equals(m.get("id"))) {
                response(m);
            } else {
                LOG.warn("MCP server '{}' answered HTTP {} without a response", server.name(), reply.status());
                broken.accept(server.registration());
                fail(ErrorCodes.UPSTREAM_UNAVAILABLE, "MCP server '" + server.name() + "' is unavailable: answered HTTP "
                        + reply.status(), Map.of("server", server.name()));
            }
        }

        private void readEvent() {
            SseEvent e;
            try {
                e = sse.next();
            } catch (IOException ex) {
                endStream(false);
                if (timedOut) {
                    fail(ErrorCodes.UPSTREAM_UNAVAILABLE, "Upstream server '" + server.name() + "' did not answer within "
                            + deadline.of(server.registration()).timeout(), null);
                } else if (!clientGone && !cancelled) {
                    broken.accept(server.registration());
                    fail(ErrorCodes.UPSTREAM_UNAVAILABLE, "Upstream server '" + server.name() + "' stream broke: "
                            + ex.getMessage(), null);
                }
                return;
            }
            if (e == null) {
                endStream(false);
                broken.accept(server.registration());
                fail(ErrorCodes.UPSTREAM_UNAVAILABLE, "Upstream server '" + server.name()
                        + "' closed the stream without a response", null);
                return;
            }
            if (!e.isMessage()) {
                return;
            }
            JsonNode m;
            try {
                m = json.read(e.data());
            } catch (IOException ex) {
                LOG.warn("Upstream '{}' sent an SSE event that is not JSON; dropped", server.name());
                return;
            }
            if (!(m instanceof ObjectNode o)) {
                return;
            }
            if (o.has("method")) {
                if (o.has("id")) {
                    // 2026-07-28 servers ask through InputRequiredResult, never with requests of their own
                    LOG.debug("Dropped a {} request from the 2026-07-28 server '{}'", o.path("method").asText(), server.name());
                    return;
                }
                if ("notifications/progress".equals(o.path("method").asText())) {
                    arm();
                }
                JsonNode forClient = serverMessages.toClient(gs, server, o);
                if (forClient != null && !batch) {
                    out.add(json.write(forClient));
                }
                return;
            }
            if (currentId.equals(o.get("id"))) {
                endStream(true);
                response(o);
            }
        }

        /** The upstream's response to the current request id. */
        private void response(JsonNode m) {
            JsonNode result = m.get("result");
            ObjectNode answer = (ObjectNode) m; // parsed for this call only: changed in place
            if (result == null) { // an error: the upstream's answer, under the client's id
                answer.set("id", msg.id());
                finish(answer);
                return;
            }
            if (ModernRequests.inputRequired(result) && MRTR_METHODS.contains(msg.method())) {
                inputRequired(result);
                return;
            }
            ModernRequests.strip(result);
            ResourceUris.exposeAll(server, result);
            answer.set("id", msg.id());
            finish(answer);
        }

        private void inputRequired(JsonNode result) {
            if (++rounds > MAX_ROUNDS) {
                fail(ErrorCodes.INTERNAL_ERROR, "MCP server '" + server.name() + "' asked for input more than "
                        + MAX_ROUNDS + " times for one request; the gateway gave up", Map.of("server", server.name()));
                return;
            }
            if (batch) {
                fail(ErrorCodes.INVALID_REQUEST, "MCP server '" + server.name()
                        + "' needs input from the client, which a request inside a JSON-RPC batch cannot give", null);
                return;
            }
            if (original == null) {
                original = msg.raw().deepCopy();
            }
            JsonNode state = result.get("requestState");
            requestState = state != null && state.isTextual() ? state : null;
            List<InputRequests.Asked> mine = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            JsonNode requests = result.path("inputRequests");
            var fields = requests.fields();
            while (fields.hasNext()) {
                var f = fields.next();
                String method = f.getValue().path("method").asText("");
                JsonNode params = f.getValue().path("params");
                String refusal = INPUT_METHODS.contains(method)
                        ? ServerMessages.unsupported(gs.clientCapabilities() == null ? json.object() : gs.clientCapabilities(),
                                method, params.isObject() ? params : json.object())
                        : "not an input request: " + method;
                if (refusal != null) {
                    refused.add(f.getKey() + " (" + method + "): " + refusal);
                    continue;
                }
                InputRequests.Asked a = serverMessages.inputRequests().ask(gs, server.name(), f.getKey(), method);
                mine.add(a);
                keys.add(f.getKey());
                ObjectNode request = JsonRpc.request(a.gatewayId(), method);
                request.set("params", params.isObject() ? params : json.object());
                out.add(json.write(request));
            }
            if (!refused.isEmpty()) {
                LOG.info("Input '{}' asked for is not asked of a client that did not declare it: {}", server.name(), refused);
            }
            if (mine.isEmpty() && !refused.isEmpty()) {
                fail(ErrorCodes.INVALID_REQUEST, "MCP server '" + server.name()
                        + "' needs input the client does not support: " + String.join("; ", refused),
                        Map.of("server", server.name()));
                return;
            }
            asked = mine;
            askedKeys = keys;
        }

        /** Waits for the client's answers to this round's inputs, then sends the request again with them. */
        private void retry() {
            ObjectNode responses = json.object();
            long until = System.nanoTime() + deadline.of(server.registration()).timeout().toNanos();
            try {
                for (int i = 0; i < asked.size(); i++) {
                    InputRequests.Asked a = asked.get(i);
                    JsonNode answer = a.answer().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (answer == null || answer.has("error") || !answer.has("result")) {
                        JsonNode err = answer == null ? null : answer.get("error");
                        fail(err != null && err.path("code").isInt() ? err.path("code").asInt() : ErrorCodes.INTERNAL_ERROR,
                                "The client did not give the input '" + askedKeys.get(i) + "' MCP server '" + server.name()
                                        + "' asked for" + (err == null ? "" : ": " + err.path("message").asText()), null);
                        return;
                    }
                    responses.set(askedKeys.get(i), answer.get("result"));
                }
            } catch (TimeoutException e) {
                fail(ErrorCodes.INTERNAL_ERROR, "The client did not answer the input MCP server '" + server.name()
                        + "' asked for within " + deadline.of(server.registration()).timeout(), null);
                return;
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                fail(ErrorCodes.INTERNAL_ERROR, "The call ended while waiting for the client's input", null);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(ErrorCodes.INTERNAL_ERROR, "interrupted while waiting for the client's input", null);
                return;
            } finally {
                abandonAsked();
            }
            ObjectNode again = original.deepCopy();
            again.put("id", upstreams.nextId("mrtr"));
            JsonNode p = again.get("params");
            ObjectNode params = p instanceof ObjectNode o ? o : again.putObject("params");
            params.set("inputResponses", responses);
            if (requestState != null) {
                params.set("requestState", requestState); // exactly as the server gave it
            } else {
                params.remove("requestState");
            }
            currentId = again.get("id");
            UpstreamReply reply;
            try {
                reply = upstreams.send(gs, server.registration(), again, deadline.of(server.registration()).timeout(), headers);
            } catch (UpstreamException e) {
                LOG.warn("Retry of a call to MCP server '{}' with the client's input failed: {}", server.name(), e.getMessage());
                broken.accept(server.registration());
                fail(ErrorCodes.UPSTREAM_UNAVAILABLE, "MCP server '" + server.name() + "' is unavailable: " + e.getMessage(),
                        Map.of("server", server.name()));
                return;
            }
            take(reply);
        }

        private void abandonAsked() {
            List<InputRequests.Asked> a = asked;
            asked = null;
            if (a != null) {
                a.forEach(x -> serverMessages.inputRequests().abandon(gs, x));
            }
        }

        private void arm() {
            if (timer != null) {
                timer.cancel();
            }
            UpstreamReply r = current;
            timer = Timers.after(deadline.of(server.registration()).timeout().toNanos(), () -> {
                timedOut = true;
                if (r != null) {
                    r.discard();
                }
            });
        }

        /** Done with the current upstream answer: read to its end in the background after its response, else cut. */
        private void endStream(boolean answered) {
            if (timer != null) {
                timer.cancel();
            }
            UpstreamReply r = current;
            current = null;
            sse = null;
            if (r != null) {
                if (answered) {
                    UpstreamReply.release(r.body());
                } else {
                    r.discard();
                }
            }
        }

        private void finish(JsonNode message) {
            out.add(json.write(message));
            done = true;
        }

        private void fail(int code, String message, Object data) {
            if (cancelled) {
                return; // the client asked for no answer
            }
            LOG.warn("Call {} to MCP server '{}' failed: {}", msg.id(), server.name(), message);
            endStream(false);
            abandonAsked();
            finish(json.error(msg.id(), code, message, data));
        }

        /**
         * The client's side ended. Before the response that is the client leaving: the upstream's answer is closed
         * (for a 2026-07-28 server, closing the request's stream is the cancellation) and what was asked is forgotten.
         */
        @Override
        public void close() {
            if (!done) {
                clientGone = true;
                done = true;
                List<InputRequests.Asked> a = asked;
                if (a != null) {
                    a.forEach(x -> x.answer().cancel(false));
                }
                endStream(false);
            }
            end();
        }
    }
}
