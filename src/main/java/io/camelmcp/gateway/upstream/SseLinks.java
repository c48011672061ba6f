package io.camelmcp.gateway.upstream;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.session.ClientContext;

/**
 * The client side of the 2024-11-05 HTTP+SSE transport: {@code GET} the server's SSE endpoint, wait for its
 * {@code endpoint} event (the URI to POST messages to, which must be on the same origin: the server's headers and
 * credentials go there), then POST each message there; everything the server sends comes on the stream. One
 * stream per upstream session, with the same headers and credentials as any request to that server.
 */
final class SseLinks implements Bridge.Links {

    private static final Logger LOG = LoggerFactory.getLogger(SseLinks.class);

    private final UpstreamClient client;

    SseLinks(UpstreamClient client) {
        this.client = client;
    }

    @Override
    public Bridge.Link open(ServerRegistration server, ClientContext gs, Bridge.Inbound inbound, Duration timeout)
            throws UpstreamException {
        long deadline = System.nanoTime() + timeout.toNanos();
        UpstreamReply reply = client.legacyStream(server, timeout, gs);
        if (!reply.isStreamed()) {
            String text = snippet(reply);
            throw new UpstreamException(server.name(), "the SSE endpoint answered HTTP " + reply.status()
                    + (reply.contentType().isEmpty() ? "" : " (" + reply.contentType() + ")") + text, reply.status(), null);
        }
        Stream link = new Stream(server, gs, reply, inbound, timeout);
        Thread.ofVirtual().name("sse-in-" + server.name()).start(link::read);
        try {
            link.endpoint.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return link;
        } catch (TimeoutException e) {
            link.close();
            throw UpstreamException.timeout(server.name(), "no endpoint event on the SSE stream within " + timeout, e);
        } catch (ExecutionException e) {
            link.close();
            throw new UpstreamException(server.name(), e.getCause().getMessage(), 0, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            link.close();
            throw new UpstreamException(server.name(), "interrupted", 0, e);
        }
    }

    private static String snippet(UpstreamReply reply) {
        try {
            byte[] b = reply.readAll(Duration.ofSeconds(2));
            String s = new String(b, 0, Math.min(b.length, 200), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "" : ": " + s;
        } catch (IOException e) {
            return "";
        }
    }

    private final class Stream implements Bridge.Link {
        private final ServerRegistration server;
        private final ClientContext gs;
        private final UpstreamReply reply;
        private final Bridge.Inbound inbound;
        private final Duration timeout;
        final CompletableFuture<URI> endpoint = new CompletableFuture<>();
        private final AtomicBoolean closed = new AtomicBoolean();

        Stream(ServerRegistration server, ClientContext gs, UpstreamReply reply, Bridge.Inbound inbound, Duration timeout) {
            this.server = server;
            this.gs = gs;
            this.reply = reply;
            this.inbound = inbound;
            this.timeout = timeout;
        }

        void read() {
            String why = "the server ended its SSE stream";
            try (SseReader events = new SseReader(reply.body())) {
                SseEvent e;
                while ((e = events.next()) != null) {
                    if ("endpoint".equals(e.event())) {
                        endpoint(e.data());
                    } else if (e.isMessage()) {
                        inbound.message(e.data().getBytes(StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                why = closed.get() ? "session ended" : "the SSE stream broke: " + e.getMessage();
            } finally {
                if (!endpoint.isDone()) {
                    endpoint.completeExceptionally(new IOException(why + " before its endpoint event"));
                } else if (!closed.get()) {
                    LOG.info("MCP server '{}': {}; its session ended", server.name(), why);
                }
                inbound.closed(why);
            }
        }

        private void endpoint(String data) {
            if (endpoint.isDone() || data == null) {
                return;
            }
            try {
                URI base = server.url();
                URI to = base.resolve(data.strip());
                if (!base.getScheme().equalsIgnoreCase(to.getScheme()) || !base.getRawAuthority().equals(to.getRawAuthority())) {
                    endpoint.completeExceptionally(new IOException("the endpoint event names another origin (" + to
                            + "); the server's credentials are not sent there"));
                    close();
                    return;
                }
                endpoint.complete(to);
            } catch (IllegalArgumentException e) {
                endpoint.completeExceptionally(new IOException("the endpoint event is not a URI: " + data));
                close();
            }
        }

        @Override
        public void send(byte[] message) throws IOException {
            if (closed.get()) {
                throw new Bridge.LinkGone("the SSE stream is closed");
            }
            URI to = endpoint.getNow(null);
            UpstreamReply r;
            try {
                r = client.legacyPost(server, to, message, timeout, gs);
            } catch (UpstreamException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (r.status() / 100 == 2) {
                try {
                    r.readAll(timeout); // read to its end, the connection goes back to the pool
                } catch (IOException e) {
                    r.discard();
                }
                return;
            }
            String text = snippet(r);
            if (r.status() == 404) { // the server forgot the stream's session (it restarted): this one is over
                close();
                throw new Bridge.LinkGone("HTTP 404" + text);
            }
            throw new IOException("the server refused the message with HTTP " + r.status() + text);
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                try {
                    reply.body().close();
                } catch (IOException e) {
                    // closing
                }
            }
        }
    }
}
