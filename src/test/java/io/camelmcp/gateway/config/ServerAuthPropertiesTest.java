package io.camelmcp.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.mock.env.MockEnvironment;

import io.camelmcp.gateway.registry.ServerRegistry;
import io.camelmcp.gateway.registry.UpstreamAuth;

/** mcp.gateway.servers[i].auth.* as a servers file binds it (the shape of application properties), and its errors. */
class ServerAuthPropertiesTest {

    @TempDir
    Path dir;

    final ServerRegistry registry = new ServerRegistry();
    final MockEnvironment env = new MockEnvironment().withProperty("SECRET", "s3cret-value");

    ServersFile open(String servers) throws Exception {
        Path f = dir.resolve("servers.yaml");
        Files.writeString(f, "mcp:\n  gateway:\n    servers:\n" + servers);
        return new ServersFile(f.toString(), registry, "static", new PropertySourcesPlaceholdersResolver(env), Duration.ZERO);
    }

    @Test
    void eachTypeBindsWithRelaxedNamesAndPlaceholders() throws Exception {
        open("""
                      - name: cc
                        url: http://127.0.0.1:1/mcp
                        prefix: cc_
                        auth:
                          type: client-credentials
                          token-uri: http://127.0.0.1:2/oauth2/token
                          clientId: gw
                          client-secret: ${SECRET}
                          scope: a b
                          resource: http://127.0.0.1:1/mcp
                      - name: x
                        url: http://127.0.0.1:3/mcp
                        prefix: x_
                        auth: {type: token_exchange, token-uri: "http://127.0.0.1:2/oauth2/token", client-id: gw, client-secret: s, audience: x}
                      - name: b
                        url: http://127.0.0.1:4/mcp
                        prefix: b_
                        auth: {type: bearer, token: "${SECRET}"}
                      - name: none
                        url: http://127.0.0.1:5/mcp
                        prefix: none_
                """);
        UpstreamAuth cc = registry.snapshot().server("cc").registration().auth();
        assertThat(cc.type()).isEqualTo(UpstreamAuth.Type.CLIENT_CREDENTIALS);
        assertThat(cc.clientId()).isEqualTo("gw");
        assertThat(cc.clientSecret()).isEqualTo("s3cret-value");
        assertThat(cc.scope()).isEqualTo("a b");
        assertThat(cc.tokenUri()).hasToString("http://127.0.0.1:2/oauth2/token");
        assertThat(registry.snapshot().server("cc").registration().toString()).contains("client-credentials")
                .doesNotContain("s3cret-value");
        assertThat(registry.snapshot().server("x").registration().auth().type()).isEqualTo(UpstreamAuth.Type.TOKEN_EXCHANGE);
        assertThat(registry.snapshot().server("x").registration().auth().audience()).isEqualTo("x");
        assertThat(registry.snapshot().server("b").registration().auth().token()).isEqualTo("s3cret-value");
        assertThat(registry.snapshot().server("none").registration().auth()).isNull();
    }

    @Test
    void aMissingOrWrongSettingFailsNamingTheServer() {
        assertThatThrownBy(() -> open("""
                      - name: cc
                        url: http://127.0.0.1:1/mcp
                        prefix: cc_
                        auth: {type: client-credentials, client-id: gw, client-secret: s}
                """)).hasMessageContaining("'cc'").hasMessageContaining("auth.token-uri");
        assertThatThrownBy(() -> open("""
                      - name: b
                        url: http://127.0.0.1:1/mcp
                        prefix: b_
                        auth: {type: basic}
                """)).hasMessageContaining("'b'").hasMessageContaining("bearer, client-credentials, token-exchange");
        assertThatThrownBy(() -> open("""
                      - name: t
                        url: http://127.0.0.1:1/mcp
                        prefix: t_
                        auth: {token: abc}
                """)).hasMessageContaining("auth.type is required");
    }
}
