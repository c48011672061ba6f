package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.GatewayApplication;
import io.camelmcp.gateway.support.RawMcpClient;

/**
 * From the first connection the port accepts, /mcp is answered by the gateway: a 503 with Retry-After and a JSON-RPC
 * error until the endpoint's route has started, then the MCP answer. Never the servlet's 404/405 or Spring's error page.
 */
@org.junit.jupiter.api.extension.ExtendWith(OutputCaptureExtension.class)
class StartupTest {

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"early\",\"version\":\"1\"}}}";

    @Test
    void aClientPollingFromTheFirstConnectionOnlyGetsJsonRpcAnswers(CapturedOutput output) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CompletableFuture<ConfigurableApplicationContext> started = CompletableFuture.supplyAsync(() ->
                new SpringApplicationBuilder(GatewayApplication.class).run("--server.port=" + port,
                        "--spring.jmx.enabled=false", "--mcp.gateway.demo.enabled=false"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest init = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
                .header("Content-Type", "application/json").header("Accept", RawMcpClient.BOTH)
                .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE)).build();
        List<HttpResponse<String>> answers = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                HttpResponse<String> r;
                try {
                    r = http.send(init, HttpResponse.BodyHandlers.ofString());
                } catch (ConnectException e) {
                    if (started.isCompletedExceptionally()) {
                        started.join();
                    }
                    Thread.sleep(2);
                    continue; // not listening yet
                }
                answers.add(r);
                if (r.statusCode() == 200) {
                    break;
                }
            }
            assertThat(answers).isNotEmpty();
            System.out.println("StartupTest: " + answers.stream().filter(r -> r.statusCode() == 503).count()
                    + " answers 503 before the endpoint's route started");
            assertThat(answers.get(answers.size() - 1).statusCode()).isEqualTo(200);
            for (HttpResponse<String> r : answers) {
                assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
                JsonNode body = RawMcpClient.JSON.readTree(r.body());
                assertThat(body.path("jsonrpc").asText()).as(r.body()).isEqualTo("2.0");
                if (r.statusCode() == 503) {
                    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                    assertThat(body.path("error").path("code").asInt()).isEqualTo(-32000);
                } else {
                    assertThat(body.path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
                }
            }
            ConfigurableApplicationContext ctx = started.get();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> output.getOut().contains("MCP endpoint ready at http://127.0.0.1:" + port + "/mcp"));
            ctx.close();
        } finally {
            started.thenAccept(ConfigurableApplicationContext::close);
        }
    }
}
