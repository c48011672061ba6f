package io.camelmcp.gateway.config;

import org.eclipse.jetty.ee10.webapp.AbstractConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.embedded.jetty.JettyServerCustomizer;
import org.springframework.boot.web.embedded.jetty.JettyServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.camelmcp.gateway.endpoint.HttpErrorHandler;

/**
 * The gateway's servlet container is Jetty: it holds an open GET stream for about 18 KiB of heap where Tomcat's
 * in-flight request kept some 110 KiB (bench/README). Declared here rather than left to Spring Boot's choice so that
 * Tomcat on the tests' class path (their MCP servers run on it) cannot take the gateway's place; Spring Boot's
 * customizers (server.*, virtual threads) still apply to this factory.
 */
@Configuration(proxyBeanMethods = false)
class JettyConfiguration {

    @Bean
    JettyServletWebServerFactory jettyServletWebServerFactory(ObjectProvider<JettyServerCustomizer> customizers) {
        JettyServletWebServerFactory factory = new JettyServletWebServerFactory();
        factory.getServerCustomizers().addAll(customizers.orderedStream().toList());
        factory.addServerCustomizers(server -> {
            // what the parser refuses (a bad header, two Content-Lengths) never reaches a context: the server answers
            server.setErrorHandler(new HttpErrorHandler());
            // Spring Boot's virtual-thread pool admits 200 tasks at once, and every open client stream is one: the
            // gateway bounds its streams itself (mcp.gateway.max-streams), so no semaphore (0: none) in front
            if (server.getThreadPool() instanceof VirtualThreadPool pool) {
                pool.setMaxThreads(0);
            }
        });
        // after Spring Boot's own configuration, which sets the context's error handler (an HTML page) as it starts
        factory.addConfigurations(new AbstractConfiguration(new AbstractConfiguration.Builder()) {
            @Override
            public void configure(WebAppContext context) {
                context.setErrorHandler(new HttpErrorHandler());
            }
        });
        return factory;
    }
}
