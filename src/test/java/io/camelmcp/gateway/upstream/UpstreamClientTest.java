package io.camelmcp.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.support.FixtureServer;
import io.camelmcp.gateway.support.ServerEverything;

/** The HTTP client towards upstreams, against MCP Java SDK servers: answers, late answers, no server. */
class UpstreamClientTest {

    static final byte[] CALL = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"nap\","
            + "\"arguments\":{}}}").getBytes(StandardCharsets.UTF_8);

    @Test
    void anAnswerLaterThanTheTimeoutIsATimeoutAndTheConnectionIsCut() throws Exception {
        try (FixtureServer slow = FixtureServer.statelessJson("slow", "nap", a -> {
                 try {
                     Thread.sleep(3000);
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 return "late";
             });
             UpstreamClient client = new UpstreamClient(Duration.ofSeconds(2))) {
            ServerRegistration server = new ServerRegistration("slow", URI.create(slow.url()), "", Map.of(), "test");
            long t0 = System.nanoTime();
            UpstreamException e = assertThrows(UpstreamException.class,
                    () -> client.post(server, null, CALL, Duration.ofMillis(300)));
            assertThat(e.isTimeout()).isTrue();
            assertThat(e.getMessage()).isEqualTo("no answer within PT0.3S");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(2500));
        }
    }

    @Test
    void aTimelyAnswerIsReadAndNoServerIsConnectionRefused() throws Exception {
        try (FixtureServer fast = FixtureServer.statelessJson("fast", "nap", a -> "rested");
             UpstreamClient client = new UpstreamClient(Duration.ofSeconds(2))) {
            ServerRegistration server = new ServerRegistration("fast", URI.create(fast.url()), "", Map.of(), "test");
            UpstreamReply reply = client.post(server, null, CALL, Duration.ofSeconds(5));
            assertThat(reply.status()).isEqualTo(200);
            assertThat(new String(reply.readAll(), StandardCharsets.UTF_8)).contains("rested");

            ServerRegistration none = new ServerRegistration("none",
                    URI.create("http://127.0.0.1:" + ServerEverything.freePort() + "/mcp"), "", Map.of(), "test");
            UpstreamException e = assertThrows(UpstreamException.class, () -> client.post(none, null, CALL, Duration.ofSeconds(5)));
            assertThat(e.isTimeout()).isFalse();
            assertThat(e.getMessage()).isEqualTo("connection refused");
        }
    }
}
