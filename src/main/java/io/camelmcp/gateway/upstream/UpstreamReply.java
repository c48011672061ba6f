package io.camelmcp.gateway.upstream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/** An upstream's HTTP answer whose body has not been read yet (it may be a long SSE stream). */
public final class UpstreamReply {

    private final int status;
    private final String contentType;
    private final String sessionId;
    private final InputStream body;
    private byte[] buffered;

    public UpstreamReply(int status, String contentType, String sessionId, InputStream body) {
        this.status = status;
        this.contentType = contentType == null ? "" : contentType;
        this.sessionId = sessionId;
        this.body = body;
    }

    public int status() { return status; }

    public String contentType() { return contentType; }

    public boolean isEventStream() {
        return contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
    }

    /** A 200 answer as an SSE stream: what forward.yaml relays event by event. */
    public boolean isStreamed() {
        return status == 200 && isEventStream();
    }

    public String sessionId() { return sessionId; }

    public InputStream body() {
        return buffered != null ? new ByteArrayInputStream(buffered) : body;
    }

    /** The largest single message the gateway takes from an upstream (a JSON answer, one SSE event). */
    public static final int MAX_MESSAGE_BYTES = 32 << 20;

    /** Reads the whole body (a JSON answer or an error), at most {@link #MAX_MESSAGE_BYTES}; can be called again. */
    public byte[] readAll() throws IOException {
        if (buffered == null) {
            try (InputStream in = body) {
                byte[] body = in.readNBytes(MAX_MESSAGE_BYTES + 1);
                if (body.length > MAX_MESSAGE_BYTES) {
                    throw new IOException("answer larger than " + MAX_MESSAGE_BYTES + " bytes");
                }
                buffered = body;
            }
        }
        return buffered;
    }

    /**
     * {@link #readAll()} within {@code within}: a server that sends its answer's headers and then stalls the body is
     * cut when the time is up (the connection is closed), so that no call waits on it longer than its timeout.
     */
    public byte[] readAll(java.time.Duration within) throws IOException {
        if (buffered != null) {
            return buffered;
        }
        java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
        io.netty.util.Timeout cut = Timers.after(within.toNanos(), () -> {
            late.set(true);
            closeQuietly(body);
        });
        try {
            return readAll();
        } catch (IOException e) {
            throw late.get() ? new IOException("answer not complete within " + within, e) : e;
        } finally {
            cut.cancel();
        }
    }

    /** How long an answer's stream may take to end after its response before it is cut. */
    static final long RELEASE_MILLIS = 2000;

    /**
     * The response has been read from this body; the upstream is about to end the stream. Reading that end
     * (in the background, {@link #RELEASE_MILLIS} at most) returns the keep-alive connection to the pool,
     * where closing an unfinished body would cost the next request a new connection.
     */
    public static void release(InputStream body) {
        Thread.ofVirtual().name("mcp-release").start(() -> drain(body, RELEASE_MILLIS));
    }

    /** How long {@link #finish()} waits for the end of an answer before it cuts the connection instead. */
    static final long FINISH_MILLIS = 50;

    /**
     * The response has been read from this answer: its end (normally there already) is read here, in the caller's
     * thread, so that the connection is back in the pool for the caller's next request, as in initialize, then
     * notifications/initialized, then a list. An upstream that keeps the stream open longer loses the connection.
     */
    public void finish() {
        finish(body);
    }

    /** {@link #finish()} for a body already handed on (e.g. to a relay). */
    public static void finish(InputStream body) {
        drain(body, FINISH_MILLIS);
    }

    /** Reads {@code body} to its end, for {@code millis} at most (then it is cut), and closes it. */
    private static void drain(InputStream body, long millis) {
        io.netty.util.Timeout cut = Timers.after(TimeUnit.MILLISECONDS.toNanos(millis), () -> closeQuietly(body));
        try {
            byte[] rest = new byte[512]; // usually just the stream's last chunk marker; transferTo would take 16 KiB
            while (body.read(rest) >= 0) {
                // discarded
            }
        } catch (IOException ignored) {
            // cut, or gone
        } finally {
            cut.cancel();
            closeQuietly(body);
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Drops the body without reading it (it may be an endless stream): the connection is released. */
    public void discard() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the connection is gone anyway
        }
    }
}
