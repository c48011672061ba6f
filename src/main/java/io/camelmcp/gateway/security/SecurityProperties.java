package io.camelmcp.gateway.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * {@code mcp.gateway.security.*}: inbound authentication of /mcp and the actuator. Bearer JWTs are configured with
 * Spring Boot's own {@code spring.security.oauth2.resourceserver.jwt.*} (issuer-uri, jwk-set-uri, audiences); API
 * keys here. Security is on as soon as either is configured (or with {@code enabled: true}), off in the embedded
 * default.
 */
@ConfigurationProperties(prefix = "mcp.gateway.security")
public class SecurityProperties {

    /** On or off; unset: on when a JWT issuer or JWK set, or an API key, is configured. */
    private Boolean enabled;
    /**
     * The gateway's resource URL: the canonical URI of its MCP endpoint (e.g. https://mcp.example.com/mcp). Tokens must
     * name it as their audience (unless spring.security.oauth2.resourceserver.jwt.audiences says otherwise), and it is
     * the {@code resource} of the protected resource metadata. Unset: taken from each request (metadata only).
     */
    private String resource;
    /** Human-readable name in the protected resource metadata. */
    private String resourceName = "Camel MCP Gateway";
    /** The metadata's authorization_servers; empty: the JWT issuer-uri. */
    private List<String> authorizationServers = new ArrayList<>();
    /** The metadata's scopes_supported (and the scope of a 401's challenge when no scope is required). */
    private List<String> scopesSupported = new ArrayList<>();
    /** Scopes every /mcp request needs: without them, 403 insufficient_scope. Empty: any valid token. */
    private List<String> requiredScopes = new ArrayList<>();
    /** The scope that opens the actuator (health details, /actuator/mcpservers, metrics) when security is on. */
    private String adminScope = "mcp:admin";
    /** How far a token's exp/nbf may be off the gateway's clock (Spring Security's default). */
    private java.time.Duration clockSkew = java.time.Duration.ofSeconds(60);
    /** The JWT claim naming the groups of its subject (for authorization rules). */
    private String groupsClaim = "groups";
    /** API keys: sent as X-API-Key or Authorization: Bearer. */
    private List<ApiKey> apiKeys = new ArrayList<>();

    /** Whether security is on, decided from the environment alone (the same rule before the context exists). */
    public static boolean enabled(Environment env) {
        Boolean explicit = env.getProperty("mcp.gateway.security.enabled", Boolean.class);
        if (explicit != null) {
            return explicit;
        }
        if (hasText(env.getProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri"))
                || hasText(env.getProperty("spring.security.oauth2.resourceserver.jwt.jwk-set-uri"))) {
            return true;
        }
        return !Binder.get(env).bind("mcp.gateway.security.api-keys", Bindable.listOf(ApiKey.class))
                .orElse(List.of()).isEmpty();
    }

    static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }

    public static class ApiKey {
        /** Who the key's holder is (the identity's name, what sessions, rules and the audit log see). */
        private String name;
        /** The key itself: a long random secret (32+ characters). */
        private String key;
        /** The scopes the key grants. */
        private List<String> scopes = new ArrayList<>();

        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public String getKey() { return key; }
        public void setKey(String key) { this.key = key; }
        public List<String> getScopes() { return scopes; }
        public void setScopes(List<String> scopes) { this.scopes = scopes; }

        @Override
        public String toString() {
            return "ApiKey[name=" + name + ", scopes=" + scopes + "]"; // never the key
        }
    }

    public Boolean getEnabled() { return enabled; }
    public void setEnabled(Boolean enabled) { this.enabled = enabled; }
    public String getResource() { return resource; }
    public void setResource(String resource) { this.resource = resource; }
    public String getResourceName() { return resourceName; }
    public void setResourceName(String resourceName) { this.resourceName = resourceName; }
    public List<String> getAuthorizationServers() { return authorizationServers; }
    public void setAuthorizationServers(List<String> authorizationServers) { this.authorizationServers = authorizationServers; }
    public List<String> getScopesSupported() { return scopesSupported; }
    public void setScopesSupported(List<String> scopesSupported) { this.scopesSupported = scopesSupported; }
    public List<String> getRequiredScopes() { return requiredScopes; }
    public void setRequiredScopes(List<String> requiredScopes) { this.requiredScopes = requiredScopes; }
    public String getAdminScope() { return adminScope; }
    public void setAdminScope(String adminScope) { this.adminScope = adminScope; }
    public java.time.Duration getClockSkew() { return clockSkew; }
    public void setClockSkew(java.time.Duration clockSkew) { this.clockSkew = clockSkew; }
    public String getGroupsClaim() { return groupsClaim; }
    public void setGroupsClaim(String groupsClaim) { this.groupsClaim = groupsClaim; }
    public List<ApiKey> getApiKeys() { return apiKeys; }
    public void setApiKeys(List<ApiKey> apiKeys) { this.apiKeys = apiKeys; }
}
