package io.camelmcp.gateway.kubernetes;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * Every kind the gateway watches. Read as generic resources (no model classes): the kgateway and Kuadrant
 * kinds have none in fabric8, and one way of reading all of them keeps the reconcile step uniform.
 */
public enum Kind {
    MCP_SERVER_REGISTRATION("mcp.kuadrant.io", "v1alpha1", "MCPServerRegistration", "mcpserverregistrations"),
    MCP_GATEWAY_EXTENSION("mcp.kuadrant.io", "v1alpha1", "MCPGatewayExtension", "mcpgatewayextensions"),
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
    private final ResourceDefinitionContext context;

    Kind(String group, String version, String kind, String plural) {
        this.group = group;
        this.context = new ResourceDefinitionContext.Builder()
                .withGroup(group).withVersion(version).withKind(kind).withPlural(plural).withNamespaced(true).build();
    }

    public ResourceDefinitionContext context() { return context; }

    public String group() { return group; }

    public String kind() { return context.getKind(); }

    public String apiVersion() {
        return group.isEmpty() ? context.getVersion() : group + "/" + context.getVersion();
    }
}
