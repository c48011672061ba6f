package io.camelmcp.gateway.kubernetes;

import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.registry.ServerRegistry;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Kubernetes registration, when {@code mcp.gateway.kubernetes.enabled} (set by itself in a pod with a service
 * account). The routes in {@code routes/kubernetes.yaml} drive it: events and a resync timer lead to one
 * reconcile at a time, and status writes are folded the same way.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KubernetesProperties.class)
@ConditionalOnProperty(name = "mcp.gateway.kubernetes.enabled", havingValue = "true")
public class KubernetesConfiguration {

    @Bean
    @ConditionalOnMissingBean
    KubernetesClient kubernetesClient(KubernetesProperties props) {
        Config config = props.getMasterUrl() == null || props.getMasterUrl().isBlank()
                ? Config.autoConfigure(null)
                : new ConfigBuilder(Config.empty()).withMasterUrl(props.getMasterUrl())
                        .withTrustCerts(props.isTrustCerts()).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Bean
    KubernetesWatcher kubernetesWatcher(KubernetesClient client, ProducerTemplate producer, KubernetesProperties props) {
        return new KubernetesWatcher(client, producer, props.getResyncInterval());
    }

    @Bean
    KubernetesRegistrations kubernetesRegistrations(KubernetesWatcher watcher, ServerRegistry registry,
                                                    KubernetesProperties props, ObjectMapper json) {
        return new KubernetesRegistrations(watcher, registry, props, json);
    }

    /** MCPAccessPolicy rules for the authorization (mcpAccess, AuthorizationConfiguration); kubernetes.yaml's reconcile. */
    @Bean
    KubernetesAccessPolicies kubernetesAccessPolicies(KubernetesWatcher watcher,
                                                      io.camelmcp.gateway.security.AccessControl mcpAccess, ObjectMapper json) {
        return new KubernetesAccessPolicies(watcher, mcpAccess, json);
    }

    /** MCPVirtualServer resources beside the configured virtual servers (mcpVirtualServers); kubernetes.yaml's reconcile. */
    @Bean
    KubernetesVirtualServers kubernetesVirtualServers(KubernetesWatcher watcher,
                                                      io.camelmcp.gateway.federation.VirtualServers mcpVirtualServers,
                                                      ObjectMapper json) {
        return new KubernetesVirtualServers(watcher, mcpVirtualServers, json);
    }

    @Bean
    StatusWriter kubernetesStatus(KubernetesClient client, KubernetesWatcher watcher, KubernetesRegistrations registrations,
                                  ServerRegistry registry, Catalog catalog, io.camelmcp.gateway.federation.ServerCalls calls,
                                  KubernetesProperties props, ObjectMapper json, ProducerTemplate producer,
                                  KubernetesVirtualServers virtualServers) {
        return new StatusWriter(client, watcher, registrations, registry, catalog, calls, props, json, producer,
                virtualServers);
    }

    /**
     * {@code kubernetes} in /actuator/health: UNKNOWN while a watch is down (the last registrations seen are still
     * served, so it is not part of readiness), with which replica writes status.
     */
    @Bean
    HealthIndicator kubernetesHealthIndicator(KubernetesWatcher watcher, StatusWriter status, KubernetesClient client) {
        return () -> {
            var down = watcher.notWatching().stream().map(Kind::kind).toList();
            return (down.isEmpty() ? Health.up() : Health.unknown())
                    .withDetail("apiServer", String.valueOf(client.getMasterUrl()))
                    .withDetail("notWatching", down)
                    .withDetail("writesStatus", status.leader())
                    .build();
        };
    }

    /** Watching starts once Camel runs: the first events already find their routes. */
    @EventListener(ApplicationStartedEvent.class)
    public void start(ApplicationStartedEvent event) {
        ObjectProvider<KubernetesWatcher> watcher = event.getApplicationContext().getBeanProvider(KubernetesWatcher.class);
        ObjectProvider<StatusWriter> status = event.getApplicationContext().getBeanProvider(StatusWriter.class);
        watcher.ifAvailable(KubernetesWatcher::start);
        status.ifAvailable(StatusWriter::start);
    }
}
