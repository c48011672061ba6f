package io.camelmcp.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.ServerRegistry;

class ResourceUrisTest {

    private static RegistrySnapshot snapshot(String... namePrefix) {
        ServerRegistry r = new ServerRegistry();
        java.util.ArrayList<ServerRegistration> regs = new java.util.ArrayList<>();
        for (int i = 0; i < namePrefix.length; i += 2) {
            regs.add(new ServerRegistration(namePrefix[i], URI.create("http://127.0.0.1:1/mcp"), namePrefix[i + 1], Map.of(), "t"));
        }
        r.reconcile("t", List.copyOf(regs));
        return r.snapshot();
    }

    @Test
    void urisRoundTripThroughTheGatewayScheme() {
        RegistrySnapshot s = snapshot("docs", "d_", "files", "f_");
        String exposed = ResourceUris.expose(s.server("docs"), "file:///etc/hosts?x=1#y");
        assertThat(exposed).isEqualTo("mcp-gateway://docs/file:///etc/hosts?x=1#y");
        ResourceUris.Owned owned = ResourceUris.resolve(s, exposed);
        assertThat(owned.server().name()).isEqualTo("docs");
        assertThat(owned.uri()).isEqualTo("file:///etc/hosts?x=1#y");
        assertThat(ResourceUris.resolve(s, "file:///etc/hosts")).isNull();
        assertThat(ResourceUris.resolve(s, "mcp-gateway://nobody/x")).isNull();
        assertThat(ResourceUris.resolve(s, "mcp-gateway://docs")).isNull();
    }

    @Test
    void aTransparentServerKeepsItsUris() {
        RegistrySnapshot s = snapshot("only", "");
        assertThat(ResourceUris.expose(s.server("only"), "demo://x")).isEqualTo("demo://x");
        assertThat(ResourceUris.resolve(s, "demo://x").uri()).isEqualTo("demo://x");
    }

    @Test
    void linksEmbeddedResourcesAndContentsAreRewrittenOnce() throws Exception {
        RegistrySnapshot s = snapshot("docs", "d_", "files", "f_");
        JsonNode result = new ObjectMapper().readTree("""
                {"content":[{"type":"text","text":"uri"},
                            {"type":"resource_link","uri":"demo://a","name":"a"},
                            {"type":"resource","resource":{"uri":"demo://b","text":"b"}}],
                 "contents":[{"uri":"demo://c","text":"c"}]}""");
        ResourceUris.exposeAll(s.server("docs"), result);
        ResourceUris.exposeAll(s.server("docs"), result); // idempotent
        assertThat(result.at("/content/1/uri").asText()).isEqualTo("mcp-gateway://docs/demo://a");
        assertThat(result.at("/content/2/resource/uri").asText()).isEqualTo("mcp-gateway://docs/demo://b");
        assertThat(result.at("/contents/0/uri").asText()).isEqualTo("mcp-gateway://docs/demo://c");
        assertThat(result.at("/content/0/text").asText()).isEqualTo("uri");
    }
}
