package io.camelmcp.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code mcp.gateway.security.audit.*}: the audit log, one JSON line per tool call on the logger
 * {@code io.camelmcp.gateway.audit} (INFO). On by default: who called what, when, and how it ended is what a security
 * review asks first; off with {@code enabled: false} or {@code logging.level.io.camelmcp.gateway.audit: OFF}.
 */
@ConfigurationProperties("mcp.gateway.security.audit")
public class AuditProperties {

    /** Whether tool calls are audited. */
    private boolean enabled = true;

    /**
     * Whether the line carries the call's arguments, as the client sent them. Off by default: arguments may hold
     * personal data or secrets the log must not keep.
     */
    private boolean includeArguments;

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public boolean isIncludeArguments() { return includeArguments; }
    public void setIncludeArguments(boolean includeArguments) { this.includeArguments = includeArguments; }
}
