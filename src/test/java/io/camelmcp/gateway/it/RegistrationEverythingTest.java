package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.ClientDriver;
import io.camelmcp.gateway.support.RawMcpClient;
import io.camelmcp.gateway.support.ServerEverything;

import static org.awaitility.Awaitility.await;

/**
 * A real server-everything registered through the REST API with the HTTP calls of the README's curl session; the
 * official TypeScript SDK client then sees and calls its tools on /mcp under the registered prefix.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RegistrationEverythingTest {

    static final String KEY = "everything-key";
    static ServerEverything everything;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        everything = ServerEverything.start();
        registry.add("mcp.gateway.demo.enabled", () -> "false");
        registry.add("mcp.gateway.registration.api-keys", () -> KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        everything.close();
    }

    @Test
    void aRegisteredServerEverythingServesATypeScriptClientUnderItsPrefix() throws Exception {
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/register"))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"everything\",\"url\":\"" + everything.url()
                        + "\",\"prefix\":\"ev_\",\"transport\":\"streamable-http\",\"metadata\":{\"owner\":\"tests\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode answer = RawMcpClient.JSON.readTree(created.body());
        assertThat(answer.path("prefix").asText()).isEqualTo("ev_");
        String id = answer.path("server_id").asText();

        // "once it is probed": the status says when
        await().atMost(Duration.ofSeconds(20)).until(() -> status(id).path("ready").asBoolean());
        assertThat(status(id).path("tool_count").asInt()).isGreaterThan(5);

        String endpoint = "http://127.0.0.1:" + port + "/mcp";
        JsonNode listed = ClientDriver.run(endpoint, "ev_", "list", Map.of());
        assertThat(listed.path("ok").asBoolean()).as(listed.toString()).isTrue();
        assertThat(listed.path("tools").toString()).contains("ev_get-sum", "ev_echo");
        JsonNode sum = ClientDriver.run(endpoint, "ev_", "sum", Map.of());
        assertThat(sum.path("ok").asBoolean()).as(sum.toString()).isTrue();
        assertThat(sum.path("text").asText()).contains("5");
    }

    private JsonNode status(String id) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/v1/servers/" + id)).header("X-API-Key", KEY).build(),
                HttpResponse.BodyHandlers.ofString());
        return RawMcpClient.JSON.readTree(r.body());
    }
}
