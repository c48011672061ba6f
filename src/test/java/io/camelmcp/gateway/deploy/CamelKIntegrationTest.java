package io.camelmcp.gateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * k8s/camel-k/, read as files: the Integration is valid by the Camel K 2.10.1 Integration CRD (vendored in
 * src/test/resources/camel-k/), runs our image as a self-managed build, mounts the routes ConfigMap whole on the
 * directory the gateway reads its routes from, and that ConfigMap, made by the command of the folder's README, holds
 * exactly the bundled route files. Where kubectl is installed, its own rendering is compared too (it needs no cluster
 * for {@code kustomize} and {@code create --dry-run=client}).
 */
class CamelKIntegrationTest {

    static final Path FOLDER = Path.of("k8s/camel-k");
    static final Path BUNDLED_ROUTES = Path.of("src/main/resources/routes");
    static final Path CRD = Path.of("src/test/resources/camel-k/camel.apache.org_integrations.yaml");
    /** Camel K's test of a managed build (Integration#IsManagedBuild): an image of its own IntegrationKit. */
    static final Pattern KIT_IMAGE = Pattern.compile("(.*)/(.*)/camel-k-kit-(.*)@sha256:(.*)");
    /** Camel K's syntax of a mount trait resource (pkg/util/resource/config.go): kind, then name[/key][@path]. */
    static final Pattern RESOURCE_KIND = Pattern.compile("^(configmap|secret):([\\w.\\-:/@]+)$");
    static final Pattern RESOURCE_VALUE = Pattern.compile("^([\\w.\\-:]+)(/([\\w.\\-:]+))?(@([\\w.\\-:/]+))?$");
    /** kubectl apply (client side) keeps the whole object in this annotation, at most 256 KiB with the others. */
    static final int LAST_APPLIED_LIMIT = 256 * 1024;

    static CrdSchema schema;
    static JsonNode integration;

    @BeforeAll
    static void read() throws IOException {
        schema = CrdSchema.of(CRD, "v1");
        integration = one(FOLDER.resolve("integration.yaml"), "Integration");
    }

    // ---- the CRD schema ----

