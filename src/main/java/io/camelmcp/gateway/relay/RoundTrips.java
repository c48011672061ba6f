package io.camelmcp.gateway.relay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.protocol.McpException;
import io.camelmcp.gateway.protocol.StatelessFamily;
import io.camelmcp.gateway.protocol.StatelessResults;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ResourceUris;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.PendingRequest;
import io.camelmcp.gateway.session.RelayStores;
import io.camelmcp.gateway.session.ReplicaBus;
import io.camelmcp.gateway.session.ReplicaMessage;
import io.camelmcp.gateway.session.ServerRequestKey;
import io.camelmcp.gateway.session.SharedSecret;
import io.camelmcp.gateway.upstream.EventChunks;
import io.camelmcp.gateway.upstream.SseEvent;
import io.camelmcp.gateway.upstream.SseReader;
import io.camelmcp.gateway.upstream.Timers;
import io.camelmcp.gateway.upstream.UpstreamReply;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/**
 * Multi round-trip requests (2026-07-28 MRTR) for a stateless client whose call runs on a session-based upstream.
 * The upstream asks for input in the middle of its answer ({@code elicitation/create}, {@code sampling/createMessage},
 * {@code roots/list} on the call's SSE stream) and waits; a 2026 client takes no server requests. So the gateway reads
 * the upstream's answer itself (a {@link Call}), ends the client's request with an {@code InputRequiredResult} whose
 * {@code inputRequests} are the upstream's requests under the gateway's ids and whose {@code requestState} names the
 * call, sealed with the replicas' key; the upstream keeps waiting. The client's retry carries {@code inputResponses}:
 * they answer the waiting upstream requests, and the retry gets what the call does next: more input requests, or the
 * result. Progress on the way reaches whichever of the client's requests is attached.
 * <p>
 * The call's upstream answer is read where the call started; the state names that replica. A retry that reaches
 * another one is handed to it over the replicas' bus, and what the call does next comes back the same way. Calls
 * nobody retries end after the relay's TTL and are cancelled upstream.
 */
public class RoundTrips {

    private static final Logger LOG = LoggerFactory.getLogger(RoundTrips.class);
    /** The gateway's own requestState: "gw1." + payload (base64url JSON) + "." + MAC; anything else is an upstream's. */
    static final String STATE_PREFIX = "gw1.";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final UpstreamSessions upstreams;
    private final ServerMessages serverMessages;
    private final RelayStores stores;
    private final JsonRpc json;
    private final SharedSecret secret;
    private final StatelessResults results;
    private final Duration callTimeout;
    private final Duration parkTimeout;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private final ReplicaBus bus;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param callTimeout  how long the upstream may be silent (as for any relayed call)
     * @param parkTimeout  how long a call waits for the client's retry with the input it asked for
     */
    public RoundTrips(UpstreamSessions upstreams, ServerMessages serverMessages, RelayStores stores, JsonRpc json,
                      SharedSecret secret, StatelessResults results, Duration callTimeout, Duration parkTimeout,
                      ReplicaBus bus) {
        this.bus = bus;
        bus.subscribe(this::onReplicaMessage);
        this.upstreams = upstreams;
        this.serverMessages = serverMessages;
        this.stores = stores;
        this.json = json;
        this.secret = secret;
        this.results = results;
        this.callTimeout = callTimeout;
        this.parkTimeout = parkTimeout;
    }

    /** forward.yaml: a stateless client's retry of a call the gateway runs (its requestState is the gateway's). */
    public boolean resumes(@ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                           @ExchangeProperty(McpExchange.FAMILY) String family) {
        return StatelessFamily.NAME.equals(family) && msg.paramsObject().get("requestState") instanceof JsonNode s
                && s.isTextual() && s.textValue().startsWith(STATE_PREFIX);
    }

    /** The sealed content of a requestState: which call, for whom, on which request. */
    record State(String call, String replica, String session, String server, String method, String name, long expires) {}

    /**
     * A retry: the state verified (MAC, expiry, the same client pool, server, method and tool, prompt or resource),
     * each input response delivered to the upstream request it answers, then the call's next outcome.
     */
    public Answer resume(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                         @ExchangeProperty(McpExchange.CLIENT) ClientContext client,
                         @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server) {
        State state = unseal(msg.paramsObject().get("requestState").textValue(), msg);
        if (!state.session().equals(client.sessionId()) || !state.server().equals(server.name())
                || !state.method().equals(msg.method()) || !state.name().equals(nameOf(msg))) {
            throw invalidState(msg, "requestState belongs to another request");
        }
        JsonNode responses = msg.paramsObject().get("inputResponses");
        Call call = calls.get(state.call());
        if (call == null && !state.replica().equals(bus.replica())) {
            return remote(state, clientId(exchange, msg), responses, msg);
        }
        if (call == null) {
            throw gone(msg);
        }
        respond(call, responses);
        return next(call, clientId(exchange, msg));
    }

