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
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The API server of the Kubernetes tests: fabric8's mock server in CRUD mode (objects are stored, listed,
 * watched and patched), with the project's own CRDs from k8s/crds installed, and a client to play kubectl.
 */
public final class KubernetesApi implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient kubectl;

    public KubernetesApi() throws Exception {
        this(UnaryOperator.identity());
    }

    /**
     * With each request's path first mapped by {@code paths}: to the path to serve it from, or to null for a
     * {@code 404 page not found}, as an API server without that CRD or version answers.
     */
    public KubernetesApi(UnaryOperator<String> paths) throws Exception {
        Dispatcher crud = new KubernetesCrudDispatcher();
        Dispatcher dispatcher = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = paths.apply(request.getPath());
                if (path == null) {
                    return new MockResponse().setResponseCode(404).setBody("404 page not found\n");
                }
                return crud.dispatch(path.equals(request.getPath()) ? request
                        : new RecordedRequest(request.getHttpVersion(), request.method(), path, request.getHeaders(), request.getBody()));
            }

            @Override
            public void shutdown() {
                crud.shutdown();
            }
        };
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
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
        var op = kubectl.genericKubernetesResources(kind(r).contextOf(r.getApiVersion())).inNamespace(r.getMetadata().getNamespace());
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

    /** The object in the first of the kind's versions that has it (this server keeps each version apart). */
    public GenericKubernetesResource get(Kind kind, String namespace, String name) {
        for (String version : kind.versions()) {
            GenericKubernetesResource r = kubectl.genericKubernetesResources(kind.context(version)).inNamespace(namespace).withName(name).get();
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    /** The object in one version only. */
    public GenericKubernetesResource get(Kind kind, String version, String namespace, String name) {
        return kubectl.genericKubernetesResources(kind.context(version)).inNamespace(namespace).withName(name).get();
    }

    private io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> resource(Kind kind, String namespace, String name) {
        GenericKubernetesResource r = get(kind, namespace, name);
        return kubectl.genericKubernetesResources(r == null ? kind.context() : kind.contextOf(r.getApiVersion()))
                .inNamespace(namespace).withName(name);
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
        retryOnConflict(() -> resource(kind, namespace, name).edit(r -> change.apply(Serialization.clone(r))));
    }

    public void delete(Kind kind, String namespace, String name) {
        resource(kind, namespace, name).delete();
    }

    private static Kind kind(GenericKubernetesResource r) {
        Kind k = Kind.of(r.getApiVersion(), r.getKind());
        if (k == null) {
            throw new IllegalArgumentException("not a watched kind: " + r.getApiVersion() + " " + r.getKind());
        }
        return k;
    }

    @Override
    public void close() {
        kubectl.close();
        server.destroy();
    }
}
