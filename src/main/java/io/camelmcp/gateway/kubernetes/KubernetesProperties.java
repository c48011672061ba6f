package io.camelmcp.gateway.kubernetes;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Everything under {@code mcp.gateway.kubernetes.*}: registration from Kubernetes resources. */
@ConfigurationProperties(prefix = "mcp.gateway.kubernetes")
public class KubernetesProperties {

    /** How the gateway reaches a registered Service. */
    public enum UpstreamAddress {
        /** A ready endpoint of the Service (from its EndpointSlices): follows readiness, no extra hop. */
        ENDPOINTS,
        /** The Service's cluster DNS name and port, balanced by kube-proxy. */
        SERVICE,
        /** The Gateway's address ({@code gateway-url}), with the HTTPRoute's first hostname as Host header. */
        GATEWAY
    }

    /**
     * Register servers from MCPServerRegistration, MCPGatewayExtension, HTTPRoute and kgateway Backend resources.
     * Off on a workstation; turned on by itself when the gateway finds an in-cluster service account.
     */
    private boolean enabled = false;

    /** API server URL; empty: the usual discovery (in-cluster service account, KUBECONFIG, ~/.kube/config). */
    private String masterUrl;

    /** Trust the API server's certificate without verification (test clusters only). */
    private boolean trustCerts = false;

    /** Serve only this MCPGatewayExtension ({@code namespace/name}); empty: every Ready one. */
    private String extension;

    private UpstreamAddress upstreamAddress = UpstreamAddress.ENDPOINTS;

    /** Used with {@code upstream-address: service}. */
    private String clusterDomain = "cluster.local";

    /** The Gateway's address, e.g. http://mcp-gateway-istio.gateway-system:8080, for {@code upstream-address: gateway}. */
    private String gatewayUrl;

    /** Informers re-deliver their cache this often and the registry is recomputed: repairs any drift. */
    private Duration resyncInterval = Duration.ofMinutes(5);

    private final Lease lease = new Lease();

    public static class Lease {
        /** Lease object that elects the one replica that writes status. */
        private String name = "camel-mcp-gateway-status";
        /** Namespace of the Lease; empty: the pod's namespace (POD_NAMESPACE or the service account's). */
        private String namespace;
        /** This replica's identity in the Lease; empty: POD_NAME or the host name. */
        private String identity;
        private Duration duration = Duration.ofSeconds(15);
        private Duration renewDeadline = Duration.ofSeconds(10);
        private Duration retryPeriod = Duration.ofSeconds(2);

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getNamespace() { return namespace; }
        public void setNamespace(String namespace) { this.namespace = namespace; }
        public String getIdentity() { return identity; }
        public void setIdentity(String identity) { this.identity = identity; }
        public Duration getDuration() { return duration; }
        public void setDuration(Duration duration) { this.duration = duration; }
        public Duration getRenewDeadline() { return renewDeadline; }
        public void setRenewDeadline(Duration renewDeadline) { this.renewDeadline = renewDeadline; }
        public Duration getRetryPeriod() { return retryPeriod; }
        public void setRetryPeriod(Duration retryPeriod) { this.retryPeriod = retryPeriod; }
    }

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getMasterUrl() { return masterUrl; }
    public void setMasterUrl(String masterUrl) { this.masterUrl = masterUrl; }
    public boolean isTrustCerts() { return trustCerts; }
    public void setTrustCerts(boolean trustCerts) { this.trustCerts = trustCerts; }
    public String getExtension() { return extension; }
    public void setExtension(String extension) { this.extension = extension; }
    public UpstreamAddress getUpstreamAddress() { return upstreamAddress; }
    public void setUpstreamAddress(UpstreamAddress upstreamAddress) { this.upstreamAddress = upstreamAddress; }
    public String getClusterDomain() { return clusterDomain; }
    public void setClusterDomain(String clusterDomain) { this.clusterDomain = clusterDomain; }
    public String getGatewayUrl() { return gatewayUrl; }
    public void setGatewayUrl(String gatewayUrl) { this.gatewayUrl = gatewayUrl; }
    public Duration getResyncInterval() { return resyncInterval; }
    public void setResyncInterval(Duration resyncInterval) { this.resyncInterval = resyncInterval; }
    public Lease getLease() { return lease; }
}
