package io.camelmcp.gateway.upstream;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The body of a bridged answer: an SSE stream whose events are the messages a legacy SSE or stdio server sends for
 * it, as they arrive. The gateway reads it exactly like a Streamable HTTP server's stream; its reader parks (a
 * virtual thread) until the next message or the end.
 */
final class BridgePipe extends InputStream {

    private static final byte[] END = new byte[0];
    private static final byte[] PREFIX = "event: message\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Run once when the reader closes the stream (it no longer wants what comes); null: nothing. */
    private final Runnable onClose;
    private byte[] current;
    private int pos;

    BridgePipe(Runnable onClose) {
        this.onClose = onClose;
    }

    /** Queues one JSON-RPC message (one line of JSON: no raw line breaks) as an SSE event. */
    void message(byte[] json) {
        if (closed.get()) {
            return;
        }
        byte[] event = new byte[PREFIX.length + json.length + SUFFIX.length];
        System.arraycopy(PREFIX, 0, event, 0, PREFIX.length);
        System.arraycopy(json, 0, event, PREFIX.length, json.length);
        System.arraycopy(SUFFIX, 0, event, PREFIX.length + json.length, SUFFIX.length);
        queue.offer(event);
    }

    /** No more events: the reader sees the end of the stream after those queued. */
    void end() {
        queue.offer(END);
    }

    boolean isClosed() {
        return closed.get();
    }

    private boolean fill() throws InterruptedIOException {
        while (current != END && (current == null || pos >= current.length)) {
            try {
                current = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the server");
            }
            pos = 0;
        }
        return current != END;
    }

    @Override
    public int read() throws InterruptedIOException {
        return fill() ? current[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws InterruptedIOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return current == null || current == END ? 0 : current.length - pos;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            queue.clear();
            queue.offer(END);
            if (onClose != null) {
                onClose.run();
            }
        }
    }
}
