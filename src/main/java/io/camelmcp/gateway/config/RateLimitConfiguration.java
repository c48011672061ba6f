package io.camelmcp.gateway.config;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.relay.RoundTrips;
import io.camelmcp.gateway.security.AuditLog;
import io.camelmcp.gateway.security.AuditProperties;
import io.camelmcp.gateway.security.RateLimitProperties;
import io.camelmcp.gateway.security.RateLimits;

/**
 * Rate limits ({@code mcp.gateway.security.rate-limits.*}) and the audit log ({@code mcp.gateway.security.audit.*}):
 * the first two steps of tools-call.yaml. Always wired, so that the route's steps resolve; what is not configured
 * does nothing.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({RateLimitProperties.class, AuditProperties.class})
public class RateLimitConfiguration {

    @Bean
    RateLimits mcpRateLimits(RateLimitProperties props, RoundTrips roundTrips) {
        return new RateLimits(props, roundTrips::resumes);
    }

    @Bean
    AuditLog mcpAudit(AuditProperties props, ObjectMapper mapper, org.springframework.core.env.Environment env) {
        if (props.getEnabled() == null) {
            props.setEnabled(io.camelmcp.gateway.security.SecurityProperties.enabled(env)); // on with security
        }
        return new AuditLog(props, mapper);
    }
}
