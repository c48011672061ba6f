package io.camelmcp.gateway.kubernetes;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Redis settings from Kubernetes: with {@code mcp.gateway.store=redis}, Kubernetes on and
 * {@code mcp.gateway.kubernetes.extension=ns/name}, reads that MCPGatewayExtension's
 * {@code spec.sessionStore.secretName} and turns the Secret's keys into {@code spring.data.redis.*}. Runs before
 * any bean exists, so it uses a short-lived client of its own. The property source sits just above the config
 * files: it wins over application.yaml and {@code spring.config.additional-location} files, while command-line
 * arguments, Java system properties and environment variables still win over it.
 */
public class SessionStoreSecret implements EnvironmentPostProcessor, Ordered {

    static final String SOURCE = "mcpGatewayExtensionSessionStore";
    static final String PREFIX = "spring.data.redis.";
    /** The Secret's documented keys and the property each one sets. */
    static final Map<String, String> KEYS = keys();

    private final Log log;

    public SessionStoreSecret(DeferredLogFactory logs) {
        this.log = logs.getLog(SessionStoreSecret.class);
    }

    private static Map<String, String> keys() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String key : List.of("url", "host", "port", "username", "password", "database")) {
            keys.put(key, PREFIX + key);
        }
        keys.put("ssl", PREFIX + "ssl.enabled");
        return java.util.Collections.unmodifiableMap(keys);
    }

    /** After {@link InClusterDetection}, which may turn Kubernetes on. */
    @Override
    public int getOrder() {
        return InClusterDetection.ORDER + 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (!"redis".equalsIgnoreCase(env.getProperty("mcp.gateway.store", "").strip())
                || !env.getProperty(InClusterDetection.ENABLED, Boolean.class, false)) {
            return;
        }
        String extension = env.getProperty("mcp.gateway.kubernetes.extension", "").strip();
        if (extension.isEmpty()) {
            log.info("Session store: no mcp.gateway.kubernetes.extension named, so no Secret is read; "
                    + "spring.data.redis.* apply as configured");
            return;
        }
        int slash = extension.indexOf('/');
        if (slash <= 0 || slash == extension.length() - 1 || extension.indexOf('/', slash + 1) >= 0) {
            throw new Failure("mcp.gateway.kubernetes.extension must be namespace/name, not '" + extension + "'");
        }
        Map<String, Object> settings;
        try (KubernetesClient client = client(env)) {
            settings = read(client, extension.substring(0, slash), extension.substring(slash + 1));
        }
        if (!settings.isEmpty()) {
            place(env.getPropertySources(), new MapPropertySource(SOURCE, settings));
        }
    }

    /** The client: the usual discovery or {@code master-url}, and timeouts of seconds, not minutes. */
    static KubernetesClient client(ConfigurableEnvironment env) {
        String masterUrl = env.getProperty("mcp.gateway.kubernetes.master-url", "").strip();
        Config base = masterUrl.isEmpty() ? Config.autoConfigure(null)
                : new ConfigBuilder(Config.empty()).withMasterUrl(masterUrl)
                        .withTrustCerts(env.getProperty("mcp.gateway.kubernetes.trust-certs", Boolean.class, false)).build();
        Config config = new ConfigBuilder(base).withConnectionTimeout(3_000).withRequestTimeout(5_000)
                .withRequestRetryBackoffLimit(1).withRequestRetryBackoffInterval(250).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** The settings of the extension's Secret; empty when the extension has no {@code sessionStore}. */
    Map<String, Object> read(KubernetesClient client, String namespace, String name) {
        String ext = "MCPGatewayExtension " + namespace + "/" + name;
        GenericKubernetesResource extension = null;
        // in the first version that has it: a cluster may serve only one of them (a version not served is a 404, null)
        for (String version : Kind.MCP_GATEWAY_EXTENSION.versions()) {
            try {
                extension = client.genericKubernetesResources(Kind.MCP_GATEWAY_EXTENSION.context(version))
                        .inNamespace(namespace).withName(name).get();
            } catch (KubernetesClientException e) {
                throw new Failure("cannot read " + ext + " from the API server " + client.getMasterUrl() + ": " + cause(e));
            }
            if (extension != null) {
                break;
            }
        }
        if (extension == null) {
            throw new Failure(ext + " (mcp.gateway.kubernetes.extension) was not found at " + client.getMasterUrl());
        }
        Object spec = extension.getAdditionalProperties().get("spec");
        Object store = spec instanceof Map<?, ?> s ? s.get("sessionStore") : null;
        if (!(store instanceof Map<?, ?> sessionStore)) {
            log.info("Session store: " + ext + " has no spec.sessionStore; spring.data.redis.* apply as configured");
            return Map.of();
        }
        Object secretName = sessionStore.get("secretName");
        if (!(secretName instanceof String secret) || secret.isBlank()) {
            throw new Failure(ext + " has a spec.sessionStore without secretName");
        }
        String where = "Secret " + namespace + "/" + secret + " (spec.sessionStore.secretName of " + ext + ")";
        Secret found;
        try {
            found = client.secrets().inNamespace(namespace).withName(secret).get();
        } catch (KubernetesClientException e) {
            throw new Failure("cannot read " + where + " from the API server " + client.getMasterUrl() + ": " + cause(e));
        }
        if (found == null) {
            throw new Failure(where + " was not found");
        }
        return settings(where, values(where, found));
    }

    /** What the API returns is base64 in {@code data}; {@code stringData} is taken too (a server that kept it). */
    private static Map<String, String> values(String where, Secret secret) {
        Map<String, String> values = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> {
                try {
                    values.put(key, new String(Base64.getDecoder().decode(value == null ? "" : value.strip()),
                            StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new Failure(where + ": the value of key " + key + " is not base64");
                }
            });
        }
        if (secret.getStringData() != null) {
            values.putAll(secret.getStringData());
        }
        return values;
    }

    private Map<String, Object> settings(String where, Map<String, String> values) {
        Map<String, Object> settings = new LinkedHashMap<>();
        TreeSet<String> unknown = new TreeSet<>();
        values.forEach((key, raw) -> {
            String property = KEYS.get(key);
            if (property == null) {
                unknown.add(key);
                return;
            }
            String value = "password".equals(key) ? raw : raw.strip(); // a password is taken as it is
            if (value.isEmpty()) {
                return;
            }
            switch (key) {
                case "url" -> {
                    if (!value.startsWith("redis://") && !value.startsWith("rediss://")) {
                        throw new Failure(where + ": key url must be a redis:// or rediss:// URL");
                    }
                }
                case "port", "database" -> {
                    if (!value.chars().allMatch(Character::isDigit) || value.length() > 9) {
                        throw new Failure(where + ": key " + key + " must be a number");
                    }
                }
                case "ssl" -> {
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        throw new Failure(where + ": key ssl must be true or false");
                    }
                    value = value.toLowerCase(java.util.Locale.ROOT);
                }
                default -> { }
            }
            settings.put(property, value);
        });
        if (!unknown.isEmpty()) {
            log.warn("Session store: " + where + " has keys the gateway does not use, ignored: "
                    + String.join(", ", unknown) + " (known: " + String.join(", ", KEYS.keySet()) + ")");
        }
        if (!settings.containsKey(PREFIX + "url") && !settings.containsKey(PREFIX + "host")) {
            throw new Failure(where + " has neither a url nor a host key");
        }
        log.info("Session store: Redis settings from " + where + ": " + String.join(", ", settings.keySet()));
        return settings;
    }

    /** Above the config files, below the command line, system properties and environment variables. */
    static void place(MutablePropertySources sources, MapPropertySource source) {
        for (String name : List.of(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME)) {
            if (sources.contains(name)) {
                sources.addAfter(name, source);
                return;
            }
        }
        sources.addFirst(source);
    }

    /** The innermost message: "Connection refused", "Forbidden", not fabric8's wrapping of it. */
    private static String cause(Throwable e) {
        if (e instanceof KubernetesClientException k && k.getCode() > 0) {
            return "HTTP " + k.getCode() + (k.getStatus() != null && k.getStatus().getMessage() != null
                    ? " " + k.getStatus().getMessage() : "");
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Start-up stops with this message alone ({@link SessionStoreSecretFailureAnalyzer}), no stack trace. */
    public static final class Failure extends IllegalStateException {
        Failure(String message) {
            super("Session store settings (mcp.gateway.store=redis): " + message);
        }
    }
}
