package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.GatewayApplication;
import io.camelmcp.gateway.support.Peers;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.RecordingHttpProxy;
import io.camelmcp.gateway.support.RedisServer;
import io.camelmcp.gateway.support.ServerEverything;

/**
 * SIGTERM to a gateway in a JVM of its own (what Kubernetes and Docker send), with a client listening on its GET
 * stream, another in the middle of a slow tool call (server-everything's trigger-long-running-operation, 3 s, behind a
 * proxy that records what the gateway sends upstream), and a third on a kept-alive connection: the GET stream ends
 * cleanly at once, the call gets its result, no new connection is taken (and a kept-alive one is closed when a
 * request comes on it, unanswered), the process exits by itself well within
 * the grace period (spring.lifecycle.timeout-per-shutdown-phase, 30 s); the clients' upstream sessions are ended
 * with DELETE with the memory store, and left alone (they live on in Redis) with the Redis store.
 */
class GracefulShutdownTest {

    private static final long GRACE_SECONDS = 30; // application.yaml's spring.lifecycle.timeout-per-shutdown-phase
    private static final String SLOW_CALL = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{"
            + "\"name\":\"ev_trigger-long-running-operation\",\"arguments\":{\"duration\":3,\"steps\":3},"
            + "\"_meta\":{\"progressToken\":\"slow\"}}}";
    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}";

    @Test
    void memoryStoreEndsTheClientsUpstreamSessions() throws Exception {
        try (RecordingHttpProxy upstream = new RecordingHttpProxy(Peers.everythingA().url())) {
            Shutdown s = shutDown(upstream);
            String callSession = upstreamSessionOf(upstream, "tools/call");
            assertThat(upstream.requests())
                    .as("the DELETE of the slow call's upstream session, after the call")
                    .contains(new RecordingHttpProxy.Request("DELETE", callSession, null));
            assertThat(s.log()).contains("client session(s) ended");
        }
    }

    @Test
    void redisStoreLeavesTheSessionsToTheOtherReplicas() throws Exception {
        try (RedisServer redis = RedisServer.start();
             RecordingHttpProxy upstream = new RecordingHttpProxy(Peers.everythingA().url())) {
            Shutdown s = shutDown(upstream, "--mcp.gateway.store=redis", "--spring.data.redis.url=" + redis.url());
            String callSession = upstreamSessionOf(upstream, "tools/call");
            assertThat(upstream.requests()).as("no DELETE of a client's upstream session: other replicas serve it")
                    .noneMatch(r -> r.httpMethod().equals("DELETE") && callSession.equals(r.sessionId()));
            assertThat(redis.command("EXISTS mcp-gateway:session:" + s.callerSession()))
                    .as("the client's session lives on in Redis").isEqualTo(":1");
        }
    }

    /** What the scenario saw, for the store-specific checks. */
    private record Shutdown(String callerSession, String log) {}