    private static McpException gone(JsonRpcMessage msg) {
        return invalidState(msg, "the call this requestState continues is no longer running (answered, expired, or its "
                + "replica stopped); call again without requestState");
    }

    private void respond(Call call, JsonNode responses) {
        if (responses instanceof ObjectNode given) {
            given.fields().forEachRemaining(e -> deliver(call, e.getKey(), e.getValue()));
        }
    }

    // ---- a retry that reached another replica than the one reading the call ---------------------------------

    /** Retries waiting here for what a call on another replica does next, by token. */
    private final Map<String, BlockingQueue<JsonNode>> remotes = new ConcurrentHashMap<>();

    /**
     * The call runs at the replica named in the state: the retry's input responses go there over the bus, and what
     * the call does next comes back the same way, message by message, to this request.
     */
    private Answer remote(State state, JsonNode clientId, JsonNode responses, JsonRpcMessage msg) {
        String token = newId();
        BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        remotes.put(token, queue);
        ObjectNode data = json.object();
        data.put("call", state.call()).put("token", token).set("clientId", clientId);
        if (responses != null) {
            data.set("inputResponses", responses);
        }
        bus.publish(new ReplicaMessage(ReplicaMessage.RESUME, bus.replica(), state.session(), state.server(), data));
        JsonNode first = pollRemote(queue, ATTACH_WAIT);
        if (first == null || first.path("missing").asBoolean(false)) {
            remotes.remove(token);
            throw gone(msg);
        }
        // the first message is the running replica's acknowledgement; then the call's messages
        JsonNode next = pollRemote(queue, callTimeout);
        if (next != null && next.path("last").asBoolean(false)) {
            remotes.remove(token);
            JsonNode out = next.get("message");
            int code = out.path("error").path("code").asInt();
            return new Answer.Json(code == ErrorCodes.MISSING_CLIENT_CAPABILITY ? 400 : 200, json.write(out));
        }
        return Answer.events(new RemoteStream(state, token, queue, next, clientId));
    }

    /** How long a retry waits for the replica running its call to answer at all (it may have stopped). */
    private static final Duration ATTACH_WAIT = Duration.ofSeconds(3);

