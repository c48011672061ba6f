package io.camelmcp.gateway.config;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.kubernetes.KubernetesAccessPolicies;
import io.camelmcp.gateway.kubernetes.KubernetesWatcher;
import io.camelmcp.gateway.relay.ClientStreams;
import io.camelmcp.gateway.relay.Subscriptions;
import io.camelmcp.gateway.security.AccessControl;
import io.camelmcp.gateway.security.AuthorizationProperties;

/**
 * Per-tool authorization ({@code mcp.gateway.security.authorization.*}, docs/security-authorization.md): the routes'
 * {@code mcpAccess} step, always wired (no rules: it lets everything through at its first branch), and with Kubernetes
 * on, the MCPAccessPolicy rules that join the configured ones.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthorizationProperties.class)
public class AuthorizationConfiguration {

    @Bean
    AccessControl mcpAccess(AuthorizationProperties props, ObjectProvider<ClientStreams> streams,
                            ObjectProvider<Subscriptions> subscriptions) {
        AccessControl access = new AccessControl(props);
        // new rules change what each caller may list: tell listening clients, as a change of the catalogue does
        access.onChange(() -> {
            for (String method : new String[] {"notifications/tools/list_changed", "notifications/prompts/list_changed",
                    "notifications/resources/list_changed"}) {
                streams.ifAvailable(s -> s.broadcast(method));
                subscriptions.ifAvailable(s -> s.changed(method));
            }
        });
        return access;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "mcp.gateway.kubernetes.enabled", havingValue = "true")
    static class FromKubernetes {
        /** Used by the kubernetes-reconcile route (kubernetes.yaml). */
        @Bean
        KubernetesAccessPolicies kubernetesAccessPolicies(KubernetesWatcher watcher, AccessControl mcpAccess,
                                                          ObjectMapper json) {
            return new KubernetesAccessPolicies(watcher, mcpAccess, json);
        }
    }
}
