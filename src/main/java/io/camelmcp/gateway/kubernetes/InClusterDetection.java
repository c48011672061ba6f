package io.camelmcp.gateway.kubernetes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns Kubernetes registration on when the gateway runs in a pod with a service account and nobody set
 * {@code mcp.gateway.kubernetes.enabled}: the same jar runs on a workstation (off) and in a cluster (on).
 */
public class InClusterDetection implements EnvironmentPostProcessor, Ordered {

    /** Late, after the config files are read; {@link SessionStoreSecret} comes right after. */
    static final int ORDER = Ordered.LOWEST_PRECEDENCE - 1;

    static final String ENABLED = "mcp.gateway.kubernetes.enabled";
    static final Path TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        apply(env, System::getenv, TOKEN);
    }

    static void apply(ConfigurableEnvironment env, java.util.function.UnaryOperator<String> variables, Path token) {
        if (env.getProperty(ENABLED) == null && variables.apply("KUBERNETES_SERVICE_HOST") != null
                && Files.isReadable(token)) {
            env.getPropertySources().addLast(new MapPropertySource("in-cluster", Map.of(ENABLED, "true")));
        }
    }
}
