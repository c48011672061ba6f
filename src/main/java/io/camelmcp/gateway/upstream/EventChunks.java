package io.camelmcp.gateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * An SSE response body produced event by event: the HTTP layer copies and flushes whatever one read
 * returns, so each event reaches the client as soon as {@link #nextChunk()} yields it.
 */
public abstract class EventChunks extends InputStream {

    private byte[] chunk = new byte[0];
    private int pos;
    /** The last event sent: a call's answer ends with its response (for the audit log). */
    private volatile byte[] last;

    /**
     * The last non-empty chunk this stream gave the client (one framed event, or null): at the end of a call's answer,
     * its response (a result or an error), which is how the audit log learns how a streamed call ended.
     */
    public byte[] lastEvent() {
        return last;
    }

    /** The next bytes to send (may be empty), or null at the end of the stream. Blocking is fine here. */
    protected abstract byte[] nextChunk() throws IOException;

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (pos >= chunk.length) {
            byte[] next = nextChunk();
            if (next == null) {
                return -1;
            }
            chunk = next;
            pos = 0;
            if (next.length > 0) {
                last = next;
            }
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    /**
     * Writes every chunk to {@code out} as it comes, flushing each (no copy through a buffer); returns at the end
     * of the stream. The caller closes this stream.
     */
    public void writeTo(java.io.OutputStream out) throws IOException {
        if (pos < chunk.length) {
            out.write(chunk, pos, chunk.length - pos);
            pos = chunk.length;
            out.flush();
        }
        byte[] next;
        while ((next = nextChunk()) != null) {
            if (next.length > 0) {
                last = next;
                out.write(next);
                out.flush();
            }
        }
    }

    /**
     * One message event; {@code id} may be null. Serialised JSON has no raw newlines, so one data line
     * carries it.
     */
    public static byte[] frame(String id, byte[] json) {
        byte[] head = ((id == null ? "" : "id: " + id + "\n") + "event: message\ndata: ").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(json, 0, out, head.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }
}
