package io.camelmcp.gateway.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.session.UpstreamSession;

/**
 * HTTP side of talking to upstream MCP servers (Streamable HTTP). One JDK {@link HttpClient} for the whole
 * gateway: it pools keep-alive connections per host, and its blocking calls are made from virtual threads.
 */
public class UpstreamClient implements AutoCloseable {

    static final String ACCEPT = "application/json, text/event-stream";

    static {
        allowHostHeader();
    }

    /**
     * A server reached through a Gateway's address is sent its HTTPRoute's hostname as Host. The JDK client
     * refuses that header unless this property is set before its first request: called first thing in main.
     */
    public static void allowHostHeader() {
        if (System.getProperty("jdk.httpclient.allowRestrictedHeaders") == null) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        }
    }

    private final HttpClient http;
    private final ExecutorService executor;

    public UpstreamClient(Duration connectTimeout) {
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade dance with plain-HTTP MCP servers
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    /** POSTs one JSON-RPC message. Answers in any HTTP status are returned; only I/O failures throw. */
    public UpstreamReply post(ServerRegistration server, UpstreamSession session, byte[] body, Duration timeout)
            throws UpstreamException {
        HttpRequest.Builder b = request(server.url(), server.headers(), session, timeout)
                .header("Content-Type", "application/json")
                .header("Accept", ACCEPT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return send(server, b.build());
    }

    /** Opens the session's standalone server-to-client stream (GET); the reply body is an SSE stream. */
    public UpstreamReply openStream(ServerRegistration server, UpstreamSession session, Duration connectTimeout)
            throws UpstreamException {
        return openStream(server, session, connectTimeout, null);
    }

    /** The same, resuming a stream after the event {@code lastEventId} (SSE resumption, 2025-11-25). */
    public UpstreamReply openStream(ServerRegistration server, UpstreamSession session, Duration connectTimeout,
                                    String lastEventId) throws UpstreamException {
        HttpRequest.Builder b = request(server.url(), server.headers(), session, connectTimeout)
                .header("Accept", "text/event-stream")
                .GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return send(server, b.build());
    }

    /** Ends an upstream session (DELETE); failures only matter to the log. */
    public void delete(ServerRegistration server, UpstreamSession session, Duration timeout) throws UpstreamException {
        if (session.sessionId() == null) {
            return;
        }
        UpstreamReply reply = send(server, request(server.url(), server.headers(), session, timeout).DELETE().build());
        reply.discard();
    }

    private static HttpRequest.Builder request(URI url, Map<String, String> headers, UpstreamSession session,
                                               Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout);
        headers.forEach(b::header);
        if (session != null) {
            if (session.sessionId() != null) {
                b.header("Mcp-Session-Id", session.sessionId());
            }
            if (session.protocolVersion() != null) {
                b.header("MCP-Protocol-Version", session.protocolVersion());
            }
        }
        return b;
    }

    private UpstreamReply send(ServerRegistration server, HttpRequest request) throws UpstreamException {
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            return new UpstreamReply(response);
        } catch (HttpConnectTimeoutException e) {
            throw new UpstreamException(server.name(), "connect timed out", 0, e);
        } catch (HttpTimeoutException e) {
            throw new UpstreamException(server.name(),
                    "no answer within " + request.timeout().map(Duration::toString).orElse("the timeout"), 0, e);
        } catch (ConnectException e) {
            throw new UpstreamException(server.name(), "connection refused", 0, e);
        } catch (IOException e) {
            throw new UpstreamException(server.name(), "I/O error: " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(server.name(), "interrupted", 0, e);
        }
    }

    @Override
    public void close() {
        http.shutdownNow(); // close() would wait for open streams (list-change listeners) that never end
        executor.shutdownNow();
    }
}
