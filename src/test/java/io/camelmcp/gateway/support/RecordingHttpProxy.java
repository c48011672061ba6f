package io.camelmcp.gateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP proxy in front of one MCP endpoint that records every JSON-RPC message crossing it, for
 * {@link McpSchemas#assertValid}: request bodies as {@code {"dir":"out", "message"}}, JSON answers and each SSE
 * event's data as {@code {"dir":"in", "message"}}. Streams are passed through event by event, so long-lived
 * streams (a 2025 GET stream, a 2026 {@code subscriptions/listen}) behave as without the proxy. For peers whose
 * HTTP the test cannot hook (the Java SDK's transport), and for what the gateway sends its upstreams.
 */
public final class RecordingHttpProxy implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    // set by the HTTP client itself, or meaningless across a hop
    private static final Set<String> HOP = Set.of("host", "connection", "content-length", "transfer-encoding",
            "expect", "upgrade", "keep-alive");

    private final URI target;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    private final List<String> unreadable = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    /**
     * One request that crossed: its HTTP method, its Mcp-Session-Id (null without one) and its JSON-RPC method (null
     * for a bodiless request such as the DELETE that ends a session, or a response).
     */
    public record Request(String httpMethod, String sessionId, String rpcMethod) {}

    /** A proxy to {@code target} (the whole endpoint URL; the request's own path is ignored). */
    public RecordingHttpProxy(String target) throws IOException {
        this.target = URI.create(target);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::relay);
        server.start();
    }

    /** The proxy's endpoint: what the peer is given instead of the target. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + target.getRawPath();
    }

    /** Every message so far, in the order they crossed. */
    public List<JsonNode> messages() {
        return List.copyOf(messages);
    }

    /** Every request so far, in the order they came, bodiless ones (GET, DELETE) included. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Bodies that were not JSON (a test wants none). */
    public List<String> unreadable() {
        return List.copyOf(unreadable);
    }

    private void relay(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            requests.add(new Request(ex.getRequestMethod(), ex.getRequestHeaders().getFirst("Mcp-Session-Id"),
                    rpcMethod(body)));
            if (body.length > 0) {
                record("out", new String(body, StandardCharsets.UTF_8));
            }
            HttpRequest.Builder up = HttpRequest.newBuilder(target)
                    .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> up.header(name, v));
                }
            });
            HttpResponse<InputStream> answer;
            try {
                answer = client.send(up.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                ex.sendResponseHeaders(502, -1);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            answer.headers().map().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    ex.getResponseHeaders().put(name, values);
                }
            });
            String type = answer.headers().firstValue("content-type").orElse("");
            try (InputStream in = answer.body()) {
                if (type.startsWith("text/event-stream")) {
                    ex.sendResponseHeaders(answer.statusCode(), 0);
                    stream(in, ex.getResponseBody());
                } else {
                    byte[] bytes = in.readAllBytes();
                    ex.sendResponseHeaders(answer.statusCode(), bytes.length == 0 ? -1 : bytes.length);
                    if (bytes.length > 0) {
                        if (type.startsWith("application/json")) {
                            record("in", new String(bytes, StandardCharsets.UTF_8));
                        }
                        ex.getResponseBody().write(bytes);
                    }
                }
            }
        }
    }

    /** Copies an SSE stream line by line, recording each event's data once the blank line ends it. */
    private void stream(InputStream in, OutputStream out) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder data = new StringBuilder();
        String line;
        try {
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    if (!data.isEmpty()) data.append('\n');
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                } else if (line.isEmpty() && !data.isEmpty()) {
                    record("in", data.toString());
                    data.setLength(0);
                }
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                if (line.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the peer went away, or the stream was cut: what crossed is recorded
        }
    }

    private static String rpcMethod(byte[] body) {
        try {
            JsonNode msg = body.length == 0 ? null : JSON.readTree(body);
            return msg != null && msg.path("method").isTextual() ? msg.get("method").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private void record(String dir, String text) {
        if (text.isBlank()) {
            return; // an SSE event without data (a priming event's empty data)
        }
        try {
            messages.add(JSON.valueToTree(Map.of("dir", dir, "message", JSON.readTree(text))));
        } catch (IOException e) {
            unreadable.add(dir + ": " + text);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
