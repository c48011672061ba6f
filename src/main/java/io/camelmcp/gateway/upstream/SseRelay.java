package io.camelmcp.gateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.protocol.ErrorCodes;
import io.camelmcp.gateway.protocol.JsonRpc;

/**
 * The client's side of an upstream SSE answer, as an InputStream that the HTTP layer copies and flushes
 * chunk by chunk: each read pulls the next upstream event, so progress and log notifications reach the
 * client as they happen, with no buffering and no extra thread. The stream ends after the response to
 * the request; if the upstream stops before that, the client gets a JSON-RPC error for its request
 * instead of a silent end.
 *
 * <p>{@link #readAhead(boolean)} reads up to the first message for the client before anything is sent: when that is
 * already the response, the owner can answer with one JSON object instead of a stream.
 */
public final class SseRelay extends EventChunks {

    private static final Logger LOG = LoggerFactory.getLogger(SseRelay.class);

    private final String server;
    private SseReader upstream;
    private final JsonNode requestId;
    private final JsonRpc json;
    /** Rewrites a message on its way to the client; null drops it. */
    private final Function<JsonNode, JsonNode> transform;

    private volatile InputStream upstreamBody;
    private final Resumer resumer;
    private String lastEventId;
    private long retryMillis = DEFAULT_RETRY_MILLIS;
    private int resumptions;

    static final long DEFAULT_RETRY_MILLIS = 1000;
    static final int MAX_RESUMPTIONS = 3;

    /**
     * Reopens the upstream's stream after its last event (a GET with Last-Event-ID in the same upstream
     * session), for servers that close a request's stream before its response; null when it cannot.
     */
    @FunctionalInterface
    public interface Resumer {
        InputStream resume(String lastEventId);
    }
    private final Deadline deadline;
    private final Failures failures;
    private final long maxNanos;

    private byte[] start;
    /** A message read ahead (by {@link #readAhead(boolean)}) and not sent yet. */
    private byte[] pending;
    private boolean done;
    private volatile boolean timedOut;
    private io.netty.util.Timeout timer;

    /**
     * How long the relay waits for the response: {@code timeout} from the start and again from each
     * progress notification (as the lifecycle spec allows), never longer than {@code max} in all.
     */
    public record Deadline(Duration timeout, Duration max) {
        /** This deadline with the server's own timeouts where its registration sets them (itself when it sets none). */
        public Deadline of(io.camelmcp.gateway.registry.ServerRegistration server) {
            io.camelmcp.gateway.registry.CallPolicy p = server.policy();
            if (p.requestTimeout() == null && p.maxRequestDuration() == null) {
                return this;
            }
            return new Deadline(p.requestTimeout() != null ? p.requestTimeout() : timeout,
                    p.maxRequestDuration() != null ? p.maxRequestDuration() : max);
        }
    }

    /** What the owner of the relay wants done when the upstream lets the request down. */
    public interface Failures {
        /** The deadline passed: the upstream should be told to stop. */
        void timedOut();

        /** The stream broke or ended without the response: the upstream may be gone. */
        void broke();

        /** The relay is over, however it ended (called once). */
        default void finished() {
        }
    }

    /**
     * Where the relayed events are recorded with ids (for resumption), and what to send first; null for a
     * plain relay without ids.
     */
    public interface Recorder {
        byte[] record(byte[] json);

        /** No more events; {@code delivered} tells whether the client read the whole stream itself. */
        void complete(boolean delivered);
    }

    private Recorder recorder;
    private boolean recordingComplete;

    public SseRelay(String server, InputStream upstreamBody, JsonNode requestId, JsonRpc json,
                    Function<JsonNode, JsonNode> transform, Deadline deadline, Failures failures, Resumer resumer) {
        this.server = server;
        this.upstreamBody = upstreamBody;
        this.upstream = new SseReader(upstreamBody);
        this.requestId = requestId;
        this.json = json;
        this.transform = transform;
        this.deadline = deadline;
        this.failures = failures;
        this.resumer = resumer;
        this.maxNanos = System.nanoTime() + deadline.max().toNanos();
        arm();
    }

