package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.RawMcpClient;

/** The rest of server-everything's tools through the gateway: content types, structured output, resources. */
class EverythingToolsTest extends EverythingGatewayTest {

    RawMcpClient c;

    @BeforeEach
    void session() throws Exception {
        c = client();
        c.initialize("2025-11-25");
    }

    private JsonNode call(String tool, String args) throws Exception {
        JsonNode r = c.request(1, "tools/call", "{\"name\":\"" + tool + "\",\"arguments\":" + args + "}");
        assertThat(r.has("error")).as("%s: %s", tool, r).isFalse();
        assertThat(r.path("result").path("isError").asBoolean(false)).as("%s: %s", tool, r).isFalse();
        return r.path("result");
    }

    @Test
    void contentTypesAndStructuredOutputPassThrough() throws Exception {
        JsonNode annotated = call("a_get-annotated-message", "{\"messageType\":\"success\",\"includeImage\":true}");
        assertThat(annotated.path("content").toString()).contains("\"annotations\"").contains("\"type\":\"image\"");
        assertThat(call("b_get-tiny-image", "{}").path("content").toString()).contains("\"type\":\"image\"").contains("image/png");
        JsonNode weather = call("a_get-structured-content", "{\"location\":\"Chicago\"}");
        assertThat(weather.path("structuredContent").has("temperature")).isTrue();
        assertThat(call("b_get-env", "{}").path("content").get(0).path("text").asText()).contains("PORT");
        assertThat(call("a_echo", "{\"message\":\"ünïcødé ✓\"}").path("content").get(0).path("text").asText())
                .isEqualTo("Echo: ünïcødé ✓");
    }

    @Test
    void aResourceCreatedByAToolIsReadableThroughTheGateway() throws Exception {
        JsonNode link = call("a_gzip-file-as-resource",
                "{\"name\":\"hello.txt.gz\",\"data\":\"data:text/plain;base64,aGVsbG8gZ2F0ZXdheQ==\",\"outputType\":\"resourceLink\"}")
                .path("content");
        String uri = null;
        for (JsonNode item : link) {
            if ("resource_link".equals(item.path("type").asText())) {
                uri = item.path("uri").asText();
            }
        }
        assertThat(uri).startsWith("mcp-gateway://everything-a/");
        JsonNode read = c.request(2, "resources/read", "{\"uri\":\"" + uri + "\"}").path("result").path("contents").get(0);
        assertThat(read.path("uri").asText()).isEqualTo(uri);
        assertThat(read.path("blob").asText()).isNotEmpty();
    }

    @Test
    void rootsAreAskedAgainWhenTheClientSaysTheyChanged() throws Exception {
        RawMcpClient rooted = client();
        rooted.initialize("2025-11-25", "{\"roots\":{\"listChanged\":true}}");
        List<JsonNode> asked = new CopyOnWriteArrayList<>();
        try (AutoCloseable stream = rooted.listen(m -> {
            if ("roots/list".equals(m.path("method").asText())) {
                asked.add(m);
                try {
                    rooted.post("{\"jsonrpc\":\"2.0\",\"id\":" + m.get("id") + ",\"result\":{\"roots\":[{\"uri\":\"file:///r"
                            + asked.size() + "\"}]}}", Map.of());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        })) {
            // opening the GET stream opened the sessions with both servers, and each asked for the roots
            await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() >= 2);
            assertThat(asked).extracting(m -> m.path("id").asText()).allMatch(id -> id.startsWith("gw-")).doesNotHaveDuplicates();
            HttpResponse<String> changed = rooted.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}", Map.of());
            assertThat(changed.statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> asked.size() >= 4);
            JsonNode roots = rooted.request(5, "tools/call", "{\"name\":\"a_get-roots-list\",\"arguments\":{}}");
            assertThat(roots.path("result").path("content").get(0).path("text").asText()).contains("file:///r");
        }
    }

    @Test
    void subscribedResourceUpdatesArriveOnTheGetStreamWithGatewayUris() throws Exception {
        String uri = "mcp-gateway://everything-b/demo://resource/static/document/features.md";
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        AutoCloseable stream = c.listen(received::add);
        assertThat(c.request(3, "resources/subscribe", "{\"uri\":\"" + uri + "\"}").has("result")).isTrue();
        call("b_toggle-subscriber-updates", "{}");
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> received.stream()
                    .anyMatch(m -> "notifications/resources/updated".equals(m.path("method").asText())));
            JsonNode update = received.stream().filter(m -> "notifications/resources/updated".equals(m.path("method").asText()))
                    .findFirst().orElseThrow();
            assertThat(update.path("params").path("uri").asText()).isEqualTo(uri);
        } finally {
            call("b_toggle-subscriber-updates", "{}");
            stream.close();
        }
    }
}
