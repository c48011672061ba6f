package io.camelmcp.gateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
    private boolean done;
    private volatile boolean timedOut;
    private ScheduledFuture<?> timer;

    /**
     * How long the relay waits for the response: {@code timeout} from the start and again from each
     * progress notification (as the lifecycle spec allows), never longer than {@code max} in all.
     */
    public record Deadline(ScheduledExecutorService scheduler, Duration timeout, Duration max) {}

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

        byte[] start();

        /** No more events; {@code delivered} tells whether the client read the whole stream itself. */
        void complete(boolean delivered);
    }

    private final Recorder recorder;

    public SseRelay(String server, InputStream upstreamBody, JsonNode requestId, JsonRpc json,
                    Function<JsonNode, JsonNode> transform, Deadline deadline, Failures failures, Recorder recorder,
                    Resumer resumer) {
        this.server = server;
        this.upstreamBody = upstreamBody;
        this.upstream = new SseReader(upstreamBody);
        this.requestId = requestId;
        this.json = json;
        this.transform = transform;
        this.deadline = deadline;
        this.failures = failures;
        this.recorder = recorder;
        this.resumer = resumer;
        this.start = recorder == null ? null : recorder.start();
        this.maxNanos = System.nanoTime() + deadline.max().toNanos();
        arm();
    }

    /** (Re)starts the timer; when it fires the upstream body is closed, which ends the blocked read. */
    private synchronized void arm() {
        if (timer != null) {
            timer.cancel(false);
        }
        long left = Math.min(deadline.timeout().toNanos(), maxNanos - System.nanoTime());
        timer = deadline.scheduler().schedule(this::expire, Math.max(0, left), TimeUnit.NANOSECONDS);
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
            timer.cancel(false);
        }
    }

    @Override
    protected byte[] nextChunk() {
        if (start != null) {
            byte[] first = start;
            start = null;
            return first;
        }
        return done ? null : fill();
    }

    /** Reads the next upstream event and returns what the client gets of it (possibly nothing). */
    private byte[] fill() {
        SseEvent event;
        try {
            event = upstream.next();
        } catch (IOException e) {
            if (timedOut) {
                LOG.warn("Upstream '{}' did not answer request {} in time; cancelled", server, requestId);
                failures.timedOut();
                return finishWithError("Upstream server '" + server + "' did not answer within " + deadline.timeout());
            }
            LOG.warn("Stream from upstream '{}' broke before the response to {}: {}", server, requestId, e.toString());
            failures.broke();
            return finishWithError("Upstream server '" + server + "' stream broke: " + e.getMessage());
        }
        if (event == null && timedOut) {
            failures.timedOut();
            return finishWithError("Upstream server '" + server + "' did not answer within " + deadline.timeout());
        }
        if (event == null && resume()) {
            return new byte[0];
        }
        if (event == null) {
            LOG.warn("Upstream '{}' ended its stream without answering request {}", server, requestId);
            failures.broke();
            return finishWithError("Upstream server '" + server + "' closed the stream without a response");
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
            LOG.warn("Upstream '{}' sent an SSE event that is not JSON; dropped", server);
            return new byte[0];
        }
        boolean isOurResponse = msg != null && !msg.has("method") && requestId.equals(msg.get("id"));
        if (msg != null && "notifications/progress".equals(msg.path("method").asText())) {
            arm();
        }
        JsonNode out = transform == null ? msg : transform.apply(msg);
        byte[] bytes = out == null ? new byte[0] : emit(json.write(out));
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
        byte[] bytes = emit(json.write(json.error(requestId, ErrorCodes.UPSTREAM_UNAVAILABLE, message, null)));
        done = true;
        closeUpstream();
        return bytes;
    }

    private byte[] emit(byte[] data) {
        return recorder == null ? frame(null, data) : recorder.record(data);
    }

    private boolean closed;

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
            if (recorder != null) {
                recorder.complete(!clientGone);
            }
        }
        if (drain) {
            UpstreamReply.release(upstreamBody);
        } else {
            closeQuietly();
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
        if (!done) {
            clientGone = true;
        }
        if (done || recorder == null) {
            done = true;
            closeUpstream();
            return;
        }
        Thread.ofVirtual().name("mcp-drain-" + server).start(() -> {
            while (!done) {
                fill();
            }
        });
    }
}
