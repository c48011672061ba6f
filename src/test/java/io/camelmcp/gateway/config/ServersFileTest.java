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

import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.registry.ServerRegistry;

/** What the servers file binds to, with the semantics of application properties, and what fails at start-up. */
class ServersFileTest {

    @TempDir
    Path dir;

    final ServerRegistry registry = new ServerRegistry();
    final MockEnvironment env = new MockEnvironment().withProperty("TOKEN", "s3cret");

    ServersFile open(String yaml) throws Exception {
        Path f = dir.resolve("servers.yaml");
        Files.writeString(f, yaml);
        return new ServersFile(f.toString(), registry, "static", new PropertySourcesPlaceholdersResolver(env), Duration.ZERO);
    }

    @Test
    void bindsLikeApplicationPropertiesWithRelaxedNamesAndPlaceholders() throws Exception {
        ServersFile file = open("""
                mcp:
                  gateway:
                    demo:
                      enabled: false
                    servers:
                      - name: gh
                        url: http://127.0.0.1:1/mcp
                        prefix: gh_
                        headers:
                          Authorization: Bearer ${TOKEN}
                        tools:
                          include: [get_*]
                """);
        RegistrySnapshot.Entry gh = registry.snapshot().server("gh");
        assertThat(gh.registration().prefix()).isEqualTo("gh_");
        assertThat(gh.registration().headers()).containsEntry("Authorization", "Bearer s3cret");
        assertThat(gh.registration().source()).isEqualTo("static");
        assertThat(file.details()).containsKeys("path", "inForce").doesNotContainKey("failed");
    }

    @Test
    void aFileThatDoesNotBindFailsTheStartWithTheReason() {
        assertThatThrownBy(() -> open("mcp: [gateway"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("servers-file");
        assertThatThrownBy(() -> open("mcp:\n  gateway:\n    servers:\n      - name: a\n        prefx: a_\n"))
                .hasMessageContaining("prefx");
        assertThatThrownBy(() -> open("mcp:\n  gateway:\n    server:\n      - name: a\n"))
                .hasMessageContaining("no mcp.gateway.servers");
        assertThatThrownBy(() -> new ServersFile(dir.resolve("absent.yaml").toString(), registry, "static",
                new PropertySourcesPlaceholdersResolver(env), Duration.ZERO)).hasMessageContaining("no such file");
    }

    @Test
    void aServersOwnBreakerBulkheadAndTimeoutsBindAndAreChecked() throws Exception {
        open("""
                mcp:
                  gateway:
                    servers:
                      - name: gh
                        url: http://127.0.0.1:1/mcp
                        prefix: gh_
                        max-concurrent-calls: 20
                        request-timeout: 90s
                        breaker:
                          failure-rate-threshold: 25
                          wait-in-open-state: 10s
                """);
        var policy = registry.snapshot().server("gh").registration().policy();
        assertThat(policy.maxConcurrentCalls()).isEqualTo(20);
        assertThat(policy.requestTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(policy.failureRateThreshold()).isEqualTo(25f);
        assertThat(policy.waitInOpenState()).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.connectTimeout()).as("unset: the gateway's default").isNull();
        assertThatThrownBy(() -> open("mcp:\n  gateway:\n    servers:\n      - name: a\n        url: http://h/mcp\n"
                + "        max-concurrent-calls: 0\n")).hasMessageContaining("'a'").hasMessageContaining("max-concurrent-calls");
        assertThatThrownBy(() -> open("mcp:\n  gateway:\n    servers:\n      - name: b\n        url: http://h/mcp\n"
                + "        breaker:\n          failure-rate-threshold: 150\n")).hasMessageContaining("failure-rate-threshold");
        assertThatThrownBy(() -> open("mcp:\n  gateway:\n    servers:\n      - name: c\n        url: http://h/mcp\n"
                + "        breaker:\n          sliding-window-size: 2000000000\n")).hasMessageContaining("sliding-window-size");
        assertThatThrownBy(() -> open("mcp:\n  gateway:\n    servers:\n      - name: d\n        url: http://h/mcp\n"
                + "        breaker:\n          wait-in-open-state: 500us\n")).hasMessageContaining("wait-in-open-state");
    }

    @Test
    void anEmptyListIsNoServers() throws Exception {
        open("mcp:\n  gateway:\n    servers: []\n");
        assertThat(registry.snapshot().servers()).isEmpty();
    }
}
