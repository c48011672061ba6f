package io.camelmcp.gateway.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * k8s/redis/, the several-replicas variant, read as files (no kubectl here): what its parts must agree on.
 * {@code kubectl kustomize k8s/redis} renders it; {@link SessionStoreSecretTest} reads its extension and Secret
 * from the mock API server.
 */
class RedisOverlayTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path OVERLAY = Path.of("k8s/redis");

    static List<JsonNode> docs(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isMissingNode() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static JsonNode one(Path file, String kind) throws IOException {
        return docs(file).stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst().orElseThrow();
    }

    static String env(JsonNode deployment, String name) {
        for (JsonNode e : deployment.at("/spec/template/spec/containers/0/env")) {
            if (name.equals(e.path("name").asText())) {
                return e.path("value").asText();
            }
        }
        return null;
    }

    @Test
    void theOverlayBuildsOnTheBaseAndListsItsFiles() throws IOException {
        JsonNode k = one(OVERLAY.resolve("kustomization.yaml"), "Kustomization");
        List<String> resources = new ArrayList<>();
        k.path("resources").forEach(r -> resources.add(r.asText()));
        assertThat(resources).first().isEqualTo("../base");
        for (String r : resources.subList(1, resources.size())) {
            assertThat(OVERLAY.resolve(r)).isRegularFile();
        }
        assertThat(OVERLAY.resolve(k.at("/patches/0/path").asText())).isRegularFile();
    }

    @Test
    void twoGatewayReplicasOnTheRedisStoreServingTheExtensionWhoseSecretIsThere() throws IOException {
        JsonNode patch = one(OVERLAY.resolve("deployment-patch.yaml"), "Deployment");
        JsonNode base = one(Path.of("k8s/base/deployment.yaml"), "Deployment");
        assertThat(patch.at("/metadata/name").asText()).isEqualTo(base.at("/metadata/name").asText());
        assertThat(patch.at("/spec/template/spec/containers/0/name").asText())
                .isEqualTo(base.at("/spec/template/spec/containers/0/name").asText());
        assertThat(patch.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(env(patch, "MCP_GATEWAY_STORE")).isEqualTo("redis");
        // readiness covers Redis through the sessionStore indicator of the readiness group
        assertThat(base.at("/spec/template/spec/containers/0/readinessProbe/httpGet/path").asText())
                .isEqualTo("/actuator/health/readiness");

        String[] served = env(patch, "MCP_GATEWAY_KUBERNETES_EXTENSION").split("/");
        Path store = OVERLAY.resolve("session-store.yaml");
        JsonNode extension = one(store, "MCPGatewayExtension");
        assertThat(List.of(extension.at("/metadata/namespace").asText(), extension.at("/metadata/name").asText()))
                .containsExactly(served);
        JsonNode secret = one(store, "Secret");
        assertThat(secret.at("/metadata/name").asText()).isEqualTo(extension.at("/spec/sessionStore/secretName").asText());
        assertThat(secret.at("/metadata/namespace").asText()).isEqualTo(served[0]);
        assertThat(secret.at("/stringData/url").asText()).isEqualTo("redis://redis:6379");
    }

    @Test
    void thePdbKeepsOneGatewayPodAndSelectsNoRedisPod() throws IOException {
        JsonNode pdb = one(OVERLAY.resolve("pdb.yaml"), "PodDisruptionBudget");
        assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);
        Map<String, Object> selector = YAML.convertValue(pdb.at("/spec/selector/matchLabels"), Map.class);
        assertThat(selector).isNotEmpty();
        JsonNode base = one(Path.of("k8s/base/deployment.yaml"), "Deployment");
        assertThat(pdb.at("/metadata/namespace").asText()).isEqualTo("mcp-system");
        assertThat(YAML.convertValue(base.at("/spec/template/metadata/labels"), Map.class)).containsAllEntriesOf(selector);
        JsonNode redis = one(OVERLAY.resolve("redis.yaml"), "Deployment");
        assertThat(YAML.convertValue(redis.at("/spec/template/metadata/labels"), Map.class)).doesNotContainEntry(
                "app.kubernetes.io/name", "camel-mcp-gateway");
        assertThat(one(OVERLAY.resolve("redis.yaml"), "Service").at("/metadata/name").asText()).isEqualTo("redis");
    }

    @Test
    void theGatewaysServiceAccountMayGetThatSecretOnly() throws IOException {
        Path rbac = OVERLAY.resolve("rbac.yaml");
        JsonNode role = one(rbac, "Role");
        JsonNode binding = one(rbac, "RoleBinding");
        JsonNode secret = one(OVERLAY.resolve("session-store.yaml"), "Secret");
        assertThat(role.at("/metadata/namespace").asText()).isEqualTo(secret.at("/metadata/namespace").asText());
        assertThat(role.at("/rules").size()).isEqualTo(1);
        assertThat(role.at("/rules/0/resources").toString()).isEqualTo("[\"secrets\"]");
        assertThat(role.at("/rules/0/verbs").toString()).isEqualTo("[\"get\"]");
        assertThat(role.at("/rules/0/resourceNames/0").asText()).isEqualTo(secret.at("/metadata/name").asText());
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo(role.at("/metadata/name").asText());
        JsonNode sa = one(Path.of("k8s/base/rbac.yaml"), "ServiceAccount");
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(sa.at("/metadata/name").asText());
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo("mcp-system");
    }
}
