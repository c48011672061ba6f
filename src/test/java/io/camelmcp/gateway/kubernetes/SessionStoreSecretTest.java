package io.camelmcp.gateway.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

import io.camelmcp.gateway.GatewayApplication;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * {@link SessionStoreSecret} against fabric8's mock API server (CRUD mode, our CRDs): the MCPGatewayExtension's
 * {@code spec.sessionStore.secretName} becomes {@code spring.data.redis.*}, and each way it can go wrong stops
 * start-up with one message naming the extension and the Secret.
 */
@ExtendWith(OutputCaptureExtension.class)
class SessionStoreSecretTest {

    static KubernetesApi api;

    @BeforeAll
    static void start() throws Exception {
        api = new KubernetesApi();
        extension("with-store", "redis-credentials");
        extension("without-store", null);
        extension("missing-secret", "absent");
        extension("no-address", "no-address");
        secret("redis-credentials", Map.of("url", "rediss://gw:s3cret@redis.example:6380", "tls-ca", "not-for-us",
                "comment", "hello"));
        secret("no-address", Map.of("password", "p", "port", "6379"));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static void extension(String name, String secretName) {
        api.apply("""
                apiVersion: mcp.kuadrant.io/v1alpha1
                kind: MCPGatewayExtension
                metadata:
                  name: %s
                  namespace: mcp-test
                spec:
                  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: mcp-gateway, namespace: gateway-system}
                %s""".formatted(name, secretName == null ? "" : "  sessionStore: {secretName: " + secretName + "}\n"));
    }

    /** As the API returns it: base64 in {@code data}, no {@code stringData}. */
    static void secret(String name, Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        api.client().secrets().inNamespace("mcp-test").resource(new SecretBuilder()
                .withNewMetadata().withName(name).withNamespace("mcp-test").endMetadata().withData(data).build()).createOr(
                        op -> op.update());
    }

    static StandardEnvironment env(String extension, String... more) {
        StandardEnvironment env = new StandardEnvironment();
        Map<String, Object> props = new LinkedHashMap<>(Map.of("mcp.gateway.store", "redis",
                "mcp.gateway.kubernetes.enabled", "true", "mcp.gateway.kubernetes.master-url", api.url(),
                "mcp.gateway.kubernetes.extension", extension));
        for (int i = 0; i < more.length; i += 2) {
            props.put(more[i], more[i + 1]);
        }
        // where application.yaml and spring.config.additional-location files are: after the environment
        env.getPropertySources().addLast(new MapPropertySource("Config resource 'application.yaml'", props));
        return env;
    }

    static void run(ConfigurableEnvironment env) {
        new SessionStoreSecret(destination -> LogFactory.getLog(SessionStoreSecret.class)).postProcessEnvironment(env, null);
    }

    @Test
    void theExtensionsSecretBecomesSpringDataRedisAndUnknownKeysAreNamedNotShown(CapturedOutput output) {
        StandardEnvironment env = env("mcp-test/with-store", "spring.data.redis.url", "redis://localhost:6379");
        run(env);
        assertThat(env.getProperty("spring.data.redis.url")).isEqualTo("rediss://gw:s3cret@redis.example:6380");
        assertThat(env.getPropertySources().get(SessionStoreSecret.SOURCE).getSource())
                .isEqualTo(Map.of("spring.data.redis.url", "rediss://gw:s3cret@redis.example:6380"));
        assertThat(output).contains("Secret mcp-test/redis-credentials", "ignored: comment, tls-ca")
                .doesNotContain("not-for-us", "hello", "s3cret");
    }

    @Test
    void theRedisOverlaysExtensionAndSecretGiveItsDemoRedis() throws Exception {
        api.applyFile("k8s/redis/session-store.yaml"); // the Secret as written, with stringData
        StandardEnvironment env = env("mcp-test/mcp-extension");
        run(env);
        assertThat(env.getPropertySources().get(SessionStoreSecret.SOURCE).getSource())
                .isEqualTo(Map.of("spring.data.redis.url", "redis://redis:6379"));
    }

    @Test
    void everyDocumentedKeyHasItsProperty() {
        secret("all-keys", Map.of("host", " redis.mcp-system ", "port", "6380", "username", "gw", "password", "p a ss ",
                "database", "2", "ssl", "TRUE"));
        extension("all-keys", "all-keys");
        StandardEnvironment env = env("mcp-test/all-keys");
        run(env);
        assertThat(env.getPropertySources().get(SessionStoreSecret.SOURCE).getSource()).isEqualTo(Map.of(
                "spring.data.redis.host", "redis.mcp-system", "spring.data.redis.port", "6380",
                "spring.data.redis.username", "gw", "spring.data.redis.password", "p a ss ",
                "spring.data.redis.database", "2", "spring.data.redis.ssl.enabled", "true"));
    }

    @Test
    void theSecretWinsOverConfigFilesAndLosesToTheCommandLineAndTheEnvironment() {
        StandardEnvironment env = env("mcp-test/with-store", "spring.data.redis.url", "redis://localhost:6379");
        env.getPropertySources().addFirst(new SimpleCommandLinePropertySource("--spring.data.redis.url=redis://cli:1"));
        run(env);
        assertThat(env.getProperty("spring.data.redis.url")).isEqualTo("redis://cli:1");
        assertThat(env.getPropertySources().stream().map(s -> s.getName()).toList()).containsSubsequence(
                "commandLineArgs", "systemProperties", "systemEnvironment", SessionStoreSecret.SOURCE,
                "Config resource 'application.yaml'");
    }

    @Test
    void anExtensionWithoutSessionStoreAddsNothing() {
        StandardEnvironment env = env("mcp-test/without-store", "spring.data.redis.host", "redis.local");
        run(env);
        assertThat(env.getPropertySources().contains(SessionStoreSecret.SOURCE)).isFalse();
        assertThat(env.getProperty("spring.data.redis.host")).isEqualTo("redis.local");
    }

    @Test
    void withTheMemoryStoreWithoutKubernetesOrWithoutAnExtensionNothingIsRead() {
        // an API server that does not answer: any attempt to read would fail
        for (StandardEnvironment env : new StandardEnvironment[] {
                env("mcp-test/with-store", "mcp.gateway.store", "memory", "mcp.gateway.kubernetes.master-url", "http://127.0.0.1:1"),
                env("mcp-test/with-store", "mcp.gateway.kubernetes.enabled", "false", "mcp.gateway.kubernetes.master-url", "http://127.0.0.1:1"),
                env("", "mcp.gateway.kubernetes.master-url", "http://127.0.0.1:1")}) {
            run(env);
            assertThat(env.getPropertySources().contains(SessionStoreSecret.SOURCE)).isFalse();
        }
    }

    @Test
    void eachFailureIsOneMessageNamingTheExtensionAndTheSecret() {
        assertThatThrownBy(() -> run(env("mcp-test/nope"))).isInstanceOf(SessionStoreSecret.Failure.class)
                .hasMessage("Session store settings (mcp.gateway.store=redis): MCPGatewayExtension mcp-test/nope "
                        + "(mcp.gateway.kubernetes.extension) was not found at " + api.url() + "/")
                .hasNoCause();
        assertThatThrownBy(() -> run(env("mcp-test/missing-secret"))).isInstanceOf(SessionStoreSecret.Failure.class)
                .hasMessage("Session store settings (mcp.gateway.store=redis): Secret mcp-test/absent "
                        + "(spec.sessionStore.secretName of MCPGatewayExtension mcp-test/missing-secret) was not found");
        assertThatThrownBy(() -> run(env("mcp-test/no-address"))).isInstanceOf(SessionStoreSecret.Failure.class)
                .hasMessage("Session store settings (mcp.gateway.store=redis): Secret mcp-test/no-address "
                        + "(spec.sessionStore.secretName of MCPGatewayExtension mcp-test/no-address) has neither a url nor a host key");
        assertThatThrownBy(() -> run(env("just-a-name"))).isInstanceOf(SessionStoreSecret.Failure.class)
                .hasMessageContaining("mcp.gateway.kubernetes.extension must be namespace/name, not 'just-a-name'");
    }

    @Test
    void badValuesAreNamedByKeyWithoutTheValue() {
        secret("bad-url", Map.of("url", "http://user:pw@redis:6379"));
        extension("bad-url", "bad-url");
        assertThatThrownBy(() -> run(env("mcp-test/bad-url")))
                .hasMessageEndingWith("key url must be a redis:// or rediss:// URL").message().doesNotContain("pw");
        secret("bad-port", Map.of("host", "redis", "port", "six"));
        extension("bad-port", "bad-port");
        assertThatThrownBy(() -> run(env("mcp-test/bad-port"))).hasMessageEndingWith("key port must be a number");
    }

    @Test
    void anUnreachableApiServerFailsWithinSecondsWithTheCause() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> run(env("mcp-test/with-store", "mcp.gateway.kubernetes.master-url", "http://127.0.0.1:" + closed)))
                .isInstanceOf(SessionStoreSecret.Failure.class).hasNoCause()
                .hasMessageStartingWith("Session store settings (mcp.gateway.store=redis): cannot read MCPGatewayExtension "
                        + "mcp-test/with-store from the API server http://127.0.0.1:" + closed + "/: ");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }

    @Test
    void theGatewayDoesNotStartAndSaysWhyWithoutAStackTrace(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(GatewayApplication.class).run("--mcp.gateway.store=redis",
                "--mcp.gateway.kubernetes.enabled=true", "--mcp.gateway.kubernetes.master-url=" + api.url(),
                "--mcp.gateway.kubernetes.extension=mcp-test/missing-secret"))
                .isInstanceOf(SessionStoreSecret.Failure.class);
        assertThat(output).contains("APPLICATION FAILED TO START", "Secret mcp-test/absent "
                + "(spec.sessionStore.secretName of MCPGatewayExtension mcp-test/missing-secret) was not found")
                .doesNotContain("at io.fabric8", "at io.camelmcp");
    }
}
