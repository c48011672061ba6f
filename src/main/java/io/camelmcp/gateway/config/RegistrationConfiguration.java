package io.camelmcp.gateway.config;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.camelmcp.gateway.endpoint.McpServlet;
import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.registration.ApiKeys;
import io.camelmcp.gateway.registration.ApiServlet;
import io.camelmcp.gateway.registration.InMemoryRegistrationStore;
import io.camelmcp.gateway.registration.RegistrationApi;
import io.camelmcp.gateway.registration.RegistrationProperties;
import io.camelmcp.gateway.registration.RegistrationStore;
import io.camelmcp.gateway.registration.Registrations;
import io.camelmcp.gateway.registry.ServerRegistry;

/**
 * The REST self-registration API ({@code /api/v1}, routes/registration-api.yaml): always wired, answering 404 while no
 * API key is configured, so that turning it on is a property and not a different application.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RegistrationProperties.class)
public class RegistrationConfiguration {

    /** Where the API's servlet is mapped; the rest DSL's paths are relative to it. */
    public static final String API_PATH = "/api/v1";

    @Bean
    ApiKeys mcpApiKeys(RegistrationProperties props) {
        return new ApiKeys(props.getApiKeys());
    }

    /** Shared by every replica with the Redis store; this JVM's otherwise. */
    @Bean
    RegistrationStore mcpRegistrationStore(GatewayProperties props,
                                           ObjectProvider<RedisStoreConfiguration.RedisStores> redis) {
        return props.getStore() == GatewayProperties.Store.REDIS ? redis.getObject().registrations()
                : new InMemoryRegistrationStore();
    }

    @Bean
    Registrations mcpRegistrations(RegistrationStore store, ServerRegistry registry, RegistrationProperties props,
                                   ApiKeys keys) {
        return new Registrations(store, registry, props, Clock.systemUTC(), keys.enabled());
    }

    @Bean
    RegistrationApi mcpRegistrationApi(Registrations registrations, ApiKeys keys, ServerRegistry registry, Catalog catalog,
                                       io.camelmcp.gateway.federation.DiscoveryService discovery, ObjectMapper mapper,
                                       RegistrationProperties props) {
        return new RegistrationApi(registrations, keys, registry, catalog, discovery::lastFailure, mapper, props);
    }

    /** {@code /api/v1/*}: Camel's servlet for the rest DSL consumers, on the same registry as /mcp's but never /mcp. */
    @Bean
    ServletRegistrationBean<ApiServlet> mcpApiServlet(org.apache.camel.http.common.HttpRegistry mcpHttpRegistry,
                                                       ApiKeys keys, ObjectMapper mapper) {
        var reg = new ServletRegistrationBean<>(new ApiServlet(mcpHttpRegistry, keys, McpServlet.PATH, mapper),
                API_PATH + "/*");
        reg.setName("mcp-api");
        reg.setLoadOnStartup(1);
        return reg;
    }
}