    /** (Re)starts the timer; when it fires the upstream body is closed, which ends the blocked read. */
    private synchronized void arm() {
        if (timer != null) {
            timer.cancel();
        }
        timer = Timers.after(Math.min(deadline.timeout().toNanos(), maxNanos - System.nanoTime()), this::expire);
    }

    private void expire() {
        timedOut = true;
        try {
            upstreamBody.close();
        } catch (IOException ignored) {
            // closing is all we want
        }
    }

    private synchronized void disarm() {
        if (timer != null) {
            timer.cancel();
        }
    }

    /**
     * Events go to the client as a stream recorded with ids (for resumption), after {@code first} (a priming
     * event; null when none is due or it was already sent). Called at most once, before the first read.
     */
    public void streamTo(Recorder recorder, byte[] first) {
        this.recorder = recorder;
        this.start = first;
    }

    /**
     * Reads the upstream up to the first message for the client (blocking, within the relay's deadline) and
     * keeps it for the stream. True when that message ends the answer: the response, or the error that
     * replaces it; {@link #answer()} then holds the whole answer. The end of the upstream's stream after a
     * response is then read in the background, or, with {@code holdEnd}, by {@link #releaseUpstream()}, which the
     * owner calls once the client has its answer: read then, in the request's own thread, it needs no thread.
     */
    public boolean readAhead(boolean holdEnd) {
        holdingEnd = holdEnd;
        try {
            byte[] m;
            do {
                m = nextMessage();
            } while (m.length == 0 && !done);
            pending = m.length == 0 ? null : m;
            return done;
        } finally {
            holdingEnd = false;
        }
    }

    /** Reads the end of the upstream's answer held by {@link #readAhead(boolean)} (50 ms at most); else nothing. */
    public void releaseUpstream() {
        InputStream end = heldEnd;
        heldEnd = null;
        if (end != null) {
            UpstreamReply.finish(end);
        }
    }

    /** The message {@link #readAhead(boolean)} read (JSON, as the client gets it). */
    public byte[] answer() {
        return pending;
    }

    @Override
    protected byte[] nextChunk() {
        if (start != null) {
            byte[] first = start;
            start = null;
            return first;
        }
        if (pending != null) {
            byte[] p = emit(pending);
            pending = null;
            if (closed) {
                completeRecording(); // the upstream side ended during the read-ahead, before the stream was set up
            }
            return p;
        }
        return done ? null : fill();
    }

    /** Reads the next upstream event and returns what the client gets of it (possibly nothing). */
    private byte[] fill() {
        byte[] m = nextMessage();
        byte[] out = m.length == 0 ? m : emit(m);
        if (closed) {
            completeRecording(); // after the last event is recorded
        }
        return out;
    }