    @Test
    void everyFileOfTheFolderParsesAndTheIntegrationIsValidByTheCamelKCrd() throws IOException {
        assertThat(schema.apiVersion).isEqualTo("camel.apache.org/v1");
        assertThat(schema.kind).isEqualTo("Integration");
        Set<String> kinds = new TreeSet<>();
        try (var files = Files.list(FOLDER)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode doc : docs(f)) {
                    kinds.add(doc.path("kind").asText());
                    if (doc.path("kind").asText().equals("Integration")) {
                        assertThat(schema.problems(doc)).as(f + " by the Camel K Integration CRD").isEmpty();
                        assertThat(doc.at("/metadata/name").asText()).matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
                    }
                }
            }
        }
        assertThat(kinds).containsExactly("Integration", "Kustomization");
    }

    @Test
    void brokenIntegrationsAreRefused() {
        record Broken(String what, Consumer<ObjectNode> change, String said) {}
        List<Broken> broken = List.of(
                new Broken("a trait field of the wrong type", i -> traits(i).withObjectProperty("container").put("port", "8080"),
                        "$.spec.traits.container.port: string found, integer expected"),
                new Broken("an unknown trait", i -> traits(i).putObject("containr").put("image", "camel-mcp-gateway:0.1.0"),
                        "$.spec.traits: property 'containr' is not defined"),
                new Broken("an unknown field of a trait", i -> traits(i).withObjectProperty("mount").putArray("resource")
                        .add("configmap:camel-mcp-gateway-routes@/etc/mcp-gateway/routes"),
                        "$.spec.traits.mount: property 'resource' is not defined"),
                new Broken("a list given as a string", i -> traits(i).withObjectProperty("mount")
                        .put("resources", "configmap:camel-mcp-gateway-routes@/etc/mcp-gateway/routes"),
                        "$.spec.traits.mount.resources: string found, array expected"),
                new Broken("a value outside its enum", i -> traits(i).withObjectProperty("container").put("imagePullPolicy", "Sometimes"),
                        "$.spec.traits.container.imagePullPolicy: does not have a value in the enumeration"),
                new Broken("an integer out of int32", i -> ((ObjectNode) i.get("spec")).put("replicas", 1L << 40),
                        "$.spec.replicas: must have a maximum value of 2147483647"),
                new Broken("an unknown field of the spec", i -> ((ObjectNode) i.get("spec")).put("image", "camel-mcp-gateway:0.1.0"),
                        "$.spec: property 'image' is not defined"),
                new Broken("another kind", i -> i.put("kind", "Integrations"), "$.kind: must be the constant value 'Integration'"));
        for (Broken b : broken) {
            ObjectNode copy = integration.deepCopy();
            b.change().accept(copy);
            assertThat(schema.problems(copy)).as(b.what()).anySatisfy(p -> assertThat(p).startsWith(b.said()));
        }
        // and the untouched copy passes: the refusals come from the changes
        assertThat(schema.problems(integration.deepCopy())).isEmpty();
        // what the schema leaves open stays open: a trait's legacy configuration, an int-or-string port
        ObjectNode open = integration.deepCopy();
        traits(open).withObjectProperty("container").putObject("configuration").put("anything", 1);
        ((ObjectNode) open.get("spec")).putObject("template").putObject("spec").putArray("containers").addObject()
                .put("name", "side").putObject("livenessProbe").putObject("httpGet").put("path", "/").put("port", "http");
        assertThat(schema.problems(open)).isEmpty();
    }

    @Test
    void theSchemaConversionKeepsWhatKubernetesChecks() {
        JsonNode s = schema.jsonSchema;
        JsonNode traits = s.at("/properties/spec/properties/traits");
        assertThat(traits.path("additionalProperties").asBoolean(true)).isFalse();
        // a trait's legacy configuration keeps unknown fields (x-kubernetes-preserve-unknown-fields)
        assertThat(traits.at("/properties/container/properties/configuration").has("additionalProperties")).isFalse();
        assertThat(traits.at("/properties/container/properties/port/maximum").asLong()).isEqualTo(Integer.MAX_VALUE);
    }

    // ---- the image and the traits ----

    @Test
    void aSelfManagedBuildOfOurImage() throws IOException {
        JsonNode container = integration.at("/spec/traits/container");
        String image = container.path("image").asText();
        assertThat(image).isEqualTo("camel-mcp-gateway:0.1.0");
        // the image the Deployment of k8s/base runs (and the one Jib names, when pom.xml says it literally)
        JsonNode deployment = one(Path.of("k8s/base/deployment.yaml"), "Deployment");
        assertThat(image).isEqualTo(deployment.at("/spec/template/spec/containers/0/image").asText());
        Matcher jib = Pattern.compile("<artifactId>jib-maven-plugin</artifactId>.*?<to>\\s*<image>([^<$]+)</image>",
                Pattern.DOTALL).matcher(Files.readString(Path.of("pom.xml")));
        if (jib.find()) {
            assertThat(image).isEqualTo(jib.group(1).trim());
        }
        assertThat(KIT_IMAGE.matcher(image).matches()).as("an image Camel K would take for one of its kits").isFalse();
        assertThat(container.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent"); // kind load, no registry
        // nothing for the operator to build
        for (String field : List.of("sources", "flows", "integrationKit", "git", "dependencies", "repositories")) {
            assertThat(integration.at("/spec").has(field)).as("spec." + field).isFalse();
        }
        // the jvm trait runs for a self-managed build only with jvm.jar; options without it would be ignored
        JsonNode jvm = integration.at("/spec/traits/jvm");
        assertThat(jvm.isMissingNode() || jvm.hasNonNull("jar")).as("jvm trait without jar: ignored by Camel K").isTrue();
        assertThat(integration.at("/spec/serviceAccountName").asText())
                .isEqualTo(one(Path.of("k8s/base/rbac.yaml"), "ServiceAccount").at("/metadata/name").asText());
        assertThat(integration.at("/spec/replicas").asInt()).isEqualTo(1); // sessions in memory
    }

    @Test
    void theRoutesConfigMapIsMountedWholeOnTheRoutesDirectory() throws IOException {
        Map<String, String[]> mounts = new TreeMap<>(); // ConfigMap name -> [key, path]
        for (JsonNode r : integration.at("/spec/traits/mount/resources")) {
            Matcher kind = RESOURCE_KIND.matcher(r.asText());
            assertThat(kind.matches()).as(r.asText()).isTrue();
            assertThat(kind.group(1)).isEqualTo("configmap");
            Matcher value = RESOURCE_VALUE.matcher(kind.group(2));
            assertThat(value.matches()).as(r.asText()).isTrue();
            mounts.put(value.group(1), new String[] {value.group(3), value.group(5)});
        }
        Map<String, String> env = env(integration);
        String routesDir = bind(env, "mcp.gateway.routes-dir");
        assertThat(routesDir).isEqualTo("/etc/mcp-gateway/routes");
        String[] routes = mounts.get(routesConfigMapName());
        assertThat(routes).as("a mount of the ConfigMap " + routesConfigMapName()).isNotNull();
        // no key: the whole ConfigMap as a directory, never a subPath (which the kubelet does not update)
        assertThat(routes[0]).isNull();
        assertThat(routes[1]).isEqualTo(routesDir);
        // the same directory as the Deployment of k8s/base, whose ConfigMap of the same name docs/routes.md fills
        JsonNode deployment = one(Path.of("k8s/base/deployment.yaml"), "Deployment");
        assertThat(volumeMount(deployment, routesConfigMapName())).isEqualTo(routesDir);
        // the static servers file, from the ConfigMap of k8s/base, reloaded the same way
        String[] servers = mounts.get("camel-mcp-gateway-servers");
        assertThat(servers[0]).isNull();
        assertThat(bind(env, "mcp.gateway.servers-file")).isEqualTo(servers[1] + "/servers.yaml");
        assertThat(one(Path.of("k8s/base/configmap.yaml"), "ConfigMap").at("/data").has("servers.yaml")).isTrue();
        assertThat(env).containsEntry("SERVER_ADDRESS", "0.0.0.0").containsEntry("MCP_GATEWAY_DEMO_ENABLED", "false");
        assertThat(bind(env, "server.address")).isEqualTo("0.0.0.0");
        assertThat(bind(env, "spring.lifecycle.timeout-per-shutdown-phase")).isEqualTo("20s");
        // live reload by the gateway itself, not a restart per change
        assertThat(integration.at("/spec/traits/mount/hotReload").asBoolean(false)).isFalse();
    }

    @Test
    void theBaseServiceReachesThePodsAndTheProbesAreTheGatewaysGroups() throws IOException {
        JsonNode service = one(Path.of("k8s/base/service.yaml"), "Service");
        JsonNode container = integration.at("/spec/traits/container");
        assertThat(integration.at("/spec/traits/service/enabled").asBoolean(true)).isFalse();
        List<String> propagated = new ArrayList<>();
        integration.at("/spec/traits/owner/targetLabels").forEach(l -> propagated.add(l.asText()));
        service.at("/spec/selector").properties().forEach(e -> {
            assertThat(propagated).contains(e.getKey());
            assertThat(integration.at("/metadata/labels").path(e.getKey()).asText()).isEqualTo(e.getValue().asText());
        });
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isEqualTo(container.path("portName").asText());
        assertThat(container.path("expose").asBoolean()).isTrue(); // the trait declares the named port only then
        assertThat(container.path("port").asInt()).isEqualTo(8080);

        JsonNode health = integration.at("/spec/traits/health");
        JsonNode base = one(Path.of("k8s/base/deployment.yaml"), "Deployment").at("/spec/template/spec/containers/0");
        assertThat(health.path("enabled").asBoolean()).isTrue();
        for (String probe : List.of("readiness", "liveness", "startup")) {
            assertThat(health.path(probe + "ProbeEnabled").asBoolean()).as(probe).isTrue();
            assertThat(health.path(probe + "Probe").asText()).as(probe)
                    .isEqualTo(base.at("/" + probe + "Probe/httpGet/path").asText());
            // Camel K's operator calls the readiness probe itself with this timeout (0 when unset)
            assertThat(health.path(probe + "Timeout").asInt()).as(probe).isPositive();
        }
    }

    // ---- the routes ConfigMap ----

    @Test
    void theRoutesConfigMapHoldsExactlyTheBundledRouteFiles() throws IOException {
        Command c = readmeCommand();
        assertThat(c.name()).isEqualTo(routesConfigMapName());
        assertThat(c.namespace()).isEqualTo(one(FOLDER.resolve("kustomization.yaml"), "Kustomization").path("namespace").asText());
        assertThat(Path.of(c.fromFile())).isEqualTo(BUNDLED_ROUTES);

        ConfigMapFromFiles cm = ConfigMapFromFiles.of(Path.of(c.fromFile()));
        Map<String, String> bundled = new TreeMap<>();
        try (var files = Files.list(BUNDLED_ROUTES)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".yaml")).toList()) {
                bundled.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        assertThat(bundled).hasSizeGreaterThan(10);
        assertThat(cm.data()).isEqualTo(bundled);
        assertThat(cm.binaryData()).isEmpty();
        assertThat(cm.skipped()).isEmpty();
        // each key a file the gateway loads from its routes directory (RouteFiles: *.yaml, no leading dot)
        assertThat(cm.data().keySet()).allMatch(k -> k.endsWith(".yaml") && !k.startsWith("."));
        // kubectl apply keeps a copy in the last-applied annotation: the whole ConfigMap must fit in it
        int size = cm.data().entrySet().stream().mapToInt(e -> e.getKey().length()
                + e.getValue().getBytes(StandardCharsets.UTF_8).length).sum();
        assertThat(size).isLessThan(LAST_APPLIED_LIMIT * 3 / 4);
    }

    @Test
    void kubectlMakesTheSameConfigMapAndRendersTheFolder() throws Exception {
        assumeTrue(kubectl(), "kubectl is not installed: the Java rendering above stands alone");
        Command c = readmeCommand();
        String json = run("kubectl", "-n", c.namespace(), "create", "configmap", c.name(), "--from-file=" + c.fromFile(),
                "--dry-run=client", "-o", "json");
        JsonNode cm = CrdSchema.JSON.readTree(json);
        Map<String, String> data = new TreeMap<>();
        cm.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
        assertThat(data).isEqualTo(ConfigMapFromFiles.of(Path.of(c.fromFile())).data());

        List<JsonNode> rendered = new ArrayList<>();
        try (var it = CrdSchema.YAML.readerFor(JsonNode.class).<JsonNode>readValues(run("kubectl", "kustomize", FOLDER.toString()))) {
            while (it.hasNext()) {
                rendered.add(it.next());
            }
        }
        Map<String, JsonNode> byKindName = new TreeMap<>();
        rendered.forEach(r -> byKindName.put(r.path("kind").asText() + "/" + r.at("/metadata/name").asText(), r));
        assertThat(byKindName).containsKeys("Integration/camel-mcp-gateway", "Service/camel-mcp-gateway",
                "ServiceAccount/camel-mcp-gateway", "ConfigMap/camel-mcp-gateway-servers", "Namespace/mcp-system",
                "CustomResourceDefinition/mcpserverregistrations.mcp.kuadrant.io");
        // the operator makes the Deployment; the routes ConfigMap is made by the command, never emptied by apply -k
        assertThat(byKindName).doesNotContainKeys("Deployment/camel-mcp-gateway", "ConfigMap/" + routesConfigMapName());
        JsonNode it = byKindName.get("Integration/camel-mcp-gateway");
        assertThat(it.at("/metadata/namespace").asText()).isEqualTo("mcp-system");
        assertThat(schema.problems(it)).isEmpty();
    }

    @Test
    void theFolderBuildsOnTheBaseAndIsNotPartOfK8s() throws IOException {
        JsonNode k = one(FOLDER.resolve("kustomization.yaml"), "Kustomization");
        List<String> resources = new ArrayList<>();
        k.path("resources").forEach(r -> resources.add(r.asText()));
        assertThat(resources).containsExactly("../base", "integration.yaml");
        assertThat(k.path("namespace").asText()).isEqualTo(one(Path.of("k8s/base/kustomization.yaml"), "Kustomization")
                .path("namespace").asText());
        Set<String> deleted = new TreeSet<>();
        for (JsonNode p : k.path("patches")) {
            JsonNode patch = CrdSchema.YAML.readTree(p.path("patch").asText());
            assertThat(patch.path("$patch").asText()).isEqualTo("delete");
            deleted.add(patch.path("kind").asText() + "/" + patch.at("/metadata/name").asText());
        }
        String deployment = one(Path.of("k8s/base/deployment.yaml"), "Deployment").at("/metadata/name").asText();
        assertThat(deployment).isEqualTo(integration.at("/metadata/name").asText()); // Camel K names it so
        assertThat(deleted).containsExactlyInAnyOrder("Deployment/" + deployment, "ConfigMap/" + routesConfigMapName());
        // kubectl apply -k k8s/ renders k8s/base only
        JsonNode top = one(Path.of("k8s/kustomization.yaml"), "Kustomization");
        assertThat(top.path("resources").toString()).doesNotContain("camel-k");
    }

    // ---- helpers ----

    /** The routes ConfigMap of k8s/base, whose name docs/routes.md's command uses too. */
    static String routesConfigMapName() throws IOException {
        for (JsonNode d : docs(Path.of("k8s/base/configmap.yaml"))) {
            if (d.at("/metadata/name").asText().endsWith("-routes")) {
                return d.at("/metadata/name").asText();
            }
        }
        throw new IllegalStateException("no routes ConfigMap in k8s/base/configmap.yaml");
    }

    record Command(String namespace, String name, String fromFile) {}

    /** The command of k8s/camel-k/README.md that makes the routes ConfigMap from the bundled routes. */
    static Command readmeCommand() throws IOException {
        Matcher m = Pattern.compile("kubectl -n (\\S+) create configmap (\\S+) --from-file=(src/main/resources/routes)\\s")
                .matcher(Files.readString(FOLDER.resolve("README.md")));
        assertThat(m.find()).as("the routes ConfigMap command in k8s/camel-k/README.md").isTrue();
        return new Command(m.group(1), m.group(2), m.group(3));
    }

    static String volumeMount(JsonNode deployment, String configMap) {
        String volume = null;
        for (JsonNode v : deployment.at("/spec/template/spec/volumes")) {
            if (configMap.equals(v.at("/configMap/name").asText())) {
                volume = v.path("name").asText();
            }
        }
        for (JsonNode m : deployment.at("/spec/template/spec/containers/0/volumeMounts")) {
            if (m.path("name").asText().equals(volume)) {
                return m.path("mountPath").asText();
            }
        }
        return null;
    }

    /** The environment trait's variables, NAME=VALUE each (a name given once). */
    static Map<String, String> env(JsonNode integration) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode v : integration.at("/spec/traits/environment/vars")) {
            String[] kv = v.asText().split("=", 2);
            assertThat(kv).as(v.asText()).hasSize(2);
            assertThat(env.put(kv[0], kv[1])).as("%s given twice", kv[0]).isNull();
        }
        return env;
    }

    /** The value Spring Boot binds to {@code property} from these environment variables (as in the pod). */
    static String bind(Map<String, String> env, String property) {
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new LinkedHashMap<>(env)));
        ConfigurationPropertySources.attach(environment);
        return Binder.get(environment).bind(property, String.class).orElse(null);
    }

    static ObjectNode traits(ObjectNode integration) {
        return (ObjectNode) integration.get("spec").get("traits");
    }

    static List<JsonNode> docs(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = CrdSchema.YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
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

    static boolean kubectl() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
        return out;
    }
}
