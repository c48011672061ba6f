package io.camelmcp.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A minimal MCP Streamable HTTP client session: initialize once, then JSON-RPC requests (JSON or SSE answers). */
final class McpSession implements McpClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROTOCOL = "2025-11-25";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI uri;
    private final AtomicLong ids;
    private String sessionId;
    private JsonNode initializeResult;

    McpSession(HttpClient http, String url) {
        this(http, url, new AtomicLong(), null);
    }

    private McpSession(HttpClient http, String url, AtomicLong ids, String sessionId) {
        this.http = http;
        this.uri = URI.create(url);
        this.ids = ids;
        this.sessionId = sessionId;
    }

    /**
     * This (initialized) session reached at another URL: another replica of the gateway sharing its sessions. Same
     * Mcp-Session-Id, same request ids, same HttpClient (a connection per replica); close only the original.
     */
    McpSession at(String url) {
        return new McpSession(http, url, ids, sessionId);
    }

    /** A session opened elsewhere (its Mcp-Session-Id), used from here with this HttpClient. */
    static McpSession resume(HttpClient http, String url, String sessionId) {
        return new McpSession(http, url, new AtomicLong(1_000_000), sessionId);
    }

    static HttpClient newHttpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** initialize + notifications/initialized; returns the initialize result. */
    @Override
    public JsonNode initialize() throws IOException, InterruptedException {
        return initialize(JSON.createObjectNode());
    }

    /** The same, declaring these client capabilities. */
    JsonNode initialize(ObjectNode capabilities) throws IOException, InterruptedException {
        ObjectNode params = JSON.createObjectNode();
        params.put("protocolVersion", PROTOCOL);
        params.set("capabilities", capabilities);
        params.putObject("clientInfo").put("name", "bench").put("version", "1");
        long id = ids.incrementAndGet();
        HttpResponse<byte[]> r = post(envelope(id, "initialize", params), false);
        sessionId = r.headers().firstValue("Mcp-Session-Id").orElse(null);
        JsonNode answer = answer(r, id);
        if (answer.has("error")) {
            throw new IOException("initialize failed: " + answer.get("error"));
        }
        initializeResult = answer.get("result");
        ObjectNode note = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized");
        HttpResponse<byte[]> n = post(note, true);
        if (n.statusCode() / 100 != 2) {
            throw new IOException("notifications/initialized: HTTP " + n.statusCode());
        }
        return initializeResult;
    }

    /** One JSON-RPC request; returns the whole response object (with "result" or "error"). */
    @Override
    public JsonNode request(String method, JsonNode params) throws IOException, InterruptedException {
        long id = ids.incrementAndGet();
        return answer(post(envelope(id, method, params), true), id);
    }

    /** Sends a request and returns the answer unread: for timing the first event of an SSE answer. */
    HttpResponse<java.io.InputStream> requestStreaming(String method, JsonNode params) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", PROTOCOL)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(envelope(ids.incrementAndGet(), method, params))));
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        credential(b);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    String sessionId() {
        return sessionId;
    }

    URI uri() {
        return uri;
    }

    JsonNode initializeResult() {
        return initializeResult;
    }

    @Override
    public void close() {
        if (sessionId == null) {
            return;
        }
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).DELETE()
                    .header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", PROTOCOL);
            credential(b);
            http.send(b.build(), HttpResponse.BodyHandlers.discarding());
        } catch (Exception ignored) {
            // best effort
        }
    }

    private static ObjectNode envelope(long id, String method, JsonNode params) {
        ObjectNode o = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        if (params != null) {
            o.set("params", params);
        }
        return o;
    }

    /** BENCH_AUTHORIZATION (e.g. "Bearer <key or token>"): sent with every request, for a gateway with security on. */
    private static final String AUTHORIZATION = System.getenv("BENCH_AUTHORIZATION");

    private static void credential(HttpRequest.Builder b) {
        if (AUTHORIZATION != null && !AUTHORIZATION.isEmpty()) {
            b.header("Authorization", AUTHORIZATION);
        }
    }

    private HttpResponse<byte[]> post(JsonNode body, boolean inSession) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        credential(b);
        if (inSession) {
            b.header("MCP-Protocol-Version", PROTOCOL);
            if (sessionId != null) {
                b.header("Mcp-Session-Id", sessionId);
            }
        }
        // bytes, not a String: the JSON parser reads UTF-8 itself (what a client does with a 500-tool list)
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode answer(HttpResponse<byte[]> r, long id) throws IOException {
        if (r.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + r.statusCode() + ": " + abbreviate(text(r)));
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("text/event-stream")) {
            // events are separated by blank lines; an event's data lines are joined with \n
            StringBuilder data = new StringBuilder();
            for (String line : (text(r) + "\n\n").split("\r?\n", -1)) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        JsonNode msg = JSON.readTree(data.toString());
                        if (!msg.has("method") && msg.path("id").asLong(-1) == id) {
                            return msg;
                        }
                        data.setLength(0);
                    }
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
                }
            }
            throw new IOException("no response with id " + id + " in SSE stream: " + abbreviate(text(r)));
        }
        JsonNode msg = JSON.readTree(r.body());
        if (msg.isArray()) {
            for (JsonNode m : msg) {
                if (!m.has("method") && m.path("id").asLong(-1) == id) {
                    return m;
                }
            }
            throw new IOException("no response with id " + id + ": " + abbreviate(text(r)));
        }
        return msg;
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
