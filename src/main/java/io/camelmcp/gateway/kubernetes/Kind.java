package io.camelmcp.gateway.kubernetes;

import java.util.List;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Every kind the gateway watches. Read as generic resources (no model classes): the kgateway and Kuadrant
 * kinds have none in fabric8, and one way of reading all of them keeps the reconcile step uniform.
 * <p>
 * A kind may be served in several versions (Kuadrant's since 0.8: {@code v1}, stored, and {@code v1alpha1}); the
 * first is the preferred one. Each is watched, since a cluster may serve either alone (older or newer Kuadrant
 * CRDs), and objects are read in whichever version they were found.
 */
public enum Kind {
    MCP_SERVER_REGISTRATION("mcp.kuadrant.io", List.of("v1", "v1alpha1"), "MCPServerRegistration", "mcpserverregistrations"),
    MCP_GATEWAY_EXTENSION("mcp.kuadrant.io", List.of("v1", "v1alpha1"), "MCPGatewayExtension", "mcpgatewayextensions"),
    /** Curated subsets of the catalogue, Kuadrant's shape; see KubernetesVirtualServers. */
    MCP_VIRTUAL_SERVER("mcp.kuadrant.io", "v1", "MCPVirtualServer", "mcpvirtualservers"),
    /** Ours (the group mirrors the code's io.camelmcp.gateway): authorization rules, see KubernetesAccessPolicies. */
    MCP_ACCESS_POLICY("gateway.camelmcp.io", "v1alpha1", "MCPAccessPolicy", "mcpaccesspolicies"),
    HTTP_ROUTE("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes"),
    REFERENCE_GRANT("gateway.networking.k8s.io", "v1beta1", "ReferenceGrant", "referencegrants"),
    BACKEND("gateway.kgateway.dev", "v1alpha1", "Backend", "backends"),
    SERVICE("", "v1", "Service", "services"),
    ENDPOINT_SLICE("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices"),
    /** Only Secrets labelled {@link #SECRET_LABEL}=true: the gateway never caches the cluster's other secrets. */
    SECRET("", "v1", "Secret", "secrets");

    public static final String SECRET_LABEL = "mcp.kuadrant.io/secret";

    private final String group;
    private final List<ResourceDefinitionContext> contexts;

    Kind(String group, String version, String kind, String plural) {
        this(group, List.of(version), kind, plural);
    }

    Kind(String group, List<String> versions, String kind, String plural) {
        this.group = group;
        this.contexts = versions.stream().map(v -> new ResourceDefinitionContext.Builder()
                .withGroup(group).withVersion(v).withKind(kind).withPlural(plural).withNamespaced(true).build()).toList();
    }

    /** The preferred version's. */
    public ResourceDefinitionContext context() { return contexts.getFirst(); }

    /** The context of one of {@link #versions()}. */
    public ResourceDefinitionContext context(String version) {
        for (ResourceDefinitionContext c : contexts) {
            if (c.getVersion().equals(version)) {
                return c;
            }
        }
        throw new IllegalArgumentException(kind() + " is not watched in version " + version);
    }

    /** The context of the version an object was read in ({@code apiVersion}); the preferred one if not ours. */
    public ResourceDefinitionContext contextOf(String apiVersion) {
        for (ResourceDefinitionContext c : contexts) {
            if (apiVersion(c.getVersion()).equals(apiVersion)) {
                return c;
            }
        }
        return context();
    }

    /** The versions watched, the preferred one first. */
    public List<String> versions() {
        return contexts.stream().map(ResourceDefinitionContext::getVersion).toList();
    }

    public String group() { return group; }

    public String kind() { return context().getKind(); }

    /** The preferred version's apiVersion. */
    public String apiVersion() { return apiVersion(context().getVersion()); }

    public String apiVersion(String version) {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The kind an object of this apiVersion and kind is, null if none is watched. */
    public static Kind of(String apiVersion, String kind) {
        for (Kind k : values()) {
            if (k.kind().equals(kind) && k.versions().stream().anyMatch(v -> k.apiVersion(v).equals(apiVersion))) {
                return k;
            }
        }
        return null;
    }
}
