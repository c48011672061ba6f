package io.camelmcp.bench;

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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The legacy HTTP+SSE transport (2024-11-05), which mcp-hub serves: GET opens an event stream whose first
 * event names the endpoint to POST to; every answer comes back on that stream, matched here by id.
 */
final class LegacySseSession implements McpClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI sseUri;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<String> endpoint = new CompletableFuture<>();
    private volatile InputStream stream;
    private URI postUri;

    LegacySseSession(HttpClient http, String url) {
        this.http = http;
        this.sseUri = URI.create(url);
    }

    @Override
    public JsonNode initialize() throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(sseUri).header("Accept", "text/event-stream")
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            throw new IOException("GET " + sseUri + ": HTTP " + r.statusCode());
        }
        stream = r.body();
        Thread.ofVirtual().name("sse-reader").start(this::readEvents);
        try {
            postUri = sseUri.resolve(endpoint.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("no endpoint event from " + sseUri, e);
        }
        ObjectNode params = McpSession.JSON.createObjectNode();
        params.put("protocolVersion", "2024-11-05");
        params.putObject("capabilities");
        params.putObject("clientInfo").put("name", "bench").put("version", "1");
        JsonNode answer = request("initialize", params);
        if (answer.has("error")) {
            throw new IOException("initialize failed: " + answer.get("error"));
        }
        post(McpSession.JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
        return answer.get("result");
    }

    @Override
    public JsonNode request(String method, JsonNode params) throws IOException, InterruptedException {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode msg = McpSession.JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        if (params != null) {
            msg.set("params", params);
        }
        try {
            post(msg);
            return answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(method + " " + id + ": " + e, e);
        } finally {
            pending.remove(id);
        }
    }

    private void post(JsonNode msg) throws IOException, InterruptedException {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(postUri).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(McpSession.JSON.writeValueAsBytes(msg))).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("POST " + postUri + ": HTTP " + r.statusCode());
        }
    }

    private void readEvents() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    dispatch(event, data.toString());
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
            }
        } catch (IOException e) {
            // closed
        } finally {
            IOException gone = new IOException("event stream ended");
            endpoint.completeExceptionally(gone);
            pending.values().forEach(f -> f.completeExceptionally(gone));
        }
    }

    private void dispatch(String event, String data) throws IOException {
        if ("endpoint".equals(event)) {
            endpoint.complete(data.strip());
        } else if (!data.isEmpty()) {
            JsonNode msg = McpSession.JSON.readTree(data);
            if (!msg.has("method") && msg.has("id")) {
                CompletableFuture<JsonNode> f = pending.get(msg.get("id").asLong());
                if (f != null) {
                    f.complete(msg);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            if (stream != null) {
                stream.close();
            }
        } catch (IOException ignored) {
            // gone
        }
    }
}
