package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.RawMcpClient;

/** What a newcomer gets from the first README command: the bundled demo servers, federated. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmbeddedDefaultTest {

    @LocalServerPort
    int port;

    @Test
    void theReadmeCurlSessionShowsPrefixedToolsOfTwoServers() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

        RawMcpClient c = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
        // as the seed's curl does it: no Accept header of its own (curl sends */*), no notifications/initialized
        HttpResponse<String> init = c.post("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"initialize\", \"params\": "
                + "{\"protocolVersion\": \"2025-11-25\", \"capabilities\": {}, \"clientInfo\": {\"name\": \"test-client\", \"version\": \"1.0.0\"}}}",
                java.util.Map.of("Accept", "*/*"));
        assertThat(init.statusCode()).isEqualTo(200);
        c.sessionId(init.headers().firstValue("mcp-session-id").orElseThrow());

        JsonNode tools = c.request(2, "tools/list", null).path("result").path("tools");
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).containsExactly("calc_add", "calc_divide", "calc_multiply", "clock_days-between", "clock_now");

        JsonNode r = c.request(3, "tools/call", "{\"name\":\"calc_multiply\",\"arguments\":{\"a\":6,\"b\":7}}");
        assertThat(r.path("result").path("content").get(0).path("text").asText()).isEqualTo("42");
        JsonNode sessions = RawMcpClient.JSON.readTree(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/metrics/mcp.sessions.active")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(sessions.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1.0);
        JsonNode days = c.request(4, "tools/call", "{\"name\":\"clock_days-between\",\"arguments\":{\"from\":\"2026-01-01\",\"to\":\"2026-12-25\"}}");
        assertThat(days.path("result").path("content").get(0).path("text").asText()).isEqualTo("358");

        // /mcp is measured per MCP method; Spring's http.server.requests keeps the other paths only
        JsonNode calls = metric("mcp.requests?tag=method:tools/call&tag=status:200");
        assertThat(calls.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(2.0);
        JsonNode http = metric("http.server.requests");
        assertThat(http.path("availableTags").toString()).doesNotContain("\"/mcp\"");
    }

    private JsonNode metric(String nameAndQuery) throws Exception {
        return RawMcpClient.JSON.readTree(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/metrics/" + nameAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void theRegistrationApiIsOffWithoutAKey() throws Exception {
        for (String path : List.of("/api/v1/servers", "/api/v1/register", "/api/v1/openapi.json")) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).header("X-API-Key", "guess").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(r.body()).contains("mcp.gateway.registration.api-keys");
        }
    }

}
