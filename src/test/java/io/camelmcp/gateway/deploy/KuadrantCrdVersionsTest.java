package io.camelmcp.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Kuadrant CRDs' two versions (v1 stored, v1alpha1 served, no conversion webhook): the same schema but for
 * wording, so that an object is valid, and nothing of it pruned, in whichever version the API server shows it;
 * the same printer columns; and the samples of both versions valid by both schemas.
 */
class KuadrantCrdVersionsTest {

    static final List<String> CRDS = List.of("mcpserverregistrations", "mcpgatewayextensions");
    static final List<Path> SAMPLES = List.of(Path.of("k8s/samples/kuadrant-registration.yaml"),
            Path.of("k8s/samples/kuadrant-registration-v1.yaml"), Path.of("k8s/samples/kuadrant-credentials.yaml"),
            Path.of("k8s/redis/session-store.yaml"));

    static JsonNode crd(String plural) throws Exception {
        return CamelKIntegrationTest.docs(Path.of("k8s/crds/mcp.kuadrant.io_" + plural + ".yaml")).getFirst();
    }

    @Test
    void v1IsStoredV1alpha1ServedWithoutConversionTheSameSchemaAndColumns() throws Exception {
        for (String plural : CRDS) {
            JsonNode crd = crd(plural);
            assertThat(crd.at("/spec/conversion/strategy").asText()).as(plural).isEqualTo("None");
            JsonNode v1 = crd.at("/spec/versions/0");
            JsonNode v1alpha1 = crd.at("/spec/versions/1");
            assertThat(crd.at("/spec/versions").size()).isEqualTo(2);
            assertThat(List.of(v1.path("name").asText(), v1.path("served").asBoolean(), v1.path("storage").asBoolean()))
                    .containsExactly("v1", true, true);
            assertThat(List.of(v1alpha1.path("name").asText(), v1alpha1.path("served").asBoolean(), v1alpha1.path("storage").asBoolean()))
                    .containsExactly("v1alpha1", true, false);
            assertThat(withoutDescriptions(v1.path("schema"))).as(plural).isEqualTo(withoutDescriptions(v1alpha1.path("schema")));
            assertThat(v1.path("subresources")).isEqualTo(v1alpha1.path("subresources"));
            assertThat(columns(v1)).isEqualTo(columns(v1alpha1));
        }
        assertThat(columns(crd("mcpserverregistrations").at("/spec/versions/0")))
                .containsExactly("Prefix", "Target", "Path", "Ready", "Tools", "Credentials", "Age");
    }

    @Test
    void theSamplesAreValidInTheirVersionAndInTheOther() throws Exception {
        int checked = 0;
        for (Path sample : SAMPLES) {
            for (JsonNode doc : CamelKIntegrationTest.docs(sample)) {
                if (!doc.path("apiVersion").asText().startsWith("mcp.kuadrant.io/")) {
                    continue;
                }
                Path file = Path.of("k8s/crds/mcp.kuadrant.io_" + doc.path("kind").asText().toLowerCase() + "s.yaml");
                for (String version : List.of("v1", "v1alpha1")) {
                    // with strategy None the API server shows the object as it is, only its apiVersion changed
                    ObjectNode shown = doc.deepCopy();
                    shown.put("apiVersion", "mcp.kuadrant.io/" + version);
                    assertThat(CrdSchema.of(file, version).problems(shown)).as(sample + " as " + version).isEmpty();
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(2 * 6);
        for (JsonNode doc : CamelKIntegrationTest.docs(SAMPLES.get(1))) {
            if (doc.path("apiVersion").asText().startsWith("mcp.kuadrant.io/")) {
                assertThat(doc.path("apiVersion").asText()).isEqualTo("mcp.kuadrant.io/v1");
            }
        }
    }

    static List<String> columns(JsonNode version) {
        List<String> names = new ArrayList<>();
        version.path("additionalPrinterColumns").forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    static JsonNode withoutDescriptions(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove("description");
            // the same CEL rule, its message naming the version's own field first
            if (o.has("x-kubernetes-validations")) {
                o.withArray("x-kubernetes-validations").forEach(v -> ((ObjectNode) v).remove("message"));
            }
        }
        node.forEach(KuadrantCrdVersionsTest::strip);
    }
}