    /** Reads the next upstream event; returns the JSON message the client gets of it (empty: nothing). */
    private byte[] nextMessage() {
        SseEvent event;
        try {
            event = upstream.next();
        } catch (IOException e) {
            if (timedOut) {
                LOG.warn("Upstream '{}' did not answer request {} in time; cancelled", server, requestId);
                failures.timedOut();
                return finishWithError("MCP server '" + server + "' did not answer within " + deadline.timeout());
            }
            LOG.warn("Stream from upstream '{}' broke before the response to {}: {}", server, requestId, e.toString());
            failures.broke();
            return finishWithError("MCP server '" + server + "' stream broke: " + e.getMessage());
        }
        if (event == null && timedOut) {
            failures.timedOut();
            return finishWithError("MCP server '" + server + "' did not answer within " + deadline.timeout());
        }
        if (event == null && resume()) {
            return new byte[0];
        }
        if (event == null) {
            LOG.warn("Upstream '{}' ended its stream without answering request {}", server, requestId);
            failures.broke();
            return finishWithError("MCP server '" + server + "' closed the stream without a response");
        }
        if (event.id() != null) {
            lastEventId = event.id();
        }
        if (event.retry() != null) {
            retryMillis = event.retry();
        }
        if (!event.isMessage()) {
            return new byte[0]; // priming events, retry hints: about the upstream connection, not the client's
        }
        JsonNode msg;
        try {
            msg = json.read(event.data());
        } catch (IOException e) {
            msg = null;
        }
        // a stream carries JSON-RPC messages, and of the responses only the one to this request: anything else is
        // a broken or lying server, and the request fails now rather than at the call timeout
        String problem = msg == null || !msg.isObject() || !"2.0".equals(msg.path("jsonrpc").textValue())
                ? "sent an SSE event that is not a JSON-RPC message"
                : msg.has("method") ? null : JsonRpc.responseProblem(msg, requestId);
        if (problem != null) {
            LOG.warn("Upstream '{}' {} on the stream of request {}", server, problem, requestId);
            failures.broke();
            return finishWithError("MCP server '" + server + "' sent an invalid answer: " + problem);
        }
        boolean isOurResponse = !msg.has("method");
        if ("notifications/progress".equals(msg.path("method").asText())) {
            arm();
        }
        JsonNode out = transform == null ? msg : transform.apply(msg);
        byte[] bytes = out == null ? new byte[0] : json.write(out);
        if (isOurResponse) {
            done = true;
            closeUpstream(true);
        }
        return bytes;
    }

    /**
     * The upstream closed the stream before answering, having given event ids: per the transport it expects
     * the client to come back after {@code retry} with Last-Event-ID. The gateway does that, a few times.
     */
    private boolean resume() {
        if (resumer == null || lastEventId == null || resumptions >= MAX_RESUMPTIONS || timedOut) {
            return false;
        }
        resumptions++;
        try {
            Thread.sleep(Math.min(retryMillis, 30_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        InputStream next = resumer.resume(lastEventId);
        if (next == null) {
            return false;
        }
        LOG.debug("Resumed the stream of '{}' for request {} after event {}", server, requestId, lastEventId);
        upstreamBody = next;
        upstream = new SseReader(next);
        return true;
    }

    private byte[] finishWithError(String message) {
        byte[] bytes = json.write(json.error(requestId, ErrorCodes.UPSTREAM_UNAVAILABLE, message,
                java.util.Map.of("server", server)));
        done = true;
        closeUpstream();
        return bytes;
    }

    private byte[] emit(byte[] data) {
        return recorder == null ? frame(null, data) : recorder.record(data);
    }

    private boolean closed;
    private boolean holdingEnd;
    private volatile InputStream heldEnd;

    private void closeUpstream() {
        closeUpstream(false);
    }

    /** Ends the relay; after the response, the upstream's stream is read to its end (see UpstreamReply#release). */
    private void closeUpstream(boolean drain) {
        disarm();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            failures.finished();
        }
        if (drain && holdingEnd) {
            heldEnd = upstreamBody;
        } else if (drain) {
            UpstreamReply.release(upstreamBody);
        } else {
            closeQuietly();
        }
    }

    /** Tells the recorder that no more events come; only after the last one was recorded. */
    private void completeRecording() {
        if (recorder != null && !recordingComplete) {
            recordingComplete = true;
            recorder.complete(!clientGone);
        }
    }

    private void closeQuietly() {
        try {
            upstream.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /**
     * The client's side went away. A broken client stream never cancels the upstream work: with a recorder,
     * the rest of the upstream's answer is still read (in the background) and kept for a resuming client.
     */
    private volatile boolean clientGone;

    @Override
    public void close() {
        if (!done || pending != null) {
            clientGone = true;
        }
        if (done || recorder == null) {
            done = true;
            closeUpstream();
            if (pending != null && recorder != null) {
                emit(pending); // the client left before its first event: kept for a resuming client
                pending = null;
            }
            completeRecording();
            return;
        }
        Thread.ofVirtual().name("mcp-drain-" + server).start(() -> {
            while (nextChunk() != null) {
                // each event is recorded for a resuming client
            }
        });
    }
}
