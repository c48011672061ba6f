package io.camelmcp.gateway.upstream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.session.UpstreamSession;

/**
 * HTTP side of talking to upstream MCP servers (Streamable HTTP). One Apache HttpClient 5 (classic, blocking)
 * for the whole gateway: it pools keep-alive connections per server, and every call runs on the caller's
 * virtual thread, which simply parks while the socket waits (the JDK's asynchronous client handed each answer
 * through a selector thread and several tasks: a third of the gateway's CPU per call).
 * <p>
 * Every request carries the server's static headers, then what its {@link UpstreamCredentials} add (a token of the
 * server's own: for the client a request is made for, or the gateway's), then the headers a route set.
 */
public class UpstreamClient implements AutoCloseable {

    static final String ACCEPT = "application/json, text/event-stream";
    private static final ContentType JSON = ContentType.create("application/json");

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamClient.class);

    private final CloseableHttpClient http;
    /**
     * For the second try of a request that is safe to repeat, after its keep-alive connection turned out dead: keeps
     * no connection, so that try is always on a new one (the pool may hold more connections the same crash killed).
     */
    private final CloseableHttpClient fresh;
    private final UpstreamCredentials credentials;
    /** Open GET streams by server name (absent: none); changed only when a stream opens or ends. */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> openStreams = new java.util.concurrent.ConcurrentHashMap<>();
    /** Servers on the legacy HTTP+SSE transport, and stdio servers: bridged to look like Streamable HTTP ones. */
    private final Bridge sse = new Bridge(new SseLinks(this));
    private final Bridge stdio = new Bridge(new StdioLinks());

    public UpstreamClient(Duration connectTimeout) {
        this(connectTimeout, UpstreamCredentials.NONE);
    }

    public UpstreamClient(Duration connectTimeout, UpstreamCredentials credentials) {
        this.http = client(connectTimeout, true);
        this.fresh = client(connectTimeout, false);
        this.credentials = credentials == null ? UpstreamCredentials.NONE : credentials;
    }

    /** A request's own connect timeout: still honoured per request by HttpClient 5 (over the pool's default). */
    @SuppressWarnings("deprecation")
    private static org.apache.hc.client5.http.config.RequestConfig connectTimeout(Duration connect) {
        return org.apache.hc.client5.http.config.RequestConfig.custom().setConnectTimeout(Timeout.of(connect)).build();
    }

    private static CloseableHttpClient client(Duration connectTimeout, boolean keepAlive) {
        var builder = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        // every open SSE answer holds a connection: no pool limit below the system's own
                        .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                        .setMaxConnTotal(Integer.MAX_VALUE)
                        .setMaxConnPerRoute(Integer.MAX_VALUE)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.DISABLED) // streams may be quiet for long
                                // a pooled connection idle for less is not checked: if its server died meanwhile,
                                // a request on it fails at once (see send, which retries what is safe to)
                                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                                .build())
                        .build())
                .disableAutomaticRetries() // a tools/call is not idempotent
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression() // relay bodies as the upstream sent them
                .disableAuthCaching();
        if (!keepAlive) {
            builder.setConnectionReuseStrategy((request, response, context) -> false);
        }
        return builder.build();
    }

    /** POSTs one JSON-RPC message. Answers in any HTTP status are returned; only I/O failures throw. */
    public UpstreamReply post(ServerRegistration server, UpstreamSession session, byte[] body, Duration timeout)
            throws UpstreamException {
        return post(server, session, body, timeout, java.util.Map.of());
    }

    /**
     * The same, with headers a route set for this one request (after the server's own, so a route may override
     * those; never the ones the protocol needs, which are set after).
     */
    public UpstreamReply post(ServerRegistration server, UpstreamSession session, byte[] body, Duration timeout,
                              java.util.Map<String, String> extraHeaders) throws UpstreamException {
        return post(server, session, body, timeout, extraHeaders, null);
    }

    /** The same, for {@code client} (null: the gateway's own request): the credentials are the ones for it. */
    public UpstreamReply post(ServerRegistration server, UpstreamSession session, byte[] body, Duration timeout,
                              java.util.Map<String, String> extraHeaders, ClientContext client) throws UpstreamException {
        if (server.transport().bridged()) {
            return bridge(server).post(server, session, body, timeout, client);
        }
        HttpPost request = new HttpPost(server.url());
        java.util.Map<String, String> creds = authorize(request, server, client);
        extraHeaders.forEach(request::setHeader);
        session(request, session);
        request.setHeader("Accept", ACCEPT);
        request.setEntity(new ByteArrayEntity(body, JSON));
        return send(server, request, timeout, false, client, creds);
    }

    /**
     * POSTs a JSON-RPC request that is safe to send twice (a {@code ping}): if the pooled keep-alive connection it went
     * out on turns out dead (reset or closed by the server before any answer, as after a crash or restart), it is sent
     * once more on a new connection, within the same {@code timeout}, so that the answer is about the server as it is
     * now rather than about a connection to what it was.
     */
    public UpstreamReply postIdempotent(ServerRegistration server, UpstreamSession session, byte[] body, Duration timeout)
            throws UpstreamException {
        if (server.transport().bridged()) {
            return bridge(server).post(server, session, body, timeout, null);
        }
        HttpPost request = new HttpPost(server.url());
        java.util.Map<String, String> creds = authorize(request, server, null);
        session(request, session);
        request.setHeader("Accept", ACCEPT);
        request.setEntity(new ByteArrayEntity(body, JSON));
        return send(server, request, timeout, true, null, creds);
    }

    /**
     * POSTs one request to a modern (2026-07-28) server: no session, the revision in {@code MCP-Protocol-Version},
     * the method in {@code Mcp-Method} and, for tools/call, resources/read and prompts/get, the name or URI in
     * {@code Mcp-Name} (see {@link ModernRequests#headerValue}). These are set after a route's headers: a route
     * cannot change what the server checks against the body.
     */
    public UpstreamReply postModern(ServerRegistration server, byte[] body, String method, String name, Duration timeout,
                                    java.util.Map<String, String> extraHeaders) throws UpstreamException {
        return postModern(server, body, method, name, timeout, extraHeaders, null);
    }

    /** The same, for {@code client} (null: the gateway's own request). */
    public UpstreamReply postModern(ServerRegistration server, byte[] body, String method, String name, Duration timeout,
                                    java.util.Map<String, String> extraHeaders, ClientContext client)
            throws UpstreamException {
        if (server.transport().bridged()) { // a bridged server is session-based: it refuses a request without one
            return bridge(server).post(server, null, body, timeout, client);
        }
        HttpPost request = new HttpPost(server.url());
        java.util.Map<String, String> creds = authorize(request, server, client);
        extraHeaders.forEach(request::setHeader);
        request.setHeader("MCP-Protocol-Version", ModernRequests.VERSION);
        if (method != null) {
            request.setHeader("Mcp-Method", method);
        }
        if (name != null) {
            request.setHeader("Mcp-Name", ModernRequests.headerValue(name));
        }
        request.setHeader("Accept", ACCEPT);
        request.setEntity(new ByteArrayEntity(body, JSON));
        return send(server, request, timeout, false, client, creds);
    }

    /** Opens the session's standalone server-to-client stream (GET); the reply body is an SSE stream. */
    public UpstreamReply openStream(ServerRegistration server, UpstreamSession session, Duration connectTimeout)
            throws UpstreamException {
        return openStream(server, session, connectTimeout, null);
    }

    /** The same, resuming a stream after the event {@code lastEventId} (SSE resumption, 2025-11-25). */
    public UpstreamReply openStream(ServerRegistration server, UpstreamSession session, Duration connectTimeout,
                                    String lastEventId) throws UpstreamException {
        return openStream(server, session, connectTimeout, lastEventId, null);
    }

    /** The same, for {@code client}'s session with the server (null: one of the gateway's own). */
    public UpstreamReply openStream(ServerRegistration server, UpstreamSession session, Duration connectTimeout,
                                    String lastEventId, ClientContext client) throws UpstreamException {
        if (server.transport().bridged()) {
            return bridge(server).openStream(server, session);
        }
        HttpGet request = new HttpGet(server.url());
        java.util.Map<String, String> creds = authorize(request, server, client);
        session(request, session);
        request.setHeader("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.setHeader("Last-Event-ID", lastEventId);
        }
        UpstreamReply reply = send(server, request, connectTimeout, false, client, creds);
        if (reply.isStreamed() && reply.body() instanceof Body body) {
            String name = server.name();
            openStreams.merge(name, 1, Integer::sum);
            AtomicBoolean ended = new AtomicBoolean();
            body.onEnd(() -> {
                if (ended.compareAndSet(false, true)) {
                    openStreams.computeIfPresent(name, (k, n) -> n <= 1 ? null : n - 1);
                }
            });
        }
        return reply;
    }

    /**
     * The GET streams open to a server now (the catalogue's list-change listener, those held for listening clients,
     * resource-update readers, resumed answers): what {@code mcp.gateway.upstream.streams.active} shows. A stream stops
     * counting when its body ends or is closed.
     */
    public int openStreams(String server) {
        return openStreams.getOrDefault(server, 0);
    }

    /**
     * GETs a plain HTTP resource of a server (its health path), with the server's headers; answers in any status. Being
     * idempotent, it is retried once on a new connection when its pooled one turns out dead (see
     * {@link #postIdempotent}).
     */
    public UpstreamReply get(ServerRegistration server, java.net.URI uri, Duration timeout) throws UpstreamException {
        HttpGet request = new HttpGet(uri);
        java.util.Map<String, String> creds = authorize(request, server, null);
        return send(server, request, timeout, true, null, creds);
    }

    /** Ends an upstream session (DELETE); failures only matter to the log. */
    public void delete(ServerRegistration server, UpstreamSession session, Duration timeout) throws UpstreamException {
        if (session.sessionId() == null) {
            return;
        }
        if (server.transport().bridged()) {
            bridge(server).delete(session);
            return;
        }
        HttpDelete request = new HttpDelete(server.url());
        java.util.Map<String, String> creds = authorize(request, server, null);
        session(request, session);
        send(server, request, timeout, false, null, creds).discard();
    }

    private Bridge bridge(ServerRegistration server) {
        return server.transport().kind() == io.camelmcp.gateway.registry.UpstreamTransport.Kind.STDIO ? stdio : sse;
    }

    /** Bridged sessions open now to {@code server} (legacy SSE streams, stdio processes). */
    public int bridgedSessions(String server) {
        return sse.sessions(server) + stdio.sessions(server);
    }

    /**
     * Ends the bridged sessions (streams, processes) of servers that are no longer registered with that transport:
     * what a removed or changed stdio server leaves running.
     */
    public void retainBridged(java.util.Map<String, io.camelmcp.gateway.registry.UpstreamTransport.Kind> registered) {
        sse.retain(name -> registered.get(name) == io.camelmcp.gateway.registry.UpstreamTransport.Kind.SSE);
        stdio.retain(name -> registered.get(name) == io.camelmcp.gateway.registry.UpstreamTransport.Kind.STDIO);
    }

    /** A legacy SSE server's stream: GET its url (the SSE endpoint), with its headers and credentials. */
    UpstreamReply legacyStream(ServerRegistration server, Duration timeout, ClientContext client) throws UpstreamException {
        HttpGet request = new HttpGet(server.url());
        java.util.Map<String, String> creds = authorize(request, server, client);
        request.setHeader("Accept", "text/event-stream");
        return send(server, request, timeout, false, client, creds);
    }

    /** One message to a legacy SSE server's message endpoint (which its stream named). */
    UpstreamReply legacyPost(ServerRegistration server, java.net.URI endpoint, byte[] body, Duration timeout,
                             ClientContext client) throws UpstreamException {
        HttpPost request = new HttpPost(endpoint);
        java.util.Map<String, String> creds = authorize(request, server, client);
        request.setEntity(new ByteArrayEntity(body, JSON));
        return send(server, request, timeout, false, client, creds);
    }

    /** The server's static headers, then its credentials (which may replace a static Authorization); returns those. */
    private java.util.Map<String, String> authorize(HttpUriRequestBase request, ServerRegistration server,
                                                    ClientContext client) throws UpstreamException {
        server.headers().forEach(request::setHeader);
        if (server.auth() == null) {
            return java.util.Map.of();
        }
        java.util.Map<String, String> creds = credentials.headers(server, client);
        creds.forEach(request::setHeader);
        return creds;
    }

    private static <R extends HttpUriRequestBase> R session(R request, UpstreamSession session) {
        if (session != null) {
            if (session.sessionId() != null) {
                request.setHeader("Mcp-Session-Id", session.sessionId());
            }
            if (session.protocolVersion() != null) {
                request.setHeader("MCP-Protocol-Version", session.protocolVersion());
            }
        }
        return request;
    }

    /**
     * Sends {@code request} within {@code timeout}. When {@code idempotent}, an I/O failure before any answer on a
     * <em>reused</em> connection is retried once on a new one: a keep-alive connection that the server (or something
     * in between) reset or closed while it sat in the pool says nothing about the server now. Without that, a health
     * ping after a crash reported the dead connection ("Connection reset by peer") instead of what a new connection
     * meets: a refusal, or a server that accepts and never answers ("no answer within").
     */
    private UpstreamReply send(ServerRegistration server, HttpUriRequestBase request, Duration timeout, boolean idempotent,
                               ClientContext client, java.util.Map<String, String> creds) throws UpstreamException {
        AtomicBoolean timedOut = new AtomicBoolean();
        io.netty.util.Timeout cut = Timers.after(timeout.toNanos(), () -> {
            timedOut.set(true);
            request.cancel(); // also cancels a second try: a cancelled request cancels each execution it is given
        });
        try {
            ClassicHttpResponse opened;
            HttpClientContext context = HttpClientContext.create();
            Duration connect = server.policy().connectTimeout();
            if (connect != null) { // the server's own; the pool's default otherwise
                context.setRequestConfig(connectTimeout(connect));
            }
            try {
                opened = http.executeOpen(null, request, context);
            } catch (IOException e) {
                if (!idempotent || timedOut.get() || Thread.currentThread().isInterrupted() || !reused(context)) {
                    throw e;
                }
                LOG.debug("{} {} to '{}' failed on a reused connection ({}); trying once more on a new one",
                        request.getMethod(), request.getRequestUri(), server.name(), e.toString());
                HttpClientContext again = HttpClientContext.create();
                again.setRequestConfig(context.getRequestConfig());
                opened = fresh.executeOpen(null, request, again);
            }
            CloseableHttpResponse response = CloseableHttpResponse.adapt(opened);
            if (!cut.cancel()) { // the timeout fired just as the answer came: it counts as late
                response.close(CloseMode.IMMEDIATE);
                throw UpstreamException.timeout(server.name(), "no answer within " + timeout, null);
            }
            if (response.getCode() == 401 && !creds.isEmpty()) {
                credentials.rejected(server, client, creds); // revoked, or the server's keys rotated: get a new one
            }
            HttpEntity entity = response.getEntity();
            InputStream body = entity == null ? InputStream.nullInputStream() : entity.getContent();
            return new UpstreamReply(response.getCode(), header(response, "Content-Type"),
                    header(response, "Mcp-Session-Id"), new Body(body, response));
        } catch (ConnectTimeoutException e) {
            throw new UpstreamException(server.name(), "connect timed out", 0, e);
        } catch (ConnectException e) {
            throw new UpstreamException(server.name(), "connection refused", 0, e);
        } catch (IOException e) {
            if (timedOut.get()) {
                throw UpstreamException.timeout(server.name(), "no answer within " + timeout, e);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new UpstreamException(server.name(), "interrupted", 0, e);
            }
            throw new UpstreamException(server.name(), "I/O error: " + e, 0, e);
        } finally {
            cut.cancel();
        }
    }

    /**
     * Whether the failed execution went out on a connection taken from the pool: one that had already carried an answer
     * (a new connection has none before its first; a failure before this request's answer adds none).
     */
    private static boolean reused(HttpClientContext context) {
        EndpointDetails connection = context.getEndpointDetails();
        return connection != null && connection.getResponseCount() > 0;
    }

    private static String header(ClassicHttpResponse response, String name) {
        Header h = response.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    /**
     * A response body that, closed before its end, closes its connection at once (closing HttpClient's own
     * stream would first read the rest, which never comes on an open SSE stream). Read to its end, the
     * connection has already gone back to the pool.
     */
    private static final class Body extends FilterInputStream {
        private final CloseableHttpResponse response;
        /** Run when the body ends and when it is closed (an open stream's count, which runs once); null: nothing. */
        private volatile Runnable onEnd;

        Body(InputStream in, CloseableHttpResponse response) {
            super(in);
            this.response = response;
        }

        void onEnd(Runnable r) {
            onEnd = r;
        }

        private int ended(int n) {
            if (n < 0) {
                ended();
            }
            return n;
        }

        private void ended() {
            Runnable r = onEnd;
            if (r != null) {
                r.run();
            }
        }

        @Override
        public int read() throws IOException {
            return ended(super.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return ended(super.read(b, off, len));
        }

        @Override
        public void close() {
            try {
                response.close(CloseMode.IMMEDIATE);
            } finally {
                ended();
            }
        }
    }

    @Override
    public void close() {
        stdio.close(); // the processes end with the gateway
        sse.close();
        http.close(CloseMode.IMMEDIATE); // open streams (list-change listeners) never end by themselves
        fresh.close(CloseMode.IMMEDIATE);
    }
}