    private Shutdown shutDown(RecordingHttpProxy upstream, String... extraArgs) throws Exception {
        int port = ServerEverything.freePort();
        Path log = Files.createTempFile("graceful-shutdown", ".log");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), GatewayApplication.class.getName(),
                "--server.port=" + port, "--server.address=127.0.0.1", "--spring.jmx.enabled=false",
                "--mcp.gateway.servers[0].name=everything", "--mcp.gateway.servers[0].url=" + upstream.url(),
                "--mcp.gateway.servers[0].prefix=ev_"));
        cmd.addAll(List.of(extraArgs));
        Process gateway = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String base = "http://127.0.0.1:" + port;
            awaitReady(gateway, base, log);

            // a client listening on its GET stream (2025-11-25: a priming event, so the response starts at once)
            RawMcpClient listener = new RawMcpClient(base + "/mcp");
            listener.initialize("2025-11-25");
            HttpResponse<InputStream> get = listener.openGet(Map.of("Accept", "text/event-stream"));
            assertThat(get.statusCode()).isEqualTo(200);
            CompletableFuture<Long> getEnded = readToEnd(get.body());

            // another in the middle of a slow call: the first progress notification says it runs upstream
            RawMcpClient caller = new RawMcpClient(base + "/mcp");
            caller.initialize("2025-11-25");
            HttpResponse<InputStream> call = caller.postStreaming(SLOW_CALL);
            assertThat(call.statusCode()).isEqualTo(200);
            BufferedReader callEvents = new BufferedReader(new InputStreamReader(call.body(), StandardCharsets.UTF_8));
            assertThat(nextMessage(callEvents).path("method").asText()).isEqualTo("notifications/progress");
            CompletableFuture<List<JsonNode>> callRest = CompletableFuture.supplyAsync(() -> messagesToEnd(callEvents));

            // a third with a kept-alive connection, one request answered on it already
            try (Socket kept = new Socket("127.0.0.1", port)) {
                kept.setSoTimeout(10_000);
                assertThat(exchange(kept, port, caller.sessionId())).startsWith("HTTP/1.1 200");

                long sigterm = System.nanoTime();
                gateway.destroy(); // SIGTERM

                long getEndNanos = getEnded.get(10, TimeUnit.SECONDS); // throws if the stream was cut, not ended
                double getEnd = seconds(getEndNanos - sigterm);
                assertThat(getEnd).as("the GET stream ended by the gateway, not held for the grace period").isLessThan(5);

                // the call still runs: what does a client that comes now see? Jetty closes its server socket right
                // after the GET streams end (the next lifecycle phase): from then on a new connection is refused
                double refused = seconds(refusedAfter(port) - sigterm);
                assertThat(gateway.isAlive()).as("refused while the call in progress holds the shutdown").isTrue();
                assertThat(refused).isLessThan(getEnd + 1);
                String onKept = exchange(kept, port, caller.sessionId());
                // Jetty, shutting down, still answers a request on a connection kept alive from before, and closes
                // the connection after it: the client learns to connect again (to another replica) without a failure
                assertThat(onKept).as("a request on a connection kept alive from before: answered, then closed")
                        .startsWith("HTTP/1.1 200").containsIgnoringCase("connection: close");

                List<JsonNode> rest = callRest.get(GRACE_SECONDS, TimeUnit.SECONDS);
                double callEnd = seconds(System.nanoTime() - sigterm);
                JsonNode response = rest.get(rest.size() - 1);
                assertThat(response.path("id").asInt()).isEqualTo(7);
                assertThat(response.path("result").path("content").get(0).path("text").asText())
                        .as("the call in progress got its result").contains("Long running operation completed");

                assertThat(gateway.waitFor(GRACE_SECONDS + 10, TimeUnit.SECONDS)).as("exited by itself").isTrue();
                double exit = seconds(System.nanoTime() - sigterm);
                System.out.printf("graceful shutdown %s: SIGTERM -> GET stream ended %.2f s, new connections refused %.2f s,"
                        + " slow call answered %.2f s, process exited %.2f s (code %d)%n",
                        extraArgs.length == 0 ? "(memory)" : "(redis)", getEnd, refused, callEnd, exit, gateway.exitValue());
                // the JVM's own code for a SIGTERM it handled (128 + 15): Spring Boot does not call System.exit
                assertThat(gateway.exitValue()).isEqualTo(143);
                assertThat(exit).as("only the call in progress held the shutdown").isLessThan(15);
            }
            String text = Files.readString(log);
            assertThat(text).contains("Graceful shutdown complete").doesNotContain("Graceful shutdown aborted");
            return new Shutdown(caller.sessionId(), text);
        } finally {
            gateway.destroyForcibly();
            gateway.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitReady(Process gateway, String base, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!gateway.isAlive()) {
                throw new AssertionError("the gateway exited while starting:\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                // ready, and the slow tool's server among the ready ones (a first probe on a busy machine may time out)
                if (r.statusCode() == 200 && RawMcpClient.JSON.readTree(r.body()).path("components").path("mcpRegistry")
                        .path("details").path("servers").path("everything").path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the gateway (or its server 'everything') was not ready within 120 s:\n" + Files.readString(log));
    }

    /** Reads a stream to its end in the background: when it ended (System.nanoTime), or failed if it was cut. */
    private static CompletableFuture<Long> readToEnd(InputStream body) {
        CompletableFuture<Long> ended = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (body) {
                body.transferTo(OutputStream.nullOutputStream());
                ended.complete(System.nanoTime());
            } catch (IOException e) {
                ended.completeExceptionally(e);
            }
        });
        return ended;
    }

    private static JsonNode nextMessage(BufferedReader events) throws IOException {
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = events.readLine()) != null) {
            if (line.startsWith("data:") && !line.substring(5).isBlank()) {
                return RawMcpClient.JSON.readTree(line.substring(5).trim());
            }
            seen.append(line).append('\n');
        }
        throw new IOException("the stream ended before a message:\n" + seen);
    }

    /** The rest of an SSE answer's messages, to its clean end (an IOException, a cut stream, fails). */
    private static List<JsonNode> messagesToEnd(BufferedReader events) {
        try (events) {
            List<JsonNode> out = new ArrayList<>();
            String line;
            while ((line = events.readLine()) != null) {
                if (line.startsWith("data:") && !line.substring(5).isBlank()) {
                    out.add(RawMcpClient.JSON.readTree(line.substring(5).trim()));
                }
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A ping on a raw kept-alive connection: the status line and headers of the answer ("" if the connection closed). */
    private static String exchange(Socket s, int port, String session) throws IOException {
        byte[] body = PING.getBytes(StandardCharsets.UTF_8);
        try {
            s.getOutputStream().write(("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json, text/event-stream\r\nMcp-Session-Id: " + session
                    + "\r\nMCP-Protocol-Version: 2025-11-25\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().write(body);
            s.getOutputStream().flush();
        } catch (java.net.SocketException closed) {
            return ""; // the gateway closed the connection before the request went out (broken pipe): no answer either
        }
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        int c;
        while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) != -1) {
            head.append((char) c);
        }
        String h = head.toString();
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length); // the body, so that the next request on the connection starts clean
        return h;
    }

    /** When (System.nanoTime) a connection to the port is first refused; fails after 5 s of connections taken. */
    private static long refusedAfter(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try {
                new Socket("127.0.0.1", port).close(); // taken: Jetty has not closed its server socket yet
                Thread.sleep(20);
            } catch (ConnectException refused) {
                return System.nanoTime();
            }
        }
        throw new AssertionError("new connections were still taken 5 s after the GET streams ended");
    }

    /** The session id the gateway used upstream for the first request of a JSON-RPC method. */
    private static String upstreamSessionOf(RecordingHttpProxy upstream, String rpcMethod) {
        return upstream.requests().stream().filter(r -> rpcMethod.equals(r.rpcMethod())).findFirst()
                .map(RecordingHttpProxy.Request::sessionId).orElseThrow();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
