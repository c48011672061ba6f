package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.RawMcpClient;

/** server-everything's prompts, resources, templates and completions through two prefixes. */
class PromptsResourcesTest extends EverythingGatewayTest {

    static final String A = "mcp-gateway://everything-a/";

    RawMcpClient c;

    @BeforeEach
    void session() throws Exception {
        c = client();
        c.initialize("2025-11-25");
    }

    @Test
    void promptsOfBothServersAreListedUnderTheirPrefixes() throws Exception {
        List<String> names = names(c.request(1, "prompts/list", null).path("result").path("prompts"), "name");
        assertThat(names).containsExactly(
                "a_args-prompt", "a_completable-prompt", "a_resource-prompt", "a_simple-prompt",
                "b_args-prompt", "b_completable-prompt", "b_resource-prompt", "b_simple-prompt");
    }

    @Test
    void promptsAreFetchedFromTheirOwner() throws Exception {
        assertThat(text(c.request(2, "prompts/get", "{\"name\":\"b_simple-prompt\"}").path("result").path("messages").get(0)))
                .isEqualTo("This is a simple prompt without arguments.");
        assertThat(text(c.request(3, "prompts/get", "{\"name\":\"a_args-prompt\",\"arguments\":{\"city\":\"Paris\"}}")
                .path("result").path("messages").get(0))).isEqualTo("What's weather in Paris?");
        assertThat(c.request(4, "prompts/get", "{\"name\":\"zz_simple-prompt\"}").path("error").path("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void anEmbeddedResourceInAPromptStaysReadableThroughTheGateway() throws Exception {
        JsonNode messages = c.request(5, "prompts/get",
                "{\"name\":\"a_resource-prompt\",\"arguments\":{\"resourceType\":\"Text\",\"resourceId\":\"1\"}}")
                .path("result").path("messages");
        JsonNode resource = messages.get(1).path("content").path("resource");
        assertThat(resource.path("uri").asText()).isEqualTo(A + "demo://resource/dynamic/text/1");
        JsonNode read = c.request(6, "resources/read", "{\"uri\":\"" + resource.path("uri").asText() + "\"}").path("result");
        assertThat(read.path("contents").get(0).path("uri").asText()).isEqualTo(A + "demo://resource/dynamic/text/1");
        assertThat(read.path("contents").get(0).path("text").asText()).startsWith("Resource 1:");
    }

    @Test
    void promptArgumentsAreCompletedByTheOwner() throws Exception {
        JsonNode completion = c.request(7, "completion/complete",
                "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"b_completable-prompt\"},\"argument\":{\"name\":\"department\",\"value\":\"E\"}}")
                .path("result").path("completion");
        assertThat(completion.path("values").get(0).asText()).isEqualTo("Engineering");
    }

    @Test
    void resourcesAndTemplatesAreListedWithReversibleUris() throws Exception {
        JsonNode resources = c.request(8, "resources/list", null).path("result").path("resources");
        List<String> uris = names(resources, "uri");
        assertThat(uris).hasSize(14)
                .contains(A + "demo://resource/static/document/architecture.md",
                        "mcp-gateway://everything-b/demo://resource/static/document/architecture.md")
                .allMatch(u -> u.startsWith(A) || u.startsWith("mcp-gateway://everything-b/"));
        JsonNode doc = c.request(9, "resources/read", "{\"uri\":\"" + A + "demo://resource/static/document/architecture.md\"}")
                .path("result").path("contents").get(0);
        assertThat(doc.path("uri").asText()).isEqualTo(A + "demo://resource/static/document/architecture.md");
        assertThat(doc.path("text").asText()).isNotEmpty();

        List<String> templates = names(c.request(10, "resources/templates/list", null).path("result").path("resourceTemplates"), "uriTemplate");
        assertThat(templates).containsExactly(
                A + "demo://resource/dynamic/blob/{resourceId}", A + "demo://resource/dynamic/text/{resourceId}",
                "mcp-gateway://everything-b/demo://resource/dynamic/blob/{resourceId}",
                "mcp-gateway://everything-b/demo://resource/dynamic/text/{resourceId}");
        // a client expands the template and reads the result
        JsonNode expanded = c.request(11, "resources/read", "{\"uri\":\"mcp-gateway://everything-b/demo://resource/dynamic/text/7\"}");
        assertThat(expanded.path("result").path("contents").get(0).path("text").asText()).startsWith("Resource 7:");
        // and gets completions for its variable from the owner
        JsonNode completion = c.request(12, "completion/complete",
                "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"" + A + "demo://resource/dynamic/text/{resourceId}\"},"
                        + "\"argument\":{\"name\":\"resourceId\",\"value\":\"1\"}}").path("result").path("completion");
        assertThat(completion.path("values").get(0).asText()).isEqualTo("1");
    }

    @Test
    void subscriptionsGoToTheOwner() throws Exception {
        String uri = "mcp-gateway://everything-b/demo://resource/static/document/features.md";
        assertThat(c.request(13, "resources/subscribe", "{\"uri\":\"" + uri + "\"}").path("result").isObject()).isTrue();
        assertThat(c.request(14, "resources/unsubscribe", "{\"uri\":\"" + uri + "\"}").path("result").isObject()).isTrue();
    }

    @Test
    void unknownResourceUrisAreInvalidParams() throws Exception {
        assertThat(c.request(15, "resources/read", "{\"uri\":\"demo://resource/static/document/features.md\"}")
                .path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(c.request(16, "resources/read", "{\"uri\":\"mcp-gateway://nobody/demo://x\"}")
                .path("error").path("code").asInt()).isEqualTo(-32602);
    }

    @Test
    void resourceLinksInToolResultsPointBackThroughTheGateway() throws Exception {
        JsonNode content = c.request(17, "tools/call", "{\"name\":\"b_get-resource-links\",\"arguments\":{\"count\":2}}")
                .path("result").path("content");
        JsonNode link = content.get(2);
        assertThat(link.path("type").asText()).isEqualTo("resource_link");
        assertThat(link.path("uri").asText()).isEqualTo("mcp-gateway://everything-b/demo://resource/dynamic/text/2");
        JsonNode read = c.request(18, "resources/read", "{\"uri\":\"" + link.path("uri").asText() + "\"}");
        assertThat(read.path("result").path("contents").get(0).path("text").asText()).startsWith("Resource 2:");

        JsonNode embedded = c.request(19, "tools/call",
                "{\"name\":\"a_get-resource-reference\",\"arguments\":{\"resourceType\":\"Text\",\"resourceId\":4}}")
                .path("result").path("content");
        List<String> uris = new ArrayList<>();
        embedded.forEach(item -> { if (item.path("type").asText().equals("resource")) uris.add(item.path("resource").path("uri").asText()); });
        assertThat(uris).containsExactly(A + "demo://resource/dynamic/text/4");
    }

    private static String text(JsonNode message) {
        return message.path("content").path("text").asText();
    }

    private static List<String> names(JsonNode items, String field) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.path(field).asText()));
        return out;
    }
}
