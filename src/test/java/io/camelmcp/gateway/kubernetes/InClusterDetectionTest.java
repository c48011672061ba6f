package io.camelmcp.gateway.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

class InClusterDetectionTest {

    @TempDir
    Path dir;

    @Test
    void inAPodWithAServiceAccountKubernetesRegistrationTurnsItselfOn() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t");
        MockEnvironment env = new MockEnvironment();
        InClusterDetection.apply(env, Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1")::get, token);
        assertThat(env.getProperty("mcp.gateway.kubernetes.enabled")).isEqualTo("true");
    }

    @Test
    void onAWorkstationOrWhenSetExplicitlyNothingChanges() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t");
        MockEnvironment workstation = new MockEnvironment();
        InClusterDetection.apply(workstation, Map.<String, String>of()::get, dir.resolve("absent"));
        assertThat(workstation.getProperty("mcp.gateway.kubernetes.enabled")).isNull();

        MockEnvironment off = new MockEnvironment();
        off.getPropertySources().addFirst(new MapPropertySource("user", Map.of("mcp.gateway.kubernetes.enabled", "false")));
        InClusterDetection.apply(off, Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1")::get, token);
        assertThat(off.getProperty("mcp.gateway.kubernetes.enabled")).isEqualTo("false");
    }
}
