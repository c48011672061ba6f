package io.camelmcp.gateway.upstream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;

/** An upstream's HTTP answer whose body has not been read yet (it may be a long SSE stream). */
public final class UpstreamReply {

    private final HttpResponse<InputStream> response;
    private byte[] buffered;

    public UpstreamReply(HttpResponse<InputStream> response) {
        this.response = response;
    }

    public int status() { return response.statusCode(); }

    public String contentType() {
        return response.headers().firstValue("content-type").orElse("");
    }

    public boolean isEventStream() {
        return contentType().regionMatches(true, 0, "text/event-stream", 0, 17);
    }

    public String sessionId() {
        return response.headers().firstValue("mcp-session-id").orElse(null);
    }

    public InputStream body() {
        return buffered != null ? new ByteArrayInputStream(buffered) : response.body();
    }

    /** The largest single message the gateway takes from an upstream (a JSON answer, one SSE event). */
    public static final int MAX_MESSAGE_BYTES = 32 << 20;

    /** Reads the whole body (a JSON answer or an error), at most {@link #MAX_MESSAGE_BYTES}; can be called again. */
    public byte[] readAll() throws IOException {
        if (buffered == null) {
            try (InputStream in = response.body()) {
                byte[] body = in.readNBytes(MAX_MESSAGE_BYTES + 1);
                if (body.length > MAX_MESSAGE_BYTES) {
                    throw new IOException("answer larger than " + MAX_MESSAGE_BYTES + " bytes");
                }
                buffered = body;
            }
        }
        return buffered;
    }

    /** Drops the body without reading it (it may be an endless stream): the connection is released. */
    public void discard() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // the connection is gone anyway
        }
    }
}
