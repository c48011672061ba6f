package io.camelmcp.gateway.upstream;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads a text/event-stream as the WHATWG event-stream rules say: lines end with CR, LF or CRLF,
 * comments start with ':', a blank line dispatches, unknown fields are ignored.
 */
public final class SseReader implements Closeable {

    private final BufferedReader in;
    private final int maxChars;
    private final StringBuilder buf = new StringBuilder(256);

    public SseReader(InputStream stream) {
        this(stream, UpstreamReply.MAX_MESSAGE_BYTES);
    }

    /** @param maxChars the longest line (and event data) accepted; longer ones fail the stream */
    public SseReader(InputStream stream, int maxChars) {
        // most answers are one small event: small buffers (allocated per answer) do, and large events still stream
        this.in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1024);
        this.maxChars = maxChars;
    }

    /** A line ended by CR, LF or CRLF, bounded in length; null at the end of the stream. */
    private String readLine() throws IOException {
        buf.setLength(0);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                return buf.toString();
            }
            if (c == '\r') {
                in.mark(1);
                if (in.read() != '\n') {
                    in.reset();
                }
                return buf.toString();
            }
            if (buf.length() >= maxChars) {
                throw new IOException("SSE line longer than " + maxChars + " characters");
            }
            buf.append((char) c);
        }
        return buf.isEmpty() ? null : buf.toString();
    }

    /** The next event, or null at the end of the stream. Events without any field are skipped. */
    public SseEvent next() throws IOException {
        String id = null;
        String event = null;
        StringBuilder data = null;
        Long retry = null;
        boolean any = false;
        String line;
        while ((line = readLine()) != null) {
            if (line.isEmpty()) {
                if (any) {
                    return new SseEvent(id, event, data == null ? null : data.toString(), retry);
                }
                continue;
            }
            if (line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        if (data.length() + value.length() >= maxChars) {
                            throw new IOException("SSE event larger than " + maxChars + " characters");
                        }
                        data.append('\n').append(value);
                    }
                    any = true;
                }
                case "event" -> { event = value; any = true; }
                case "id" -> { if (value.indexOf('\0') < 0) { id = value; any = true; } }
                case "retry" -> {
                    if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                        retry = Long.parseLong(value);
                        any = true;
                    }
                }
                default -> { }
            }
        }
        // end of stream: an unterminated event is discarded, as the event-stream rules require
        return null;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
