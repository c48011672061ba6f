package io.camelmcp.gateway.kubernetes;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * The API server of the Kubernetes tests: fabric8's mock server in CRUD mode (objects are stored, listed,
 * watched and patched), with the project's own CRDs from k8s/crds installed, and a client to play kubectl.
 */
public final class KubernetesApi implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient kubectl;

    public KubernetesApi() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        kubectl = server.createClient();
        try (var crds = Files.list(Path.of("k8s/crds"))) {
            for (Path crd : crds.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).sorted().toList()) {
                kubectl.apiextensions().v1().customResourceDefinitions()
                        .resource(Serialization.unmarshal(Files.newInputStream(crd), CustomResourceDefinition.class)).create();
            }
        }
    }

    public int port() { return server.getPort(); }

    public String url() { return "http://127.0.0.1:" + server.getPort(); }

    public KubernetesClient client() { return kubectl; }

    /** kubectl apply of a multi-document YAML text. */
    public void apply(String yaml) {
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            GenericKubernetesResource r = Serialization.unmarshal(doc, GenericKubernetesResource.class);
            if ("Namespace".equals(r.getKind())) {
                continue; // the mock server needs none
            }
            retryOnConflict(() -> createOrUpdate(r));
        }
    }

    /** The gateway may write an object's status between our read and our write: read again, as kubectl does. */
    private static void retryOnConflict(Runnable write) {
        for (int attempt = 1; ; attempt++) {
            try {
                write.run();
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private void createOrUpdate(GenericKubernetesResource r) {
        var op = kubectl.genericKubernetesResources(kind(r).context()).inNamespace(r.getMetadata().getNamespace());
        GenericKubernetesResource current = op.withName(r.getMetadata().getName()).get();
        if (current == null) {
            op.resource(r).create();
            return;
        }
        // like kubectl apply: the new content, whatever the gateway wrote into status meanwhile
        GenericKubernetesResource next = Serialization.clone(r);
        next.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        if (current.getAdditionalProperties().containsKey("status")) {
            next.getAdditionalProperties().put("status", current.getAdditionalProperties().get("status"));
        }
        op.resource(next).update();
    }

    /** kubectl apply -f of a file under the project. */
    public void applyFile(String path) throws Exception {
        apply(Files.readString(Path.of(path)));
    }

    public GenericKubernetesResource get(Kind kind, String namespace, String name) {
        return kubectl.genericKubernetesResources(kind.context()).inNamespace(namespace).withName(name).get();
    }

    /** The object's status, empty when it has none (or the object is gone). */
    public com.fasterxml.jackson.databind.JsonNode status(Kind kind, String namespace, String name) {
        GenericKubernetesResource r = get(kind, namespace, name);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        return r == null ? json.createObjectNode() : json.valueToTree(r).path("status");
    }

    /** The object's Ready condition, empty when it has none. */
    public com.fasterxml.jackson.databind.JsonNode ready(Kind kind, String namespace, String name) {
        for (var c : status(kind, namespace, name).path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return c;
            }
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    }

    public void edit(Kind kind, String namespace, String name, UnaryOperator<GenericKubernetesResource> change) {
        retryOnConflict(() -> kubectl.genericKubernetesResources(kind.context()).inNamespace(namespace).withName(name)
                .edit(r -> change.apply(Serialization.clone(r))));
    }

    public void delete(Kind kind, String namespace, String name) {
        kubectl.genericKubernetesResources(kind.context()).inNamespace(namespace).withName(name).delete();
    }

    private static Kind kind(GenericKubernetesResource r) {
        for (Kind k : Kind.values()) {
            if (k.kind().equals(r.getKind()) && k.apiVersion().equals(r.getApiVersion())) {
                return k;
            }
        }
        throw new IllegalArgumentException("not a watched kind: " + r.getApiVersion() + " " + r.getKind());
    }

    @Override
    public void close() {
        kubectl.close();
        server.destroy();
    }
}
