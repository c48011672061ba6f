package io.camelmcp.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code mcp.gateway.security.audit.*}: the audit log, one JSON line per tool call on the logger
 * {@code io.camelmcp.gateway.audit} (INFO). On whenever security is (who called what, when, and how it ended is what a
 * security review asks first); off in the embedded default, where every caller is anonymous and a line per call would
 * be the hot path's largest cost. {@code enabled} decides either way.
 */
@ConfigurationProperties("mcp.gateway.security.audit")
public class AuditProperties {

    /** Whether tool calls are audited; unset: when security is on. */
    private Boolean enabled;

    /**
     * Whether the line carries the call's arguments, as the client sent them. Off by default: arguments may hold
     * personal data or secrets the log must not keep.
     */
    private boolean includeArguments;

    public Boolean getEnabled() { return enabled; }
    public void setEnabled(Boolean enabled) { this.enabled = enabled; }
    public boolean isIncludeArguments() { return includeArguments; }
    public void setIncludeArguments(boolean includeArguments) { this.includeArguments = includeArguments; }
}
