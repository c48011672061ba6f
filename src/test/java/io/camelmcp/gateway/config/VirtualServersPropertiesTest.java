package io.camelmcp.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;

import io.camelmcp.gateway.federation.ListKind;
import io.camelmcp.gateway.federation.VirtualServer;
import io.camelmcp.gateway.federation.VirtualServers;

/**
 * {@code mcp.gateway.virtual-servers} bound from YAML as Spring Boot binds application.yaml at start-up: names and
 * patterns, a list left out (every item of its kind) told apart from an empty one (none), bad names failing the start,
 * and the README's example as written.
 */
class VirtualServersPropertiesTest {

    static GatewayProperties bind(String yaml) throws Exception {
        StandardEnvironment env = new StandardEnvironment();
        new YamlPropertySourceLoader().load("test", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))
                .forEach(env.getPropertySources()::addFirst);
        return new Binder(ConfigurationPropertySources.get(env)).bindOrCreate("mcp.gateway", GatewayProperties.class);
    }

    static VirtualServers compile(GatewayProperties props) {
        return new VirtualServers(props.getVirtualServers().stream().map(GatewayProperties.VirtualServer::definition).toList());
    }

    @Test
    void namesPatternsAndTheDifferenceBetweenLeftOutAndEmpty() throws Exception {
        GatewayProperties props = bind("""
                mcp:
                  gateway:
                    virtual-servers:
                      - name: dev-tools
                        description: Development tools
                        tools: ["gh_get_*", calc_add]
                        prompts: []
                      - name: docs
                        tools: []
                        resources: ["mcp-gateway://docs/*"]
                """);
        assertThat(props.getVirtualServers()).hasSize(2);
        GatewayProperties.VirtualServer dev = props.getVirtualServers().get(0);
        assertThat(dev.getName()).isEqualTo("dev-tools");
        assertThat(dev.getDescription()).isEqualTo("Development tools");
        assertThat(dev.getTools()).containsExactly("gh_get_*", "calc_add");
        assertThat(dev.getPrompts()).isEmpty();
        assertThat(dev.getResources()).isNull();

        VirtualServers all = compile(props);
        VirtualServer d = all.find("dev-tools");
        assertThat(d.source()).isEqualTo(VirtualServers.CONFIGURATION);
        assertThat(d.shows(ListKind.TOOLS, "gh_get_issue")).isTrue();
        assertThat(d.shows(ListKind.TOOLS, "calc_add")).isTrue();
        assertThat(d.shows(ListKind.TOOLS, "calc_divide")).isFalse();
        assertThat(d.shows(ListKind.PROMPTS, "gh_review")).as("prompts: [] keeps none").isFalse();
        assertThat(d.shows(ListKind.RESOURCES, "mcp-gateway://x/y")).as("resources left out keeps all").isTrue();
        assertThat(d.shows(ListKind.TEMPLATES, "mcp-gateway://x/{id}")).isTrue();

        VirtualServer docs = all.find("docs");
        assertThat(docs.shows(ListKind.TOOLS, "calc_add")).isFalse();
        assertThat(docs.shows(ListKind.PROMPTS, "any_prompt")).isTrue();
        assertThat(docs.shows(ListKind.RESOURCES, "mcp-gateway://docs/file:///a.md")).isTrue();
        assertThat(docs.shows(ListKind.TEMPLATES, "mcp-gateway://docs/file:///{path}")).isTrue();
        assertThat(docs.shows(ListKind.RESOURCES, "mcp-gateway://other/file:///a.md")).isFalse();
        assertThat(all.find("nope")).isNull();
    }

    @Test
    void noVirtualServersByDefault() throws Exception {
        assertThat(bind("mcp.gateway.allowed-origins: []").getVirtualServers()).isEmpty();
        assertThat(compile(bind("mcp.gateway.allowed-origins: []")).all()).isEmpty();
    }

    @Test
    void aNameThatIsNoPathSegmentOrIsTakenFailsTheStart() throws Exception {
        assertThatThrownBy(() -> compile(bind("""
                mcp.gateway.virtual-servers:
                  - {name: "team/tools", tools: ["*"]}
                """))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mcp.gateway.virtual-servers[0].name: 'team/tools' is not a valid name");
        assertThatThrownBy(() -> compile(bind("""
                mcp.gateway.virtual-servers:
                  - {tools: ["*"]}
                """))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mcp.gateway.virtual-servers[0].name: 'null' is not a valid name");
        assertThatThrownBy(() -> compile(bind("""
                mcp.gateway.virtual-servers:
                  - {name: a, tools: ["*"]}
                  - {name: a, tools: []}
                """))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mcp.gateway.virtual-servers[1].name: 'a' is already the name of another virtual server");
    }

    @Test
    void theReadmeExampleBindsAsWritten() throws Exception {
        Matcher m = Pattern.compile("<!-- virtual-servers: config -->\\s*```yaml\\n(.*?)```", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("README.md")));
        assertThat(m.find()).as("the virtual servers example in README.md").isTrue();
        VirtualServers all = compile(bind(m.group(1)));
        assertThat(all.all().keySet()).containsExactlyInAnyOrder("dev-tools", "calculator");
        assertThat(all.find("calculator").shows(ListKind.TOOLS, "calc_add")).isTrue();
        assertThat(all.find("calculator").shows(ListKind.TOOLS, "clock_now")).isFalse();
        assertThat(all.find("calculator").definition().tools()).isEqualTo(List.of("calc_*"));
    }
}
