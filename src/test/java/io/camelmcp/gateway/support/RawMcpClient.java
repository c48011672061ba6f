package io.camelmcp.gateway.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A plain HTTP view of /mcp for tests that check status codes and headers exactly, as curl would.
 */
public final class RawMcpClient {

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String BOTH = "application/json, text/event-stream";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI endpoint;
    private String sessionId;
    /** Headers sent with every request (a credential: Authorization, X-API-Key). */
    private final Map<String, String> always = new java.util.LinkedHashMap<>();

    public RawMcpClient(String endpoint) {
        this.endpoint = URI.create(endpoint);
    }

    /** This client sends the header with every request from now on. */
    public RawMcpClient with(String name, String value) {
        always.put(name, value);
        return this;
    }

    public String sessionId() { return sessionId; }

    public void sessionId(String id) { this.sessionId = id; }

    /** initialize + notifications/initialized; remembers the session id. */
    public JsonNode initialize(String version) throws IOException, InterruptedException {
        return initialize(version, "{}");
    }

    public JsonNode initialize(String version, String capabilities) throws IOException, InterruptedException {
        HttpResponse<String> r = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + version + "\",\"capabilities\":" + capabilities + ",\"clientInfo\":{\"name\":\"raw-test\",\"version\":\"1\"}}}", Map.of());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("initialize: HTTP " + r.statusCode() + " " + r.body());
        }
        sessionId = r.headers().firstValue("mcp-session-id").orElseThrow();
        HttpResponse<String> ack = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", Map.of());
        if (ack.statusCode() != 202) {
            throw new IllegalStateException("initialized: HTTP " + ack.statusCode());
        }
        return JSON.readTree(r.body());
    }

    public HttpResponse<String> post(String body, Map<String, String> headers) throws IOException, InterruptedException {
        return http.send(request(body, headers), HttpResponse.BodyHandlers.ofString());
    }

    /** POST with a body of unknown length (chunked transfer coding). */
    public HttpResponse<String> postChunked(String body) throws IOException, InterruptedException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", BOTH)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)));
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        always.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<InputStream> postStreaming(String body) throws IOException, InterruptedException {
        return http.send(request(body, Map.of()), HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpRequest request(String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!headers.containsKey("Content-Type")) {
            b.header("Content-Type", "application/json");
        }
        if (!headers.containsKey("Accept")) {
            b.header("Accept", BOTH);
        }
        if (sessionId != null && !headers.containsKey("Mcp-Session-Id")) {
            b.header("Mcp-Session-Id", sessionId);
        }
        always.forEach((k, v) -> { if (!headers.containsKey(k)) b.header(k, v); });
        headers.forEach((k, v) -> { if (v != null) b.header(k, v); });
        return b.build();
    }

    public HttpResponse<String> send(String method, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        always.forEach((k, v) -> { if (!headers.containsKey(k)) b.header(k, v); });
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET /mcp with the session, the body left open as a stream. */
    public HttpResponse<InputStream> openGet(Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).GET();
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        always.forEach((k, v) -> { if (!headers.containsKey(k)) b.header(k, v); });
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /**
     * Opens the session's GET stream and hands each message on it to {@code onMessage}, in a virtual thread,
     * until the returned handle is closed.
     */
    public AutoCloseable listen(java.util.function.Consumer<JsonNode> onMessage) throws IOException, InterruptedException {
        HttpResponse<InputStream> stream = openGet(Map.of("Accept", "text/event-stream"));
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("data:") && !line.substring(5).isBlank()) {
                        onMessage.accept(JSON.readTree(line.substring(5).trim()));
                    }
                }
            } catch (IOException ignored) {
                // closed by the test
            }
        });
        return () -> {
            stream.body().close();
            reader.interrupt();
        };
    }

    /** A request expecting one answer: the JSON body, or the response event of an SSE body. */
    public JsonNode request(int id, String method, String paramsJson) throws IOException, InterruptedException {
        HttpResponse<String> r = post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
                + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}", Map.of());
        List<JsonNode> messages = messages(r);
        for (JsonNode m : messages) {
            if (m.path("id").asInt(-1) == id && !m.has("method")) {
                return m;
            }
        }
        throw new IllegalStateException("no response to " + id + ": HTTP " + r.statusCode() + " " + r.body());
    }

    /** Every JSON-RPC message of an answer, in order, whether it came as JSON or as SSE. */
    public static List<JsonNode> messages(HttpResponse<String> r) throws IOException {
        String type = r.headers().firstValue("content-type").orElse("");
        List<JsonNode> out = new ArrayList<>();
        if (type.startsWith("text/event-stream")) {
            for (String line : r.body().split("\n")) {
                if (line.startsWith("data:") && !line.substring(5).isBlank()) { // blank data: a priming event
                    out.add(JSON.readTree(line.substring(5).trim()));
                }
            }
        } else if (!r.body().isEmpty()) {
            out.add(JSON.readTree(r.body()));
        }
        return out;
    }

    /** Reads SSE data lines as they arrive, with the time each arrived (ms since the call). */
    public static List<TimedMessage> readEvents(InputStream in, long startNanos) throws IOException {
        return readEvents(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), startNanos);
    }

    /** The same, from a reader already partly read. */
    public static List<TimedMessage> readEvents(BufferedReader reader, long startNanos) throws IOException {
        List<TimedMessage> out = new ArrayList<>();
        try (BufferedReader r = reader) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("data:") && !line.substring(5).isBlank()) {
                    out.add(new TimedMessage((System.nanoTime() - startNanos) / 1_000_000, JSON.readTree(line.substring(5).trim())));
                }
            }
        }
        return out;
    }

    public record TimedMessage(long atMillis, JsonNode message) {}
}
