package io.camelmcp.gateway.config;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.camelmcp.gateway.relay.ClientStreams;
import io.camelmcp.gateway.relay.Subscriptions;
import io.camelmcp.gateway.security.AccessControl;
import io.camelmcp.gateway.security.AuthorizationProperties;

/**
 * Per-tool authorization ({@code mcp.gateway.security.authorization.*}, docs/security-authorization.md): the routes'
 * {@code mcpAccess} step, always wired (no rules: it lets everything through at its first branch). The MCPAccessPolicy
 * rules that join the configured ones with Kubernetes on are wired with the other Kubernetes beans
 * (KubernetesConfiguration), so that Spring AOT's switch for that part (AotSwitches) drops them together.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthorizationProperties.class)
public class AuthorizationConfiguration {

    @Bean
    AccessControl mcpAccess(AuthorizationProperties props, ObjectProvider<ClientStreams> streams,
                            ObjectProvider<Subscriptions> subscriptions) {
        AccessControl access = new AccessControl(props);
        // new rules change what each caller may list: tell listening clients, as a change of the catalogue does
        access.onChange(listsChanged(streams, subscriptions));
        return access;
    }

    /** Tells every listening client (GET streams, 2026-07-28 subscriptions) that all its lists may have changed. */
    static Runnable listsChanged(ObjectProvider<ClientStreams> streams, ObjectProvider<Subscriptions> subscriptions) {
        return () -> {
            for (String method : new String[] {"notifications/tools/list_changed", "notifications/prompts/list_changed",
                    "notifications/resources/list_changed"}) {
                streams.ifAvailable(s -> s.broadcast(method));
                subscriptions.ifAvailable(s -> s.changed(method));
            }
        };
    }
}