    private static JsonNode pollRemote(BlockingQueue<JsonNode> queue, Duration wait) {
        try {
            return queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The SSE answer of a retry following a call on another replica. */
    private final class RemoteStream extends EventChunks {
        private final State state;
        private final String token;
        private final BlockingQueue<JsonNode> queue;
        private final JsonNode clientId;
        private JsonNode first;
        private boolean done;

        RemoteStream(State state, String token, BlockingQueue<JsonNode> queue, JsonNode first, JsonNode clientId) {
            this.state = state;
            this.token = token;
            this.queue = queue;
            this.first = first;
            this.clientId = clientId;
        }

        @Override
        protected byte[] nextChunk() {
            if (done) {
                return null;
            }
            JsonNode m = first != null ? first : pollRemote(queue, callTimeout);
            first = null;
            if (m == null) {
                close();
                return frame(null, json.write(json.error(clientId, ErrorCodes.UPSTREAM_UNAVAILABLE, "MCP server '"
                        + state.server() + "' did not answer within " + callTimeout, Map.of("server", state.server()))));
            }
            if (m.path("last").asBoolean(false)) {
                done = true;
                remotes.remove(token);
            }
            return frame(null, json.write(m.get("message")));
        }

        @Override
        public void close() {
            remotes.remove(token);
            if (!done) {
                done = true;
                ObjectNode data = json.object().put("call", state.call()).put("token", token);
                bus.publish(new ReplicaMessage(ReplicaMessage.RESUME_CANCELLED, bus.replica(), state.session(),
                        state.server(), data));
            }
        }
    }

    /** The other replicas' side of remote retries: at the running replica, and back at the retry's. */
    private void onReplicaMessage(ReplicaMessage m) {
        JsonNode data = m.data();
        if (data == null) {
            return;
        }
        switch (m.type()) {
            case ReplicaMessage.RESUME -> {
                Call call = calls.get(data.path("call").asText());
                String token = data.path("token").asText();
                if (call == null) {
                    return; // not ours (or gone): the replica that sealed the state answers
                }
                // posting upstream and waiting for the call may take long: the bus handles one message at a time
                Thread.ofVirtual().name("mcp-resume-" + call.server.name())
                        .start(() -> pumpRemote(call, token, m.from(), data.get("clientId"), data.get("inputResponses")));
            }
            case ReplicaMessage.RESUMED -> {
                BlockingQueue<JsonNode> queue = remotes.get(data.path("token").asText());
                if (queue != null) {
                    queue.add(data);
                }
            }
            case ReplicaMessage.RESUME_CANCELLED -> {
                Call call = calls.get(data.path("call").asText());
                if (call != null) {
                    call.cancel("the client closed its stream");
                }
            }
            default -> { }
        }
    }

    /** At the running replica: the remote retry's answers delivered, then the call's messages sent back. */
    private void pumpRemote(Call call, String token, String to, JsonNode clientId, JsonNode responses) {
        send(call, token, null, false); // attached
        respond(call, responses);
        if (!call.outstanding.isEmpty()) {
            send(call, token, inputRequired(call, clientId), true);
            return;
        }
        call.attach();
        while (true) {
            JsonNode m = call.take();
            if (m == null) {
                call.cancel("gateway timeout");
                send(call, token, json.error(clientId, ErrorCodes.UPSTREAM_UNAVAILABLE, "MCP server '"
                        + call.server.name() + "' did not answer within " + callTimeout,
                        Map.of("server", call.server.name())), true);
                return;
            }
            if (isOutcome(m)) {
                send(call, token, outcome(call, clientId, m), true);
                return;
            }
            send(call, token, m, false);
        }
    }

    private void send(Call call, String token, JsonNode message, boolean last) {
        ObjectNode data = json.object().put("token", token).put("last", last);
        if (message != null) {
            data.set("message", message);
        }
        bus.publish(new ReplicaMessage(ReplicaMessage.RESUMED, bus.replica(), call.client.sessionId(),
                call.server.name(), data));
    }

    /** One input response to the upstream request it answers; keys the call does not wait for are ignored. */
    private void deliver(Call call, String key, JsonNode value) {
        if (!call.outstanding.containsKey(key)) {
            return;
        }
        PendingRequest p = stores.pendingRequests().take(new ServerRequestKey(call.client.sessionId(), key));
        call.outstanding.remove(key);
        if (p == null) {
            return; // expired meanwhile: the call will end with the upstream's own outcome
        }
        stores.gatewayIds().remove(p.upstreamKey());
        ObjectNode answer = json.object();
        answer.put("jsonrpc", "2.0");
        answer.set("id", p.upstreamId());
        answer.set("result", value);
        int status = upstreams.deliver(call.client, call.server.registration(), json.write(answer));
        if (status / 100 != 2) {
            LOG.warn("MCP server '{}' did not take the answer to its {} (HTTP {})", call.server.name(), p.method(), status);
        }
    }

    /**
     * A stateless client's call that its session-based upstream answered with an SSE stream: read by a {@link Call},
     * which the client's request then follows.
     */
    public Answer stream(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg,
                         @ExchangeProperty(McpExchange.CLIENT) ClientContext client,
                         @ExchangeProperty(McpExchange.TARGET) RegistrySnapshot.Entry server) {
        UpstreamReply reply = (UpstreamReply) exchange.removeProperty(McpExchange.UPSTREAM_REPLY);
        Object running = exchange.removeProperty(McpExchange.RUNNING);
        Call call = new Call(newId(), client, server, msg, running instanceof ServerMessages.Running r ? r : null);
        calls.put(call.id, call);
        Thread.ofVirtual().name("mcp-call-" + server.name()).start(() -> call.read(reply));
        return next(call, clientId(exchange, msg));
    }

    /**
     * What the client's current request gets of the call: one JSON answer when the next outcome (the result, or input
     * requests) comes before any notification; otherwise an SSE stream with the notifications up to it.
     */
    private Answer next(Call call, JsonNode request) {
        if (!call.outstanding.isEmpty()) {
            return Answer.json(json.write(inputRequired(call, request))); // some answers are still missing: ask again
        }
        call.attach();
        // no early stream: without resumable streams there is nothing to prime, and an outcome that comes first is
        // one JSON answer with its own status (400 for a missing client capability)
        JsonNode first = call.take();
        if (first != null && isOutcome(first)) {
            JsonNode out = outcome(call, request, first);
            int code = out.path("error").path("code").asInt();
            // a request the client cannot serve is a 400 (2026-07-28: MissingRequiredClientCapability)
            return new Answer.Json(code == ErrorCodes.MISSING_CLIENT_CAPABILITY ? 400 : 200, json.write(out));
        }
        return Answer.events(new CallStream(call, request, first));
    }

    /** The id the client's current request has (the gateway sent it upstream under one of its own). */
    private static JsonNode clientId(Exchange exchange, JsonRpcMessage msg) {
        JsonNode id = exchange.getProperty(McpExchange.CLIENT_REQUEST_ID, JsonNode.class);
        return id == null ? msg.id() : id;
    }

    private static boolean isOutcome(JsonNode m) {
        return !m.has("method") || m.has("id"); // a response, or a server request (input required)
    }

    /** The result (or error) for the client's current request, or its InputRequiredResult. */
    private JsonNode outcome(Call call, JsonNode request, JsonNode m) {
        if (m.has("method")) {
            call.ask(m);
            JsonNode more;
            while ((more = call.mailbox.peek()) != null && more.has("method") && more.has("id")) {
                call.ask(call.mailbox.poll()); // requests sent together are asked together
            }
            return inputRequired(call, request);
        }
        finish(call);
        ObjectNode out = ((ObjectNode) m).deepCopy();
        out.set("id", request);
        ResourceUris.exposeAll(call.server, out.get("result"));
        return results.complete(call.msg.method(), out);
    }

    private ObjectNode inputRequired(Call call, JsonNode request) {
        ObjectNode result = json.object();
        result.put("resultType", "input_required");
        ObjectNode requests = result.putObject("inputRequests");
        call.outstanding.forEach(requests::set);
        result.put("requestState", seal(new State(call.id, bus.replica(), call.client.sessionId(), call.server.name(),
                call.msg.method(), nameOf(call.msg), System.currentTimeMillis() + parkTimeout.toMillis())));
        call.park();
        return (ObjectNode) results.complete(call.msg.method(), json.result(request, result));
    }

    private void finish(Call call) {
        calls.remove(call.id, call);
        call.end();
        if (call.running != null) {
            serverMessages.finished(call.running);
        }
    }

    /** The name a retry must repeat: the tool's or prompt's (as the server knows it), or the resource URI. */
    private static String nameOf(JsonRpcMessage msg) {
        JsonNode n = msg.paramsObject().get("resources/read".equals(msg.method()) ? "uri" : "name");
        return n == null ? "" : n.asText();
    }

    // ---- the sealed state -------------------------------------------------------------------------------

    String seal(State s) {
        byte[] payload = json.write(json.mapper().valueToTree(s));
        return STATE_PREFIX + B64.encodeToString(payload) + "." + B64.encodeToString(mac(secret.key(), payload));
    }

    State unseal(String text, JsonRpcMessage msg) {
        String[] parts = text.substring(STATE_PREFIX.length()).split("\\.", -1);
        try {
            if (parts.length == 2) {
                byte[] payload = B64D.decode(parts[0]);
                byte[] given = B64D.decode(parts[1]);
                boolean ok = java.security.MessageDigest.isEqual(mac(secret.key(), payload), given)
                        || java.security.MessageDigest.isEqual(mac(secret.reread(), payload), given);
                if (ok) {
                    State s = json.mapper().treeToValue(json.read(payload), State.class);
                    if (s.expires() < System.currentTimeMillis()) {
                        throw invalidState(msg, "requestState has expired; call again without it");
                    }
                    return s;
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // not one the gateway sealed: refused below
        }
        throw invalidState(msg, "requestState was not issued by this gateway or was altered");
    }

    private static byte[] mac(byte[] key, byte[] payload) {
        return SharedSecret.hmac(key, payload);
    }

    private static McpException invalidState(JsonRpcMessage msg, String why) {
        return new McpException(400, ErrorCodes.INVALID_PARAMS, "Invalid or expired requestState: " + why, msg.id(), null);
    }

    private String newId() {
        byte[] b = new byte[12];
        random.nextBytes(b);
        return B64.encodeToString(b);
    }

    // ---- a call ---------------------------------------------------------------------------------------------

    /** One upstream call read by the gateway on behalf of a stateless client, across the client's retries. */
    final class Call {
        final String id;
        final ClientContext client;
        final RegistrySnapshot.Entry server;
        final JsonRpcMessage msg;
        final ServerMessages.Running running;
        /** What the upstream sent for the client, in order: notifications, server requests, the response. */
        final BlockingQueue<JsonNode> mailbox = new LinkedBlockingQueue<>();
        /** The upstream's requests the client was asked and has not answered, by the gateway's id. */
        final Map<String, JsonNode> outstanding = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        private volatile InputStream upstreamBody;
        private volatile io.netty.util.Timeout parked;
        private volatile boolean ended;
        private volatile boolean readDone;
        private volatile boolean waitingForClient;
        private final String logLevel;

        Call(String id, ClientContext client, RegistrySnapshot.Entry server, JsonRpcMessage msg,
             ServerMessages.Running running) {
            this.id = id;
            this.client = client;
            this.server = server;
            this.msg = msg;
            this.running = running;
            JsonNode level = msg.paramsObject().path("_meta").get(StatelessFamily.META_LOG_LEVEL);
            this.logLevel = level == null ? null : level.asText();
        }

        /** The call's thread: the upstream's SSE answer, message by message, into the mailbox. */
        void read(UpstreamReply reply) {
            upstreamBody = reply.body();
            io.netty.util.Timeout silence = null;
            SseReader events = new SseReader(upstreamBody);
            try {
                while (!ended) {
                    silence = Timers.after(callTimeout.toNanos(), this::abandon);
                    SseEvent e = events.next();
                    silence.cancel();
                    if (e == null) {
                        break;
                    }
                    if (!e.isMessage()) {
                        continue;
                    }
                    JsonNode m = json.read(e.data());
                    if (m == null || !m.isObject()) {
                        continue;
                    }
                    if (!m.has("method")) {
                        if (msg.id().equals(m.get("id"))) {
                            mailbox.add(m);
                            readDone = true;
                            UpstreamReply.release(upstreamBody); // the rest of the stream, then the connection is reused
                            return;
                        }
                        continue;
                    }
                    JsonNode out = forClient((ObjectNode) m);
                    if (out != null) {
                        mailbox.add(out);
                    }
                }
            } catch (IOException e) {
                if (!ended) {
                    LOG.warn("Stream from upstream '{}' broke before the response to {}: {}", server.name(), msg.id(), e.toString());
                }
            } finally {
                if (silence != null) {
                    silence.cancel();
                }
            }
            readDone = true;
            try {
                events.close();
            } catch (IOException ignored) {
                // gone already
            }
            if (!ended) {
                mailbox.add(json.error(msg.id(), ErrorCodes.UPSTREAM_UNAVAILABLE, "MCP server '" + server.name()
                        + "' ended its answer without a response", Map.of("server", server.name())));
            }
        }

        /** A message of the upstream as the client gets it, or null (answered here, or not for this client). */
        private JsonNode forClient(ObjectNode m) {
            String method = m.path("method").asText();
            if ("notifications/message".equals(method) && !logged(m.path("params").path("level").asText())) {
                return null; // 2026-07-28: log messages only for a request that asked for them, at its level
            }
            if (m.has("id") && ServerMessages.unsupported(client.clientCapabilities(), method, m.path("params")) != null
                    && !"ping".equals(method)) {
                // 2026-07-28: a request that needs a capability the client did not declare fails with -32021; the
                // upstream's request is refused and the call cancelled
                upstreams.deliver(client, server.registration(), json.write(json.error(m.get("id"),
                        ErrorCodes.METHOD_NOT_FOUND, "the client does not support " + method, null)));
                mailbox.add(json.error(msg.id(), ErrorCodes.MISSING_CLIENT_CAPABILITY, "Missing required client "
                        + "capability: MCP server '" + server.name() + "' asked for " + method,
                        Map.of("requiredCapabilities", required(method, m.path("params")))));
                cancel("the client lacks a capability the server needs");
                return null;
            }
            if ("ping".equals(method) && m.has("id")) {
                // a liveness check in the middle of a call: the gateway answers it, the client cannot
                upstreams.deliver(client, server.registration(), json.write(json.result(m.get("id"), json.object())));
                return null;
            }
            JsonNode out = serverMessages.toClient(client, server, m);
            if (out instanceof ObjectNode o && o.has("id")) {
                // an input request: what inputRequests holds of it is method and params
                ObjectNode request = json.object();
                request.put("method", method);
                if (o.has("params")) {
                    request.set("params", o.get("params"));
                }
                ObjectNode tagged = request.deepCopy();
                tagged.set("id", o.get("id"));
                return tagged;
            }
            return out;
        }

        /** The client capabilities a server request needs, as ClientCapabilities members. */
        private JsonNode required(String method, JsonNode params) {
            ObjectNode caps = json.object();
            switch (method) {
                case "elicitation/create" -> caps.putObject("elicitation")
                        .putObject("url".equals(params.path("mode").asText()) ? "url" : "form");
                case "sampling/createMessage" -> {
                    ObjectNode sampling = caps.putObject("sampling");
                    if (params.has("tools")) {
                        sampling.putObject("tools");
                    }
                }
                case "roots/list" -> caps.putObject("roots");
                default -> { }
            }
            return caps;
        }

        private boolean logged(String level) {
            return logLevel != null && LEVELS.indexOf(level) >= LEVELS.indexOf(logLevel);
        }

        void ask(JsonNode request) {
            ObjectNode r = ((ObjectNode) request).deepCopy();
            String key = r.remove("id").asText();
            outstanding.put(key, r);
        }

        /** The client's request now following the call: the park timer stops. */
        void attach() {
            waitingForClient = false;
            io.netty.util.Timeout t = parked;
            if (t != null) {
                t.cancel();
            }
        }

        /** The client has been asked for input: the call waits for its retry, up to the park timeout. */
        void park() {
            waitingForClient = true;
            parked = Timers.after(parkTimeout.toNanos(), () -> {
                LOG.info("No retry with the input asked for call {} on '{}' within {}; cancelled", msg.id(),
                        server.name(), parkTimeout);
                cancel("the client did not come back with the input asked for");
            });
        }

        JsonNode poll(long nanos) {
            try {
                return nanos <= 0 ? mailbox.poll() : mailbox.poll(nanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        JsonNode take() {
            long deadline = System.nanoTime() + callTimeout.toNanos();
            JsonNode m = null;
            while (m == null && !ended && System.nanoTime() < deadline) {
                m = poll(Math.min(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1)));
            }
            return m;
        }

        /** The upstream said nothing for the call timeout: the call ends with -32001. */
        private void abandon() {
            if (waitingForClient) {
                return; // the upstream waits for the client's input: the park timeout governs that
            }
            LOG.warn("Upstream '{}' did not answer request {} in time; cancelled", server.name(), msg.id());
            mailbox.add(json.error(msg.id(), ErrorCodes.UPSTREAM_UNAVAILABLE, "Upstream server '" + server.name()
                    + "' did not answer within " + callTimeout, Map.of("server", server.name())));
            cancel("gateway timeout");
        }

        /** The client gave up (closed its stream, never retried): the upstream is told and let go. */
        void cancel(String reason) {
            if (ended) {
                return;
            }
            upstreams.cancel(client, server.registration(), msg.id(), reason);
            finish(this);
        }

        void end() {
            ended = true;
            io.netty.util.Timeout t = parked;
            if (t != null) {
                t.cancel();
            }
            InputStream body = upstreamBody;
            if (body != null && !readDone) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // closing is all we want
                }
            }
        }
    }

    private static final java.util.List<String> LEVELS = java.util.List.of("debug", "info", "notice", "warning",
            "error", "critical", "alert", "emergency");

    /** The SSE answer of one client request following a call: notifications, then the outcome, then the end. */
    private final class CallStream extends EventChunks {
        private final Call call;
        private final JsonNode request;
        private JsonNode first;
        private boolean done;

        CallStream(Call call, JsonNode request, JsonNode first) {
            this.call = call;
            this.request = request;
            this.first = first;
        }

        @Override
        protected byte[] nextChunk() {
            if (done) {
                return null;
            }
            JsonNode m = first != null ? first : call.take();
            first = null;
            if (m == null) {
                done = true;
                call.cancel("gateway timeout");
                return frame(null, json.write(json.error(request, ErrorCodes.UPSTREAM_UNAVAILABLE, "MCP server '"
                        + call.server.name() + "' did not answer within " + callTimeout,
                        Map.of("server", call.server.name()))));
            }
            if (isOutcome(m)) {
                done = true;
                return frame(null, json.write(outcome(call, request, m)));
            }
            return frame(null, json.write(m));
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                call.cancel("the client closed its stream"); // 2026-07-28: closing the stream cancels the request
            }
        }
    }
}
