package io.camelmcp.gateway.config;

import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.camelmcp.gateway.endpoint.HttpErrorValve;

/**
 * The container's error answers are the gateway's ({@link HttpErrorValve}): Tomcat's host gets that valve instead of
 * its HTML one (and instead of the one Spring Boot adds to hide stack traces); Spring's /error page is not
 * registered (ErrorMvcAutoConfiguration is excluded in application.yaml), so every error nobody answered reaches it.
 */
@Configuration(proxyBeanMethods = false)
class HttpErrorsConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> mcpHttpErrors() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(HttpErrorValve.class.getName());
            }
            // when the context starts, every customizer (Spring Boot's own valve among them) has run
            context.addLifecycleListener(event -> {
                if (Lifecycle.BEFORE_START_EVENT.equals(event.getType()) && context.getParent() != null) {
                    Pipeline pipeline = context.getParent().getPipeline();
                    boolean ours = false;
                    for (Valve valve : pipeline.getValves()) {
                        if (valve instanceof HttpErrorValve) {
                            ours = true;
                        } else if (valve instanceof ErrorReportValve) {
                            pipeline.removeValve(valve);
                        }
                    }
                    if (!ours) {
                        pipeline.addValve(new HttpErrorValve());
                    }
                }
            });
        });
    }
}
