package io.camelmcp.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.camelmcp.gateway.support.RawMcpClient;

/**
 * The container image the build made (target/jib-image.tar, profile "image"), checked as a runtime would see it: its
 * configuration (entrypoint, user, port, environment), its layers (base, Java runtime, dependencies, application with
 * its AOT cache), and then its file system started as the entrypoint says, as its user, with the JDK told to fail
 * rather than start without the AOT cache ({@code -XX:AOTMode=on}): the cache matches the image's JDK and jars.
 * No Docker engine: the layers are unpacked into a directory and run there (chroot), which needs root, as the build
 * of the image does.
 */
class ImageIT {

    static final Path IMAGE = Path.of(System.getProperty("gateway.image", "target/jib-image.tar"));
    static JsonNode config;
    static List<Path> layers = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(IMAGE).as("the build's image (./mvnw package without -DskipImage)").exists();
        Path image = Files.createDirectories(dir.resolve("image"));
        run("tar", "-C", image.toString(), "-xf", IMAGE.toString());
        JsonNode manifest = RawMcpClient.JSON.readTree(image.resolve("manifest.json").toFile()).get(0);
        config = RawMcpClient.JSON.readTree(image.resolve(manifest.path("Config").asText()).toFile());
        manifest.path("Layers").forEach(l -> layers.add(image.resolve(l.asText())));
    }

    @Test
    void theImageSaysHowItRuns() {
        JsonNode c = config.path("config");
        assertThat(c.path("Entrypoint")).extracting(JsonNode::asText)
                .containsExactly("java", "-XX:AOTCache=/app/app.aot", "-jar", "/app/gateway.jar");
        assertThat(c.path("User").asText()).as("not root").isEqualTo("10001");
        assertThat(c.path("ExposedPorts").has("8080/tcp")).isTrue();
        List<String> env = new ArrayList<>();
        c.path("Env").forEach(e -> env.add(e.asText()));
        assertThat(env).contains("JDK_JAVA_OPTIONS=-Dspring.aot.enabled=true", "SERVER_ADDRESS=0.0.0.0",
                "JAVA_HOME=/opt/java/openjdk");
        assertThat(env).anyMatch(e -> e.startsWith("PATH=/opt/java/openjdk/bin"));
        assertThat(config.path("os").asText()).isEqualTo("linux");
    }

    @Test
    void layersGoFromTheBaseToTheApplication() throws Exception {
        List<List<String>> files = new ArrayList<>();
        for (Path l : layers) {
            files.add(list(l).stream().filter(f -> !f.endsWith("/")).toList());
        }
        List<List<String>> nonEmpty = files.stream().filter(f -> !f.isEmpty()).toList();
        assertThat(nonEmpty).as("os, Java runtime, dependencies, application, in this order").hasSize(4);
        assertThat(nonEmpty.get(0)).anyMatch(f -> f.endsWith("/libc.so.6")).contains("./etc/passwd");
        assertThat(nonEmpty.get(1)).contains("./opt/java/openjdk/bin/java", "./opt/java/openjdk/lib/modules");
        assertThat(nonEmpty.get(2)).allMatch(f -> f.startsWith("app/lib/") && f.endsWith(".jar"), "only dependencies")
                .anyMatch(f -> f.contains("camel-core-engine"));
        assertThat(nonEmpty.get(3)).containsExactlyInAnyOrder("app/gateway.jar", "app/app.aot");
        for (List<String> l : files) {
            assertThat(l).as("Jib's own class-path layout is not in the image").noneMatch(f -> f.startsWith("jib/"));
        }
    }

    @Test
    void itStartsAsItsUserOnItsAotCacheAndServes() throws Exception {
        // not in the temporary directory, which JUnit deletes recursively: never through a mount left behind
        Files.createDirectories(Path.of("target", "image-it"));
        Path root = Path.of("target", "image-it").toRealPath().resolve("rootfs");
        unmount(root);
        run("rm", "-rf", "--one-file-system", root.toString());
        Files.createDirectories(root);
        for (Path l : layers) {
            run("tar", "--warning=no-unknown-keyword", "-C", root.toString(), "-xf", l.toString());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("env", "-i"));
        config.path("config").path("Env").forEach(e -> cmd.add(e.asText().startsWith("JDK_JAVA_OPTIONS=")
                ? e.asText() + " -XX:AOTMode=on" // no start without the cache: it must match this JDK and these jars
                : e.asText().startsWith("SERVER_ADDRESS=") ? "SERVER_ADDRESS=127.0.0.1" : e.asText()));
        cmd.addAll(List.of(chroot(), "--userspec=10001:10001", root.toString()));
        config.path("config").path("Entrypoint").forEach(e -> cmd.add(e.asText()));
        cmd.add("--server.port=" + port);
        Path log = Path.of("target", "image-it.log");
        run("mount", "--bind", "/proc", root.resolve("proc").toString());
        run("mount", "--bind", "/dev", root.resolve("dev").toString());
        Process p = null;
        try {
            long t0 = System.nanoTime();
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Process gw = p;
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!gw.isAlive()) {
                    throw new IllegalStateException("the image's entrypoint exited: " + Files.readString(log));
                }
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException e) {
                    return false;
                }
            });
            System.out.printf("image ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            String uid = Files.readAllLines(Path.of("/proc", Long.toString(javaPid(p)), "status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElse("");
            assertThat(uid.split("\\s+")[1]).as("runs as the image's user").isEqualTo("10001");

            RawMcpClient client = new RawMcpClient("http://127.0.0.1:" + port + "/mcp");
            client.initialize("2025-11-25");
            assertThat(client.request(2, "tools/call", "{\"name\":\"calc_add\",\"arguments\":{\"a\":2,\"b\":3}}")
                    .at("/result/content/0/text").asText()).isEqualTo("5");
        } finally {
            if (p != null) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
                p.waitFor();
            }
            unmount(root);
        }
        run("rm", "-rf", "--one-file-system", root.toString());
    }

    /** Undoes the bind mounts under root (a run that was killed may have left them), and checks none is left. */
    static void unmount(Path root) throws Exception {
        for (String m : List.of("dev", "proc")) {
            new ProcessBuilder("umount", root.resolve(m).toString()).redirectErrorStream(true).start().waitFor();
        }
        assertThat(Files.readString(Path.of("/proc/mounts"))).as("nothing mounted under " + root)
                .doesNotContain(" " + root + "/");
    }

    /** chroot by its path: env -i leaves no PATH to find it by. */
    static String chroot() {
        return java.util.stream.Stream.of("/usr/sbin/chroot", "/usr/bin/chroot", "/sbin/chroot")
                .filter(f -> Files.isExecutable(Path.of(f))).findFirst().orElseThrow(() -> new AssertionError("no chroot"));
    }

    /** The JVM under env and chroot (which exec it in place: the same process). */
    static long javaPid(Process p) {
        return p.descendants().map(ProcessHandle::pid).reduce((a, b) -> b).orElse(p.pid());
    }

    static List<String> list(Path layer) throws Exception {
        Process p = new ProcessBuilder("tar", "--warning=no-unknown-keyword", "-tf", layer.toString()).redirectErrorStream(true).start();
        List<String> names = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertThat(p.waitFor()).as(String.join("\n", names)).isZero();
        return names;
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

}
