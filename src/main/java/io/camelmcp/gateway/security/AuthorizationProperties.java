package io.camelmcp.gateway.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code mcp.gateway.security.authorization.*}: per-tool authorization (docs/security-authorization.md). No rules here
 * and none from Kubernetes: every caller may use everything, as before.
 */
@ConfigurationProperties(prefix = "mcp.gateway.security.authorization")
public class AuthorizationProperties {

    /** The rules; combined with those of MCPAccessPolicy resources. Their order does not matter: deny wins. */
    private List<AccessRule> rules = new ArrayList<>();

    /**
     * The effect for an item no rule covers for the caller ({@code default}). Unset: {@code deny} as soon as any allow
     * rule exists (an allow list is meant to be the whole list), else {@code allow}.
     */
    private AccessRule.Effect defaultEffect;

    /**
     * Answer a denied call as an unknown one (-32602 "Unknown tool: ..."), as if the item did not exist, instead of
     * -32003 "Not permitted" naming the rule: callers cannot probe which names exist.
     */
    private boolean concealDenied = false;

    public List<AccessRule> getRules() { return rules; }
    public void setRules(List<AccessRule> rules) { this.rules = rules == null ? new ArrayList<>() : rules; }
    /** Bound from {@code default} (a Java keyword, hence the field's name). */
    public AccessRule.Effect getDefault() { return defaultEffect; }
    public void setDefault(AccessRule.Effect effect) { this.defaultEffect = effect; }
    public boolean isConcealDenied() { return concealDenied; }
    public void setConcealDenied(boolean concealDenied) { this.concealDenied = concealDenied; }
}
