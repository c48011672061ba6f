package io.camelmcp.gateway.config;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelConfigurationProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import io.camelmcp.gateway.endpoint.McpServlet;
import io.camelmcp.gateway.health.RouteFilesHealthIndicator;
import io.camelmcp.gateway.routes.RouteFiles;
import io.camelmcp.gateway.routes.RouteSources;

/**
 * Where the routes come from: the bundled files, or with {@code mcp.gateway.routes-dir} the files of that directory in
 * place of the bundled ones of the same name, plus its other files, reloaded while the gateway runs.
 */
@Configuration(proxyBeanMethods = false)
public class RoutesConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesConfiguration.class);

    /** The routes directory, or null; read from the environment, as it is needed before properties beans exist. */
    static Path routesDir(Environment env) {
        String dir = Binder.get(env).bind("mcp.gateway.routes-dir", String.class).orElse(null);
        return dir == null || dir.isBlank() ? null : Path.of(dir).toAbsolutePath().normalize();
    }

    /**
     * Rewrites {@code camel.main.routes-include-pattern} before Camel loads the routes: a bundled file the directory has
     * a file of the same name for is left out (loading both would define their route ids twice).
     */
    @Bean
    static BeanPostProcessor routesDirIncludePattern(Environment env) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof CamelConfigurationProperties camel) {
                    Path dir = routesDir(env);
                    if (dir != null && camel.getMain().isRoutesReloadEnabled()) {
                        // Camel's reload would load the directory a second time beside the bundled routes (duplicate
                        // route ids) and by default remove every other route when a file changes
                        throw new IllegalStateException("mcp.gateway.routes-dir reloads its directory itself: leave "
                                + "camel.main.routes-reload-enabled off (see docs/routes.md)");
                    }
                    if (dir != null) {
                        if (!Files.isDirectory(dir)) {
                            try {
                                Files.createDirectories(dir); // routes can be added to it later
                            } catch (java.io.IOException e) {
                                throw new IllegalStateException("mcp.gateway.routes-dir " + dir + " is not a directory", e);
                            }
                        }
                        RouteSources sources = RouteSources.of(camel.getMain().getRoutesIncludePattern(), dir,
                                new PathMatchingResourcePatternResolver());
                        camel.getMain().setRoutesIncludePattern(sources.includePattern());
                        LOG.info("Routes from {} ({} in place of the bundled files of the same name) and the bundled {}",
                                dir, sources.overridden().isEmpty() ? "none" : String.join(", ", sources.overridden()),
                                sources.bundled().keySet().stream().filter(n -> !sources.overridden().contains(n)).toList());
                    }
                }
                return bean;
            }
        };
    }

    @Bean(destroyMethod = "close")
    RouteFiles routeFiles(CamelContext camel, Environment env, GatewayProperties props,
                          io.camelmcp.gateway.federation.ServerCalls calls) {
        Path dir = routesDir(env);
        if (dir == null) {
            return null;
        }
        // the bundled files as configured before the post-processor above rewrote the pattern
        String configured = env.getProperty("camel.main.routes-include-pattern", "classpath:routes/*.yaml");
        RouteSources sources = RouteSources.of(configured, dir, new PathMatchingResourcePatternResolver());
        RouteFiles files = new RouteFiles(camel, dir, sources.bundled(), props.getRoutesReloadInterval());
        // the servers' routes are made from a template: a reloaded file may have changed it
        files.onReload(calls::templatesChanged);
        return files;
    }

    @Bean
    RouteFilesHealthIndicator routeFilesHealthIndicator(ObjectProvider<RouteFiles> files) {
        return new RouteFilesHealthIndicator(files.getIfAvailable());
    }

    /**
     * The body of a route is the JSON-RPC message as a Jackson tree: {@code ${body}} and any conversion to text give
     * its compact JSON, one line as it travels (camel-jackson's own converter, for any JsonNode, pretty-prints it).
     */
    @Bean
    org.apache.camel.spring.boot.CamelContextConfiguration compactJsonBodies() {
        return new org.apache.camel.spring.boot.CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                org.apache.camel.TypeConverter compact = new org.apache.camel.support.TypeConverterSupport() {
                    @Override
                    public <T> T convertTo(Class<T> type, org.apache.camel.Exchange exchange, Object value) {
                        return type.cast(value.toString()); // JsonNode#toString: compact JSON
                    }
                };
                camel.getTypeConverterRegistry().addTypeConverter(String.class,
                        com.fasterxml.jackson.databind.node.ObjectNode.class, compact);
                camel.getTypeConverterRegistry().addTypeConverter(String.class,
                        com.fasterxml.jackson.databind.node.ArrayNode.class, compact);
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // nothing after start
            }
        };
    }

    /**
     * The routes' bean steps on the gateway's own beans called with their method and parameters resolved once, not
     * bound by Camel for every message (DirectBeanProcessors); any other bean step stays Camel's.
     */
    @Bean
    org.apache.camel.spring.boot.CamelContextConfiguration directBeanSteps() {
        return new org.apache.camel.spring.boot.CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                org.apache.camel.spi.BeanProcessorFactory own =
                        org.apache.camel.support.PluginHelper.getBeanProcessorFactory(camel);
                camel.getCamelContextExtension().addContextPlugin(org.apache.camel.spi.BeanProcessorFactory.class,
                        new io.camelmcp.gateway.routes.DirectBeanProcessors(own));
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // nothing after start
            }
        };
    }

    /** One line that says where the endpoint is, once the routes serve it. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> mcpEndpointReadyLog(Environment env) {
        return event -> {
            if (event.getApplicationContext() instanceof WebServerApplicationContext web && web.getWebServer() != null) {
                String host = env.getProperty("server.address", "localhost");
                if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                    host = "localhost"; // every interface: this machine's is one of them
                }
                String context = env.getProperty("server.servlet.context-path", "");
                LOG.info("MCP endpoint ready at http://{}:{}{}{}", host, web.getWebServer().getPort(), context,
                        McpServlet.PATH);
            }
        };
    }
}
